//! What only `peershare dev` does with the call WebSocket: its in-process media node. The
//! behaviour every host shares is the conformance suite (`conformance/`), run on this host by
//! `signaling_local.rs`.

mod support;

use serde_json::{Value, json};
use support::{DEADLINE, Server, config, start};

#[tokio::test]
async fn a_third_participant_moves_the_call_to_the_in_process_media_node() {
    let server = start(config(&[])).await;
    let http = reqwest::Client::new();
    let (mut ada, _) = server.join("trio", "Ada").await;
    let (mut bob, _) = server.join("trio", "Bob").await;
    ada.recv_type("participant_joined").await;
    let mut cy = server.connect("trio").await;
    cy.send_json(json!({"type":"join","version":1,"display_name":"Cy","media":{"audio":true,"video":true}}))
        .await;
    cy.recv_type("waiting_for_media_node").await;
    let welcome = cy.recv_type("welcome").await;
    assert_eq!(welcome["mode"], "media_node");
    assert_eq!(welcome["participants"].as_array().map(Vec::len), Some(2));
    let access = welcome["media_node"].clone();
    assert_eq!(access["url"], "/media");
    let call = access["call_id"].as_str().expect("call id").to_owned();

    for client in [&mut ada, &mut bob] {
        let moved = client.recv_type("move_to_media_node").await;
        assert_eq!(moved["media_node"]["call_id"], call.as_str());
        assert_ne!(moved["media_node"]["token"], access["token"], "tokens are per participant");
    }
    ada.recv_type("participant_joined").await;

    // The token opens the node's door: with it, a bad offer is the only problem.
    let join_url = server.url(&format!("/media/v1/calls/{call}/participants"));
    let token = access["token"].as_str().expect("token");
    let with_token = http
        .post(&join_url)
        .bearer_auth(token)
        .json(&json!({"type":"offer","sdp":"v=0 not really"}))
        .send()
        .await
        .expect("request");
    assert_eq!(with_token.status(), 400);
    let body: Value = with_token.json().await.expect("json");
    assert_eq!(body["error"], "invalid_offer");
    let without =
        http.post(&join_url).json(&json!({"type":"offer","sdp":"v=0"})).send().await.expect("request");
    assert_eq!(without.status(), 401);
    assert_eq!(without.json::<Value>().await.expect("json")["error"], "missing_token");

    // When everyone has left, the call session on the node ends.
    assert_eq!(node_calls(&http, &server).await, 1);
    drop((ada, bob, cy));
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while node_calls(&http, &server).await != 0 {
        assert!(tokio::time::Instant::now() < deadline, "the call session outlived the call");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn node_calls(http: &reqwest::Client, server: &Server) -> u64 {
    let health: Value =
        http.get(server.url("/media/health")).send().await.expect("health").json().await.expect("json");
    health["calls"].as_u64().expect("calls")
}

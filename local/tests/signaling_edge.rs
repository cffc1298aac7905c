//! The signaling conformance suite on the Worker: its call rooms are Durable Objects in
//! workerd (the real Workers runtime), in front of a `peershare dev` as the API origin that
//! issues call passes. Needs the built Worker (`cargo xtask edge`).

mod support;
#[macro_use]
mod conformance;

use conformance::HostOptions;
use support::media_node::MediaNode;
use support::workerd::Workerd;
use support::{Server, config, start};

async fn edge(options: HostOptions) -> Server {
    let api = start(config(&[])).await;
    let jwks = reqwest::get(api.url("/api/auth/keys")).await.expect("keys").text().await.expect("text");
    let mut bindings = vec![
        ("API_ORIGIN", format!("http://{}", api.addr)),
        ("SESSION_JWKS", jwks),
        // The test-only route that makes a room drop its memory (see the hibernation test).
        ("TEST_HOOKS", "1".to_owned()),
    ];
    if let Some(capacity) = options.room_capacity {
        bindings.push(("ROOM_CAPACITY", capacity.to_string()));
    }
    // A real media node for calls of three or more, reached over HTTP like in production.
    let node = MediaNode::start("edge-test-node").await;
    let nodes = serde_json::json!([{ "id": node.id, "control_url": node.url, "public_url": node.url }]);
    bindings.push(("MEDIA_NODES", nodes.to_string()));
    bindings.push(("MEDIA_SIGNING_KEY", node.signing_key.clone()));
    let workerd = Workerd::start(&bindings).await;
    Server::fronting(workerd.addr, vec![Box::new(workerd), Box::new(api), Box::new(node)])
}

conformance_suite!(edge);

/// Hibernation: the room keeps nothing in memory that matters. Once the object drops its
/// in-memory room (as it does when it hibernates), it is rebuilt from storage and the sockets
/// the runtime kept, and the call goes on exactly as before: same participants and ids, the
/// relay between the open sockets, leaving.
#[tokio::test]
async fn a_room_rebuilt_from_storage_carries_on_as_before() {
    use serde_json::json;
    let host = edge(HostOptions::default()).await;
    let (mut ada, ada_id) = host.join("hibernate", "Ada").await;
    let (mut bob, bob_id) = host.join("hibernate", "Bob").await;
    ada.recv_type("participant_joined").await;
    let status = |host: &Server| {
        let url = host.url("/api/groups/hibernate/call/status");
        async move { reqwest::get(url).await.expect("status").json::<serde_json::Value>().await.expect("json") }
    };
    let before = status(&host).await;

    let forgot =
        reqwest::Client::new().post(host.url("/__test/rooms/hibernate/forget")).send().await.expect("forget");
    assert_eq!(forgot.status(), 204, "the test hook is on in the test config");
    assert_eq!(status(&host).await, before, "the room rebuilt from storage reports the same call");

    bob.send_json(json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"after"}}))
        .await;
    let offer = ada.recv_type("description").await;
    assert_eq!(
        (offer["from"].as_u64(), offer["description"]["sdp"].as_str()),
        (Some(u64::from(bob_id)), Some("after"))
    );
    ada.ping(3).await;

    reqwest::Client::new().post(host.url("/__test/rooms/hibernate/forget")).send().await.expect("forget");
    ada.send_json(json!({"type":"leave"})).await;
    let left = bob.recv_type("participant_left").await;
    assert_eq!((left["id"].as_u64(), left["reason"].as_str()), (Some(u64::from(ada_id)), Some("left")));
    let (_cy, cy_id) = host.join("hibernate", "Cy").await;
    assert!(cy_id > bob_id, "ids are never reused: {cy_id} after {bob_id}");
    assert_eq!(bob.recv_type("participant_joined").await["participant"]["display_name"], "Cy");
}

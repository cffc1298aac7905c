//! The call socket opens only for a valid call pass of that call: checked over real HTTP and
//! WebSocket against `peershare dev`, with passes issued by its own API.

mod support;

use serde_json::{Value, json};
use support::{config, refusal, start};

#[tokio::test]
async fn only_a_pass_for_this_call_opens_its_socket() {
    let server = start(config(&[])).await;
    let (status, body) = refusal(server.connect_with("link-call", None).await);
    assert_eq!((status, body["error"].as_str()), (401, Some("call_pass_required")));

    let (status, body) = refusal(server.connect_with("link-call", Some("not.a.jwt")).await);
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")));

    let other = server.guest_pass("other-call", "Vi").await;
    let (status, body) = refusal(server.connect_with("link-call", Some(&other)).await);
    assert_eq!((status, body["error"].as_str()), (403, Some("wrong_call")));

    // An account's access token is not a pass.
    let access = server.sign_in("Ada").await;
    let (status, body) = refusal(server.connect_with("link-call", Some(&access)).await);
    assert_eq!((status, body["error"].as_str()), (401, Some("call_pass_required")));

    let pass = server.guest_pass("link-call", "Vi").await;
    let mut client = server.connect_with("link-call", Some(&pass)).await.expect("opens");
    client.send_join("Vi", None).await;
    client.recv_type("welcome").await;
}

#[tokio::test]
async fn members_open_their_group_call_and_outsiders_and_guests_cannot_get_a_pass() {
    let server = start(config(&[])).await;
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "Team"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let pass = server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(&ada), json!({})).await;
    assert_eq!(pass["role"], "owner");
    let mut client = server.connect_with(&group, pass["token"].as_str()).await.expect("opens");
    client.send_join("Ada", None).await;
    client.recv_type("welcome").await;

    let pass_path = format!("/api/groups/{group}/call-pass");
    let (guest, refusal) =
        server.api(reqwest::Method::POST, &pass_path, None, Some(json!({"name": "Vi"}))).await;
    assert_eq!(
        (guest, refusal["error"].as_str()),
        (401, Some("guests_not_allowed")),
        "the group admits no guests"
    );
    // A group that does not exist answers an anonymous caller exactly the same.
    let missing = "/api/groups/g_doesnotexist0000/call-pass";
    let (status, body) = server.api(reqwest::Method::POST, missing, None, Some(json!({"name": "Vi"}))).await;
    assert_eq!((status, &body), (guest, &refusal), "asking cannot tell which groups exist");
    let bob = server.sign_in("Bob").await;
    let (outsider, _) = server.api(reqwest::Method::POST, &pass_path, Some(&bob), Some(json!({}))).await;
    assert_eq!(outsider, 404, "outsiders do not learn the group exists");
    let (status, _) = server.api(reqwest::Method::POST, missing, Some(&bob), Some(json!({}))).await;
    assert_eq!(status, 404, "nor that it does not");
}

#[tokio::test]
async fn a_plain_get_on_the_socket_route_is_told_to_upgrade_and_the_openapi_lists_every_route() {
    let server = start(config(&[])).await;
    let pass = server.guest_pass("link-call", "Vi").await;
    let reply = reqwest::Client::new()
        .get(server.url("/api/groups/link-call/call"))
        .header("sec-websocket-protocol", format!("peershare.v1, peershare.pass.{pass}"))
        .send()
        .await
        .expect("request");
    assert_eq!(reply.status(), 426);
    let body: Value = reply.json().await.expect("json");
    assert_eq!(body["error"], "upgrade_required");

    let doc: Value =
        reqwest::get(server.url("/api/openapi.json")).await.expect("get").json().await.expect("json");
    for path in
        ["/api/groups", "/api/groups/{id}/call", "/api/turn-credentials", "/api/groups/{id}/call-pass"]
    {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
}

/// Polls a group's call history until `done` holds for it.
async fn history_until(
    server: &support::Server,
    group: &str,
    token: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let url = server.url(&format!("/api/groups/{group}/calls"));
    let deadline = tokio::time::Instant::now() + support::DEADLINE;
    loop {
        let reply = reqwest::Client::new().get(&url).bearer_auth(token).send().await.expect("request");
        let history: Value = reply.json().await.expect("json");
        if done(&history) {
            return history;
        }
        assert!(tokio::time::Instant::now() < deadline, "history never got there: {history}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// One account holds one seat: Ada opening the call on her phone while her laptop is in it
/// takes the laptop's seat (the laptop is told it was replaced), and the history shows one
/// stint, under the pass's name.
#[tokio::test]
async fn a_second_device_takes_over_the_seat_and_the_history_shows_one_stint() {
    let server = start(config(&[])).await;
    let ada = server.post_ok("/api/auth/dev", None, json!({"name": "Ada"})).await;
    let (token, ada_id) =
        (ada["access_token"].as_str().expect("token"), ada["user"]["id"].as_str().expect("id"));
    let group = server.post_ok("/api/groups", Some(token), json!({"name": "Team"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let pass = server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(token), json!({})).await;
    let mut laptop = server.connect_with(&group, pass["token"].as_str()).await.expect("opens");
    laptop.send_join("Not Ada", None).await;
    let seat = laptop.recv_type("welcome").await["you"].clone();
    let phone_pass = server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(token), json!({})).await;
    let mut phone = server.connect_with(&group, phone_pass["token"].as_str()).await.expect("opens");
    phone.send_join("Not Ada", None).await;
    assert_eq!(phone.recv_type("welcome").await["you"], seat, "the same seat");
    assert!(matches!(laptop.next().await, support::Received::Closed(Some(1000))), "the laptop is replaced");

    phone.send_json(json!({"type":"leave"})).await;
    let history = history_until(&server, &group, token, |h| h["calls"][0]["ended_at"].is_u64()).await;
    let stints = history["calls"][0]["participants"].as_array().expect("stints");
    assert_eq!(stints.len(), 1, "one stint: {history}");
    assert_eq!(
        (stints[0]["participant"].as_str(), stints[0]["display_name"].as_str()),
        (Some(ada_id), Some("Ada")),
        "the call shows the pass's name, not the one the client put in join"
    );
    assert!(stints[0]["left_at"].is_u64());
}

#[tokio::test]
async fn a_reconnect_with_the_resume_key_continues_the_same_history_stint() {
    let server = start(config(&[])).await;
    let (ada, bob) = (server.sign_in("Ada").await, server.sign_in("Bob").await);
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "Team"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    server.add_members(&group, &ada, &[&bob]).await;
    let mut bob_call = server.join_as_account(&group, &bob, "Bob").await;
    bob_call.recv_type("welcome").await;
    let key = Some("ada-history-resume-key-01");
    let ada_pass = server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(&ada), json!({})).await;
    let mut first = server.connect_with(&group, ada_pass["token"].as_str()).await.expect("opens");
    first.send_join("Ada", key).await;
    first.recv_type("welcome").await;

    // Ada's network blips: a new connection takes her seat back with her resume key.
    let mut second = server.connect_with(&group, ada_pass["token"].as_str()).await.expect("opens");
    second.send_join("Ada", key).await;
    second.recv_type("welcome").await;
    second.send_json(json!({"type":"leave"})).await;
    let history = history_until(&server, &group, &ada, |h| {
        h["calls"][0]["participants"].as_array().is_some_and(|p| p.iter().any(|s| s["left_at"].is_u64()))
    })
    .await;
    let stints: Vec<_> = history["calls"][0]["participants"]
        .as_array()
        .expect("stints")
        .iter()
        .map(|s| (s["display_name"].as_str().unwrap_or_default().to_owned(), s["left_at"].is_u64()))
        .collect();
    assert_eq!(
        stints,
        vec![("Bob".to_owned(), false), ("Ada".to_owned(), true)],
        "one stint for Ada across her reconnect, ended when she left: {history}"
    );
    drop((first, bob_call));
}

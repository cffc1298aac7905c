//! The HTTP endpoints of `peershare dev`, over real sockets.

mod support;

use peershare_core::turn_credentials::password_for;
use serde_json::Value;
use std::time::{SystemTime, UNIX_EPOCH};
use support::{config, start};

async fn get(url: String) -> (u16, Value) {
    let res = reqwest::get(url).await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.expect("JSON body"))
}

#[tokio::test]
async fn healthz_reports_ok_and_counts_rooms() {
    let server = start(config(&[])).await;
    let (_ada, _) = server.join("health", "Ada").await;
    let (status, body) = get(server.url("/healthz")).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["rooms"], 1);
}

/// `GET /api/turn-credentials` with a call pass.
async fn turn_credentials(server: &support::Server, pass: &str) -> (u16, Value) {
    let reply = reqwest::Client::new()
        .get(server.url("/api/turn-credentials"))
        .bearer_auth(pass)
        .send()
        .await
        .expect("request");
    (reply.status().as_u16(), reply.json().await.expect("JSON body"))
}

#[tokio::test]
async fn turn_credentials_without_turn_are_host_only() {
    let server = start(config(&[])).await;
    let pass = server.guest_pass("host-only", "Ada").await;
    let (status, body) = turn_credentials(&server, &pass).await;
    assert_eq!(status, 200);
    assert_eq!(body["iceServers"], serde_json::json!([]));
    assert_eq!(body["iceTransportPolicy"], "all");
    assert_eq!(body["ttlSeconds"], 3600);
}

#[tokio::test]
async fn turn_credentials_are_signed_with_the_shared_secret_and_expire() {
    let server = start(config(&[
        "--turn-urls",
        "turn:127.0.0.1:3478?transport=udp",
        "--turn-secret",
        "hunter2",
        "--turn-ttl-secs",
        "600",
        "--ice-transport-policy",
        "relay",
    ]))
    .await;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    let pass = server.guest_pass("relay", "Ada").await;
    let (_, body) = turn_credentials(&server, &pass).await;
    let a = &body["iceServers"][0];
    let username = a["username"].as_str().expect("username");
    let (expiry, user) = username.split_once(':').expect("expiry:user");
    let expiry: u64 = expiry.parse().expect("numeric expiry");
    assert!((now + 600..=now + 602).contains(&expiry), "expiry {expiry} is now+ttl");
    let holder = pass_subject(&pass);
    assert_eq!(user, holder, "the credentials are in the pass holder's name");
    assert_eq!(a["credential"], password_for("hunter2", username));
    assert_eq!(a["urls"][0], "turn:127.0.0.1:3478?transport=udp");
    assert_eq!(body["iceTransportPolicy"], "relay");
    let other = server.guest_pass("relay", "Bob").await;
    let (_, again) = turn_credentials(&server, &other).await;
    assert_ne!(again["iceServers"][0]["username"], a["username"], "each holder gets their own user");
}

/// A member's pass lives ten minutes: TURN credentials issued with it expire with it, however
/// long the configured lifetime.
#[tokio::test]
async fn turn_credentials_never_outlive_the_pass_they_were_issued_for() {
    let server = start(config(&[
        "--turn-urls",
        "turn:127.0.0.1:3478",
        "--turn-secret",
        "hunter2",
        "--turn-ttl-secs",
        "3600",
    ]))
    .await;
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), serde_json::json!({"name": "Team"})).await;
    let group = group["id"].as_str().expect("id");
    let pass =
        server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(&ada), serde_json::json!({})).await;
    let (status, body) = turn_credentials(&server, pass["token"].as_str().expect("token")).await;
    assert_eq!(status, 200, "{body}");
    let pass_expiry = pass["expires_at"].as_u64().expect("expires_at") / 1000;
    assert_eq!(body["expiresAt"].as_u64(), Some(pass_expiry), "{body}");
    assert!(body["ttlSeconds"].as_u64().is_some_and(|ttl| ttl <= 600), "{body}");
}

/// The `sub` claim of a JWT (read, not verified).
fn pass_subject(pass: &str) -> String {
    use base64::Engine;
    let claims = pass.split('.').nth(1).expect("a JWT");
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims).expect("base64url");
    let claims: Value = serde_json::from_slice(&json).expect("claims");
    claims["sub"].as_str().expect("sub").to_owned()
}

#[tokio::test]
async fn bad_group_ids_and_unknown_routes_get_json_errors() {
    let server = start(config(&[])).await;
    let (status, body) = get(server.url("/api/groups/not%20valid/call/status")).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_group_id");
    assert!(body["message"].as_str().expect("message").contains("letters, digits"));
    let (status, body) = get(server.url(&format!("/api/groups/{}/call/status", "a".repeat(65)))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_group_id")));
    let (status, body) = get(server.url("/api/nope")).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn call_status_counts_participants() {
    let server = start(config(&["--room-capacity", "2"])).await;
    let (_, body) = get(server.url("/api/groups/count-me/call/status")).await;
    assert_eq!(body, serde_json::json!({"participants": 0, "capacity": 2, "joinable": true}));
    let (_ada, _) = server.join("count-me", "Ada").await;
    let (_, body) = get(server.url("/api/groups/count-me/call/status")).await;
    assert_eq!((body["participants"].as_u64(), body["joinable"].as_bool()), (Some(1), Some(true)));
    let (_bob, _) = server.join("count-me", "Bob").await;
    let (_, body) = get(server.url("/api/groups/count-me/call/status")).await;
    assert_eq!(body["joinable"], false, "the room is at capacity");
}

#[tokio::test]
async fn a_missing_web_client_is_explained() {
    let server = start(config(&["--web-dir", "/nonexistent-peershare-web"])).await;
    let (status, body) = get(server.url("/c/abc-defg-hij")).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"], "web_client_missing");
}

#[tokio::test]
async fn the_web_client_is_served_for_every_client_route() {
    let dir = std::env::temp_dir().join(format!("peershare-web-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("assets")).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>PeerShare</title>").expect("index");
    std::fs::write(dir.join("assets/app.js"), "console.log(1)").expect("asset");
    let server = start(config(&["--web-dir", dir.to_str().expect("utf8")])).await;
    for path in ["/", "/c/abc-defg-hij"] {
        let body = reqwest::get(server.url(path)).await.expect("get").text().await.expect("text");
        assert!(body.contains("<title>PeerShare</title>"), "{path} serves index.html");
    }
    let js = reqwest::get(server.url("/assets/app.js")).await.expect("get");
    assert_eq!(js.headers()["content-type"], "text/javascript");
}

#[tokio::test]
async fn rooms_close_once_everyone_has_gone() {
    let server = start(config(&[])).await;
    let (ada, _) = server.join("short-lived", "Ada").await;
    let (mut bob, _) = server.join("short-lived", "Bob").await;
    bob.send_json(serde_json::json!({"type":"leave"})).await;
    drop(ada);
    let deadline = std::time::Instant::now() + support::DEADLINE;
    loop {
        let (_, body) = get(server.url("/healthz")).await;
        if body["rooms"] == 0 && body["connections"] == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "room still open: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

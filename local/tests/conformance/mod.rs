//! The signaling conformance suite: written once against a host's address, run against every
//! host (`peershare dev`, and the Worker with its Durable Objects in workerd). A difference in
//! behaviour is a bug in a host, never a second copy of room logic.

use crate::support::{DEADLINE, Received, Server, refusal};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

pub async fn two_clients_exchange_offers_answers_and_candidates(server: &Server) {
    let (mut ada, ada_id) = server.join("team-sync", "Ada").await;
    let (mut bob, bob_id) = server.join("team-sync", "Bob").await;
    let joined = ada.recv_type("participant_joined").await;
    assert_eq!(joined["participant"]["display_name"], "Bob");
    assert_eq!(joined["participant"]["polite"], true);

    bob.send_json(
        json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"v=0\r\no=bob"}}),
    )
    .await;
    let offer = ada.recv_type("description").await;
    assert_eq!(offer["from"], bob_id);
    assert_eq!(offer["description"], json!({"type":"offer","sdp":"v=0\r\no=bob"}));

    ada.send_json(
        json!({"type":"description","to":bob_id,"description":{"type":"answer","sdp":"v=0\r\no=ada"}}),
    )
    .await;
    assert_eq!(bob.recv_type("description").await["description"]["type"], "answer");

    let candidate = json!({"candidate":"candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"u1"});
    bob.send_json(json!({"type":"ice_candidate","to":ada_id,"candidate":candidate})).await;
    let got = ada.recv_type("ice_candidate").await;
    assert_eq!(got["candidate"], candidate);
    ada.send_json(json!({"type":"ice_candidate","to":bob_id,"candidate":null})).await;
    assert_eq!(bob.recv_type("ice_candidate").await["candidate"], serde_json::Value::Null);
}

pub async fn chat_reaches_everyone_junk_is_refused_and_a_late_joiner_sees_it(server: &Server) {
    let (mut ada, ada_id) = server.join("team-chat", "Ada").await;
    let (mut bob, _) = server.join("team-chat", "Bob").await;
    ada.recv_type("participant_joined").await;
    ada.send_json(json!({"type":"chat","text":"<b>not bold</b> https://example.com"})).await;
    for client in [&mut ada, &mut bob] {
        let message = client.recv_type("chat").await["message"].clone();
        assert_eq!(message["seq"], 1);
        assert_eq!(message["from"], ada_id);
        assert_eq!(message["name"], "Ada");
        assert_eq!(message["text"], "<b>not bold</b> https://example.com", "text as sent, never rewritten");
    }
    bob.send_json(json!({"type":"chat","text":"   "})).await;
    let refused = bob.recv_type("error").await;
    assert_eq!(
        (refused["code"].as_str(), refused["fatal"].as_bool()),
        (Some("invalid_chat_message"), Some(false))
    );
    // Bob leaves, and Cy, joining after, is welcomed with what was said.
    bob.send_json(json!({"type":"leave"})).await;
    ada.recv_type("participant_left").await;
    let pass = server.guest_pass("team-chat", "Cy").await;
    let mut cy = server.connect_with("team-chat", Some(&pass)).await.expect("connect");
    cy.send_join("Cy", None).await;
    let welcome = cy.recv_type("welcome").await;
    let said: Vec<&str> = welcome["chat"]
        .as_array()
        .expect("the chat so far")
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(said, ["<b>not bold</b> https://example.com"]);
}

pub async fn rooms_of_different_groups_do_not_hear_each_other(server: &Server) {
    let (mut ada, _) = server.join("group-a", "Ada").await;
    let (mut bob, bob_id) = server.join("group-b", "Bob").await;
    assert_eq!(bob_id, 1, "each group's room numbers its own participants");
    ada.send_json(json!({"type":"description","to":bob_id,"description":{"type":"offer","sdp":"x"}})).await;
    // Ada is participant 1 of group-a, so "to: 1" addresses herself, not Bob.
    assert_eq!(ada.recv_type("error").await["code"], "cannot_signal_self");
    bob.ping(7).await;
}

pub async fn bad_frames_get_typed_errors_and_the_connection_and_room_survive(server: &Server) {
    let (mut ada, ada_id) = server.join("robust", "Ada").await;
    let (mut bob, bob_id) = server.join("robust", "Bob").await;
    ada.recv_type("participant_joined").await;

    let oversize = format!(r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#, "x".repeat(100 * 1024));
    for (frame, code) in [
        ("this is not json".to_owned(), "malformed_message"),
        (r#"{"type":"teleport","to":1}"#.to_owned(), "unknown_message_type"),
        (r#"{"type":"description","to":"nobody"}"#.to_owned(), "malformed_message"),
        (oversize, "message_too_large"),
    ] {
        bob.send_text(frame).await;
        let err = bob.recv_type("error").await;
        assert_eq!(err["code"], code);
        assert_eq!(err["category"], "invalid_request");
        assert_eq!(err["fatal"], false);
    }
    bob.ws.send(Message::binary(vec![1u8, 2, 3])).await.expect("send binary");
    assert_eq!(bob.recv_type("error").await["code"], "binary_not_supported");

    // Both connections and the relay still work.
    bob.send_json(
        json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"still here"}}),
    )
    .await;
    assert_eq!(ada.recv_type("description").await["from"], bob_id);
    let status = server.call_status("robust").await;
    assert_eq!(status["participants"], 2);
}

pub async fn frames_beyond_the_transport_limit_close_only_that_connection(server: &Server) {
    let (mut ada, _) = server.join("huge", "Ada").await;
    let (mut bob, bob_id) = server.join("huge", "Bob").await;
    ada.recv_type("participant_joined").await;
    let _ = bob.ws.send(Message::text("x".repeat(2 * 1024 * 1024))).await;
    // 1009: "message too big", after whatever was queued for Bob before it.
    loop {
        match bob.next().await {
            Received::Json(_) => continue,
            Received::Closed(code) => {
                assert_eq!(code, Some(1009), "closed as too big");
                break;
            }
        }
    }
    let left = ada.recv_type("participant_left").await;
    assert_eq!(left["id"], bob_id);
    ada.ping(1).await;
}

pub async fn a_flood_is_relayed_only_up_to_the_rate_limit(server: &Server) {
    let (mut ada, ada_id) = server.join("flood", "Ada").await;
    let (mut bob, bob_id) = server.join("flood", "Bob").await;
    ada.recv_type("participant_joined").await;
    // Core's limit: a burst of 200, then 50 a second. Sending a thousand takes well under the
    // 16 s after which the rate alone would let them all through.
    const FLOOD: usize = 1000;
    let offer = json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"flood"}});
    for _ in 0..FLOOD {
        bob.send_json(offer.clone()).await;
    }
    let refused = bob.recv_type("error").await;
    assert_eq!(refused["code"], "rate_limited");
    assert_eq!(refused["category"], "overload");
    assert_eq!(refused["fatal"], false);
    // Once the budget refills, Bob is heard again: a marker ends what Ada counts.
    let marker = json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"marker"}});
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut relayed = 0;
    'marker: loop {
        assert!(tokio::time::Instant::now() < deadline, "Bob's marker never reached Ada");
        bob.send_json(marker.clone()).await;
        // Ada reads what arrived; a marker that was dropped is sent again.
        loop {
            let next = tokio::time::timeout(std::time::Duration::from_millis(500), ada.ws.next()).await;
            let Ok(Some(Ok(Message::Text(text)))) = next else { break };
            let message: Value = serde_json::from_str(&text).expect("json");
            if message["type"] != "description" {
                continue;
            }
            assert_eq!(message["from"], bob_id);
            if message["description"]["sdp"] == "marker" {
                break 'marker;
            }
            relayed += 1;
        }
    }
    assert!((200..FLOOD).contains(&relayed), "{relayed} of {FLOOD} relayed");
    // The flood cost Bob nothing else: his connection and the room still work.
    ada.ping(1).await;
    let status = server.call_status("flood").await;
    assert_eq!(status["participants"], 2);
}

pub async fn messages_before_join_are_refused_with_not_joined(server: &Server) {
    let mut early = server.connect("order").await;
    early.send_json(json!({"type":"media_state","media":{"audio":false,"video":false}})).await;
    assert_eq!(early.recv_type("error").await["code"], "not_joined");
    early.send_join("Ada", None).await;
    early.recv_type("welcome").await;
}

pub async fn a_client_that_vanishes_is_removed_and_the_other_is_told(server: &Server) {
    let (mut ada, _) = server.join("vanish", "Ada").await;
    let (bob, bob_id) = server.join("vanish", "Bob").await;
    ada.recv_type("participant_joined").await;
    // Drop the TCP connection without a WebSocket close handshake.
    drop(bob);
    let left = ada.recv_type("participant_left").await;
    assert_eq!(left["id"], bob_id);
    assert_eq!(left["reason"], "connection_lost");
}

pub async fn leave_and_rejoin_with_the_same_name(server: &Server) {
    let (mut ada, _) = server.join("rejoin", "Ada").await;
    let (mut bob, bob_id) = server.join("rejoin", "Bob").await;
    ada.recv_type("participant_joined").await;
    bob.send_json(json!({"type":"leave"})).await;
    assert!(matches!(bob.next().await, Received::Closed(Some(1000))));
    assert_eq!(ada.recv_type("participant_left").await["reason"], "left");
    let (_bob2, bob2_id) = server.join("rejoin", "Bob").await;
    assert_ne!(bob2_id, bob_id);
    assert_eq!(ada.recv_type("participant_joined").await["participant"]["display_name"], "Bob");
}

/// Needs a host whose rooms hold two participants.
pub async fn a_full_room_refuses_with_room_full(server: &Server) {
    let (_ada, _) = server.join("full", "Ada").await;
    let (_bob, _) = server.join("full", "Bob").await;
    let mut cy = server.connect("full").await;
    cy.send_join("Cy", None).await;
    let err = cy.recv_type("error").await;
    assert_eq!(err["code"], "room_full");
    assert_eq!(err["category"], "capacity");
    assert!(matches!(cy.next().await, Received::Closed(Some(4010))));
}

/// Needs a host with a media node.
pub async fn a_third_participant_moves_the_call_to_a_media_node(server: &Server) {
    let http = reqwest::Client::new();
    let (mut ada, _) = server.join("trio", "Ada").await;
    let (mut bob, _) = server.join("trio", "Bob").await;
    ada.recv_type("participant_joined").await;
    let mut cy = server.connect("trio").await;
    cy.send_join("Cy", None).await;
    cy.recv_type("waiting_for_media_node").await;
    let welcome = cy.recv_type("welcome").await;
    assert_eq!(welcome["mode"], "media_node");
    assert_eq!(welcome["participants"].as_array().map(Vec::len), Some(2));
    let access = welcome["media_node"].clone();
    // The node's control API, as browsers reach it: a path on this host, or a URL of its own.
    let node = match access["url"].as_str().expect("the node's URL") {
        path if path.starts_with('/') => server.url(path),
        url => url.to_owned(),
    };
    let call = access["call_id"].as_str().expect("call id").to_owned();

    for client in [&mut ada, &mut bob] {
        let moved = client.recv_type("move_to_media_node").await;
        assert_eq!(moved["media_node"]["call_id"], call.as_str());
        assert_ne!(moved["media_node"]["token"], access["token"], "tokens are per participant");
    }
    ada.recv_type("participant_joined").await;

    // The token opens the node's door: with it, a bad offer is the only problem.
    let join_url = format!("{node}/v1/calls/{call}/participants");
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

    // Cy leaves: the room removes Cy from the node, and Cy's media token, though not expired,
    // no longer admits anyone there.
    cy.send_json(json!({"type":"leave"})).await;
    assert_eq!(ada.recv_type("participant_left").await["reason"], "left");
    node_refuses_token(&http, &join_url, token).await;

    // Its figures are not on the public control API (nor CORS-readable), only on the private
    // operators' address.
    for path in ["health", "metrics"] {
        let public = http.get(format!("{node}/{path}")).send().await.expect("request");
        assert_eq!(public.status(), 404, "{node}/{path} is public");
    }
    let ops = server.node_ops.clone().expect("the host's node has an operators' address");
    // When everyone has left, the call session on the node ends.
    assert_eq!(node_calls(&http, &ops).await, 1);
    drop((ada, bob, cy));
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while node_calls(&http, &ops).await != 0 {
        assert!(tokio::time::Instant::now() < deadline, "the call session outlived the call");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Call sessions open on the node whose operators' routes are at `ops`.
async fn node_calls(http: &reqwest::Client, ops: &str) -> u64 {
    let health: Value =
        http.get(format!("{ops}/health")).send().await.expect("health").json().await.expect("json");
    health["calls"].as_u64().expect("calls")
}

/// A client whose connection blipped reconnects with its resume key while the old connection
/// still looks open: it takes back its seat (same id), the old connection is closed, and the
/// others hear it left as `reconnected` and joined again; nobody is in the call twice.
pub async fn a_reconnect_with_the_resume_key_takes_back_the_seat(server: &Server) {
    const KEY: &str = "bobs-call-session-key-0001";
    let (mut ada, ada_id) = server.join("resume", "Ada").await;
    let (mut bob, bob_id) = server.join_resuming("resume", "Bob", KEY).await;
    ada.recv_type("participant_joined").await;

    let (mut bob_again, id) = server.join_resuming("resume", "Bob", KEY).await;
    assert_eq!(id, bob_id, "the same seat");
    assert!(matches!(bob.next().await, Received::Closed(Some(1000))), "the old connection is replaced");
    let left = ada.recv_type("participant_left").await;
    assert_eq!(
        (left["id"].as_u64(), left["reason"].as_str()),
        (Some(u64::from(bob_id)), Some("reconnected"))
    );
    assert_eq!(ada.recv_type("participant_joined").await["participant"]["id"], bob_id);

    ada.send_json(json!({"type":"description","to":bob_id,"description":{"type":"offer","sdp":"again"}}))
        .await;
    let offer = bob_again.recv_type("description").await;
    assert_eq!(
        (offer["from"].as_u64(), offer["description"]["sdp"].as_str()),
        (Some(u64::from(ada_id)), Some("again"))
    );
    let status = server.call_status("resume").await;
    assert_eq!(status["participants"], 2, "nobody is counted twice");
}

/// The call socket refuses, before any room sees it, every token that is not a valid call pass
/// for this call, with the same status and JSON error on every host.
pub async fn bad_passes_are_refused_with_the_same_json_errors(server: &Server) {
    use peershare_core::auth::AccessClaims;
    use peershare_core::{GroupId, Timestamp};
    let call = GroupId::parse("gate").expect("id");
    let now = Timestamp::from_millis(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis()
            as u64,
    );
    let day_ago = Timestamp::from_millis(now.as_millis() - 24 * 3600 * 1000);
    let expired = server.sign_as_api(&AccessClaims::guest("g1", "Vi", call.clone(), day_ago));
    let other_call =
        server.sign_as_api(&AccessClaims::guest("g1", "Vi", GroupId::parse("elsewhere").expect("id"), now));
    let account = server.sign_as_api(&AccessClaims::user("u1", "Ada", now));
    let valid = server.sign_as_api(&AccessClaims::guest("g1", "Vi", call, now));
    let forged = {
        // The same claims under someone else's key id and signature.
        let (head, rest) = valid.split_once('.').expect("a JWT");
        let (claims, _) = rest.split_once('.').expect("a JWT");
        let _ = head;
        format!("eyJhbGciOiJFZERTQSIsImtpZCI6Im1hbGxvcnkiLCJ0eXAiOiJKV1QifQ.{claims}.c2lnbmF0dXJl")
    };
    let unsigned = {
        let (_, rest) = valid.split_once('.').expect("a JWT");
        let (claims, _) = rest.split_once('.').expect("a JWT");
        format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{claims}.")
    };
    for (pass, status, code) in [
        (None, 401, "call_pass_required"),
        (Some("not.a.jwt"), 401, "invalid_token"),
        (Some(expired.as_str()), 401, "token_expired"),
        (Some(other_call.as_str()), 403, "wrong_call"),
        (Some(account.as_str()), 401, "call_pass_required"),
        (Some(forged.as_str()), 401, "invalid_token"),
        (Some(unsigned.as_str()), 401, "invalid_token"),
    ] {
        let (got_status, body) = refusal(server.connect_with("gate", pass).await);
        assert_eq!((got_status, body["error"].as_str()), (status, Some(code)), "pass {pass:?}");
    }
    let mut client = server.connect_with("gate", Some(&valid)).await.expect("a valid pass opens");
    client.send_join("Vi", None).await;
    assert_eq!(client.recv_type("welcome").await["participants"], json!([]));
}

/// TURN credentials (a relay the operator pays for) go to holders of a call pass only, on every
/// host, with the same JSON errors as the call socket.
pub async fn turn_credentials_are_only_for_holders_of_a_call_pass(server: &Server) {
    use peershare_core::auth::AccessClaims;
    use peershare_core::{GroupId, Timestamp};
    let now = Timestamp::from_millis(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_millis()
            as u64,
    );
    let day_ago = Timestamp::from_millis(now.as_millis() - 24 * 3600 * 1000);
    let call = GroupId::parse("turn-gate").expect("id");
    let expired = server.sign_as_api(&AccessClaims::guest("g1", "Vi", call.clone(), day_ago));
    let account = server.sign_as_api(&AccessClaims::user("u1", "Ada", now));
    let ask = |authorization: Option<String>| {
        let request = reqwest::Client::new().get(server.url("/api/turn-credentials"));
        let request = match authorization {
            Some(value) => request.header("authorization", value),
            None => request,
        };
        async move {
            let reply = request.send().await.expect("request");
            (reply.status().as_u16(), reply.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    for (authorization, status, code) in [
        (None, 401, "call_pass_required"),
        (Some("Basic YWRhOmFkYQ==".to_owned()), 401, "call_pass_required"),
        (Some("Bearer not.a.jwt".to_owned()), 401, "invalid_token"),
        (Some(format!("Bearer {expired}")), 401, "token_expired"),
        (Some(format!("Bearer {account}")), 401, "call_pass_required"),
    ] {
        let (got, body) = ask(authorization.clone()).await;
        assert_eq!((got, body["error"].as_str()), (status, Some(code)), "{authorization:?}");
    }
    let pass = server.guest_pass("turn-gate", "Vi").await;
    let (status, body) = ask(Some(format!("Bearer {pass}"))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["iceServers"].is_array(), "{body}");
    assert!(body["ttlSeconds"].as_u64().is_some_and(|ttl| ttl > 0 && ttl <= 3600), "{body}");

    // Asked far too often by one holder: the burst, then 429; another holder is not affected.
    let mut answers = Vec::new();
    for _ in 0..peershare_core::turn_quota::TURN_BURST + 5 {
        answers.push(ask(Some(format!("Bearer {pass}"))).await);
    }
    let ok = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(ok as u32, peershare_core::turn_quota::TURN_BURST - 1, "the burst, less the request above");
    let (status, body) = answers.last().expect("answers").clone();
    assert_eq!((status, body["error"].as_str()), (429, Some("rate_limited")), "{body}");
    let other = server.guest_pass("turn-gate", "Wu").await;
    assert_eq!(ask(Some(format!("Bearer {other}"))).await.0, 200);
}

/// Every page of the web client carries the same security headers on every host, the app's
/// own paths get its page, and a missing file is a JSON 404 (never the page in its place).
pub async fn pages_carry_the_security_headers_and_a_missing_file_is_404(server: &Server) {
    let http = reqwest::Client::new();
    for (path, kind) in
        [("/", "text/html"), ("/c/kqz-4tmp-wrd", "text/html"), ("/assets/app.js", "javascript")]
    {
        let reply = http.get(server.url(path)).send().await.expect("request");
        assert_eq!(reply.status(), 200, "{path}");
        let header = |name: &str| {
            reply.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
        };
        assert!(header("content-type").contains(kind), "{path}: {}", header("content-type"));
        let csp = header("content-security-policy");
        for directive in
            ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]
        {
            assert!(csp.contains(directive), "{path}: {directive} in {csp:?}");
        }
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{path}");
        assert!(header("permissions-policy").contains("camera=(self)"), "{path}");
    }
    for path in ["/assets/missing.js", "/favicon-gone.svg"] {
        let reply = http.get(server.url(path)).send().await.expect("request");
        assert_eq!(reply.status(), 404, "{path}");
        let body: Value = reply.json().await.expect("a JSON body");
        assert_eq!(body["error"], "not_found", "{path}");
    }
}

/// In a group's call everyone can tell members from guests, whatever names they pick: peers
/// carry what their passes say (a guest flag, a member's role), on every host.
pub async fn guests_in_a_group_call_are_marked_and_members_carry_their_role(server: &Server) {
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "Open house"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let settings = json!({"guests_allowed": true});
    let (status, _) = server
        .api(reqwest::Method::PATCH, &format!("/api/groups/{group}/settings"), Some(&ada), Some(settings))
        .await;
    assert_eq!(status, 200);
    let mut owner = server.join_as_account(&group, &ada, "Ada").await;
    owner.recv_type("welcome").await;
    // A guest who calls herself Ada as well.
    let pass = server.guest_pass(&group, "Ada").await;
    let mut guest = server.connect_with(&group, Some(&pass)).await.expect("a guest's pass opens");
    guest.send_join("Ada", None).await;
    let welcome = guest.recv_type("welcome").await;
    let seen = &welcome["participants"][0];
    assert_eq!((seen["guest"].as_bool(), seen["role"].as_str()), (Some(false), Some("owner")), "{welcome}");
    let joined = owner.recv_type("participant_joined").await;
    let newcomer = &joined["participant"];
    assert_eq!((newcomer["guest"].as_bool(), newcomer["role"].as_str()), (Some(true), None), "{joined}");
    assert_eq!(newcomer["display_name"], "Ada");
    // In a link call nobody is anybody's guest.
    let (mut x, _) = server.join("link-call-marks", "X").await;
    let (_y, _) = server.join("link-call-marks", "Y").await;
    assert_eq!(x.recv_type("participant_joined").await["participant"]["guest"], false);
}

/// Waits until the node at `join_url` refuses `token` as a removed participant's (the room tells
/// the node in the background).
async fn node_refuses_token(http: &reqwest::Client, join_url: &str, token: &str) {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let offer = json!({"type":"offer","sdp":"v=0 not really"});
        let reply = http.post(join_url).bearer_auth(token).json(&offer).send().await.expect("request");
        let status = reply.status();
        let body: Value = reply.json().await.expect("json");
        if status == 403 {
            assert_eq!(body["error"], "participant_removed");
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "the node still admits them: {status} {body}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Skips messages until one of type `ty`.
async fn skip_to(client: &mut crate::support::Client, ty: &str) -> Value {
    loop {
        let message = client.recv().await;
        if message["type"] == ty {
            return message;
        }
    }
}

/// Recording through the host: nothing is written until everyone agreed; then the call moves onto
/// a media node, the room's plan reaches the node (its `/health` counts the recording), the
/// audit trail reaches the group's recordings (started by Ada, with Ada and Bob), a stop ends it
/// on the node, and the composer on the API host finishes it (no media was sent, so it fails
/// with a reason).
pub async fn a_recording_needs_everyones_consent_and_reaches_the_node_and_the_groups_list(server: &Server) {
    let http = reqwest::Client::new();
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "Recorded"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let bob = server.sign_in("Bob").await;
    server.add_members(&group, &ada, &[&bob]).await;
    let mut ada_call = server.join_as_account(&group, &ada, "Ada").await;
    skip_to(&mut ada_call, "welcome").await;
    let mut bob_call = server.join_as_account(&group, &bob, "Bob").await;
    let bob_id = skip_to(&mut bob_call, "welcome").await["you"].clone();

    // A member may not start it (admins and owners may, by default); Ada asks, Bob is asked.
    bob_call.send_json(json!({"type": "start_recording"})).await;
    assert_eq!(skip_to(&mut bob_call, "error").await["code"], "recording_not_allowed");
    ada_call.send_json(json!({"type": "start_recording"})).await;
    let asked = skip_to(&mut bob_call, "recording_changed").await;
    assert_eq!(asked["recording"]["phase"], "asking", "{asked}");
    assert_eq!(asked["recording"]["waiting"], json!([bob_id]));
    let ops = server.node_ops.clone().expect("the host's node has an operators' address");
    assert_eq!(node_recordings(&http, &ops).await, 0, "nothing is recorded while Bob is asked");

    bob_call.send_json(json!({"type": "recording_consent", "allow": true})).await;
    for client in [&mut ada_call, &mut bob_call] {
        let recording = loop {
            let changed = skip_to(client, "recording_changed").await;
            if changed["recording"]["phase"] == "recording" {
                break changed;
            }
        };
        assert_eq!(recording["recording"]["recorded"].as_array().map(Vec::len), Some(2));
        skip_to(client, "move_to_media_node").await;
    }
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while node_recordings(&http, &ops).await != 1 {
        assert!(tokio::time::Instant::now() < deadline, "the node never heard the plan");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let listed = recordings_until(server, &group, &ada, |r| r["status"] == "recording").await;
    assert_eq!((&listed["started_by"], &listed["participants"]), (&json!("Ada"), &json!(["Ada", "Bob"])));
    let (status, _) =
        server.api(reqwest::Method::GET, &format!("/api/groups/{group}/recordings"), None, None).await;
    assert_eq!(status, 401, "the list is for members");

    ada_call.send_json(json!({"type": "stop_recording"})).await;
    for client in [&mut ada_call, &mut bob_call] {
        loop {
            let changed = skip_to(client, "recording_changed").await;
            if changed["recording"].is_null() {
                break;
            }
        }
    }
    while node_recordings(&http, &ops).await != 0 {
        assert!(tokio::time::Instant::now() < deadline + DEADLINE, "the node never heard the stop");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let done = recordings_until(server, &group, &ada, |r| r["status"] == "failed").await;
    assert_eq!(done["failure"], "nothing was recorded", "{done}");
}

/// Calls being recorded on the node whose operators' routes are at `ops`.
async fn node_recordings(http: &reqwest::Client, ops: &str) -> u64 {
    let health: Value =
        http.get(format!("{ops}/health")).send().await.expect("health").json().await.expect("json");
    health["recordings"].as_u64().expect("recordings")
}

/// The group's latest recording, once `done` says it is as wanted.
async fn recordings_until(server: &Server, group: &str, token: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + DEADLINE * 3;
    loop {
        let (status, list) = server
            .api(reqwest::Method::GET, &format!("/api/groups/{group}/recordings"), Some(token), None)
            .await;
        assert_eq!(status, 200, "{list}");
        if let Some(latest) = list["recordings"].get(0).filter(|r| done(r)) {
            return latest.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "the group's recordings stayed {list}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Reads until the connection closes: its close code.
async fn close_code(client: &mut crate::support::Client) -> Option<u16> {
    loop {
        if let Received::Closed(code) = client.next().await {
            return code;
        }
    }
}

/// Access ends when it should, on every host: a role change reaches everyone in the call;
/// guests switched off and a member removed are closed out of the call at once with a typed
/// reason, their media tokens no longer open the node, and the passes they hold no longer open
/// the call.
pub async fn access_ends_when_a_member_is_removed_or_guests_are_switched_off(server: &Server) {
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "Access"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let settings = format!("/api/groups/{group}/settings");
    let (status, _) = server
        .api(reqwest::Method::PATCH, &settings, Some(&ada), Some(json!({"guests_allowed": true})))
        .await;
    assert_eq!(status, 200);
    let bob = server.sign_in("Bob").await;
    server.add_members(&group, &ada, &[&bob]).await;
    let (_, members) =
        server.api(reqwest::Method::GET, &format!("/api/groups/{group}/members"), Some(&ada), None).await;
    let bob_id = members["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["display_name"] == "Bob")
        .and_then(|m| m["id"].as_str())
        .expect("Bob's id")
        .to_owned();

    let mut ada_call = server.join_as_account(&group, &ada, "Ada").await;
    skip_to(&mut ada_call, "welcome").await;
    let bob_pass = server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(&bob), json!({})).await;
    let bob_pass = bob_pass["token"].as_str().expect("pass").to_owned();
    let mut bob_call = server.connect_with(&group, Some(&bob_pass)).await.expect("opens");
    bob_call.send_join("Bob", None).await;
    let bob_in = skip_to(&mut bob_call, "welcome").await["you"].clone();
    let guest_pass = server.guest_pass(&group, "Visitor").await;
    let mut guest_call = server.connect_with(&group, Some(&guest_pass)).await.expect("opens");
    guest_call.send_join("Visitor", None).await;
    // A third person: the call moves to a media node.
    let guest_in = skip_to(&mut guest_call, "welcome").await["you"].clone();
    let moved = skip_to(&mut bob_call, "move_to_media_node").await;
    let access = &moved["media_node"];
    let node = match access["url"].as_str().expect("the node's URL") {
        path if path.starts_with('/') => server.url(path),
        url => url.to_owned(),
    };
    let join_url = format!("{node}/v1/calls/{}/participants", access["call_id"].as_str().expect("call"));
    let bob_media = access["token"].as_str().expect("token").to_owned();
    skip_to(&mut ada_call, "participant_joined").await;

    // Bob becomes an admin: everyone sees it, nobody leaves.
    let (status, _) = server
        .api(
            reqwest::Method::PATCH,
            &format!("/api/groups/{group}/members/{bob_id}"),
            Some(&ada),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_eq!(status, 200);
    for client in [&mut ada_call, &mut bob_call, &mut guest_call] {
        let changed = skip_to(client, "participant_role_changed").await;
        assert_eq!((&changed["id"], changed["role"].as_str()), (&bob_in, Some("admin")), "{changed}");
    }

    // Guests off: the guest is out at once, and their pass no longer opens the call.
    let (status, _) = server
        .api(reqwest::Method::PATCH, &settings, Some(&ada), Some(json!({"guests_allowed": false})))
        .await;
    assert_eq!(status, 200);
    let error = skip_to(&mut guest_call, "error").await;
    assert_eq!(
        (error["code"].as_str(), error["category"].as_str(), error["fatal"].as_bool()),
        (Some("access_revoked"), Some("access"), Some(true)),
        "{error}"
    );
    assert_eq!(close_code(&mut guest_call).await, Some(4016));
    let left = skip_to(&mut ada_call, "participant_left").await;
    assert_eq!(left["id"], guest_in);
    let mut again =
        server.connect_with(&group, Some(&guest_pass)).await.expect("the pass itself still verifies");
    assert_eq!(skip_to(&mut again, "error").await["code"], "access_revoked");
    assert_eq!(close_code(&mut again).await, Some(4016));

    // Bob removed: out at once, his media token refused by the node, his pass refused by the
    // room, and no new pass for him.
    let (status, _) = server
        .api(reqwest::Method::DELETE, &format!("/api/groups/{group}/members/{bob_id}"), Some(&ada), None)
        .await;
    assert_eq!(status, 204);
    let error = skip_to(&mut bob_call, "error").await;
    assert_eq!(
        (error["code"].as_str(), error["fatal"].as_bool()),
        (Some("access_revoked"), Some(true)),
        "{error}"
    );
    assert_eq!(close_code(&mut bob_call).await, Some(4016));
    let left = skip_to(&mut ada_call, "participant_left").await;
    assert_eq!(left["id"], bob_in);
    node_refuses_token(&reqwest::Client::new(), &join_url, &bob_media).await;
    let mut again =
        server.connect_with(&group, Some(&bob_pass)).await.expect("the pass itself still verifies");
    assert_eq!(skip_to(&mut again, "error").await["code"], "access_revoked");
    assert_eq!(close_code(&mut again).await, Some(4016));
    let (status, _) = server
        .api(reqwest::Method::POST, &format!("/api/groups/{group}/call-pass"), Some(&bob), Some(json!({})))
        .await;
    assert_eq!(status, 404, "no pass for someone who is no longer a member");
    // Ada's call goes on.
    ada_call.ping(41).await;
}

/// A group's call is written to its history by every host: on the Worker the room queues its
/// events and delivers them to the API, which writes each once.
pub async fn a_group_call_appears_in_the_groups_history_with_everyone_in_it(server: &Server) {
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "History"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let (bob, cy) = (server.sign_in("Bob").await, server.sign_in("Cy").await);
    server.add_members(&group, &ada, &[&bob, &cy]).await;
    let mut people = Vec::new();
    for (token, name) in [(&ada, "Ada"), (&bob, "Bob"), (&cy, "Cy")] {
        let mut client = server.join_as_account(&group, token, name).await;
        loop {
            let message = client.recv().await;
            if message["type"] == "welcome" {
                break;
            }
        }
        people.push(client);
    }
    for client in &mut people {
        client.send_json(json!({"type":"leave"})).await;
    }
    let path = format!("/api/groups/{group}/calls");
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let calls = loop {
        let (status, body) = server.api(reqwest::Method::GET, &path, Some(&ada), None).await;
        assert_eq!(status, 200, "{body}");
        if body["calls"][0]["ended_at"].is_u64() {
            break body;
        }
        assert!(tokio::time::Instant::now() < deadline, "the call never reached the history: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let list = calls["calls"].as_array().expect("calls");
    assert_eq!(list.len(), 1, "one call: {calls}");
    assert!(list[0]["duration_ms"].is_u64(), "{calls}");
    let mut names: Vec<_> = list[0]["participants"]
        .as_array()
        .expect("stints")
        .iter()
        .map(|p| p["display_name"].clone())
        .collect();
    names.sort_by_key(|n| n.to_string());
    assert_eq!(names, [json!("Ada"), json!("Bob"), json!("Cy")], "{calls}");
    assert!(
        list[0]["participants"].as_array().expect("stints").iter().all(|p| p["left_at"].is_u64()),
        "{calls}"
    );
}

/// A connection that never sends `join` is closed with `join_timeout` when the host's timer
/// fires (on the Worker: the room's alarm, set for an absolute time).
pub async fn a_connection_that_never_joins_is_closed_by_the_join_timeout(server: &Server) {
    let mut idle = server.connect("idle").await;
    let error = idle.recv_type("error").await;
    assert_eq!((error["code"].as_str(), error["category"].as_str()), (Some("join_timeout"), Some("timeout")));
    assert!(matches!(idle.next().await, Received::Closed(Some(4012))));
}

/// A stored group's call: its `max_participants` holds on every host (the pass carries it), and
/// its status answers those who may join it (members, and anyone once the group admits guests)
/// and nobody else, by the API's rule (the Worker asks the API's `call/access`).
pub async fn a_group_call_holds_its_limit_and_shows_its_status_to_those_who_may_join(server: &Server) {
    let ada = server.sign_in("Ada").await;
    let group = server.post_ok("/api/groups", Some(&ada), json!({"name": "Pair"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let settings = json!({"max_participants": 2});
    let (status, _) = server
        .api(reqwest::Method::PATCH, &format!("/api/groups/{group}/settings"), Some(&ada), Some(settings))
        .await;
    assert_eq!(status, 200);
    let (bob, cy, mallory) =
        (server.sign_in("Bob").await, server.sign_in("Cy").await, server.sign_in("Mallory").await);
    server.add_members(&group, &ada, &[&bob, &cy]).await;

    // The status of a group's call: its members see it; outsiders and strangers do not.
    let status_path = format!("/api/groups/{group}/call/status");
    let (status, body) = server.api(reqwest::Method::GET, &status_path, Some(&ada), None).await;
    assert_eq!(
        (status, body["participants"].as_u64(), body["capacity"].as_u64()),
        (200, Some(0), Some(2)),
        "{body}"
    );
    for outsider in [None, Some(mallory.as_str())] {
        let (status, body) = server.api(reqwest::Method::GET, &status_path, outsider, None).await;
        assert_eq!((status, body["error"].as_str()), (404, Some("group_not_found")), "{body}");
    }
    let (status, body) = server.api(reqwest::Method::GET, &status_path, Some("forged.token.x"), None).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")), "{body}");
    let bob_pass = server.post_ok(&format!("/api/groups/{group}/call-pass"), Some(&bob), json!({})).await;
    let (status, body) =
        server.api(reqwest::Method::GET, &status_path, bob_pass["token"].as_str(), None).await;
    assert_eq!((status, body["capacity"].as_u64()), (200, Some(2)), "a pass for this call shows it: {body}");
    let (status, body) = server.api(reqwest::Method::POST, &status_path, Some(&ada), Some(json!({}))).await;
    assert_eq!((status, body["error"].as_str()), (405, Some("method_not_allowed")), "{body}");

    // Two members fill the call; the third is told the call is full.
    let mut ada_call = server.join_as_account(&group, &ada, "Ada").await;
    ada_call.recv_type("welcome").await;
    let mut bob_call = server.join_as_account(&group, &bob, "Bob").await;
    bob_call.recv_type("welcome").await;
    let mut cy_call = server.join_as_account(&group, &cy, "Cy").await;
    let refused = cy_call.recv_type("error").await;
    assert_eq!(refused["code"], "room_full", "{refused}");
    let (_, body) = server.api(reqwest::Method::GET, &status_path, Some(&bob), None).await;
    assert_eq!((body["participants"].as_u64(), body["joinable"].as_bool()), (Some(2), Some(false)), "{body}");
    let (status, body) =
        server.api(reqwest::Method::GET, &status_path, bob_pass["token"].as_str(), None).await;
    assert_eq!((status, body["participants"].as_u64()), (200, Some(2)), "{body}");

    // Once the group admits guests, anyone may ask: anyone could get a pass anyway.
    let settings = json!({"guests_allowed": true});
    server
        .api(reqwest::Method::PATCH, &format!("/api/groups/{group}/settings"), Some(&ada), Some(settings))
        .await;
    let (status, body) = server.api(reqwest::Method::GET, &status_path, None, None).await;
    assert_eq!((status, body["participants"].as_u64()), (200, Some(2)), "{body}");
}

/// Options a case needs from its host.
#[derive(Debug, Clone, Copy, Default)]
pub struct HostOptions {
    /// Most participants per room (the host's default when absent).
    pub room_capacity: Option<u32>,
}

/// One `#[tokio::test]` per case, each on a fresh host from `$start(HostOptions) -> Server`.
macro_rules! conformance_suite {
    ($start:path) => {
        conformance_suite!(@cases $start;
            two_clients_exchange_offers_answers_and_candidates,
            chat_reaches_everyone_junk_is_refused_and_a_late_joiner_sees_it,
            rooms_of_different_groups_do_not_hear_each_other,
            bad_frames_get_typed_errors_and_the_connection_and_room_survive,
            frames_beyond_the_transport_limit_close_only_that_connection,
            a_flood_is_relayed_only_up_to_the_rate_limit,
            messages_before_join_are_refused_with_not_joined,
            a_client_that_vanishes_is_removed_and_the_other_is_told,
            leave_and_rejoin_with_the_same_name,
            a_third_participant_moves_the_call_to_a_media_node,
            a_reconnect_with_the_resume_key_takes_back_the_seat,
            bad_passes_are_refused_with_the_same_json_errors,
            turn_credentials_are_only_for_holders_of_a_call_pass,
            pages_carry_the_security_headers_and_a_missing_file_is_404,
            guests_in_a_group_call_are_marked_and_members_carry_their_role,
            a_group_call_appears_in_the_groups_history_with_everyone_in_it,
            access_ends_when_a_member_is_removed_or_guests_are_switched_off,
            a_recording_needs_everyones_consent_and_reaches_the_node_and_the_groups_list,
            a_connection_that_never_joins_is_closed_by_the_join_timeout,
            a_group_call_holds_its_limit_and_shows_its_status_to_those_who_may_join,
        );
        #[tokio::test]
        async fn a_full_room_refuses_with_room_full() {
            let host = $start($crate::conformance::HostOptions { room_capacity: Some(2) }).await;
            $crate::conformance::a_full_room_refuses_with_room_full(&host).await;
        }
    };
    (@cases $start:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let host = $start($crate::conformance::HostOptions::default()).await;
                $crate::conformance::$case(&host).await;
            }
        )*
    };
}

//! The node's control API over real HTTP: every refusal has the right status and a JSON
//! `{"error", "message"}` body, and `/health` and `/metrics` describe the node.

mod support;

use peershare_core::Timestamp;
use peershare_core::media::{MediaClaims, MediaTokenSigner};
use peershare_core::protocol::ParticipantId;
use peershare_media_node::control_api::Health;
use peershare_media_node::token::MediaTokenKeys;
use peershare_test_client::{DEADLINE, sample_offer};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use serde_json::{Value, json};
use support::{NODE_ID, Node, now_timestamp};

/// The call the tests open before the table runs.
const OPEN: &str = "open";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Post,
    Delete,
    Get,
}

/// What a request carries in its body.
#[derive(Debug, Clone)]
enum Body {
    None,
    Json(Value),
    /// Text sent as `application/json`.
    RawJson(&'static str),
    /// Valid JSON without a content type.
    Untyped(Value),
}

struct Case {
    name: &'static str,
    method: Method,
    path: String,
    token: Option<String>,
    body: Body,
    status: StatusCode,
    code: &'static str,
}

fn an_hour_ago() -> Timestamp {
    Timestamp::from_millis(now_timestamp().as_millis() - 3_600_000)
}

fn offer_json(sdp: &str) -> Value {
    json!({"type": "offer", "sdp": sdp})
}

fn cases(node: &Node) -> Vec<Case> {
    let forger = MediaTokenKeys::generate().expect("another key pair");
    let forged = forger.signer().sign(&MediaClaims::room(NODE_ID, "c1", now_timestamp())).expect("sign");
    let expired = node.sign(&MediaClaims::room(NODE_ID, "c1", an_hour_ago()));
    let expired_participant =
        node.sign(&MediaClaims::participant(NODE_ID, OPEN, ParticipantId(1), an_hour_ago()));
    let other_node = node.sign(&MediaClaims::room("another-node", "c1", now_timestamp()));
    let offer = offer_json(&sample_offer());
    let case = |name, method, path: &str, token: Option<String>, body, status, code| Case {
        name,
        method,
        path: path.to_owned(),
        token,
        body,
        status,
        code,
    };
    let room = |call: &str| Some(node.room_token(call));
    let participant = |call: &str, id| Some(node.participant_token(call, id));
    let join = format!("/v1/calls/{OPEN}/participants");
    vec![
        case(
            "no token",
            Method::Post,
            "/v1/calls/c1",
            None,
            Body::None,
            StatusCode::UNAUTHORIZED,
            "missing_token",
        ),
        case(
            "no token on join",
            Method::Post,
            &join,
            None,
            Body::Json(offer.clone()),
            StatusCode::UNAUTHORIZED,
            "missing_token",
        ),
        case(
            "a token signed by another key",
            Method::Post,
            "/v1/calls/c1",
            Some(forged),
            Body::None,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        case(
            "an expired room token",
            Method::Post,
            "/v1/calls/c1",
            Some(expired),
            Body::None,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        case(
            "an expired participant token",
            Method::Post,
            &join,
            Some(expired_participant),
            Body::Json(offer.clone()),
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        case(
            "a token for another node",
            Method::Post,
            "/v1/calls/c1",
            Some(other_node),
            Body::None,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        case(
            "a bearer that is no JWT",
            Method::Post,
            "/v1/calls/c1",
            Some("not-a-token".to_owned()),
            Body::None,
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
        case(
            "a participant token creating a call",
            Method::Post,
            "/v1/calls/c1",
            participant("c1", 1),
            Body::None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "a room token for another call",
            Method::Post,
            "/v1/calls/c1",
            room("c2"),
            Body::None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "a participant token for another call",
            Method::Post,
            &join,
            participant("elsewhere", 1),
            Body::Json(offer.clone()),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "a room token joining as a participant",
            Method::Post,
            &join,
            room(OPEN),
            Body::Json(offer.clone()),
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "a participant token removing someone",
            Method::Delete,
            &format!("/v1/calls/{OPEN}/participants/1"),
            participant(OPEN, 1),
            Body::None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "a participant token checking the call",
            Method::Get,
            &format!("/v1/calls/{OPEN}"),
            participant(OPEN, 1),
            Body::None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "no token checking the call",
            Method::Get,
            &format!("/v1/calls/{OPEN}"),
            None,
            Body::None,
            StatusCode::UNAUTHORIZED,
            "missing_token",
        ),
        case(
            "a participant token ending the call",
            Method::Delete,
            &format!("/v1/calls/{OPEN}"),
            participant(OPEN, 1),
            Body::None,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        case(
            "malformed JSON",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::RawJson("{\"type\": \"offer\", \"sdp\": "),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        case(
            "JSON of the wrong shape",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::Json(json!({"offer": "v=0"})),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        case(
            "JSON without a content type",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::Untyped(offer.clone()),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        case(
            "no body",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::None,
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        case(
            "an SDP answer instead of an offer",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::Json(json!({"type": "answer", "sdp": sample_offer()})),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        case(
            "garbage SDP",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::Json(offer_json("this is not SDP\r\nat all\r\n")),
            StatusCode::BAD_REQUEST,
            "invalid_offer",
        ),
        case(
            "an empty SDP",
            Method::Post,
            &join,
            participant(OPEN, 1),
            Body::Json(offer_json("")),
            StatusCode::BAD_REQUEST,
            "invalid_offer",
        ),
        case(
            "joining a call the node does not have",
            Method::Post,
            "/v1/calls/nope/participants",
            participant("nope", 1),
            Body::Json(offer.clone()),
            StatusCode::NOT_FOUND,
            "call_not_found",
        ),
        case(
            "ending a call the node does not have",
            Method::Delete,
            "/v1/calls/nope",
            room("nope"),
            Body::None,
            StatusCode::NOT_FOUND,
            "call_not_found",
        ),
        case(
            "removing from a call the node does not have",
            Method::Delete,
            "/v1/calls/nope/participants/1",
            room("nope"),
            Body::None,
            StatusCode::NOT_FOUND,
            "call_not_found",
        ),
        case(
            "creating a call twice",
            Method::Post,
            &format!("/v1/calls/{OPEN}"),
            room(OPEN),
            Body::None,
            StatusCode::CONFLICT,
            "call_exists",
        ),
        case(
            "removing a participant who is not there",
            Method::Delete,
            &format!("/v1/calls/{OPEN}/participants/99"),
            room(OPEN),
            Body::None,
            StatusCode::NOT_FOUND,
            "participant_not_found",
        ),
        case(
            "an unknown route",
            Method::Get,
            "/v1/nothing",
            None,
            Body::None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        case(
            "a method the route does not take",
            Method::Get,
            &join,
            room(OPEN),
            Body::None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        case(
            "a participant id that is not a number",
            Method::Delete,
            &format!("/v1/calls/{OPEN}/participants/bob"),
            room(OPEN),
            Body::None,
            StatusCode::BAD_REQUEST,
            "invalid_path",
        ),
    ]
}

async fn send(
    node: &Node,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &Body,
) -> reqwest::Response {
    let url = node.url(path);
    let mut request = match method {
        Method::Post => node.http.post(url),
        Method::Delete => node.http.delete(url),
        Method::Get => node.http.get(url),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match body {
        Body::None => request,
        Body::Json(v) => request.json(v),
        Body::RawJson(text) => request.header(CONTENT_TYPE, "application/json").body(*text),
        Body::Untyped(v) => request.body(v.to_string()),
    };
    request.send().await.expect("the control API answers")
}

/// Checks status and error body; returns the body.
async fn expect_error(response: reqwest::Response, status: StatusCode, code: &str, name: &str) -> Value {
    assert_eq!(response.status(), status, "{name}: status");
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status == StatusCode::UNAUTHORIZED {
        assert_eq!(
            response.headers().get(WWW_AUTHENTICATE).map(|v| v.as_bytes()),
            Some(&b"Bearer"[..]),
            "{name}: 401 names the scheme"
        );
    }
    let text = response.text().await.expect("a body");
    assert!(is_json, "{name}: the error body is JSON: {text}");
    let body: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {text}"));
    let object = body.as_object().unwrap_or_else(|| panic!("{name}: not an object: {text}"));
    assert_eq!(object.len(), 2, "{name}: exactly `error` and `message`: {text}");
    assert_eq!(body["error"], code, "{name}: code in {text}");
    let message = body["message"].as_str().unwrap_or_else(|| panic!("{name}: no message: {text}"));
    assert!(!message.is_empty(), "{name}: empty message");
    body
}

async fn health(node: &Node) -> Health {
    let response = node.http.get(node.ops_url("/health")).send().await.expect("health request");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("health JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_has_its_status_and_a_json_error_body() {
    let node = Node::start().await;
    node.create_call(OPEN).await;
    let cases = cases(&node);
    for case in &cases {
        let response = send(&node, case.method, &case.path, case.token.as_deref(), &case.body).await;
        expect_error(response, case.status, case.code, case.name).await;
    }
    // The refusals changed nothing: the one call is still there, with nobody in it.
    let h = health(&node).await;
    assert_eq!((h.calls, h.participants), (1, 0), "{h:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_open_and_end_and_health_counts_them() {
    let node = Node::start_with_capacity(7).await;
    let h = health(&node).await;
    assert_eq!(h.status, "ok");
    assert_eq!(h.node_id, NODE_ID);
    assert_eq!((h.calls, h.participants, h.capacity, h.available), (0, 0, 7, 7));
    assert_eq!(h.media_addr, node.media_addr().to_string());

    let response = send(&node, Method::Post, "/v1/calls/c1", Some(&node.room_token("c1")), &Body::None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body, json!({"call_id": "c1"}));

    let response = send(
        &node,
        Method::Post,
        "/v1/calls/c1/participants",
        Some(&node.participant_token("c1", 4)),
        &Body::Json(offer_json(&sample_offer())),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let answer: Value = response.json().await.expect("JSON");
    assert_eq!(answer["type"], "answer");
    assert!(answer["sdp"].as_str().is_some_and(|s| s.starts_with("v=0")), "{answer}");
    let h = health(&node).await;
    assert_eq!((h.calls, h.participants, h.capacity, h.available), (1, 1, 7, 6));
    let response = send(&node, Method::Get, "/v1/calls/c1", Some(&node.room_token("c1")), &Body::None).await;
    assert_eq!(response.status(), StatusCode::OK, "a signaling host checks the session");
    let status: Value = response.json().await.expect("JSON");
    assert_eq!(status, json!({"call_id": "c1", "participants": 1}));

    let response =
        send(&node, Method::Delete, "/v1/calls/c1/participants/4", Some(&node.room_token("c1")), &Body::None)
            .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response =
        send(&node, Method::Delete, "/v1/calls/c1/participants/4", Some(&node.room_token("c1")), &Body::None)
            .await;
    expect_error(response, StatusCode::NOT_FOUND, "participant_not_found", "removed twice").await;

    let response =
        send(&node, Method::Delete, "/v1/calls/c1", Some(&node.room_token("c1")), &Body::None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response =
        send(&node, Method::Delete, "/v1/calls/c1", Some(&node.room_token("c1")), &Body::None).await;
    expect_error(response, StatusCode::NOT_FOUND, "call_not_found", "ended twice").await;
    let h = health(&node).await;
    assert_eq!((h.calls, h.participants, h.available), (0, 0, 7));
    let response = send(&node, Method::Get, "/v1/calls/c1", Some(&node.room_token("c1")), &Body::None).await;
    expect_error(response, StatusCode::NOT_FOUND, "call_not_found", "checked after it ended").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_node_refuses_with_503() {
    let node = Node::start_with_capacity(1).await;
    node.create_call("small").await;
    let offer = Body::Json(offer_json(&sample_offer()));
    let first = send(
        &node,
        Method::Post,
        "/v1/calls/small/participants",
        Some(&node.participant_token("small", 1)),
        &offer,
    )
    .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let second = send(
        &node,
        Method::Post,
        "/v1/calls/small/participants",
        Some(&node.participant_token("small", 2)),
        &offer,
    )
    .await;
    expect_error(second, StatusCode::SERVICE_UNAVAILABLE, "node_full", "full").await;
    let h = health(&node).await;
    assert_eq!((h.participants, h.available), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_published_in_prometheus_text() {
    let node = Node::start().await;
    peershare_media_node::metrics::publish(node.handle.clone(), NODE_ID.to_owned());
    node.create_call("m").await;
    let _client = node.join("m", 1).await;
    let url = node.ops_url("/metrics");
    let deadline = std::time::Instant::now() + DEADLINE;
    loop {
        let response = node.http.get(&url).send().await.expect("metrics request");
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers().get(CONTENT_TYPE).cloned();
        let text = response.text().await.expect("metrics text");
        let participants = format!("media_node_participants{{node=\"{NODE_ID}\"}} 1");
        if text.contains(&participants) && text.contains("media_node_calls") {
            assert!(
                content_type.is_some_and(|v| v.as_bytes().starts_with(b"text/plain")),
                "Prometheus text format"
            );
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no media_node_participants 1 in /metrics:\n{text}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Pages may join from any origin (a bearer token, no cookies), and nothing else: the node's
/// figures and the signaling hosts' routes answer no browser of another origin.
#[tokio::test]
async fn only_the_join_route_answers_other_origins() {
    let node = Node::start().await;
    let preflight = |path: &str, method: &str| {
        node.http
            .request(reqwest::Method::OPTIONS, node.url(path))
            .header("origin", "https://elsewhere.example")
            .header("access-control-request-method", method)
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let join = preflight("/v1/calls/c1/participants", "POST").await.expect("preflight");
    assert_eq!(
        join.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
        Some("https://elsewhere.example")
    );
    for (path, method) in [("/v1/calls/c1", "POST"), ("/v1/calls/c1/participants/1", "DELETE")] {
        let other = preflight(path, method).await.expect("preflight");
        assert!(
            other.headers().get("access-control-allow-origin").is_none(),
            "{method} {path} allows other origins"
        );
        let plain = node
            .http
            .get(node.url(path))
            .header("origin", "https://elsewhere.example")
            .send()
            .await
            .expect("get");
        assert!(plain.headers().get("access-control-allow-origin").is_none(), "{path} allows other origins");
    }
}

/// Once the room removed a participant from the call, their media token (still unexpired) no
/// longer admits them: the node trusts the room's word over the token.
#[tokio::test]
async fn a_participant_the_room_removed_cannot_come_back_with_their_token() {
    let node = Node::start().await;
    node.create_call("c1").await;
    let token = node.participant_token("c1", 7);
    let join = |token: String| {
        node.http
            .post(node.url("/v1/calls/c1/participants"))
            .bearer_auth(token)
            .json(&offer_json(&sample_offer()))
            .send()
    };
    assert_eq!(join(token.clone()).await.expect("join").status(), StatusCode::CREATED);
    node.remove_participant("c1", 7).await;
    let again = join(token).await.expect("join again");
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert_eq!(again.json::<Value>().await.expect("json")["error"], "participant_removed");
    // Someone else the room admits still gets in.
    assert_eq!(join(node.participant_token("c1", 8)).await.expect("join").status(), StatusCode::CREATED);
}

/// The node's figures are for operators: on their own private listener, not on the control API
/// browsers and signaling hosts reach.
#[tokio::test]
async fn health_and_metrics_are_only_on_the_operators_listener() {
    let node = Node::start().await;
    for path in ["/health", "/metrics"] {
        let public = node.http.get(node.url(path)).send().await.expect("request");
        assert_eq!(public.status(), StatusCode::NOT_FOUND, "{path} on the control API");
        assert_eq!(public.json::<Value>().await.expect("json")["error"], "not_found");
        let ops = node.http.get(node.ops_url(path)).send().await.expect("request");
        assert_eq!(ops.status(), StatusCode::OK, "{path} on the operators' listener");
    }
}

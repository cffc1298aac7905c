//! The API's proxy to media nodes speaks only to the node whose certificate was registered:
//! a real node's control API served over its self-signed TLS (as `--tls-self-signed` serves
//! it), a real registry (SQLite), and registrations that pin the right certificate, another
//! one, or none; and, from a stand-in, answers no real node gives (too large, too late).

use peershare_core::fleet::{NodeReach, certificate_pin};
use peershare_functions::fleet::{Forwarded, NodeProxy, NodeProxyError};
use peershare_functions::store::sqlite::SqliteStore;
use peershare_functions::store::{NodeRegistration, Store};
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::token::{MediaTokenKeys, TokenVerifier};
use peershare_media_node::udp_host;
use std::sync::Arc;

/// A node's control API on a loopback port over a certificate it made: its URL and that
/// certificate's pin.
async fn node_over_tls(id: &str) -> (String, String) {
    let keys = MediaTokenKeys::generate().expect("keys");
    let node = udp_host::start("127.0.0.1:0".parse().expect("addr"), None, 10, None).await.expect("udp");
    let state =
        ControlState::new(node, TokenVerifier::new(&keys.public_key(), id).expect("verifier"), id, 10);
    let (tls, der) = peershare_listener::Tls::self_signed(vec![id.to_owned(), "127.0.0.1".to_owned()])
        .expect("certificate");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    tokio::spawn(peershare_listener::serve_with(
        listener,
        control_api::router(state),
        peershare_listener::Limits::default(),
        Some(tls),
        std::future::pending(),
    ));
    (url, certificate_pin(&der))
}

fn registration(id: &str, url: &str, pin: Option<&str>) -> NodeRegistration {
    NodeRegistration {
        id: id.into(),
        region: "local".into(),
        public_url: url.into(),
        control_url: url.into(),
        capacity: 10,
        version: "test".into(),
        tls_sha256: pin.map(str::to_owned),
    }
}

async fn store_with(nodes: &[NodeRegistration]) -> Arc<dyn Store> {
    let dir = std::env::temp_dir().join(format!("peershare-node-proxy-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("dir");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.join("proxy.db")).expect("store"));
    for node in nodes {
        store.register_node(node, peershare_core::Timestamp(0)).await.expect("registers");
    }
    store
}

/// `GET /v1/calls/c` on node `id` through `proxy`, without a token.
async fn status_of_a_call(proxy: &NodeProxy, id: &str) -> Result<(u16, String), NodeProxyError> {
    let answer = proxy.forward("GET", &format!("{id}/v1/calls/c"), Forwarded::default()).await?;
    Ok((answer.status, String::from_utf8_lossy(&answer.body).into_owned()))
}

#[tokio::test]
async fn only_the_holder_of_the_registered_certificate_is_spoken_to() {
    let (url, pin) = node_over_tls("n-real").await;
    let (_, other_pin) = node_over_tls("n-other").await;
    let store = store_with(&[
        registration("n-real", &url, Some(&pin)),
        // Another node's certificate, this node's address: what a registration forged with a
        // stolen fleet secret, or a node replaced at the same address, would look like.
        registration("n-forged", &url, Some(&other_pin)),
        registration("n-unpinned", &url, None),
    ])
    .await;
    let proxy = NodeProxy::new(store.clone(), NodeReach::ThroughApi);

    let (status, body) = status_of_a_call(&proxy, "n-real").await.expect("reaches the node");
    assert_eq!(status, 401, "the node itself answers (no token): {body}");
    assert!(body.contains("missing_token"), "{body}");

    match status_of_a_call(&proxy, "n-forged").await {
        Err(NodeProxyError::Unreachable { why, .. }) => {
            assert!(why.to_lowercase().contains("certificate"), "refused for its certificate: {why}")
        }
        other => panic!("a certificate other than the pinned one must be refused: {other:?}"),
    }
    assert!(matches!(status_of_a_call(&proxy, "n-unpinned").await, Err(NodeProxyError::NotPinned(_))));
    assert!(matches!(status_of_a_call(&proxy, "n-gone").await, Err(NodeProxyError::UnknownNode(_))));

    // A node that left is no longer reached, though it still runs.
    store.remove_node("n-real").await.expect("removes");
    assert!(matches!(status_of_a_call(&proxy, "n-real").await, Err(NodeProxyError::UnknownNode(_))));

    // A fleet reached directly has no proxy at all.
    let direct =
        NodeProxy::new(store_with(&[registration("n-real", &url, Some(&pin))]).await, NodeReach::Direct);
    assert!(matches!(status_of_a_call(&direct, "n-real").await, Err(NodeProxyError::NotProxied)));
}

/// A control API that answers `GET /v1/calls/big` with 70 KiB and `GET /v1/calls/slow` never
/// (no real node does either), over its own certificate: its URL and pin.
async fn misbehaving_node() -> (String, String) {
    use axum::routing::get;
    let router = axum::Router::new().route("/v1/calls/big", get(|| async { "x".repeat(70 * 1024) })).route(
        "/v1/calls/slow",
        get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            "late"
        }),
    );
    let (tls, der) = peershare_listener::Tls::self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("https://{}", listener.local_addr().expect("addr"));
    let limits = peershare_listener::Limits::default();
    tokio::spawn(peershare_listener::serve_with(listener, router, limits, Some(tls), std::future::pending()));
    (url, certificate_pin(&der))
}

#[tokio::test]
async fn an_answer_too_large_or_too_late_is_not_passed_on() {
    let (url, pin) = misbehaving_node().await;
    let store = store_with(&[registration("n-odd", &url, Some(&pin))]).await;
    let proxy = NodeProxy::new(store, NodeReach::ThroughApi);
    let big = proxy.forward("GET", "n-odd/v1/calls/big", Forwarded::default()).await;
    assert!(matches!(big, Err(NodeProxyError::AnswerTooLarge(_))), "{big:?}");
    let started = std::time::Instant::now();
    let slow = proxy.forward("GET", "n-odd/v1/calls/slow", Forwarded::default()).await;
    assert!(matches!(slow, Err(NodeProxyError::TimedOut(_))), "{slow:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "gave up at its deadline, not the node's"
    );
}

//! A media node for hosts that reach nodes over the network (the Worker): the node's own UDP
//! host and control API on loopback ports, trusting a fresh media key whose private half the
//! host signs room and participant tokens with.

use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::token::{MediaTokenKeys, TokenVerifier};
use peershare_media_node::udp_host;

/// A running node; stops when dropped.
pub struct MediaNode {
    /// Its id (the audience of its tokens).
    pub id: String,
    /// Its control API.
    pub url: String,
    /// Its operators' routes (`/health`, `/metrics`), on a listener of their own.
    pub ops_url: String,
    /// The private key its tokens are signed with (base64 PKCS#8).
    pub signing_key: String,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Most participants the test node carries.
const CAPACITY: usize = 50;

impl MediaNode {
    /// Starts a node named `id`.
    pub async fn start(id: &str) -> Self {
        let keys = MediaTokenKeys::generate().expect("a media key");
        let node =
            udp_host::start("127.0.0.1:0".parse().expect("addr"), None, CAPACITY).await.expect("UDP socket");
        let verifier = TokenVerifier::new(&keys.public_key(), id).expect("verifier");
        let state = ControlState::new(node, verifier, id, CAPACITY);
        let app = control_api::router(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let ops = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let ops_url = format!("http://{}", ops.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(ops, control_api::ops_router(state)).await });
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        });
        Self { id: id.to_owned(), url, ops_url, signing_key: keys.private_key_base64(), _shutdown: tx }
    }
}

//! A real media node on loopback ports (its UDP socket and its control API over HTTP), joined
//! by `peershare-test-client`'s str0m clients the way browsers join it.

#![allow(dead_code)]

use peershare_core::Timestamp;
use peershare_core::media::{MediaClaims, MediaTokenSigner};
use peershare_core::protocol::ParticipantId;
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::sfu::SfuStats;
use peershare_media_node::token::{MediaTokenKeys, TokenVerifier};
use peershare_media_node::udp_host::{self, NodeHandle};
use peershare_test_client::{Client, DEADLINE, Join, Publish};
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;

/// The node's id: the audience of its tokens.
pub const NODE_ID: &str = "node-under-test";

/// Logs to the test's output when `RUST_LOG` is set.
pub fn init_logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

/// The wall clock as a token timestamp.
pub fn now_timestamp() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_millis();
    Timestamp::from_millis(ms as u64)
}

/// A running node: `udp_host` on 127.0.0.1 and its control API on a loopback TCP port.
pub struct Node {
    /// The node's task.
    pub handle: NodeHandle,
    /// Where the control API listens.
    pub http_addr: SocketAddr,
    /// Where the operators' routes (`/health`, `/metrics`) listen.
    pub ops_addr: SocketAddr,
    /// The key pair whose public half the node trusts.
    pub keys: MediaTokenKeys,
    /// An HTTP client.
    pub http: reqwest::Client,
    _shutdown: oneshot::Sender<()>,
}

impl Node {
    /// A node for 50 participants.
    pub async fn start() -> Node {
        Self::start_with_capacity(50).await
    }

    /// A node for `capacity` participants.
    pub async fn start_with_capacity(capacity: usize) -> Node {
        Self::start_with(capacity, None).await
    }

    /// A node for `capacity` participants that records to `recordings`.
    pub async fn start_with(
        capacity: usize,
        recordings: Option<std::sync::Arc<dyn peershare_recording::storage::ObjectStore>>,
    ) -> Node {
        init_logs();
        let keys = MediaTokenKeys::generate().expect("an Ed25519 key pair");
        let verifier = TokenVerifier::new(&keys.public_key(), NODE_ID).expect("a verifier");
        let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
        let handle =
            udp_host::start(bind, None, capacity, recordings).await.expect("the node binds its UDP socket");
        let state = ControlState::new(handle.clone(), verifier, NODE_ID, capacity);
        let app = control_api::router(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the control API");
        let http_addr = listener.local_addr().expect("control API address");
        let ops = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the operators' routes");
        let ops_addr = ops.local_addr().expect("operators' address");
        tokio::spawn(async move { axum::serve(ops, control_api::ops_router(state)).await });
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await
                .expect("the control API serves");
        });
        Node { handle, http_addr, ops_addr, keys, http: reqwest::Client::new(), _shutdown: shutdown }
    }

    /// The control API's URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http_addr)
    }

    /// The operators' URL for `path` (`/health`, `/metrics`).
    pub fn ops_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.ops_addr)
    }

    /// Where the node receives media.
    pub fn media_addr(&self) -> SocketAddr {
        self.handle.media_addr()
    }

    /// A room token for `call`, signed by the trusted key.
    pub fn room_token(&self, call: &str) -> String {
        self.sign(&MediaClaims::room(NODE_ID, call, now_timestamp()))
    }

    /// A participant token for `participant` in `call`, signed by the trusted key.
    pub fn participant_token(&self, call: &str, participant: u32) -> String {
        self.sign(&MediaClaims::participant(NODE_ID, call, ParticipantId(participant), now_timestamp()))
    }

    /// Signs any claims with the trusted key.
    pub fn sign(&self, claims: &MediaClaims) -> String {
        self.keys.signer().sign(claims).expect("sign a media token")
    }

    /// Opens `call` through the control API.
    pub async fn create_call(&self, call: &str) {
        let response = self
            .http
            .post(self.url(&format!("/v1/calls/{call}")))
            .bearer_auth(self.room_token(call))
            .send()
            .await
            .expect("create-call request");
        assert_eq!(response.status(), reqwest::StatusCode::CREATED, "creating call {call}");
    }

    /// Removes a participant through the control API.
    pub async fn remove_participant(&self, call: &str, participant: u32) {
        let response = self
            .http
            .delete(self.url(&format!("/v1/calls/{call}/participants/{participant}")))
            .bearer_auth(self.room_token(call))
            .send()
            .await
            .expect("remove-participant request");
        assert_eq!(response.status(), reqwest::StatusCode::NO_CONTENT, "removing participant {participant}");
    }

    /// Joins `call` as `participant` with a new str0m client that publishes audio and video
    /// (one RTP packet a delta frame, several a keyframe).
    pub async fn join(&self, call: &str, participant: u32) -> Client {
        let token = self.participant_token(call, participant);
        let api = self.url("");
        let publish = Publish { video_delta_bytes: 700, video_keyframe_bytes: 3_500, ..Publish::default() };
        Client::join(Join { http: &self.http, api: &api, call, participant, token: &token, publish })
            .await
            .expect("the client joins")
    }

    /// Waits until the node's statistics satisfy `check` (they refresh every second).
    pub async fn wait_stats(&self, what: &str, check: impl FnMut(&SfuStats) -> bool) -> SfuStats {
        self.wait_stats_for(DEADLINE, what, check).await
    }

    /// [`Node::wait_stats`] with a deadline of its own (for the node's own, longer timeouts).
    pub async fn wait_stats_for(
        &self,
        within: Duration,
        what: &str,
        mut check: impl FnMut(&SfuStats) -> bool,
    ) -> SfuStats {
        let deadline = Instant::now() + within;
        loop {
            let stats = self.handle.stats();
            if check(&stats) {
                return stats;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {within:?} waiting for {what}; stats: {stats:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A small deterministic random source (SplitMix64), so a failing run can be replayed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

//! An API over a fresh SQLite store, a hand-moved clock and real Ed25519 keys, called
//! in-process through the same Router the hosts mount.

#![allow(dead_code)]

pub mod fleet;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use peershare_core::Timestamp;
use peershare_functions::api::{self, ApiSettings, ApiState};
use peershare_functions::clock::ManualClock;
use peershare_functions::oauth::OAuthClients;
use peershare_functions::session::{SessionTokens, SigningKey};
use peershare_functions::store::sqlite::SqliteStore;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tower::ServiceExt;

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Reply {
    /// The machine code of an error body.
    pub fn code(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }

    /// The refresh cookie the response sets, if any (its value).
    pub fn refresh_cookie(&self) -> Option<String> {
        self.set_cookie().and_then(|c| {
            c.split(';').next().and_then(|kv| kv.strip_prefix("peershare_refresh=")).map(str::to_owned)
        })
    }

    /// The whole `Set-Cookie` header.
    pub fn set_cookie(&self) -> Option<String> {
        self.headers.get("set-cookie").and_then(|v| v.to_str().ok()).map(str::to_owned)
    }
}

/// A running API.
/// The secret the tests' signaling host presents to deliver call history.
pub const INTERNAL_SECRET: &str = "internal-secret-for-tests-0123456789";

pub struct TestApi {
    pub app: Router,
    pub state: ApiState,
    pub clock: Arc<ManualClock>,
    pub key: SigningKey,
    /// What the API told the call rooms.
    pub rooms: Arc<HeardRooms>,
}

/// Call rooms that keep what they are told, in order (the rooms themselves are tested in
/// `local/tests`, on both hosts).
#[derive(Debug, Default)]
pub struct HeardRooms(
    std::sync::Mutex<Vec<(String, peershare_core::room::AccessNotice)>>,
    std::sync::Mutex<Vec<(String, peershare_core::media::MediaNodeLease)>>,
);

impl HeardRooms {
    /// Every notice so far, with its group, emptied.
    pub fn take(&self) -> Vec<(String, peershare_core::room::AccessChange)> {
        let mut heard = self.0.lock().expect("not poisoned");
        heard.drain(..).map(|(group, notice)| (group, notice.change)).collect()
    }

    /// Every lost media node told so far, with its room, emptied.
    pub fn take_lost_nodes(&self) -> Vec<(String, peershare_core::media::MediaNodeLease)> {
        self.1.lock().expect("not poisoned").drain(..).collect()
    }
}

#[async_trait::async_trait]
impl peershare_functions::rooms::CallRooms for HeardRooms {
    async fn access_changed(
        &self,
        group: &peershare_core::GroupId,
        notice: peershare_core::room::AccessNotice,
    ) {
        self.0.lock().expect("not poisoned").push((group.as_str().to_owned(), notice));
    }

    async fn media_node_lost(
        &self,
        group: &peershare_core::GroupId,
        lease: peershare_core::media::MediaNodeLease,
    ) {
        self.1.lock().expect("not poisoned").push((group.as_str().to_owned(), lease));
    }
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// Wall-clock "now" for tokens (jsonwebtoken checks `exp` against the real clock).
pub fn wall_now() -> Timestamp {
    use peershare_functions::clock::{Clock, SystemClock};
    SystemClock.now()
}

impl TestApi {
    /// A fresh API with dev sign-in enabled.
    pub fn new() -> Self {
        Self::with_providers(Vec::new())
    }

    /// A fresh API offering these OAuth providers.
    pub fn with_providers(providers: Vec<peershare_functions::oauth::ProviderConfig>) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "peershare-api-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let store = SqliteStore::open(&dir.join("store.db")).expect("opens");
        let key = SigningKey::generate("test-key").expect("key");
        let clock = Arc::new(ManualClock::new(wall_now()));
        let rooms = Arc::new(HeardRooms::default());
        let state = ApiState {
            store: Arc::new(store),
            tokens: Arc::new(SessionTokens::new(&key, &[]).expect("tokens")),
            clock: clock.clone(),
            settings: Arc::new(ApiSettings {
                secure_cookies: true,
                dev_sign_in: true,
                public_url: "http://peershare.test".into(),
                internal_secret: Some(INTERNAL_SECRET.into()),
            }),
            oauth: Arc::new(OAuthClients::new(providers).expect("clients")),
            rooms: rooms.clone(),
            recordings: None,
            fleet: None,
        };
        Self { app: api::router(state.clone()), state, clock, key, rooms }
    }

    /// The same API, keeping recordings in `files`.
    pub fn with_recordings(mut self, files: peershare_functions::recordings::RecordingFiles) -> Self {
        self.state.recordings = Some(Arc::new(files));
        self.app = api::router(self.state.clone());
        self
    }

    /// Sends one request.
    pub async fn call(&self, method: Method, path: &str, bearer: Option<&str>, body: Option<Value>) -> Reply {
        self.send(method, path, bearer, body, None).await
    }

    /// Sends one request with a cookie header.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("peershare_refresh={cookie}"));
        }
        let request = match body {
            Some(json) => request
                .header("content-type", "application/json")
                .body(Body::from(json.to_string()))
                .expect("request"),
            None => request.body(Body::empty()).expect("request"),
        };
        let response = self.app.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply { status, headers, json }
    }

    /// Sends a prepared request.
    pub async fn raw(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, json }
    }

    /// Signs in by name; returns (access token, refresh cookie, account id).
    pub async fn sign_in(&self, name: &str) -> (String, String, String) {
        let reply =
            self.call(Method::POST, "/api/auth/dev", None, Some(serde_json::json!({ "name": name }))).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        let token = reply.json["access_token"].as_str().expect("token").to_owned();
        let id = reply.json["user"]["id"].as_str().expect("id").to_owned();
        (token, reply.refresh_cookie().expect("cookie"), id)
    }

    /// Creates a group; returns its id.
    pub async fn create_group(&self, token: &str, name: &str) -> String {
        let reply = self
            .call(Method::POST, "/api/groups", Some(token), Some(serde_json::json!({ "name": name })))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        reply.json["id"].as_str().expect("id").to_owned()
    }

    /// Creates an invite; returns its token and id.
    pub async fn invite(&self, token: &str, group: &str, max_uses: Option<u32>) -> (String, String) {
        let body = serde_json::json!({ "ttl_ms": 3_600_000, "max_uses": max_uses });
        let reply =
            self.call(Method::POST, &format!("/api/groups/{group}/invites"), Some(token), Some(body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        (
            reply.json["token"].as_str().expect("token").to_owned(),
            reply.json["invite"]["id"].as_str().expect("id").to_owned(),
        )
    }

    /// Joins through an invite.
    pub async fn accept(&self, token: &str, invite: &str) {
        let reply =
            self.call(Method::POST, &format!("/api/invites/{invite}/accept"), Some(token), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    }
}

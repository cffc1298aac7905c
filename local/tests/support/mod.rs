//! A real `peershare dev` on a loopback port, and a WebSocket client speaking the protocol.

#![allow(dead_code)]

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use peershare::config::{Cli, Command, DevConfig};
use peershare_core::protocol::ServerMessage;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

/// Generous: the machine may be busy.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A host of the API and call rooms: `peershare dev`, or the Worker in workerd in front of one.
pub struct Server {
    pub addr: SocketAddr,
    /// The operators' address of the media node this host's calls use (`/health`, `/metrics`).
    pub node_ops: Option<String>,
    /// The data directory of the API behind this host (its session signing key lives there).
    pub api_data_dir: std::path::PathBuf,
    /// What must live as long as the host (a shutdown sender, processes, other servers).
    _keep: Vec<Box<dyn std::any::Any + Send>>,
}

/// A fresh data directory per server (its own database and signing key).
pub fn temp_data_dir() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("peershare-local-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.to_str().expect("utf8").to_owned()
}

/// A stand-in web client (an index page and one script) that every test host serves.
pub fn test_web_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/web")
}

pub fn config(extra: &[&str]) -> DevConfig {
    let data_dir = temp_data_dir();
    let web_dir = test_web_dir();
    let web_dir = web_dir.to_str().expect("utf8");
    let mut args = vec!["peershare", "dev", "--listen", "127.0.0.1:0", "--data-dir", &data_dir];
    if !extra.contains(&"--web-dir") {
        args.extend(["--web-dir", web_dir]);
    }
    args.extend_from_slice(extra);
    match Cli::try_parse_from(args).expect("valid test config").command {
        Command::Dev(c) => *c,
        Command::Migrate(_) => unreachable!("parsed dev"),
    }
}

pub async fn start(mut config: DevConfig) -> Server {
    config.validate().expect("valid config");
    // The in-process node's figures, on a private loopback port of their own.
    let ops = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port");
    config.ops_listen = Some(ops);
    let data_dir = config.data_dir();
    let listener = tokio::net::TcpListener::bind(config.listen).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(peershare::serve(config, listener, async {
        let _ = rx.await;
    }));
    // Ready once it answers (its database and session key exist by then).
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while !reqwest::get(format!("http://{addr}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
        assert!(tokio::time::Instant::now() < deadline, "peershare dev did not answer within {DEADLINE:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Server {
        addr,
        node_ops: Some(format!("http://{ops}")),
        api_data_dir: data_dir,
        _keep: vec![Box::new(tx)],
    }
}

impl Server {
    /// A host at `addr` in front of the API of `api`, living as long as `keep`.
    pub fn fronting(addr: SocketAddr, api: &Server, keep: Vec<Box<dyn std::any::Any + Send>>) -> Self {
        Self { addr, node_ops: None, api_data_dir: api.api_data_dir.clone(), _keep: keep }
    }

    /// `GET /api/groups/{group}/call/status`, asked by anyone.
    pub async fn call_status(&self, group: &str) -> Value {
        let url = self.url(&format!("/api/groups/{group}/call/status"));
        reqwest::get(url).await.expect("status").json().await.expect("json")
    }

    /// Keeps `more` alive as long as this host.
    pub fn keep(&mut self, more: Vec<Box<dyn std::any::Any + Send>>) {
        self._keep.extend(more);
    }

    /// Signs `claims` with the API's own session key, as only the API can (for passes a test
    /// needs that the API would never issue, such as expired ones).
    pub fn sign_as_api(&self, claims: &peershare_core::auth::AccessClaims) -> String {
        use peershare_functions::session::{SessionTokens, SigningKey};
        let text =
            std::fs::read_to_string(self.api_data_dir.join("session-signing-key")).expect("the API's key");
        let mut lines = text.lines();
        let (kid, key) = (lines.next().expect("a key id"), lines.next().expect("a key"));
        let key = SigningKey::from_base64(kid, key).expect("a valid key");
        SessionTokens::new(&key, &[]).expect("tokens").sign(claims).expect("signs")
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `method` to `path` with an optional bearer token and JSON body: status and body.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = reqwest::Client::new().request(method, self.url(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply = request.send().await.expect("request");
        (reply.status().as_u16(), reply.json().await.unwrap_or(Value::Null))
    }

    /// `POST path`, which must succeed: its body.
    pub async fn post_ok(&self, path: &str, bearer: Option<&str>, body: Value) -> Value {
        let (status, body) = self.api(reqwest::Method::POST, path, bearer, Some(body)).await;
        assert!((200..300).contains(&status), "POST {path}: {status} {body}");
        body
    }

    /// Signs `name` in with the API's dev sign-in: their access token.
    pub async fn sign_in(&self, name: &str) -> String {
        let session = self.post_ok("/api/auth/dev", None, json!({ "name": name })).await;
        session["access_token"].as_str().expect("token").to_owned()
    }

    /// Makes the accounts of `members` members of `owner`'s `group`, through an invite link.
    pub async fn add_members(&self, group: &str, owner: &str, members: &[&str]) {
        let invite = self
            .post_ok(&format!("/api/groups/{group}/invites"), Some(owner), json!({"ttl_ms": 3_600_000}))
            .await;
        let invite = invite["token"].as_str().expect("token").to_owned();
        for member in members {
            self.post_ok(&format!("/api/invites/{invite}/accept"), Some(member), json!({})).await;
        }
    }

    /// Opens `group`'s call with the pass the account of `token` gets, and sends `join` as `name`.
    pub async fn join_as_account(&self, group: &str, token: &str, name: &str) -> Client {
        let pass = self.post_ok(&format!("/api/groups/{group}/call-pass"), Some(token), json!({})).await;
        let mut client = self.connect_with(group, pass["token"].as_str()).await.expect("opens");
        client.send_join(name, None).await;
        client
    }

    /// A guest's call pass for `group` (a link call, or a group that admits guests).
    pub async fn guest_pass(&self, group: &str, name: &str) -> String {
        let reply = reqwest::Client::new()
            .post(self.url(&format!("/api/groups/{group}/call-pass")))
            .json(&json!({ "name": name }))
            .send()
            .await
            .expect("call-pass request");
        assert_eq!(reply.status(), 200, "call pass for {group}");
        let body: Value = reply.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    /// The guest pass `name` keeps for `group` on this API: asked once, then reused, as the web
    /// client reuses its pass when it reconnects (the pass is who they are in the call).
    pub async fn kept_guest_pass(&self, group: &str, name: &str) -> String {
        /// (the API's data folder, group, name) and the pass.
        type Kept = Vec<((std::path::PathBuf, String, String), String)>;
        static KEPT: std::sync::Mutex<Kept> = std::sync::Mutex::new(Vec::new());
        let key = (self.api_data_dir.clone(), group.to_owned(), name.to_owned());
        let kept = KEPT.lock().expect("lock").iter().find(|(k, _)| *k == key).map(|(_, pass)| pass.clone());
        if let Some(pass) = kept {
            return pass;
        }
        let pass = self.guest_pass(group, name).await;
        KEPT.lock().expect("lock").push((key, pass.clone()));
        pass
    }

    /// Opens the call socket of `group` with a guest's pass.
    pub async fn connect(&self, group: &str) -> Client {
        let pass = self.guest_pass(group, "Tester").await;
        self.connect_with(group, Some(&pass)).await.expect("connect")
    }

    /// The handshake request of `group`'s call socket, offering `pass` (or none).
    fn call_request(
        &self,
        group: &str,
        pass: Option<&str>,
    ) -> tokio_tungstenite::tungstenite::handshake::client::Request {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request =
            format!("ws://{}/api/groups/{group}/call", self.addr).into_client_request().expect("request");
        let protocols = match pass {
            Some(pass) => format!("peershare.v1, peershare.pass.{pass}"),
            None => "peershare.v1".to_owned(),
        };
        request.headers_mut().insert("sec-websocket-protocol", protocols.parse().expect("header"));
        request
    }

    /// Opens the call socket offering `pass` (or none); the HTTP error on refusal.
    pub async fn connect_with(
        &self,
        group: &str,
        pass: Option<&str>,
    ) -> Result<Client, tokio_tungstenite::tungstenite::Error> {
        let (ws, response) = connect_async(self.call_request(group, pass)).await?;
        assert_eq!(
            response.headers().get("sec-websocket-protocol").and_then(|v| v.to_str().ok()),
            Some("peershare.v1"),
            "the server selects the call protocol"
        );
        Ok(Client { ws })
    }

    /// Opens the call socket of `group` with `pass` on a TCP connection whose receive buffer
    /// is as small as the kernel allows: a client that stops reading fills it at once.
    pub async fn connect_stalling(&self, group: &str, pass: &str) -> Client {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.set_recv_buffer_size(4 * 1024).expect("SO_RCVBUF");
        let stream = socket.connect(self.addr).await.expect("tcp connect");
        let (ws, _) = tokio_tungstenite::client_async(
            self.call_request(group, Some(pass)),
            MaybeTlsStream::Plain(stream),
        )
        .await
        .expect("websocket handshake");
        Client { ws }
    }

    pub async fn join(&self, group: &str, name: &str) -> (Client, u32) {
        self.join_with(group, name, None).await
    }

    /// Joins sending `resume` as the resume key (a client's key for its call session), with the
    /// pass `name` keeps for this call.
    pub async fn join_resuming(&self, group: &str, name: &str, resume: &str) -> (Client, u32) {
        self.join_with(group, name, Some(resume)).await
    }

    async fn join_with(&self, group: &str, name: &str, resume: Option<&str>) -> (Client, u32) {
        let pass = match resume {
            Some(_) => self.kept_guest_pass(group, name).await,
            None => self.guest_pass(group, name).await,
        };
        let mut c = self.connect_with(group, Some(&pass)).await.expect("connect");
        c.send_join(name, resume).await;
        let welcome = c.recv_type("welcome").await;
        (c, welcome["you"].as_u64().expect("you") as u32)
    }
}

pub struct Client {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

pub enum Received {
    Json(Value),
    Closed(Option<u16>),
}

impl Client {
    /// Sends `join` as `name` with audio and video on, presenting `resume` as the resume key.
    pub async fn send_join(&mut self, name: &str, resume: Option<&str>) {
        let mut join =
            json!({"type":"join","version":1,"display_name":name,"media":{"audio":true,"video":true}});
        if let Some(key) = resume {
            join["resume"] = json!(key);
        }
        self.send_json(join).await;
    }

    pub async fn send_json(&mut self, v: Value) {
        self.send_text(v.to_string()).await;
    }

    pub async fn send_text(&mut self, text: String) {
        self.ws.send(Message::text(text)).await.expect("send");
    }

    /// Next text message or close, within the deadline.
    pub async fn next(&mut self) -> Received {
        loop {
            let frame =
                tokio::time::timeout(DEADLINE, self.ws.next()).await.expect("no frame before deadline");
            match frame {
                Some(Ok(Message::Text(t))) => {
                    let value: Value = serde_json::from_str(&t).expect("server sends JSON");
                    // Every server frame must parse as the typed protocol.
                    serde_json::from_value::<ServerMessage>(value.clone()).expect("typed server message");
                    return Received::Json(value);
                }
                Some(Ok(Message::Close(frame))) => return Received::Closed(frame.map(|f| u16::from(f.code))),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Received::Closed(None),
            }
        }
    }

    pub async fn recv(&mut self) -> Value {
        match self.next().await {
            Received::Json(v) => v,
            Received::Closed(code) => panic!("connection closed ({code:?}) while a message was expected"),
        }
    }

    /// Skips pongs and returns the next message, asserting its type.
    pub async fn recv_type(&mut self, ty: &str) -> Value {
        let v = self.recv().await;
        assert_eq!(v["type"], ty, "unexpected message {v}");
        v
    }

    pub async fn ping(&mut self, nonce: u32) {
        self.send_json(json!({"type":"ping","nonce":nonce})).await;
        let pong = self.recv_type("pong").await;
        assert_eq!(pong["nonce"], nonce);
    }
}

/// The HTTP status and JSON body of a refused call-socket upgrade.
pub fn refusal(result: Result<Client, tokio_tungstenite::tungstenite::Error>) -> (u16, Value) {
    use tokio_tungstenite::tungstenite::Error as WsError;
    match result {
        Err(WsError::Http(response)) => {
            let body = response.body().as_deref().map(serde_json::from_slice::<Value>);
            (response.status().as_u16(), body.and_then(Result::ok).unwrap_or(Value::Null))
        }
        Err(other) => panic!("expected an HTTP refusal, got {other}"),
        Ok(_) => panic!("the socket opened"),
    }
}

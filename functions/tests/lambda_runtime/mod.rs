//! The Lambda Runtime API (the HTTP interface AWS Lambda offers a custom runtime's `bootstrap`:
//! `GET /2018-06-01/runtime/invocation/next`, `POST …/{id}/response`, `…/{id}/error`,
//! `…/init/error`), served on a loopback port so a test can run the real `peershare-lambda`
//! binary and hand it events one at a time, as Lambda does.

#![allow(dead_code)]

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{Mutex, mpsc, oneshot};

/// What the function answered to one invocation.
pub type Outcome = Result<Value, String>;

struct Invocation {
    event: Value,
    answer: oneshot::Sender<Outcome>,
}

#[derive(Clone)]
struct Shared {
    pending: Arc<Mutex<mpsc::Receiver<Invocation>>>,
    waiting: Arc<Mutex<HashMap<String, oneshot::Sender<Outcome>>>>,
    init_error: Arc<Mutex<Option<String>>>,
    next_id: Arc<AtomicU64>,
}

/// A Runtime API endpoint; invocations queue until the function asks for the next one.
pub struct RuntimeApi {
    /// `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`.
    pub address: String,
    queue: mpsc::Sender<Invocation>,
    shared: Shared,
}

/// How long one invocation may take (the function's deadline is set to the same).
pub const INVOCATION_TIMEOUT: Duration = Duration::from_secs(60);

impl RuntimeApi {
    /// Starts serving on a free loopback port.
    pub async fn start() -> Self {
        let (queue, pending) = mpsc::channel(16);
        let shared = Shared {
            pending: Arc::new(Mutex::new(pending)),
            waiting: Arc::default(),
            init_error: Arc::default(),
            next_id: Arc::default(),
        };
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(respond))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(fail))
            .route("/2018-06-01/runtime/init/error", post(init_failed))
            .with_state(shared.clone());
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("binds");
        let address = listener.local_addr().expect("address").to_string();
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
        Self { address, queue, shared }
    }

    /// Hands `event` to the function and waits for its answer.
    pub async fn invoke(&self, event: Value) -> Outcome {
        let (answer, answered) = oneshot::channel();
        self.queue.send(Invocation { event, answer }).await.expect("the runtime API is up");
        match tokio::time::timeout(INVOCATION_TIMEOUT, answered).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(_)) => Err("the invocation was dropped".into()),
            Err(_) => Err(match self.shared.init_error.lock().await.clone() {
                Some(init) => format!("the function failed to start: {init}"),
                None => format!("no answer within {INVOCATION_TIMEOUT:?}"),
            }),
        }
    }
}

async fn next(State(shared): State<Shared>) -> Response {
    let Some(invocation) = shared.pending.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    let id = format!("req-{}", shared.next_id.fetch_add(1, Ordering::Relaxed));
    shared.waiting.lock().await.insert(id.clone(), invocation.answer);
    let deadline = SystemTime::now() + INVOCATION_TIMEOUT;
    let deadline_ms = deadline.duration_since(UNIX_EPOCH).expect("after 1970").as_millis();
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).expect("a header value"));
    };
    set("lambda-runtime-aws-request-id", id);
    set("lambda-runtime-deadline-ms", deadline_ms.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:peershare-api".into(),
    );
    set("lambda-runtime-trace-id", "Root=1-00000000-000000000000000000000000;Sampled=0".into());
    set("content-type", "application/json".into());
    (headers, invocation.event.to_string()).into_response()
}

async fn respond(State(shared): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    answer(&shared, &id, serde_json::from_str(&body).map_err(|e| format!("not JSON ({e}): {body}"))).await
}

async fn fail(State(shared): State<Shared>, Path(id): Path<String>, body: String) -> StatusCode {
    answer(&shared, &id, Err(body)).await
}

async fn init_failed(State(shared): State<Shared>, body: String) -> StatusCode {
    *shared.init_error.lock().await = Some(body);
    StatusCode::ACCEPTED
}

async fn answer(shared: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    match shared.waiting.lock().await.remove(id) {
        Some(waiter) => {
            let _ = waiter.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

//! The node's HTTP control API. Signaling hosts open and end call sessions with room tokens;
//! browsers join with participant tokens (SDP offer in, answer out). Every error is a status
//! with `{"error", "message"}`.

use crate::metrics::prometheus;
use crate::sfu::SfuError;
use crate::token::{TokenError, TokenVerifier};
use crate::udp_host::{NodeError, NodeHandle};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use metrics_exporter_prometheus::PrometheusHandle;
use peershare_core::http_error::ErrorBody;
use peershare_core::media::RecordingOrder;
use peershare_core::media::{MediaClaims, TokenScope};
use peershare_core::protocol::{ParticipantId, SdpType, SessionDescription};
use serde::Serialize;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct ControlState {
    node: NodeHandle,
    verifier: Arc<TokenVerifier>,
    node_id: Arc<str>,
    capacity: usize,
    metrics: PrometheusHandle,
}

impl ControlState {
    /// State for `node`, whose tokens `verifier` checks.
    pub fn new(node: NodeHandle, verifier: TokenVerifier, node_id: &str, capacity: usize) -> Self {
        Self { node, verifier: Arc::new(verifier), node_id: node_id.into(), capacity, metrics: prometheus() }
    }
}

/// The control API's routes: what signaling hosts and browsers call. The node's figures are
/// on [`ops_router`], served on a private address.
pub fn router(state: ControlState) -> Router {
    // Browsers join from the web client's origin with a bearer token (no cookies), so that one
    // route answers any origin; the others are for signaling hosts and operators, not pages.
    let browsers = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(|_, request: &Parts| is_join_path(request.uri.path())))
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .allow_methods([Method::POST]);
    Router::new()
        .route("/v1/calls/{call}", get(call_status).post(create_call).delete(end_call))
        .route("/v1/calls/{call}/participants", post(add_participant))
        .route("/v1/calls/{call}/participants/{participant}", delete(remove_participant))
        .route("/v1/calls/{call}/recording", put(set_recording))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(browsers)
        .with_state(state)
}

/// The operators' routes: `/health` (capacity figures, for the fleet and load balancers) and
/// `/metrics` (Prometheus). They are served on their own, private listener (the binary's
/// `--ops-listen`, loopback by default), never next to the public control API: what a node
/// carries is nobody else's business.
pub fn ops_router(state: ControlState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

/// Whether `path` is a call's join route (`/v1/calls/{call}/participants`), the only one pages
/// of other origins may call.
fn is_join_path(path: &str) -> bool {
    let mut segments = path.trim_start_matches('/').split('/');
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next(), segments.next()),
        (Some("v1"), Some("calls"), Some(call), Some("participants"), None) if !call.is_empty()
    )
}

/// An error answered by the control API.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// No or bad token.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A valid token that does not allow this request.
    #[error("{0}")]
    Forbidden(String),
    /// The body is not the expected JSON.
    #[error("invalid request body: {0}")]
    Body(String),
    /// The node refused the request.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// No such route.
    #[error("no route {0}")]
    NotFound(String),
    /// A route asked with a method it does not take.
    #[error("{0} is not a method of this route")]
    MethodNotAllowed(String),
    /// A path parameter is not what the route takes.
    #[error("invalid path: {0}")]
    Path(String),
}

impl ControlError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ControlError::Token(TokenError::Missing) => (StatusCode::UNAUTHORIZED, "missing_token"),
            ControlError::Token(TokenError::Invalid(_)) => (StatusCode::UNAUTHORIZED, "invalid_token"),
            ControlError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ControlError::Body(_) => (StatusCode::BAD_REQUEST, "invalid_body"),
            ControlError::Node(NodeError::Stopped) => (StatusCode::SERVICE_UNAVAILABLE, "node_stopped"),
            ControlError::Node(NodeError::RecordingUnavailable) => {
                (StatusCode::SERVICE_UNAVAILABLE, "recording_unavailable")
            }
            ControlError::Node(NodeError::Sfu(e)) => match e {
                SfuError::CallExists(_) => (StatusCode::CONFLICT, "call_exists"),
                SfuError::NoSuchCall(_) => (StatusCode::NOT_FOUND, "call_not_found"),
                SfuError::NoSuchParticipant(..) => (StatusCode::NOT_FOUND, "participant_not_found"),
                SfuError::Full(_) => (StatusCode::SERVICE_UNAVAILABLE, "node_full"),
                SfuError::BadOffer(_) => (StatusCode::BAD_REQUEST, "invalid_offer"),
                SfuError::Removed(..) => (StatusCode::FORBIDDEN, "participant_removed"),
            },
            ControlError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ControlError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            ControlError::Path(_) => (StatusCode::BAD_REQUEST, "invalid_path"),
        }
    }
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let mut response = (status, Json(ErrorBody::new(code, self.to_string()))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The verified claims of the request's bearer token.
struct Claims(MediaClaims);

impl FromRequestParts<ControlState> for Claims {
    type Rejection = ControlError;

    async fn from_request_parts(parts: &mut Parts, state: &ControlState) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(TokenError::Missing)?;
        Ok(Claims(state.verifier.verify(token)?))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION)?.to_str().ok().and_then(peershare_core::auth::bearer)
}

impl Claims {
    /// The token must be for `call` with `scope`.
    fn require(&self, call: &str, scope: TokenScope) -> Result<(), ControlError> {
        if self.0.call != call {
            return Err(ControlError::Forbidden(format!(
                "the token is for call {}, not {call}",
                self.0.call
            )));
        }
        if self.0.scope != scope {
            return Err(ControlError::Forbidden(format!("this request needs a {scope:?} token")));
        }
        Ok(())
    }
}

/// `201` with the call's id.
#[derive(Serialize)]
struct CallCreated {
    call_id: String,
}

async fn create_call(
    State(state): State<ControlState>,
    Path(call): Path<String>,
    claims: Claims,
) -> Result<impl IntoResponse, ControlError> {
    claims.require(&call, TokenScope::Room)?;
    state.node.create_call(&call).await?;
    Ok((StatusCode::CREATED, Json(CallCreated { call_id: call })))
}

/// `200` with a call session's figures: signaling hosts ask it to check that the session (and
/// the node) is still there when a participant's link to the node failed.
#[derive(Serialize)]
struct CallStatus {
    call_id: String,
    participants: usize,
}

async fn call_status(
    State(state): State<ControlState>,
    Path(call): Path<String>,
    claims: Claims,
) -> Result<Json<CallStatus>, ControlError> {
    claims.require(&call, TokenScope::Room)?;
    let participants = state.node.call_participants(&call).await?;
    Ok(Json(CallStatus { call_id: call, participants }))
}

async fn end_call(
    State(state): State<ControlState>,
    Path(call): Path<String>,
    claims: Claims,
) -> Result<StatusCode, ControlError> {
    claims.require(&call, TokenScope::Room)?;
    state.node.end_call(&call).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_participant(
    State(state): State<ControlState>,
    Path(call): Path<String>,
    claims: Claims,
    body: Result<Json<SessionDescription>, JsonRejection>,
) -> Result<impl IntoResponse, ControlError> {
    claims.require(&call, TokenScope::Participant)?;
    let participant = claims
        .0
        .participant
        .ok_or_else(|| ControlError::Forbidden("the token names no participant".into()))?;
    let Json(offer) = body.map_err(|e| ControlError::Body(e.body_text()))?;
    if offer.kind != SdpType::Offer {
        return Err(ControlError::Body("expected an SDP offer (type \"offer\")".into()));
    }
    let answer = state.node.add_participant(&call, participant, offer.sdp).await?;
    Ok((StatusCode::CREATED, Json(SessionDescription { kind: SdpType::Answer, sdp: answer })))
}

async fn remove_participant(
    State(state): State<ControlState>,
    path: Result<Path<(String, u32)>, PathRejection>,
    claims: Claims,
) -> Result<StatusCode, ControlError> {
    let Path((call, participant)) = path.map_err(|e| ControlError::Path(e.body_text()))?;
    claims.require(&call, TokenScope::Room)?;
    state.node.remove_participant(&call, ParticipantId(participant)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Most participants one recording names (the room's capacity is far below).
const MAX_RECORDED_PARTICIPANTS: usize = 256;

async fn set_recording(
    State(state): State<ControlState>,
    Path(call): Path<String>,
    claims: Claims,
    body: Result<Json<RecordingOrder>, JsonRejection>,
) -> Result<StatusCode, ControlError> {
    claims.require(&call, TokenScope::Room)?;
    let Json(plan) = body.map_err(|e| ControlError::Body(e.body_text()))?;
    if !peershare_recording::layout::valid_recording_id(&plan.recording) {
        return Err(ControlError::Body("recording must be 1 to 128 letters, digits, _ or -".into()));
    }
    if plan.participants.len() > MAX_RECORDED_PARTICIPANTS {
        return Err(ControlError::Body(format!("at most {MAX_RECORDED_PARTICIPANTS} participants")));
    }
    let participants = plan.participants.into_iter().map(ParticipantId).collect();
    let spec = crate::sfu::RecordingSpec {
        id: plan.recording,
        revision: plan.revision,
        participants,
        stopped: plan.stopped,
        part: plan.part,
    };
    state.node.set_recording(&call, spec).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /health`: whether the node runs and how much room it has.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Health {
    /// `ok` while the node's task runs.
    pub status: String,
    /// The node's id.
    pub node_id: String,
    /// Open call sessions.
    pub calls: u64,
    /// Participants across calls.
    pub participants: u64,
    /// Most participants the node takes.
    pub capacity: u64,
    /// Participants it can still take.
    pub available: u64,
    /// Where browsers send media.
    pub media_addr: String,
    /// Calls being recorded.
    #[serde(default)]
    pub recordings: u64,
}

async fn health(State(state): State<ControlState>) -> Response {
    let stats = state.node.stats();
    let stopped = state.node.is_stopped();
    let body = Health {
        status: if stopped { "stopped" } else { "ok" }.into(),
        node_id: state.node_id.to_string(),
        calls: stats.calls,
        participants: stats.participants,
        capacity: state.capacity as u64,
        available: (state.capacity as u64).saturating_sub(stats.participants),
        media_addr: state.node.media_addr().to_string(),
        recordings: stats.recordings,
    };
    let status = if stopped { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::OK };
    (status, Json(body)).into_response()
}

async fn metrics(State(state): State<ControlState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render())
}

async fn not_found(uri: axum::http::Uri) -> ControlError {
    ControlError::NotFound(uri.path().to_owned())
}

async fn method_not_allowed(method: Method) -> ControlError {
    ControlError::MethodNotAllowed(method.to_string())
}

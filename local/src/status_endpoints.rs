//! `/healthz` and `GET /api/groups/{id}/call/status`.

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use peershare_core::GroupId;
use peershare_core::protocol::CallStatus;
use peershare_functions::api::{Caller, call_access};
use serde::Serialize;

/// Body of `/healthz`.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    rooms: usize,
    connections: u32,
    /// Media nodes registered with this server's fleet (absent without `--media-fleet`).
    #[serde(skip_serializing_if = "Option::is_none")]
    media_nodes: Option<usize>,
}

/// Liveness plus a little load information.
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    let (rooms, connections) = state.rooms.totals();
    let media_nodes = match &state.api.fleet {
        Some(_) => state.api.store.media_nodes().await.ok().map(|nodes| nodes.len()),
        None => None,
    };
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), rooms, connections, media_nodes })
}

/// How many people are in a call, for the pre-join screen. Anyone with a link call's id may
/// ask. A stored group's call answers those who could join it: its members (access token),
/// holders of a pass for it, and anyone where the group admits guests; to everyone else the
/// group does not exist.
#[utoipa::path(get, path = "/api/groups/{id}/call/status", tag = "calls",
    params(("id" = String, Path, description = "Group id, or a link call's id")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, body = CallStatus),
        (status = 400, body = peershare_core::http_error::ErrorBody),
        (status = 401, description = "An invalid or expired token", body = peershare_core::http_error::ErrorBody),
        (status = 404, description = "No such group, or not one the caller may see", body = peershare_core::http_error::ErrorBody),
    ))]
pub async fn call_status(
    State(state): State<AppState>,
    Path(group): Path<String>,
    mut parts: Parts,
) -> Result<Json<CallStatus>, ApiError> {
    let group = GroupId::parse(&group)?;
    let mut capacity = state.config.room_capacity;
    if group.is_stored() {
        let caller = Caller::from_request_parts(&mut parts, &state.api).await?;
        let access = call_access(&state.api, &caller, &group).await?;
        capacity = access.max_participants.map_or(capacity, |max| capacity.min(max));
    }
    let status = state.rooms.status(&group);
    Ok(Json(CallStatus {
        participants: status.as_ref().map_or(0, |s| s.participants),
        capacity: status.as_ref().map_or(capacity, |s| s.capacity),
        joinable: status.is_none_or(|s| s.joinable),
    }))
}

/// Any other `/api/...` path.
pub async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

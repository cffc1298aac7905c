//! `/healthz` and `GET /api/groups/{id}/call/status`.

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use peershare_core::GroupId;
use peershare_core::protocol::CallStatus;
use serde::Serialize;

/// Body of `/healthz`.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    rooms: usize,
    connections: u32,
}

/// Liveness plus a little load information.
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    let (rooms, connections) = state.rooms.totals();
    Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), rooms, connections })
}

/// How many people are in a call, for the pre-join screen.
#[utoipa::path(get, path = "/api/groups/{id}/call/status", tag = "calls",
    params(("id" = String, Path, description = "Group id, or a link call's id")),
    responses((status = 200, body = CallStatus), (status = 400, body = peershare_core::http_error::ErrorBody)))]
pub async fn call_status(
    State(state): State<AppState>,
    Path(group): Path<String>,
) -> Result<Json<CallStatus>, ApiError> {
    let group = GroupId::parse(&group)?;
    let (participants, joinable) =
        state.rooms.status(&group).map_or((0, true), |s| (s.participants, s.joinable));
    Ok(Json(CallStatus { participants, capacity: state.config.room_capacity, joinable }))
}

/// Any other `/api/...` path.
pub async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

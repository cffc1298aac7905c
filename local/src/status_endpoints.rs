//! `/healthz` and `GET /api/groups/{id}/call/status`.

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use peershare_core::GroupId;
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

/// Body of `GET /api/groups/{id}/call/status`.
#[derive(Debug, Serialize)]
pub struct CallStatus {
    participants: u32,
    capacity: u32,
}

/// How many people are in a call, for the pre-join screen.
pub async fn call_status(
    State(state): State<AppState>,
    Path(group): Path<String>,
) -> Result<Json<CallStatus>, ApiError> {
    let group = GroupId::parse(&group)?;
    let participants = state.rooms.status(&group).map(|s| s.participants).unwrap_or(0);
    Ok(Json(CallStatus { participants, capacity: state.config.room_capacity }))
}

/// Any other `/api/...` path.
pub async fn api_not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(uri.path().to_owned())
}

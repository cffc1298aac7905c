//! The media-node fleet's internal routes. Nodes, with the fleet's secret:
//! `PUT /api/internal/media-nodes/{id}` (register), `POST …/{id}/heartbeat`, `DELETE …/{id}`
//! (leave). Signaling hosts, with the deployment's internal secret:
//! `POST /api/internal/media-nodes/allocations` (a call session: 200 with a lease, or 202 while
//! a node starts) and `DELETE /api/internal/media-nodes/{id}/allocations/{call}` (release). A
//! scheduler, with the internal secret: `POST /api/internal/media-nodes/tick` (a look at the
//! fleet's size, so warm capacity and dead nodes are seen to even when no node heartbeats).
//! Rooms whose sessions a node lost are told. Not in the public OpenAPI description.

use super::{ApiError, ApiState};
use crate::fleet::{AllocationAnswer, AllocationAsk, Fleet, LostSession};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use peershare_core::auth::is_internal_caller;
use peershare_core::fleet::{Heartbeat, HeartbeatAnswer, NodeRegistration};
use std::sync::Arc;

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

/// The fleet, for a caller presenting the fleet's secret (a node).
fn fleet_for_node(state: &ApiState, headers: &HeaderMap) -> Result<Arc<Fleet>, ApiError> {
    let fleet = state.fleet.clone().ok_or(ApiError::FleetDisabled)?;
    if !is_internal_caller(authorization(headers), Some(&fleet.settings().node_secret)) {
        return Err(ApiError::FleetOnly);
    }
    Ok(fleet)
}

/// The fleet, for a caller presenting the internal secret (a signaling host).
fn fleet_for_host(state: &ApiState, headers: &HeaderMap) -> Result<Arc<Fleet>, ApiError> {
    if !is_internal_caller(authorization(headers), state.settings.internal_secret.as_deref()) {
        return Err(ApiError::InternalOnly);
    }
    state.fleet.clone().ok_or(ApiError::FleetDisabled)
}

/// Tells the rooms of `sessions` that their node is gone.
async fn tell_rooms(state: &ApiState, sessions: Vec<LostSession>) {
    LostSession::tell(state.rooms.as_ref(), sessions).await;
}

/// Registers a node (or restarts it).
pub async fn register(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<NodeRegistration>, JsonRejection>,
) -> Result<Json<HeartbeatAnswer>, ApiError> {
    let fleet = fleet_for_node(&state, &headers)?;
    let Json(node) = body?;
    let (answer, dropped) = fleet.register(&id, &node, state.clock.now()).await?;
    tell_rooms(&state, dropped).await;
    Ok(Json(answer))
}

/// A node's heartbeat; now and then it also has the fleet's size looked at.
pub async fn heartbeat(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Heartbeat>, JsonRejection>,
) -> Result<Json<HeartbeatAnswer>, ApiError> {
    let fleet = fleet_for_node(&state, &headers)?;
    let Json(beat) = body?;
    let now = state.clock.now();
    let answer = fleet.heartbeat(&id, beat.load, now).await?;
    match fleet.tick_if_due(now).await {
        Ok(Some(report)) => tell_rooms(&state, report.lost).await,
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "could not look at the fleet's size"),
    }
    Ok(Json(answer))
}

/// A node leaves the fleet.
pub async fn leave(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let fleet = fleet_for_node(&state, &headers)?;
    let lost = fleet.leave(&id).await?;
    tell_rooms(&state, lost).await;
    Ok(StatusCode::NO_CONTENT)
}

/// A call session for a room: `200 {"lease": …}`, or `202 {"retry_after_ms": …}` while a node
/// starts.
pub async fn allocate(
    State(state): State<ApiState>,
    headers: HeaderMap,
    body: Result<Json<AllocationAsk>, JsonRejection>,
) -> Result<Response, ApiError> {
    let fleet = fleet_for_host(&state, &headers)?;
    let Json(ask) = body?;
    Ok(match fleet.allocate(&ask, state.clock.now()).await? {
        AllocationAnswer::Lease(lease) => {
            (StatusCode::OK, Json(serde_json::json!({ "lease": lease }))).into_response()
        }
        AllocationAnswer::Pending { retry_after } => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "retry_after_ms": retry_after.as_millis() as u64 })),
        )
            .into_response(),
    })
}

/// Frees a call session's reservation (the room ended it); releasing twice is harmless.
pub async fn release(
    State(state): State<ApiState>,
    Path((node, call)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let fleet = fleet_for_host(&state, &headers)?;
    fleet.release(&node, &call, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A look at the fleet's size now (a scheduler calls it every minute): dead nodes forgotten and
/// their rooms told, each region grown to what it needs (its warm capacity included), idle
/// nodes drained. `200 {"desired": {region: nodes}, "drained": [ids], "forgotten": [ids],
/// "lost_sessions": n, "nodes": n, "participants": n}`.
pub async fn tick(
    State(state): State<ApiState>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let fleet = fleet_for_host(&state, &headers)?;
    let report = fleet.tick(state.clock.now()).await?;
    let summary = serde_json::json!({
        "desired": report.desired,
        "drained": report.drained,
        "forgotten": report.forgotten,
        "lost_sessions": report.lost.len(),
        "nodes": report.nodes,
        "participants": report.participants,
    });
    tell_rooms(&state, report.lost).await;
    Ok(Json(summary))
}

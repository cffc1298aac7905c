//! `POST /api/internal/groups/{id}/history`: the signaling host that runs a group's call room
//! (the Worker's Durable Object) delivers the events the room decided, in order. Only a host
//! presenting the deployment's internal secret may; every event names its call and every write
//! is idempotent, so a delivery retried after a failure or a restart writes each row once.
//! Not part of the public OpenAPI description: no client calls it.

use super::{ApiError, ApiState};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use peershare_core::GroupId;
use peershare_core::auth::is_internal_caller;
use peershare_core::room::CallEvent;

/// Most events one delivery carries (a room delivers what it queued since the last success).
pub const MAX_EVENTS: usize = 200;

/// Writes the delivered events of `id`'s call history.
pub async fn deliver(
    State(state): State<ApiState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Vec<CallEvent>>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let presented = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if !is_internal_caller(presented, state.settings.internal_secret.as_deref()) {
        return Err(ApiError::InternalOnly);
    }
    let group = GroupId::parse(&id)?;
    let Json(events) = body?;
    if events.len() > MAX_EVENTS {
        return Err(ApiError::TooManyEvents(MAX_EVENTS));
    }
    if !group.is_stored() {
        // Link calls keep no history.
        return Ok(StatusCode::NO_CONTENT);
    }
    for event in &events {
        crate::history::apply(state.store.as_ref(), &group, event).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

//! `GET /api/groups/{id}/calls`: a group's call history.

use super::caller::{Authenticated, authorize_on};
use super::views::{CallHistory, CallView};
use super::{ApiError, ApiState, ErrorResponses};
use axum::Json;
use axum::extract::{Path, Query, State};
use peershare_core::groups::Action;
use serde::Deserialize;
use utoipa::IntoParams;

/// Most calls one request returns.
const MAX_LIMIT: usize = 100;

/// Query of the history route.
#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// How many calls, newest first (1 to 100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// The group's latest calls: when they started and ended, who took part.
#[utoipa::path(get, path = "/api/groups/{id}/calls", tag = "history", security(("bearer" = [])),
    params(("id" = String, Path, description = "Group id"), HistoryQuery),
    responses((status = 200, body = CallHistory), ErrorResponses))]
pub async fn list(
    State(state): State<ApiState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    query: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CallHistory>, ApiError> {
    let allowed = authorize_on(&state, &caller, &id, Action::ViewHistory).await?;
    let Query(query) =
        query.map_err(|e| ApiError::InvalidBody { status: e.status(), message: e.body_text() })?;
    let limit = query.limit.unwrap_or(20);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidBody {
            status: axum::http::StatusCode::BAD_REQUEST,
            message: format!("limit must be between 1 and {MAX_LIMIT}"),
        });
    }
    let calls = state.store.calls(&allowed.group.id, limit).await?;
    Ok(Json(CallHistory { calls: calls.iter().map(CallView::from).collect() }))
}

//! `GET /api/turn-credentials`: ICE servers with fresh, expiring TURN credentials.

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use peershare_core::turn_credentials::IceConfig;
use std::time::{SystemTime, UNIX_EPOCH};

/// ICE servers with fresh TURN credentials (when TURN is configured). Each issue gets a random
/// user part, so coturn logs can tell allocations apart.
#[utoipa::path(get, path = "/api/turn-credentials", tag = "calls",
    responses((status = 200, body = IceConfig), (status = 500, body = peershare_core::http_error::ErrorBody)))]
pub async fn turn_credentials(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let guest = format!("guest-{:016x}", rand::random::<u64>());
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let config = &state.config;
    let ice = IceConfig::build(config.turn(), config.policy(), &guest, now, config.turn_ttl())?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(ice)))
}

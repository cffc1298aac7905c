//! `GET /api/turn-credentials`: ICE servers with fresh, expiring TURN credentials.

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use peershare_core::turn_credentials::IceConfig;
use std::time::{SystemTime, UNIX_EPOCH};

/// Issues ICE configuration for a guest. Until accounts exist every caller is a guest with a
/// random id, so coturn logs can still tell allocations apart.
pub async fn turn_credentials(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let guest = format!("guest-{:016x}", rand::random::<u64>());
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let config = &state.config;
    let ice = IceConfig::build(config.turn(), config.policy(), &guest, now, config.turn_ttl())?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(ice)))
}

//! `GET /api/turn-credentials`: ICE servers with fresh, expiring TURN credentials, for holders
//! of a call pass (core's gate, the same as the Worker's).

use crate::api_error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use peershare_core::Timestamp;
use peershare_core::auth::admit_turn;
use peershare_core::turn_credentials::IceConfig;
use std::sync::PoisonError;
use std::time::{SystemTime, UNIX_EPOCH};

/// ICE servers with TURN credentials (when TURN is configured) in the pass holder's name,
/// expiring with their pass at the latest.
#[utoipa::path(get, path = "/api/turn-credentials", tag = "calls",
    params(("authorization" = String, Header, description = "`Bearer <call pass>`")),
    responses(
        (status = 200, body = IceConfig),
        (status = 401, description = "No valid call pass", body = peershare_core::http_error::ErrorBody),
        (status = 429, description = "Asked too often (`rate_limited`)", body = peershare_core::http_error::ErrorBody),
        (status = 500, body = peershare_core::http_error::ErrorBody),
    ))]
pub async fn turn_credentials(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let grant = admit_turn(state.api.tokens.verifier(), authorization)?;
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let at = Timestamp::from_millis(u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX));
    state.turn_quota.lock().unwrap_or_else(PoisonError::into_inner).admit(&grant.user, at)?;
    let now = since_epoch.as_secs();
    let config = &state.config;
    let ice = IceConfig::for_grant(config.turn(), config.policy(), &grant, now, config.turn_ttl())?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(ice)))
}

//! HTTP API errors: one enum, one JSON shape `{"error": "<code>", "message": "..."}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use peershare_core::auth::GateError;
use peershare_core::group_id::GroupIdError;
use peershare_core::http_error::{ErrorBody, HttpError};
use peershare_core::turn_credentials::TurnCredentialsError;
use peershare_functions::session::TokenError;

/// An error answered to an HTTP request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The group id in the path is not valid.
    #[error("invalid group id: {0}")]
    InvalidGroupId(#[from] GroupIdError),
    /// No such API route.
    #[error("no API route {0}")]
    NotFound(String),
    /// TURN credentials could not be issued.
    #[error("cannot issue TURN credentials: {0}")]
    TurnCredentials(#[from] TurnCredentialsError),
    /// The pass holder asked for TURN credentials too often.
    #[error(transparent)]
    TurnRateLimited(#[from] peershare_core::turn_quota::TurnRateLimited),
    /// The offered call pass is not valid.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A call pass was missing, invalid or for another call.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// A plain HTTP request on the call's WebSocket route.
    #[error("this route is a WebSocket: open it with an upgrade request ({0})")]
    UpgradeRequired(String),
    /// An error of the accounts API (its own status and code).
    #[error(transparent)]
    Accounts(#[from] peershare_functions::api::ApiError),
    /// No file of the web client at this path (one with an extension: the app's own pages
    /// have none).
    #[error("the web client has no file {0}")]
    FileNotFound(String),
    /// The web client has not been built.
    #[error("the web client is not built; run `cargo xtask dev`, which builds it")]
    WebClientMissing,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::InvalidGroupId(e) => core_error(e),
            ApiError::NotFound(_) | ApiError::FileNotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::TurnCredentials(e) => core_error(e),
            ApiError::TurnRateLimited(e) => core_error(e),
            ApiError::Gate(e) => core_error(e),
            ApiError::Token(e) => core_error(e),
            ApiError::UpgradeRequired(_) => (StatusCode::UPGRADE_REQUIRED, "upgrade_required"),
            ApiError::WebClientMissing => (StatusCode::SERVICE_UNAVAILABLE, "web_client_missing"),
            // Answered by the accounts API's own response (see `into_response`).
            ApiError::Accounts(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// A core error's own status and code.
fn core_error(error: &impl HttpError) -> (StatusCode, &'static str) {
    let (status, code) = error.status_and_code();
    (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), code)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Accounts(inner) = self {
            return inner.into_response();
        }
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (status, Json(ErrorBody::new(code, self.to_string()))).into_response()
    }
}

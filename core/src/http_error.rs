//! The one shape of every HTTP error body across PeerShare's services.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `{"error": "<machine code>", "message": "<human text>"}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorBody {
    /// Stable machine-readable code, snake_case.
    pub error: String,
    /// What went wrong, for people.
    pub message: String,
}

/// An error of core's that hosts answer over HTTP: its status and machine code are core's, so
/// every host (the API, `peershare dev`, the Worker) answers it the same way and none restates it.
pub trait HttpError: std::error::Error {
    /// The HTTP status and the machine code of the JSON body.
    fn status_and_code(&self) -> (u16, &'static str);

    /// The JSON body.
    fn body(&self) -> ErrorBody {
        ErrorBody::new(self.status_and_code().1, self.to_string())
    }
}

impl HttpError for crate::group_id::GroupIdError {
    fn status_and_code(&self) -> (u16, &'static str) {
        (400, "invalid_group_id")
    }
}

impl HttpError for crate::turn_credentials::TurnCredentialsError {
    fn status_and_code(&self) -> (u16, &'static str) {
        (500, "turn_unavailable")
    }
}

impl HttpError for crate::auth::SocketDenied {
    fn status_and_code(&self) -> (u16, &'static str) {
        (self.status(), self.code())
    }
}

impl HttpError for crate::auth::GateError {
    fn status_and_code(&self) -> (u16, &'static str) {
        crate::auth::GateError::status_and_code(self)
    }
}

#[cfg(feature = "tokens")]
impl HttpError for crate::auth::TokenError {
    fn status_and_code(&self) -> (u16, &'static str) {
        crate::auth::TokenError::status_and_code(self)
    }
}

impl ErrorBody {
    /// A body with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { error: code.to_owned(), message: message.into() }
    }
}

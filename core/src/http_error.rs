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

impl ErrorBody {
    /// A body with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { error: code.to_owned(), message: message.into() }
    }
}

//! Errors the Worker answers, as every PeerShare host does: a status and
//! `{"error": "<code>", "message": "..."}` (core's `ErrorBody`, the same codes as the API).

use peershare_core::auth::{GateError, SocketDenied, TokenError};
use peershare_core::group_id::GroupIdError;
use peershare_core::http_error::{ErrorBody, HttpError};
use peershare_core::turn_credentials::TurnCredentialsError;
use worker::Response;

/// Why a request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    /// The group id in the path is not valid.
    #[error("invalid group id: {0}")]
    InvalidGroupId(#[from] GroupIdError),
    /// The call socket was refused before reaching the room.
    #[error(transparent)]
    Socket(#[from] SocketDenied),
    /// The offered call pass is not valid.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// A call pass was missing, invalid or for another call.
    #[error(transparent)]
    Gate(#[from] GateError),
    /// A plain request on the call's WebSocket route.
    #[error("this route is a WebSocket: open it with an upgrade request")]
    UpgradeRequired,
    /// A route of the Worker's own, asked with a method it does not take.
    #[error("{0} is not a method of this route")]
    MethodNotAllowed(String),
    /// An internal route called without the deployment's internal secret.
    #[error("this route is for the deployment's own services")]
    InternalOnly,
    /// A request body that is not what the route takes.
    #[error("invalid body: {0}")]
    InvalidBody(String),
    /// No such route.
    #[error("no API route {0}")]
    NotFound(String),
    /// No file of the web client at this path.
    #[error("the web client has no file {0}")]
    FileNotFound(String),
    /// The pass holder asked for TURN credentials too often.
    #[error(transparent)]
    TurnRateLimited(#[from] peershare_core::turn_quota::TurnRateLimited),
    /// TURN credentials could not be issued.
    #[error("cannot issue TURN credentials: {0}")]
    Turn(#[from] TurnCredentialsError),
    /// A var or secret is missing or malformed.
    #[error("the edge is misconfigured: {0} {1}")]
    Config(&'static str, String),
    /// The API origin or a room could not be reached.
    #[error("upstream failed: {0}")]
    Upstream(String),
}

impl From<worker::Error> for EdgeError {
    fn from(e: worker::Error) -> Self {
        EdgeError::Upstream(e.to_string())
    }
}

impl EdgeError {
    fn status_and_code(&self) -> (u16, &'static str) {
        match self {
            EdgeError::InvalidGroupId(e) => e.status_and_code(),
            EdgeError::Socket(denied) => denied.status_and_code(),
            EdgeError::Token(e) => HttpError::status_and_code(e),
            EdgeError::Gate(e) => HttpError::status_and_code(e),
            EdgeError::UpgradeRequired => (426, "upgrade_required"),
            EdgeError::InternalOnly => (401, "internal_only"),
            EdgeError::InvalidBody(_) => (400, "invalid_body"),
            EdgeError::NotFound(_) | EdgeError::FileNotFound(_) => (404, "not_found"),
            EdgeError::MethodNotAllowed(_) => (405, "method_not_allowed"),
            EdgeError::Turn(e) => e.status_and_code(),
            EdgeError::TurnRateLimited(e) => e.status_and_code(),
            EdgeError::Config(..) => (500, "edge_misconfigured"),
            EdgeError::Upstream(_) => (502, "upstream_failed"),
        }
    }

    /// The JSON response for this error.
    pub fn into_response(self) -> worker::Result<Response> {
        let (status, code) = self.status_and_code();
        if status >= 500 {
            worker::console_error!("{code}: {self}");
        }
        Ok(Response::from_json(&ErrorBody::new(code, self.to_string()))?.with_status(status))
    }
}

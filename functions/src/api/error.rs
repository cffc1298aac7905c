//! Every API error: one enum, one HTTP status each, one JSON shape
//! `{"error": "<machine code>", "message": "<human text>"}`.

use crate::session::TokenError;
use crate::store::{MembershipChangeError, ProfileUpdateError, RedeemError, SettingsChangeError, StoreError};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use peershare_core::accounts::ProfileError;
use peershare_core::group_id::GroupIdError;
use peershare_core::groups::{Denied, InviteError, SettingsError, TextError};
use peershare_core::http_error::{ErrorBody, HttpError};

/// An error answered to an API request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No session, or a call pass where an account is needed.
    #[error("sign in first")]
    SignInRequired,
    /// The bearer token is not valid.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The group's rules refuse this caller.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// Guests and call passes may only join calls.
    #[error("a call pass only opens a call: sign in to do this")]
    AccountRequired,
    /// The group id in the path is not valid.
    #[error("invalid group id: {0}")]
    InvalidGroupId(#[from] GroupIdError),
    /// The request body is not the JSON this route takes (400, or 413/415/422 as axum's JSON
    /// extractor decides).
    #[error("invalid request body: {message}")]
    InvalidBody {
        /// The status for this kind of body problem.
        status: StatusCode,
        /// What is wrong with it.
        message: String,
    },
    /// A name or description is not valid.
    #[error("the {} is not valid: {error}", field.replace('_', " "))]
    InvalidText {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        error: TextError,
    },
    /// A settings change is not valid.
    #[error(transparent)]
    InvalidSettings(#[from] SettingsError),
    /// A profile change is not valid.
    #[error(transparent)]
    InvalidProfile(#[from] ProfileError),
    /// An invite request is out of bounds.
    #[error(transparent)]
    InvalidInvite(InviteError),
    /// The person is not a member of the group.
    #[error("no such member in this group")]
    MemberNotFound,
    /// No invite with this id or token.
    #[error("no such invite")]
    InviteNotFound,
    /// The invite no longer admits anyone.
    #[error(transparent)]
    InviteClosed(InviteError),
    /// The change would leave the group without an owner.
    #[error("a group needs an owner: make someone else an owner first")]
    LastOwner,
    /// A role changed since the caller looked.
    #[error("their role changed meanwhile; reload and try again")]
    RoleChanged,
    /// The group does not admit guests: sign in and be invited.
    #[error("this group's calls are for members: sign in to join")]
    GuestsNotAllowed,
    /// No refresh cookie: this browser is not signed in.
    #[error("not signed in")]
    NoSession,
    /// The refresh cookie is expired or revoked.
    #[error("your session has ended: sign in again")]
    SessionEnded,
    /// Signing in with a provider failed.
    #[error(transparent)]
    OAuth(#[from] crate::oauth::OAuthError),
    /// A concurrent refresh with the same cookie won a moment ago: retry once.
    #[error("another tab refreshed this session just now; try again")]
    RefreshRaced,
    /// Dev sign-in is only offered by `peershare dev` without OAuth providers.
    #[error("dev sign-in is not enabled on this server")]
    DevSignInDisabled,
    /// No such API route.
    #[error("no API route {0}")]
    RouteNotFound(String),
    /// The route exists, but not for this method.
    #[error("{0} is not a method of this route")]
    MethodNotAllowed(String),
    /// An internal route asked without the deployment's internal secret.
    #[error("this route is for PeerShare's own signaling hosts")]
    InternalOnly,
    /// A history delivery with more events than one delivery may carry.
    #[error("at most {0} events per delivery")]
    TooManyEvents(usize),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// No such recording in this group.
    #[error("no such recording")]
    RecordingNotFound,
    /// The recording still runs, or is being composed.
    #[error("this recording is still running or being processed: try again once it is ready")]
    RecordingInProgress,
    /// A download link that is expired or not this server's.
    #[error(transparent)]
    Link(peershare_core::recording_links::LinkError),
    /// Recording storage failed.
    #[error("recording storage: {0}")]
    RecordingFiles(String),
    /// This deployment keeps no media-node registry.
    #[error("this deployment has no media-node fleet")]
    FleetDisabled,
    /// A fleet route asked without the fleet's secret.
    #[error("this route is for the fleet's media nodes")]
    FleetOnly,
    /// The fleet refused or failed.
    #[error(transparent)]
    Fleet(#[from] crate::fleet::FleetError),
    /// The proxy to the media nodes refused, or the node could not be reached.
    #[error(transparent)]
    NodeProxy(crate::fleet::NodeProxyError),
}

impl ApiError {
    /// Recording storage failed.
    pub fn recording_files(e: peershare_recording::storage::StorageError) -> Self {
        Self::RecordingFiles(e.to_string())
    }
}

/// A fleet error's status and code.
fn fleet_error(error: &crate::fleet::FleetError) -> (StatusCode, &'static str) {
    use crate::fleet::FleetError::*;
    match error {
        InvalidAsk(_) => (StatusCode::BAD_REQUEST, "invalid_allocation"),
        InvalidRegistration(_) => (StatusCode::BAD_REQUEST, "invalid_registration"),
        IdMismatch => (StatusCode::BAD_REQUEST, "node_id_mismatch"),
        Unreachable(_) => (StatusCode::BAD_REQUEST, "node_needs_pinned_tls"),
        UnknownNode(_) => (StatusCode::NOT_FOUND, "unknown_node"),
        NoCapacity(_) => (StatusCode::SERVICE_UNAVAILABLE, "no_media_node"),
        Contended => (StatusCode::SERVICE_UNAVAILABLE, "allocation_contended"),
        Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "storage_failed"),
        Scaler(_) => (StatusCode::BAD_GATEWAY, "scaler_failed"),
    }
}

/// A node proxy error's status and code.
fn node_proxy_error(error: &crate::fleet::NodeProxyError) -> (StatusCode, &'static str) {
    use crate::fleet::NodeProxyError::*;
    use peershare_core::fleet::ProxyRefusal;
    match error {
        NotProxied => (StatusCode::NOT_FOUND, "fleet_not_proxied"),
        Refused(ProxyRefusal::NotARoute(_)) => (StatusCode::NOT_FOUND, "not_a_node_route"),
        Refused(ProxyRefusal::Method { .. }) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
        UnknownNode(_) => (StatusCode::NOT_FOUND, "unknown_media_node"),
        NotPinned(_) | Unreachable { .. } => (StatusCode::BAD_GATEWAY, "media_node_unreachable"),
        TimedOut(_) => (StatusCode::GATEWAY_TIMEOUT, "media_node_timeout"),
        AnswerTooLarge(_) => (StatusCode::BAD_GATEWAY, "media_node_answer_too_large"),
        Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "storage_failed"),
    }
}

/// A core error's own status and code.
fn core_error(error: &impl HttpError) -> (StatusCode, &'static str) {
    let (status, code) = error.status_and_code();
    (StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), code)
}

impl ApiError {
    /// The HTTP status and the machine code.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        use ApiError::*;
        match self {
            SignInRequired => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Token(e) => core_error(e),
            Denied(d) => (StatusCode::from_u16(d.status()).unwrap_or(StatusCode::FORBIDDEN), d.code()),
            AccountRequired => (StatusCode::FORBIDDEN, "account_required"),
            InvalidGroupId(e) => core_error(e),
            InvalidBody { status, .. } => (*status, "invalid_body"),
            InvalidText { field: "name", .. } => (StatusCode::BAD_REQUEST, "invalid_name"),
            InvalidText { field: "description", .. } => (StatusCode::BAD_REQUEST, "invalid_description"),
            InvalidText { .. } => (StatusCode::BAD_REQUEST, "invalid_text"),
            InvalidSettings(SettingsError::AboveYourRole) => (StatusCode::FORBIDDEN, "above_your_role"),
            InvalidSettings(_) => (StatusCode::BAD_REQUEST, "invalid_settings"),
            InvalidProfile(_) => (StatusCode::BAD_REQUEST, "invalid_profile"),
            InvalidInvite(_) => (StatusCode::BAD_REQUEST, "invalid_invite"),
            MemberNotFound => (StatusCode::NOT_FOUND, "member_not_found"),
            InviteNotFound => (StatusCode::NOT_FOUND, "invite_not_found"),
            InviteClosed(InviteError::Expired) => (StatusCode::GONE, "invite_expired"),
            InviteClosed(InviteError::UsedUp) => (StatusCode::GONE, "invite_used_up"),
            InviteClosed(_) => (StatusCode::GONE, "invite_revoked"),
            LastOwner => (StatusCode::CONFLICT, "last_owner"),
            RoleChanged => (StatusCode::CONFLICT, "role_changed"),
            GuestsNotAllowed => (StatusCode::UNAUTHORIZED, "guests_not_allowed"),
            NoSession => (StatusCode::UNAUTHORIZED, "no_session"),
            SessionEnded => (StatusCode::UNAUTHORIZED, "session_ended"),
            RefreshRaced => (StatusCode::CONFLICT, "refresh_raced"),
            OAuth(e @ crate::oauth::OAuthError::NotConfigured(_)) => (StatusCode::NOT_FOUND, e.code()),
            OAuth(e) => (StatusCode::BAD_GATEWAY, e.code()),
            DevSignInDisabled => (StatusCode::NOT_FOUND, "dev_sign_in_disabled"),
            RouteNotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            InternalOnly => (StatusCode::UNAUTHORIZED, "internal_only"),
            TooManyEvents(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_events"),
            Storage(_) => (StatusCode::INTERNAL_SERVER_ERROR, "storage_failed"),
            RecordingNotFound => (StatusCode::NOT_FOUND, "recording_not_found"),
            RecordingInProgress => (StatusCode::CONFLICT, "recording_in_progress"),
            Link(peershare_core::recording_links::LinkError::Expired) => (StatusCode::GONE, "link_expired"),
            Link(peershare_core::recording_links::LinkError::Forged) => {
                (StatusCode::FORBIDDEN, "link_invalid")
            }
            RecordingFiles(_) => (StatusCode::INTERNAL_SERVER_ERROR, "recording_storage_failed"),
            FleetDisabled => (StatusCode::NOT_FOUND, "fleet_disabled"),
            FleetOnly => (StatusCode::UNAUTHORIZED, "fleet_only"),
            Fleet(e) => fleet_error(e),
            NodeProxy(e) => node_proxy_error(e),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "the server could not complete this request; try again shortly".to_owned()
        } else {
            self.to_string()
        };
        (status, Json(ErrorBody::new(code, message))).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        Self::InvalidBody { status: rejection.status(), message: rejection.body_text() }
    }
}

impl From<MembershipChangeError> for ApiError {
    fn from(e: MembershipChangeError) -> Self {
        match e {
            MembershipChangeError::NotMember => Self::MemberNotFound,
            MembershipChangeError::Changed => Self::RoleChanged,
            MembershipChangeError::LastOwner => Self::LastOwner,
            MembershipChangeError::Storage(e) => Self::Storage(e),
        }
    }
}

impl From<SettingsChangeError> for ApiError {
    fn from(e: SettingsChangeError) -> Self {
        match e {
            SettingsChangeError::NotFound => Self::Denied(Denied::NotFound),
            SettingsChangeError::Invalid(e) => Self::InvalidSettings(e),
            SettingsChangeError::Storage(e) => Self::Storage(e),
        }
    }
}

impl From<ProfileUpdateError> for ApiError {
    fn from(e: ProfileUpdateError) -> Self {
        match e {
            ProfileUpdateError::NotFound => Self::SignInRequired,
            ProfileUpdateError::Invalid(e) => Self::InvalidProfile(e),
            ProfileUpdateError::Storage(e) => Self::Storage(e),
        }
    }
}

impl From<RedeemError> for ApiError {
    fn from(e: RedeemError) -> Self {
        match e {
            RedeemError::Unknown => Self::InviteNotFound,
            RedeemError::Refused(e) => Self::InviteClosed(e),
            RedeemError::Storage(e) => Self::Storage(e),
        }
    }
}

/// The error statuses any route may answer, for OpenAPI.
#[derive(utoipa::IntoResponses)]
pub enum ErrorResponses {
    /// The input is not valid.
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorBody),
    /// Sign in (or refresh the session) first.
    #[response(status = 401)]
    Unauthorized(#[to_schema] ErrorBody),
    /// The caller's role does not allow this.
    #[response(status = 403)]
    Forbidden(#[to_schema] ErrorBody),
    /// No such group (or not visible to the caller), member, invite or route.
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorBody),
    /// The change conflicts with the group's state (its last owner, a role changed meanwhile).
    #[response(status = 409)]
    Conflict(#[to_schema] ErrorBody),
    /// The invite expired, was used up or revoked.
    #[response(status = 410)]
    Gone(#[to_schema] ErrorBody),
    /// The body is too large.
    #[response(status = 413)]
    TooLarge(#[to_schema] ErrorBody),
    /// The body is not JSON.
    #[response(status = 415)]
    UnsupportedMediaType(#[to_schema] ErrorBody),
    /// The body is JSON of the wrong shape.
    #[response(status = 422)]
    Unprocessable(#[to_schema] ErrorBody),
    /// The server failed.
    #[response(status = 500)]
    ServerError(#[to_schema] ErrorBody),
}

//! Who is calling: the bearer token checked once per request, and where that puts the caller
//! relative to a group (core decides what each standing may do).

use super::{ApiError, ApiState};
use crate::store::Group;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use peershare_core::GroupId;
use peershare_core::auth::Principal;
use peershare_core::groups::{Action, Role, Standing, authorize};

/// The caller of a request, from its `Authorization: Bearer` header. A header with an invalid
/// or expired token is refused (401) even on routes open to everyone.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No token.
    Anonymous,
    /// A verified token.
    Token(Principal),
}

/// A signed-in account (routes that need one refuse everyone else before reading the body).
#[derive(Debug, Clone)]
pub struct Account {
    /// The account id.
    pub id: String,
    /// The display name in the token.
    pub name: String,
}

/// A caller with some token: an account, or a call pass (refused without one, with 401).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Principal);

impl FromRequestParts<ApiState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(AUTHORIZATION) else { return Ok(Self::Anonymous) };
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(|| {
            crate::session::TokenError::Invalid("expected `Authorization: Bearer <token>`".into())
        })?;
        let claims = state.tokens.verifier().verify(token.trim())?;
        let principal = claims.principal().ok_or(ApiError::SignInRequired)?;
        Ok(Self::Token(principal))
    }
}

impl FromRequestParts<ApiState> for Account {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await? {
            Caller::Anonymous => Err(ApiError::SignInRequired),
            Caller::Token(Principal::User { id, name }) => Ok(Self { id, name }),
            Caller::Token(_) => Err(ApiError::AccountRequired),
        }
    }
}

impl FromRequestParts<ApiState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        match Caller::from_request_parts(parts, state).await? {
            Caller::Anonymous => Err(ApiError::SignInRequired),
            Caller::Token(principal) => Ok(Self(principal)),
        }
    }
}

/// Whether a path segment can be an account, invite or similar id (at most 64 of
/// `[A-Za-z0-9_-]`); anything else names nothing, whatever the store.
pub fn is_id_shaped(raw: &str) -> bool {
    (1..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A group the caller may act on, with the caller's role (`None` for a call pass holder).
#[derive(Debug, Clone)]
pub struct Allowed {
    /// The group.
    pub group: Group,
    /// The caller's role, when a member.
    pub role: Option<Role>,
}

impl Allowed {
    /// The member's role; call passes never get this far on member routes.
    pub fn role(&self) -> Role {
        self.role.unwrap_or(Role::Member)
    }
}

/// Loads group `raw_id` and checks that `principal` may do `action` in it.
pub async fn authorize_on(
    state: &ApiState,
    principal: &Principal,
    raw_id: &str,
    action: Action,
) -> Result<Allowed, ApiError> {
    let id = GroupId::parse(raw_id)?;
    let user = match principal {
        Principal::User { id, .. } => Some(id.as_str()),
        Principal::Guest { .. } | Principal::Member { .. } => None,
    };
    let (group, role) =
        state.store.group_for(&id, user).await?.ok_or(peershare_core::groups::Denied::NotFound)?;
    let standing = match (principal, role) {
        (Principal::User { .. }, Some(role)) => Standing::Member(role),
        (Principal::User { .. }, None) => Standing::Outsider,
        (_, _) if principal.call_group() == Some(&id) => Standing::Guest,
        (_, _) => Standing::Outsider,
    };
    authorize(standing, action, &group.settings)?;
    Ok(Allowed { group, role })
}

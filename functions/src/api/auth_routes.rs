//! `/api/auth/…`: ways to sign in, the public keys, dev sign-in, refreshing and ending a
//! session.

use super::auth_cookies::{self, REFRESH_COOKIE};
use super::views::{DevSignIn, SessionView, SignInOptions};
use super::{ApiError, ApiState, ErrorResponses};
use crate::session::{Jwks, hash_token, random_id, random_token};
use crate::store::{Identity, User};
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use peershare_core::accounts::{DisplayName, Profile};
use peershare_core::auth::{AccessClaims, RefreshOutcome, RefreshRecord};
use peershare_core::groups::TextError;

/// How sign-in works here.
#[utoipa::path(get, path = "/api/auth/options", tag = "auth",
    responses((status = 200, body = SignInOptions), ErrorResponses))]
pub async fn options(State(state): State<ApiState>) -> Json<SignInOptions> {
    Json(SignInOptions { providers: state.oauth.names(), dev_sign_in: state.settings.dev_sign_in })
}

/// The public keys access tokens and call passes are signed with (a JWK set).
#[utoipa::path(get, path = "/api/auth/keys", tag = "auth",
    responses((status = 200, body = Jwks), ErrorResponses))]
pub async fn keys(State(state): State<ApiState>) -> Json<Jwks> {
    Json(state.tokens.verifier().jwks().clone())
}

/// Signs in by name alone (`peershare dev` without OAuth providers). The same name is the
/// same account.
#[utoipa::path(post, path = "/api/auth/dev", tag = "auth", request_body = DevSignIn,
    responses((status = 200, body = SessionView, headers(("set-cookie" = String, description = "The refresh cookie"))), ErrorResponses))]
pub async fn dev_sign_in(
    State(state): State<ApiState>,
    body: Result<Json<DevSignIn>, JsonRejection>,
) -> Result<Response, ApiError> {
    if !state.settings.dev_sign_in {
        return Err(ApiError::DevSignInDisabled);
    }
    let Json(body) = body?;
    let name =
        DisplayName::parse(&body.name).map_err(|error| ApiError::InvalidText { field: "name", error })?;
    let identity = Identity { provider: "dev".into(), subject: name.as_str().to_lowercase(), email: None };
    let user = state
        .store
        .sign_in(&identity, &random_id("u_", 16), &Profile::new(name, None), state.clock.now())
        .await?;
    new_session(&state, &user).await
}

/// Exchanges the refresh cookie for a new access token and a new refresh cookie. Presenting a
/// refresh token that was already exchanged ends every session of that sign-in.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth",
    responses((status = 200, body = SessionView), ErrorResponses))]
pub async fn refresh(State(state): State<ApiState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let Some(presented) = auth_cookies::read(&headers, REFRESH_COOKIE) else {
        return Err(ApiError::NoSession);
    };
    let successor = random_token();
    let now = state.clock.now();
    match state.store.rotate_refresh(hash_token(&presented), hash_token(&successor), now).await? {
        RefreshOutcome::Rotate { user, .. } => {
            let user = state.store.user(&user).await?.ok_or(ApiError::SessionEnded)?;
            session_response(&state, &user, &successor)
        }
        RefreshOutcome::ReuseDetected { family } => {
            tracing::warn!(%family, "a rotated refresh token came back: its sign-in is revoked");
            Ok(ended(&state))
        }
        // Another tab refreshed with this cookie a moment ago: leave the cookie (it is already
        // the successor in the browser) and let the client try again.
        RefreshOutcome::Raced => Err(ApiError::RefreshRaced),
        RefreshOutcome::Refused => Ok(ended(&state)),
    }
}

/// Ends this sign-in: its refresh tokens stop working and the cookie is removed.
#[utoipa::path(post, path = "/api/auth/sign-out", tag = "auth",
    responses((status = 204, description = "Signed out"), ErrorResponses))]
pub async fn sign_out(State(state): State<ApiState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(presented) = auth_cookies::read(&headers, REFRESH_COOKIE) {
        state.store.revoke_refresh(hash_token(&presented)).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, auth_cookies::clear_refresh(&state))]).into_response())
}

/// Starts a new sign-in (a refresh family) for `user`.
pub async fn new_session(state: &ApiState, user: &User) -> Result<Response, ApiError> {
    let token = random_token();
    let now = state.clock.now();
    let record = RefreshRecord::first(&random_id("f_", 16), &user.id, now);
    state.store.put_refresh(hash_token(&token), &record, now).await?;
    session_response(state, user, &token)
}

fn session_response(state: &ApiState, user: &User, refresh: &str) -> Result<Response, ApiError> {
    let claims = AccessClaims::user(&user.id, user.profile.display_name.as_str(), state.clock.now());
    let access_token = state.tokens.sign(&claims)?;
    let body = SessionView { access_token, expires_at: claims.exp * 1000, user: user.into() };
    Ok((
        [(SET_COOKIE, auth_cookies::set_refresh(state, refresh)), (CACHE_CONTROL, "no-store".into())],
        Json(body),
    )
        .into_response())
}

fn ended(state: &ApiState) -> Response {
    let mut response = ApiError::SessionEnded.into_response();
    if let Ok(value) = auth_cookies::clear_refresh(state).parse() {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}

/// A name from a request, or the error naming the field.
pub(super) fn display_name(raw: Option<&str>) -> Result<DisplayName, ApiError> {
    DisplayName::parse(raw.unwrap_or_default())
        .map_err(|error: TextError| ApiError::InvalidText { field: "name", error })
}

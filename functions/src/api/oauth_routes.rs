//! `GET /api/auth/{provider}/start` and `…/callback`: signing in with an OAuth provider. The
//! browser goes to the provider with a state, a nonce and a PKCE challenge kept in a signed
//! cookie, comes back with a code, and leaves signed in (the refresh cookie) at `return_to`.

use super::auth_routes::new_session;
use super::{ApiError, ApiState, ErrorResponses, auth_cookies};
use crate::oauth::{FLOW_COOKIE, FLOW_TTL, FlowState, OAuthError, ProviderId, safe_return_to};
use crate::session::{random_id, random_token};
use crate::store::Identity;
use axum::extract::{Path, Query, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use peershare_core::accounts::{DisplayName, Profile};
use serde::Deserialize;
use utoipa::IntoParams;

/// The JWT type of the signed sign-in attempt.
const FLOW_TYP: &str = "oauth-flow";

/// Query of the start route.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StartQuery {
    /// Where to go once signed in: a path on this site (default `/`).
    pub return_to: Option<String>,
    /// Suggests the account to sign in with (passed to the provider).
    pub login_hint: Option<String>,
}

/// Query the provider sends back.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The state sent along.
    pub state: Option<String>,
    /// The provider's error, when it did not sign the person in.
    pub error: Option<String>,
    /// The provider's explanation.
    pub error_description: Option<String>,
}

/// Sends the browser to the provider.
#[utoipa::path(get, path = "/api/auth/{provider}/start", tag = "auth",
    params(("provider" = String, Path, description = "`google`, `github` or `microsoft`"), StartQuery),
    responses((status = 302, description = "To the provider's sign-in page"), ErrorResponses))]
pub async fn start(
    State(state): State<ApiState>,
    Path(provider): Path<String>,
    Query(query): Query<StartQuery>,
) -> Result<Response, ApiError> {
    let id = ProviderId::parse(&provider)
        .filter(|id| state.oauth.has(*id))
        .ok_or_else(|| ApiError::OAuth(OAuthError::NotConfigured(provider.clone())))?;
    let (flow_state, nonce) = (random_token(), random_token());
    let hint = query.login_hint.as_deref().filter(|h| h.len() <= 256);
    let authorization =
        state.oauth.authorize(id, &redirect_uri(&state, id), &flow_state, &nonce, hint).await?;
    let url = authorization.url;
    let flow = FlowState {
        provider: id,
        state: flow_state,
        verifier: authorization.verifier,
        nonce,
        return_to: safe_return_to(query.return_to.as_deref()),
        exp: state.clock.now().as_millis() / 1000 + FLOW_TTL.as_secs(),
    };
    let signed = state.tokens.sign_typed(&flow, FLOW_TYP)?;
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    headers.insert(LOCATION, header_value(&url)?);
    headers.append(SET_COOKIE, header_value(&auth_cookies::set_flow(&state, &signed))?);
    Ok(response)
}

/// Where the provider sends the browser back: signs in and goes to `return_to`, or to the
/// sign-in page with `?error=<code>`.
#[utoipa::path(get, path = "/api/auth/{provider}/callback", tag = "auth",
    params(("provider" = String, Path, description = "`google`, `github` or `microsoft`"), CallbackQuery),
    responses((status = 303, description = "Signed in (to `return_to`), or to `/signin?error=<code>`"), ErrorResponses))]
pub async fn callback(
    State(state): State<ApiState>,
    Path(provider): Path<String>,
    Query(query): Query<CallbackQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    match finish(&state, &provider, &query, &headers).await {
        Ok((user, return_to)) => {
            let mut response = new_session(&state, &user).await?;
            *response.status_mut() = StatusCode::SEE_OTHER;
            *response.body_mut() = axum::body::Body::empty();
            response.headers_mut().remove(axum::http::header::CONTENT_TYPE);
            response.headers_mut().insert(LOCATION, header_value(&return_to)?);
            response.headers_mut().append(SET_COOKIE, header_value(&auth_cookies::clear_flow(&state))?);
            Ok(response)
        }
        Err(error) => {
            tracing::info!(%provider, code = error.code(), %error, "sign-in with a provider failed");
            let mut response = StatusCode::SEE_OTHER.into_response();
            let location = format!("/signin?error={}&provider={}", error.code(), form_urlencode(&provider));
            response.headers_mut().insert(LOCATION, header_value(&location)?);
            response.headers_mut().append(SET_COOKIE, header_value(&auth_cookies::clear_flow(&state))?);
            Ok(response)
        }
    }
}

async fn finish(
    state: &ApiState,
    provider: &str,
    query: &CallbackQuery,
    headers: &HeaderMap,
) -> Result<(crate::store::User, String), OAuthError> {
    let id = ProviderId::parse(provider)
        .filter(|id| state.oauth.has(*id))
        .ok_or_else(|| OAuthError::NotConfigured(provider.to_owned()))?;
    let signed = auth_cookies::read(headers, FLOW_COOKIE).ok_or(OAuthError::FlowMissing)?;
    let flow: FlowState =
        state.tokens.verifier().verify_typed(&signed, FLOW_TYP).map_err(|_| OAuthError::FlowMissing)?;
    if flow.provider != id {
        return Err(OAuthError::StateMismatch);
    }
    if let Some(error) = &query.error {
        return Err(OAuthError::Declined(query.error_description.clone().unwrap_or_else(|| error.clone())));
    }
    if !query
        .state
        .as_deref()
        .is_some_and(|s| crate::session::secrets_equal(s.as_bytes(), flow.state.as_bytes()))
    {
        return Err(OAuthError::StateMismatch);
    }
    let code = query
        .code
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| OAuthError::Exchange("no code".into()))?;
    let who = state.oauth.identify(id, &redirect_uri(state, id), code, &flow.verifier, &flow.nonce).await?;
    let fallback = who.email.as_deref().and_then(|e| e.split('@').next()).unwrap_or("New member");
    let name = DisplayName::lenient(who.name.as_deref().unwrap_or(fallback), "New member");
    let identity = Identity { provider: id.as_str().to_owned(), subject: who.subject, email: who.email };
    let user = state
        .store
        .sign_in(&identity, &random_id("u_", 16), &Profile::new(name, who.avatar_url), state.clock.now())
        .await
        .map_err(|e| OAuthError::Profile(e.to_string()))?;
    Ok((user, flow.return_to))
}

fn redirect_uri(state: &ApiState, id: ProviderId) -> String {
    format!("{}/api/auth/{}/callback", state.settings.public_url.trim_end_matches('/'), id.as_str())
}

fn header_value(text: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(text).map_err(|e| ApiError::OAuth(OAuthError::Unreachable(e.to_string())))
}

fn form_urlencode(text: &str) -> String {
    oauth2::url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

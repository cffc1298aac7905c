//! The cookies of `/api/auth`, both HttpOnly (scripts never see them), Secure, and only sent to
//! `/api/auth`: the refresh token (SameSite=Strict) and a sign-in attempt with a provider
//! (SameSite=Lax: it must come back on the provider's top-level redirect).

use super::ApiState;
use crate::oauth::{FLOW_COOKIE, FLOW_TTL};
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use cookie::{Cookie, SameSite};
use peershare_core::auth::REFRESH_TTL;

/// The refresh cookie's name.
pub const REFRESH_COOKIE: &str = "peershare_refresh";

/// The path the browser sends both cookies to.
const COOKIE_PATH: &str = "/api/auth";

/// A `Set-Cookie` value carrying a new refresh token.
pub fn set_refresh(state: &ApiState, token: &str) -> String {
    build(state, REFRESH_COOKIE, token, SameSite::Strict, REFRESH_TTL.as_secs())
}

/// A `Set-Cookie` value that removes the refresh cookie.
pub fn clear_refresh(state: &ApiState) -> String {
    build(state, REFRESH_COOKIE, "", SameSite::Strict, 0)
}

/// A `Set-Cookie` value carrying a signed sign-in attempt.
pub fn set_flow(state: &ApiState, signed: &str) -> String {
    build(state, FLOW_COOKIE, signed, SameSite::Lax, FLOW_TTL.as_secs())
}

/// A `Set-Cookie` value that removes the sign-in attempt.
pub fn clear_flow(state: &ApiState) -> String {
    build(state, FLOW_COOKIE, "", SameSite::Lax, 0)
}

fn build(
    state: &ApiState,
    name: &'static str,
    value: &str,
    same_site: SameSite,
    max_age_secs: u64,
) -> String {
    Cookie::build((name, value.to_owned()))
        .http_only(true)
        .secure(state.settings.secure_cookies)
        .same_site(same_site)
        .path(COOKIE_PATH)
        .max_age(cookie::time::Duration::seconds(i64::try_from(max_age_secs).unwrap_or(i64::MAX)))
        .build()
        .to_string()
}

/// The non-empty value of cookie `name` the request carries, if any.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

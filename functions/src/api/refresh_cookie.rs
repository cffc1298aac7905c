//! The refresh token's cookie: HttpOnly (scripts never see it), Secure, SameSite=Strict, and
//! only sent to `/api/auth`, where sessions are refreshed and ended.

use super::ApiState;
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use cookie::{Cookie, SameSite};
use peershare_core::auth::REFRESH_TTL;

/// The cookie's name.
pub const REFRESH_COOKIE: &str = "peershare_refresh";

/// The path the browser sends the cookie to.
const COOKIE_PATH: &str = "/api/auth";

/// A `Set-Cookie` value carrying a new refresh token.
pub fn set(state: &ApiState, token: &str) -> String {
    build(state, token, REFRESH_TTL.as_secs() as i64)
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(state: &ApiState) -> String {
    build(state, "", 0)
}

fn build(state: &ApiState, value: &str, max_age_secs: i64) -> String {
    Cookie::build((REFRESH_COOKIE, value.to_owned()))
        .http_only(true)
        .secure(state.settings.secure_cookies)
        .same_site(SameSite::Strict)
        .path(COOKIE_PATH)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
        .to_string()
}

/// The refresh token the request carries, if any.
pub fn read(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == REFRESH_COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

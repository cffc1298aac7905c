//! One sign-in attempt's secrets between leaving for the provider and coming back: state,
//! PKCE verifier, nonce and where to return, signed into a short-lived HttpOnly cookie (no
//! server-side storage; only this browser can finish the attempt).

use super::ProviderId;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The cookie's name.
pub const FLOW_COOKIE: &str = "peershare_oauth";

/// How long a sign-in attempt may take at the provider.
pub const FLOW_TTL: Duration = Duration::from_secs(10 * 60);

/// A sign-in attempt (signed as a JWT of type `oauth-flow`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowState {
    /// The provider the browser was sent to.
    pub provider: ProviderId,
    /// The `state` sent along; the callback must bring it back.
    pub state: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// The OpenID Connect nonce the id_token must carry.
    pub nonce: String,
    /// Where to go once signed in (a same-origin path).
    pub return_to: String,
    /// Expiry, Unix seconds.
    pub exp: u64,
}

/// `return_to` if it is a path on this origin, else `/`.
pub fn safe_return_to(raw: Option<&str>) -> String {
    match raw {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 512
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_are_returned_to() {
        assert_eq!(safe_return_to(Some("/groups/g_1?x=1")), "/groups/g_1?x=1");
        for bad in ["https://evil.example/", "//evil.example", "/\\evil.example", "groups", "/a\nb"] {
            assert_eq!(safe_return_to(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_return_to(None), "/");
    }
}

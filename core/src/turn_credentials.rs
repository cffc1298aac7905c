//! TURN REST credentials (coturn `use-auth-secret`): time-limited, derived from a shared secret.
//!
//! username = `<expiry unix seconds>:<user id>`, password = base64(HMAC-SHA1(secret, username)).
//! coturn recomputes the password from its copy of the secret and refuses the username once the
//! expiry has passed, so the edge can hand out credentials without talking to coturn.

use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use std::time::Duration;
use ts_rs::TS;

/// Default lifetime of issued credentials.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// A username/password pair for a TURN server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnCredentials {
    /// `<expiry>:<user>`.
    pub username: String,
    /// base64 HMAC-SHA1 of the username.
    pub password: String,
    /// Unix time (seconds) after which coturn refuses these credentials.
    pub expires_at: u64,
}

/// Why credentials cannot be issued.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TurnCredentialsError {
    /// The user id contains `:`, which would make the username ambiguous.
    #[error("user id must not contain ':'")]
    ColonInUserId,
    /// The shared secret is empty.
    #[error("TURN shared secret is empty")]
    EmptySecret,
}

/// Issues credentials for `user_id`, valid for `ttl` from `now_unix` (seconds).
pub fn issue(
    secret: &str,
    user_id: &str,
    now_unix: u64,
    ttl: Duration,
) -> Result<TurnCredentials, TurnCredentialsError> {
    if secret.is_empty() {
        return Err(TurnCredentialsError::EmptySecret);
    }
    if user_id.contains(':') {
        return Err(TurnCredentialsError::ColonInUserId);
    }
    let expires_at = now_unix.saturating_add(ttl.as_secs());
    let username = format!("{expires_at}:{user_id}");
    Ok(TurnCredentials { password: password_for(secret, &username), username, expires_at })
}

/// The password coturn expects for `username` under `secret`.
pub fn password_for(secret: &str, username: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail for SHA-1.
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// One entry of `RTCConfiguration.iceServers`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IceServer {
    /// `stun:` / `turn:` / `turns:` URLs.
    pub urls: Vec<String>,
    /// TURN username, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub username: Option<String>,
    /// TURN password, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub credential: Option<String>,
}

/// ICE transport policy, as in `RTCIceTransportPolicy`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum IceTransportPolicy {
    /// Any candidate type.
    #[default]
    All,
    /// Only TURN relay candidates (hides participants' addresses from each other).
    Relay,
}

/// Body of `GET /api/turn-credentials`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IceConfig {
    /// Servers for `RTCConfiguration.iceServers` (empty: host candidates only).
    pub ice_servers: Vec<IceServer>,
    /// Policy for `RTCConfiguration.iceTransportPolicy`.
    pub ice_transport_policy: IceTransportPolicy,
    /// Seconds the credentials stay valid; refresh before then.
    #[ts(type = "number")]
    pub ttl_seconds: u64,
    /// Unix time (seconds) at which the credentials expire.
    #[ts(type = "number")]
    pub expires_at: u64,
}

impl IceConfig {
    /// ICE configuration for `user_id`: TURN `urls` with fresh credentials when a secret is
    /// configured, otherwise host candidates only (enough on one machine or one LAN).
    pub fn build(
        turn: Option<(&[String], &str)>,
        policy: IceTransportPolicy,
        user_id: &str,
        now_unix: u64,
        ttl: Duration,
    ) -> Result<Self, TurnCredentialsError> {
        let ice_servers = match turn {
            Some((urls, secret)) if !urls.is_empty() => {
                let creds = issue(secret, user_id, now_unix, ttl)?;
                vec![IceServer {
                    urls: urls.to_vec(),
                    username: Some(creds.username),
                    credential: Some(creds.password),
                }]
            }
            _ => Vec::new(),
        };
        Ok(Self {
            ice_servers,
            ice_transport_policy: policy,
            ttl_seconds: ttl.as_secs(),
            expires_at: now_unix.saturating_add(ttl.as_secs()),
        })
    }

    /// ICE configuration for the holder of a call pass ([`crate::auth::admit_turn`]): TURN
    /// credentials in their name that expire with their pass, or after `ttl` if that is sooner.
    /// A pass that has expired or been taken back cannot get more; the client renews its pass
    /// to renew these.
    pub fn for_grant(
        turn: Option<(&[String], &str)>,
        policy: IceTransportPolicy,
        grant: &crate::auth::TurnGrant,
        now_unix: u64,
        ttl: Duration,
    ) -> Result<Self, TurnCredentialsError> {
        let until_pass_expires = Duration::from_secs(grant.pass_expires_at.saturating_sub(now_unix));
        Self::build(turn, policy, &grant.user, now_unix, ttl.min(until_pass_expires))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Known answers computed independently with
    // `printf %s "$U" | openssl dgst -binary -sha1 -hmac "$SECRET" | base64` and Python's hmac.
    #[test]
    fn password_matches_openssl() {
        assert_eq!(password_for("s3cr3t-for-tests", "1700003600:alice"), "6hv2mdniFuacjGLLZ0nNiUU2JZo=");
        assert_eq!(password_for("northwind", "1795527193:user-42"), "2m/trG76pLoo6YMwshTmSLwrfyY=");
    }

    #[test]
    fn issue_puts_expiry_first() {
        let c = issue("s3cr3t-for-tests", "alice", 1_700_000_000, DEFAULT_TTL).expect("issue");
        assert_eq!(c.username, "1700003600:alice");
        assert_eq!(c.password, "6hv2mdniFuacjGLLZ0nNiUU2JZo=");
        assert_eq!(c.expires_at, 1_700_003_600);
    }

    #[test]
    fn ttl_is_configurable() {
        let c = issue("k", "bob", 100, Duration::from_secs(30)).expect("issue");
        assert_eq!(c.username, "130:bob");
    }

    #[test]
    fn rejects_ambiguous_user_and_empty_secret() {
        assert_eq!(issue("k", "a:b", 0, DEFAULT_TTL), Err(TurnCredentialsError::ColonInUserId));
        assert_eq!(issue("", "a", 0, DEFAULT_TTL), Err(TurnCredentialsError::EmptySecret));
    }

    #[test]
    fn ice_config_without_turn_is_host_only() {
        let c = IceConfig::build(None, IceTransportPolicy::All, "u", 10, DEFAULT_TTL).expect("build");
        assert!(c.ice_servers.is_empty());
        assert_eq!(c.expires_at, 3610);
    }

    #[test]
    fn credentials_for_a_pass_are_in_its_holders_name_and_never_outlive_it() {
        let urls = vec!["turn:127.0.0.1:3478".to_owned()];
        let turn = Some((urls.as_slice(), "k"));
        let grant = crate::auth::TurnGrant { user: "u_ada".into(), pass_expires_at: 1_000 + 600 };
        let c =
            IceConfig::for_grant(turn, IceTransportPolicy::All, &grant, 1_000, DEFAULT_TTL).expect("build");
        assert_eq!((c.ttl_seconds, c.expires_at), (600, 1_600), "the pass's ten minutes, not an hour");
        assert_eq!(c.ice_servers[0].username.as_deref(), Some("1600:u_ada"));
        let long = crate::auth::TurnGrant { pass_expires_at: 1_000 + 8 * 3600, ..grant };
        let c =
            IceConfig::for_grant(turn, IceTransportPolicy::All, &long, 1_000, DEFAULT_TTL).expect("build");
        assert_eq!(c.ttl_seconds, 3600, "the configured lifetime when the pass lives longer");
    }

    #[test]
    fn ice_config_with_turn_carries_credentials() {
        let urls = vec!["turn:127.0.0.1:3478?transport=udp".to_owned()];
        let c = IceConfig::build(
            Some((&urls, "s3cr3t-for-tests")),
            IceTransportPolicy::Relay,
            "alice",
            1_700_000_000,
            DEFAULT_TTL,
        )
        .expect("build");
        let json = serde_json::to_value(&c).expect("json");
        assert_eq!(json["iceTransportPolicy"], "relay");
        assert_eq!(json["iceServers"][0]["username"], "1700003600:alice");
        assert_eq!(json["iceServers"][0]["credential"], "6hv2mdniFuacjGLLZ0nNiUU2JZo=");
        assert_eq!(json["ttlSeconds"], 3600);
    }
}

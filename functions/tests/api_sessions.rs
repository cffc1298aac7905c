//! Sessions through the API: the refresh cookie's attributes, rotation, reuse revoking the
//! sign-in, sign-out, and refused bearer tokens.

mod api_support;

use api_support::{TestApi, wall_now};
use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use peershare_core::Timestamp;
use peershare_core::auth::AccessClaims;
use peershare_functions::session::{SessionTokens, SigningKey};

#[tokio::test]
async fn the_refresh_cookie_is_http_only_secure_strict_and_scoped_to_auth() {
    let api = TestApi::new();
    let reply = api.call(Method::POST, "/api/auth/dev", None, Some(serde_json::json!({"name": "Ada"}))).await;
    let cookie = reply.set_cookie().expect("sets the cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/auth", "Max-Age=2592000"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    assert!(reply.json.get("refresh_token").is_none(), "the refresh token never appears in a body");
    let expires_at = reply.json["expires_at"].as_u64().expect("expiry");
    let lifetime = expires_at.saturating_sub(wall_now().as_millis());
    assert!((14 * 60_000..=15 * 60_000).contains(&lifetime), "15-minute access tokens, got {lifetime} ms");
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_cookie_ends_the_sign_in() {
    let api = TestApi::new();
    let (_, first, id) = api.sign_in("Ada").await;
    let rotated = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&first)).await;
    assert_eq!(rotated.status, StatusCode::OK, "{rotated:?}");
    assert_eq!(rotated.json["user"]["id"], id.as_str());
    let second = rotated.refresh_cookie().expect("a new cookie");
    assert_ne!(second, first);
    let token = rotated.json["access_token"].as_str().expect("token").to_owned();
    assert_eq!(api.call(Method::GET, "/api/me", Some(&token), None).await.status, StatusCode::OK);

    // The first cookie comes back at once (another tab raced): refused, nothing ends.
    let raced = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&first)).await;
    assert_eq!((raced.status, raced.code()), (StatusCode::CONFLICT, "refresh_raced"));
    assert!(raced.set_cookie().is_none(), "the browser keeps the successor the winner got");

    // It comes back later (stolen): the sign-in is revoked, the newest cookie too.
    api.clock.advance(peershare_core::auth::REUSE_GRACE);
    let replay = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&first)).await;
    assert_eq!((replay.status, replay.code()), (StatusCode::UNAUTHORIZED, "session_ended"));
    assert!(replay.set_cookie().is_some_and(|c| c.contains("Max-Age=0")), "the cookie is cleared");
    let after = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&second)).await;
    assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "session_ended"));
}

#[tokio::test]
async fn sign_out_ends_this_sign_in_only() {
    let api = TestApi::new();
    let (_, laptop, _) = api.sign_in("Ada").await;
    let (_, phone, _) = api.sign_in("Ada").await;
    let out = api.send(Method::POST, "/api/auth/sign-out", None, None, Some(&laptop)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.set_cookie().is_some_and(|c| c.contains("Max-Age=0")));
    let refused = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&laptop)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let still = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&phone)).await;
    assert_eq!(still.status, StatusCode::OK, "the other device stays signed in");
}

#[tokio::test]
async fn expired_forged_unsigned_and_malformed_tokens_are_refused_with_json() {
    let api = TestApi::new();
    let (_, _, id) = api.sign_in("Ada").await;
    let an_hour_ago = Timestamp::from_millis(wall_now().as_millis() - 3_600_000);
    let expired = api.state.tokens.sign(&AccessClaims::user(&id, "Ada", an_hour_ago)).expect("signs");
    let reply = api.call(Method::GET, "/api/me", Some(&expired), None).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNAUTHORIZED, "token_expired"));

    let forger = SessionTokens::new(&SigningKey::generate("test-key").expect("key"), &[]).expect("tokens");
    let forged = forger.sign(&AccessClaims::user(&id, "Ada", wall_now())).expect("signs");
    let claims = URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&AccessClaims::user(&id, "Ada", wall_now())).expect("json"));
    let none =
        format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"test-key"}"#));
    for bad in [forged.as_str(), none.as_str(), "garbage", ""] {
        let reply = api.call(Method::GET, "/api/groups", Some(bad), None).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNAUTHORIZED, "invalid_token"), "{bad}");
        assert!(reply.json["message"].is_string());
    }
    // A bad token is refused even where anyone may call.
    let reply = api.call(Method::GET, "/api/auth/options", Some("garbage"), None).await;
    assert_eq!(reply.status, StatusCode::OK, "routes without a caller ignore the header");
    let reply = api.call(Method::POST, "/api/groups/some-call/call-pass", Some("garbage"), None).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
}

#[tokio::test]
async fn the_key_set_verifies_issued_tokens_and_dev_sign_in_can_be_off() {
    let api = TestApi::new();
    let keys = api.call(Method::GET, "/api/auth/keys", None, None).await;
    assert_eq!(keys.json["keys"][0]["kid"], "test-key");
    assert_eq!(keys.json["keys"][0]["crv"], "Ed25519");
    assert_eq!(keys.json["keys"][0]["x"], api.key.public_jwk().x.as_str());
    let mut off = TestApi::new();
    off.state.settings = std::sync::Arc::new(peershare_functions::api::ApiSettings {
        secure_cookies: true,
        dev_sign_in: false,
        public_url: "http://peershare.test".into(),
        internal_secret: None,
    });
    off.app = peershare_functions::api::router(off.state.clone());
    let reply = off.call(Method::POST, "/api/auth/dev", None, Some(serde_json::json!({"name": "Ada"}))).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "dev_sign_in_disabled"));
    assert_eq!(off.call(Method::GET, "/api/auth/options", None, None).await.json["dev_sign_in"], false);
}

//! Signing in with Google, Microsoft and GitHub against local providers speaking the real
//! protocols (oauth2-mock-server: discovery, JWKS, RS256 id_tokens, PKCE, single-use codes),
//! started by the test: the whole authorization-code flow, and every way it must fail.

mod api_support;
mod oauth_idp;

use api_support::{Reply, TestApi};
use axum::http::{Method, StatusCode};
use oauth_idp::{Providers, providers, sign_in_at_provider};
use peershare_functions::oauth::{FLOW_COOKIE, ProviderConfig};

fn api_for(p: &Providers) -> TestApi {
    TestApi::with_providers(vec![
        ProviderConfig::google("peershare-test", "secret", Some(&p.google)),
        ProviderConfig::microsoft("peershare-test", "secret", Some(&p.microsoft)),
        ProviderConfig::github("peershare-test", "secret", Some(&p.github)),
    ])
}

/// The value a response sets for cookie `name`.
fn cookie(reply: &Reply, name: &str) -> Option<String> {
    reply.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|c| {
        c.split(';').next().and_then(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_owned)
    })
}

fn location(reply: &Reply) -> String {
    reply.headers.get("location").and_then(|v| v.to_str().ok()).expect("a Location header").to_owned()
}

/// Follows the provider's authorize URL like a browser and returns the callback path.
async fn at_provider(authorize_url: &str) -> String {
    sign_in_at_provider(authorize_url, "http://peershare.test").await
}

/// Starts signing in with `provider`: the provider URL, the flow cookie.
async fn start(api: &TestApi, provider: &str, hint: &str) -> (String, String) {
    let path = format!("/api/auth/{provider}/start?return_to=/groups&login_hint={hint}");
    let reply = api.call(Method::GET, &path, None, None).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let flow = cookie(&reply, FLOW_COOKIE).expect("the flow cookie");
    let set = reply
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("\n");
    for attribute in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/api/auth"] {
        assert!(set.contains(attribute), "{attribute} missing: {set}");
    }
    (location(&reply), flow)
}

async fn callback(api: &TestApi, path: &str, flow: Option<&str>) -> Reply {
    let mut request = axum::http::Request::builder().method(Method::GET).uri(path);
    if let Some(flow) = flow {
        request = request.header("cookie", format!("{FLOW_COOKIE}={flow}"));
    }
    api.raw(request.body(axum::body::Body::empty()).expect("request")).await
}

#[tokio::test]
async fn each_provider_signs_people_in_with_pkce_state_and_a_verified_identity() {
    let idp = providers().await;
    let api = api_for(&idp);
    let options = api.call(Method::GET, "/api/auth/options", None, None).await;
    assert_eq!(options.json["providers"], serde_json::json!(["google", "microsoft", "github"]));
    for provider in ["google", "microsoft", "github"] {
        let (authorize, flow) = start(&api, provider, "bob@example.com").await;
        for parameter in ["code_challenge_method=S256", "code_challenge=", "state=", "response_type=code"] {
            assert!(authorize.contains(parameter), "{provider}: {parameter} missing from {authorize}");
        }
        if provider != "github" {
            assert!(authorize.contains("nonce="), "{provider}: OpenID Connect sends a nonce");
        }
        let back = at_provider(&authorize).await;
        let done = callback(&api, &back, Some(&flow)).await;
        assert_eq!(
            (done.status, location(&done)),
            (StatusCode::SEE_OTHER, "/groups".to_owned()),
            "{provider}: {done:?}"
        );
        let refresh = done.refresh_cookie().expect("signed in: the refresh cookie");
        assert_eq!(cookie(&done, FLOW_COOKIE).as_deref(), Some(""), "the attempt's cookie is cleared");
        let session = api.send(Method::POST, "/api/auth/refresh", None, None, Some(&refresh)).await;
        assert_eq!(session.status, StatusCode::OK);
        assert_eq!(session.json["user"]["display_name"], "Bob", "{provider}: the provider's name");

        // The same person again is the same account; another person is another.
        let (authorize, flow) = start(&api, provider, "bob@example.com").await;
        let again = callback(&api, &at_provider(&authorize).await, Some(&flow)).await;
        let again =
            api.send(Method::POST, "/api/auth/refresh", None, None, again.refresh_cookie().as_deref()).await;
        assert_eq!(again.json["user"]["id"], session.json["user"]["id"], "{provider}");
    }
}

#[tokio::test]
async fn a_wrong_state_a_replayed_code_a_wrong_verifier_or_nonce_and_no_attempt_are_refused() {
    let idp = providers().await;
    let api = api_for(&idp);
    let refused = |reply: &Reply, code: &str| {
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{reply:?}");
        assert!(reply.refresh_cookie().is_none(), "not signed in: {reply:?}");
        assert!(location(reply).starts_with(&format!("/signin?error={code}")), "{code}: {}", location(reply));
    };

    let (authorize, flow) = start(&api, "google", "eve@example.com").await;
    let back = at_provider(&authorize).await;
    let forged_state = back.replace("state=", "state=x");
    refused(&callback(&api, &forged_state, Some(&flow)).await, "oauth_state_mismatch");
    refused(&callback(&api, &back, None).await, "oauth_flow_expired");
    let other_provider = back.replace("/google/", "/github/");
    refused(&callback(&api, &other_provider, Some(&flow)).await, "oauth_state_mismatch");
    assert_eq!(callback(&api, &back, Some(&flow)).await.status, StatusCode::SEE_OTHER);
    refused(&callback(&api, &back, Some(&flow)).await, "oauth_exchange_failed");

    // The flow cookie, re-signed by the server's own key with another verifier or nonce:
    // the provider checks the PKCE verifier, and the id_token's nonce is checked here.
    for (field, code) in [("verifier", "oauth_exchange_failed"), ("nonce", "oauth_id_token_invalid")] {
        let (authorize, flow) = start(&api, "google", "eve@example.com").await;
        let back = at_provider(&authorize).await;
        let mut state: serde_json::Value =
            api.state.tokens.verifier().verify_typed(&flow, "oauth-flow").expect("our own cookie");
        state[field] = serde_json::json!("A".repeat(64));
        let tampered = api.state.tokens.sign_typed(&state, "oauth-flow").expect("signs");
        refused(&callback(&api, &back, Some(&tampered)).await, code);
    }

    // A flow cookie signed by someone else's key.
    let (authorize, flow) = start(&api, "github", "eve@example.com").await;
    let back = at_provider(&authorize).await;
    let stranger = TestApi::new();
    let state: serde_json::Value =
        api.state.tokens.verifier().verify_typed(&flow, "oauth-flow").expect("ours");
    let forged = stranger.state.tokens.sign_typed(&state, "oauth-flow").expect("signs");
    refused(&callback(&api, &back, Some(&forged)).await, "oauth_flow_expired");

    // The person declines at the provider.
    let (_, flow) = start(&api, "microsoft", "eve@example.com").await;
    let declined = "/api/auth/microsoft/callback?error=access_denied&error_description=no%20thanks";
    refused(&callback(&api, declined, Some(&flow)).await, "oauth_declined");

    // Unconfigured providers and open redirects.
    let unknown = api.call(Method::GET, "/api/auth/facebook/start", None, None).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::NOT_FOUND, "provider_not_configured"));
    let (authorize, flow) = {
        let reply =
            api.call(Method::GET, "/api/auth/google/start?return_to=https://evil.example/", None, None).await;
        (location(&reply), cookie(&reply, FLOW_COOKIE).expect("flow"))
    };
    let done = callback(&api, &at_provider(&authorize).await, Some(&flow)).await;
    assert_eq!(location(&done), "/", "only paths on this site are returned to");
}

//! Talking to providers: the authorization URL to send the browser to, and, when it comes
//! back with a code, the exchange (with the PKCE verifier) and who the person is: a verified
//! id_token for OpenID Connect providers, GitHub's user API for GitHub.

use super::{Endpoints, ProviderConfig, ProviderId};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Who a provider says signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The provider's stable id for the person.
    pub subject: String,
    /// Their email, when shared.
    pub email: Option<String>,
    /// Their name, when shared.
    pub name: Option<String>,
    /// Their picture, when shared.
    pub avatar_url: Option<String>,
}

/// Why signing in with a provider failed; each has the code the sign-in page explains.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The provider is not configured here.
    #[error("{0} sign-in is not configured on this server")]
    NotConfigured(String),
    /// The sign-in attempt's cookie is missing, expired or forged (took too long, or another
    /// browser).
    #[error("this sign-in attempt has expired; start again")]
    FlowMissing,
    /// The state that came back is not the one sent.
    #[error("the sign-in response does not belong to this attempt; start again")]
    StateMismatch,
    /// The person (or the provider) declined.
    #[error("the provider did not sign you in: {0}")]
    Declined(String),
    /// The provider could not be reached or described itself wrongly.
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    /// The code could not be exchanged (replayed, expired, wrong verifier).
    #[error("the provider refused the sign-in code: {0}")]
    Exchange(String),
    /// The id_token is not valid (signature, issuer, audience, expiry, nonce).
    #[error("the provider's identity token is not valid: {0}")]
    IdToken(String),
    /// The provider's user API failed.
    #[error("the provider did not say who you are: {0}")]
    Profile(String),
}

impl OAuthError {
    /// The machine code (shown to the sign-in page as `?error=`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured(_) => "provider_not_configured",
            Self::FlowMissing => "oauth_flow_expired",
            Self::StateMismatch => "oauth_state_mismatch",
            Self::Declined(_) => "oauth_declined",
            Self::Unreachable(_) => "oauth_provider_unreachable",
            Self::Exchange(_) => "oauth_exchange_failed",
            Self::IdToken(_) => "oauth_id_token_invalid",
            Self::Profile(_) => "oauth_profile_failed",
        }
    }
}

/// Where to send the browser, and what to remember until it comes back.
#[derive(Debug, Clone)]
pub struct Authorization {
    /// The provider's authorization URL with every parameter.
    pub url: String,
    /// The PKCE verifier.
    pub verifier: String,
}

/// The configured providers and an HTTP client that never follows redirects.
#[derive(Debug)]
pub struct OAuthClients {
    providers: Vec<ProviderConfig>,
    http: reqwest::Client,
    discovered: HashMap<ProviderId, Arc<OnceCell<CoreProviderMetadata>>>,
}

impl OAuthClients {
    /// Clients for `providers`.
    pub fn new(providers: Vec<ProviderConfig>) -> Result<Self, OAuthError> {
        let http = reqwest::ClientBuilder::new()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| OAuthError::Unreachable(e.to_string()))?;
        let discovered = providers.iter().map(|p| (p.id, Arc::new(OnceCell::new()))).collect();
        Ok(Self { providers, http, discovered })
    }

    /// The configured providers' names, in configuration order.
    pub fn names(&self) -> Vec<String> {
        self.providers.iter().map(|p| p.id.as_str().to_owned()).collect()
    }

    fn provider(&self, id: ProviderId) -> Result<&ProviderConfig, OAuthError> {
        self.providers
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| OAuthError::NotConfigured(id.as_str().into()))
    }

    /// Whether `id` is configured.
    pub fn has(&self, id: ProviderId) -> bool {
        self.provider(id).is_ok()
    }

    /// The URL that starts signing in with `id`, with `state`, `nonce`, a fresh PKCE pair and,
    /// when given, a hint of the account to use.
    pub async fn authorize(
        &self,
        id: ProviderId,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        login_hint: Option<&str>,
    ) -> Result<Authorization, OAuthError> {
        let provider = self.provider(id)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| OAuthError::Unreachable(e.to_string()))?;
        let mut url = match &provider.endpoints {
            Endpoints::Oidc { .. } => {
                let client = CoreClient::from_provider_metadata(
                    self.metadata(provider).await?,
                    ClientId::new(provider.client_id.clone()),
                    Some(ClientSecret::new(provider.client_secret.clone())),
                )
                .set_redirect_uri(redirect);
                let (state, nonce) = (state.to_owned(), nonce.to_owned());
                client
                    .authorize_url(
                        CoreAuthenticationFlow::AuthorizationCode,
                        move || CsrfToken::new(state),
                        move || Nonce::new(nonce),
                    )
                    .add_scope(Scope::new("email".into()))
                    .add_scope(Scope::new("profile".into()))
                    .set_pkce_challenge(challenge)
                    .url()
                    .0
            }
            Endpoints::GitHub { authorize_url, token_url, .. } => {
                let client = github_client(provider, authorize_url, token_url, redirect)?;
                let state = state.to_owned();
                client
                    .authorize_url(move || CsrfToken::new(state))
                    .add_scope(Scope::new("read:user".into()))
                    .add_scope(Scope::new("user:email".into()))
                    .set_pkce_challenge(challenge)
                    .url()
                    .0
            }
        };
        if let Some(hint) = login_hint {
            url.query_pairs_mut().append_pair("login_hint", hint);
        }
        Ok(Authorization { url: url.to_string(), verifier: verifier.secret().clone() })
    }

    /// Exchanges `code` (with the PKCE `verifier`) and finds out who signed in.
    pub async fn identify(
        &self,
        id: ProviderId,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<ProviderIdentity, OAuthError> {
        let provider = self.provider(id)?;
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| OAuthError::Unreachable(e.to_string()))?;
        match &provider.endpoints {
            Endpoints::Oidc { exact_issuer, .. } => {
                let client = CoreClient::from_provider_metadata(
                    self.metadata(provider).await?,
                    ClientId::new(provider.client_id.clone()),
                    Some(ClientSecret::new(provider.client_secret.clone())),
                )
                .set_redirect_uri(redirect);
                let token = client
                    .exchange_code(AuthorizationCode::new(code.to_owned()))
                    .map_err(|e| OAuthError::Unreachable(e.to_string()))?
                    .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
                    .request_async(&self.http)
                    .await
                    .map_err(|e| OAuthError::Exchange(e.to_string()))?;
                let id_token = token.id_token().ok_or_else(|| OAuthError::IdToken("no id_token".into()))?;
                let mut checks = client.id_token_verifier();
                if !exact_issuer {
                    checks = checks.require_issuer_match(false);
                }
                let claims = id_token
                    .claims(&checks, &Nonce::new(nonce.to_owned()))
                    .map_err(|e| OAuthError::IdToken(e.to_string()))?;
                if !exact_issuer && !microsoft_issuer(claims.issuer().as_str()) {
                    return Err(OAuthError::IdToken(format!(
                        "unexpected issuer {}",
                        claims.issuer().as_str()
                    )));
                }
                Ok(ProviderIdentity {
                    subject: claims.subject().as_str().to_owned(),
                    email: claims.email().map(|e| e.as_str().to_owned()),
                    name: claims.name().and_then(|n| n.get(None)).map(|n| n.as_str().to_owned()),
                    avatar_url: claims.picture().and_then(|p| p.get(None)).map(|p| p.as_str().to_owned()),
                })
            }
            Endpoints::GitHub { authorize_url, token_url, api_url } => {
                let client = github_client(provider, authorize_url, token_url, redirect)?;
                let token = client
                    .exchange_code(AuthorizationCode::new(code.to_owned()))
                    .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
                    .request_async(&self.http)
                    .await
                    .map_err(|e| OAuthError::Exchange(e.to_string()))?;
                self.github_user(api_url, token.access_token().secret()).await
            }
        }
    }

    async fn github_user(&self, api_url: &str, access_token: &str) -> Result<ProviderIdentity, OAuthError> {
        #[derive(Deserialize)]
        struct GitHubUser {
            id: u64,
            login: String,
            name: Option<String>,
            email: Option<String>,
            avatar_url: Option<String>,
        }
        let reply = self
            .http
            .get(format!("{api_url}/user"))
            .bearer_auth(access_token)
            .header("accept", "application/vnd.github+json")
            .header("user-agent", "PeerShare")
            .send()
            .await
            .map_err(|e| OAuthError::Profile(e.to_string()))?;
        if !reply.status().is_success() {
            return Err(OAuthError::Profile(format!("GitHub answered {}", reply.status())));
        }
        let user: GitHubUser = reply.json().await.map_err(|e| OAuthError::Profile(e.to_string()))?;
        Ok(ProviderIdentity {
            subject: user.id.to_string(),
            email: user.email,
            name: Some(user.name.unwrap_or(user.login)),
            avatar_url: user.avatar_url,
        })
    }

    /// The provider's discovery document, fetched once per process.
    async fn metadata(&self, provider: &ProviderConfig) -> Result<CoreProviderMetadata, OAuthError> {
        let Endpoints::Oidc { issuer, .. } = &provider.endpoints else {
            return Err(OAuthError::Unreachable("not an OpenID Connect provider".into()));
        };
        let cell = self
            .discovered
            .get(&provider.id)
            .ok_or_else(|| OAuthError::NotConfigured(provider.id.as_str().into()))?;
        let metadata = cell
            .get_or_try_init(|| async {
                let issuer =
                    IssuerUrl::new(issuer.clone()).map_err(|e| OAuthError::Unreachable(e.to_string()))?;
                CoreProviderMetadata::discover_async(issuer, &self.http)
                    .await
                    .map_err(|e| OAuthError::Unreachable(e.to_string()))
            })
            .await?;
        Ok(metadata.clone())
    }
}

fn github_client(
    provider: &ProviderConfig,
    authorize_url: &str,
    token_url: &str,
    redirect: RedirectUrl,
) -> Result<
    oauth2::basic::BasicClient<
        oauth2::EndpointSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    OAuthError,
> {
    let bad = |e: oauth2::url::ParseError| OAuthError::Unreachable(e.to_string());
    Ok(oauth2::basic::BasicClient::new(oauth2::ClientId::new(provider.client_id.clone()))
        .set_client_secret(oauth2::ClientSecret::new(provider.client_secret.clone()))
        .set_auth_uri(oauth2::AuthUrl::new(authorize_url.to_owned()).map_err(bad)?)
        .set_token_uri(oauth2::TokenUrl::new(token_url.to_owned()).map_err(bad)?)
        .set_redirect_uri(oauth2::RedirectUrl::new(redirect.to_string()).map_err(bad)?))
}

/// Microsoft's per-tenant issuers: `https://login.microsoftonline.com/<tenant>/v2.0`.
fn microsoft_issuer(issuer: &str) -> bool {
    issuer
        .strip_prefix("https://login.microsoftonline.com/")
        .and_then(|rest| rest.strip_suffix("/v2.0"))
        .is_some_and(|tenant| {
            !tenant.is_empty() && tenant.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

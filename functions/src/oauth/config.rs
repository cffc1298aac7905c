//! Which providers a deployment offers, and where their endpoints are.

use serde::{Deserialize, Serialize};

/// A sign-in provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderId {
    /// Google (OpenID Connect).
    Google,
    /// Microsoft (OpenID Connect, any tenant).
    Microsoft,
    /// GitHub (OAuth 2 and its user API).
    GitHub,
}

impl ProviderId {
    /// The name in paths and identities.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Google => "google",
            Self::Microsoft => "microsoft",
            Self::GitHub => "github",
        }
    }

    /// The provider named in a path.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Google, Self::Microsoft, Self::GitHub].into_iter().find(|p| p.as_str() == raw)
    }
}

/// Where a provider's endpoints are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoints {
    /// An OpenID Connect provider found through discovery at its issuer URL.
    Oidc {
        /// The issuer (`https://accounts.google.com`).
        issuer: String,
        /// Whether the id_token's `iss` must equal the issuer exactly. Microsoft's multi-tenant
        /// issuer has a `{tenantid}` placeholder; its tokens carry the real tenant instead.
        exact_issuer: bool,
    },
    /// GitHub's OAuth endpoints and API.
    GitHub {
        /// `https://github.com/login/oauth/authorize`.
        authorize_url: String,
        /// `https://github.com/login/oauth/access_token`.
        token_url: String,
        /// `https://api.github.com`.
        api_url: String,
    },
}

/// One configured provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Which provider.
    pub id: ProviderId,
    /// The OAuth client id registered with it.
    pub client_id: String,
    /// The client secret.
    pub client_secret: String,
    /// Its endpoints.
    pub endpoints: Endpoints,
}

impl ProviderConfig {
    /// Google, at `issuer` (default `https://accounts.google.com`).
    pub fn google(client_id: &str, client_secret: &str, issuer: Option<&str>) -> Self {
        let issuer = issuer.unwrap_or("https://accounts.google.com").to_owned();
        Self::oidc(ProviderId::Google, client_id, client_secret, issuer, true)
    }

    /// Microsoft, at `issuer` (default the multi-tenant `…/common/v2.0`).
    pub fn microsoft(client_id: &str, client_secret: &str, issuer: Option<&str>) -> Self {
        let exact = issuer.is_some();
        let issuer = issuer.unwrap_or("https://login.microsoftonline.com/common/v2.0").to_owned();
        Self::oidc(ProviderId::Microsoft, client_id, client_secret, issuer, exact)
    }

    /// GitHub, at `base` (default `https://github.com` with the API at `https://api.github.com`;
    /// a test provider serves both from one base).
    pub fn github(client_id: &str, client_secret: &str, base: Option<&str>) -> Self {
        let (web, api) = match base {
            Some(base) => (base.trim_end_matches('/').to_owned(), base.trim_end_matches('/').to_owned()),
            None => ("https://github.com".to_owned(), "https://api.github.com".to_owned()),
        };
        Self {
            id: ProviderId::GitHub,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            endpoints: Endpoints::GitHub {
                authorize_url: format!("{web}/login/oauth/authorize"),
                token_url: format!("{web}/login/oauth/access_token"),
                api_url: api,
            },
        }
    }

    fn oidc(
        id: ProviderId,
        client_id: &str,
        client_secret: &str,
        issuer: String,
        exact_issuer: bool,
    ) -> Self {
        Self {
            id,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            endpoints: Endpoints::Oidc { issuer, exact_issuer },
        }
    }
}

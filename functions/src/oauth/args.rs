//! The OAuth providers' command-line flags and environment variables, shared by every binary
//! that serves the API (`peershare dev`, the Lambda function).

use super::ProviderConfig;

/// OAuth providers: each is offered when its client id and secret are given.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OAuthArgs {
    /// Google OAuth client id.
    #[arg(long, env = "PEERSHARE_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,
    /// Google OAuth client secret.
    #[arg(long, env = "PEERSHARE_GOOGLE_CLIENT_SECRET", hide_env_values = true)]
    pub google_client_secret: Option<String>,
    /// Google's issuer (default `https://accounts.google.com`; tests use a local provider).
    #[arg(long, env = "PEERSHARE_GOOGLE_ISSUER")]
    pub google_issuer: Option<String>,
    /// Microsoft OAuth client id.
    #[arg(long, env = "PEERSHARE_MICROSOFT_CLIENT_ID")]
    pub microsoft_client_id: Option<String>,
    /// Microsoft OAuth client secret.
    #[arg(long, env = "PEERSHARE_MICROSOFT_CLIENT_SECRET", hide_env_values = true)]
    pub microsoft_client_secret: Option<String>,
    /// Microsoft's issuer (default the multi-tenant `https://login.microsoftonline.com/common/v2.0`).
    #[arg(long, env = "PEERSHARE_MICROSOFT_ISSUER")]
    pub microsoft_issuer: Option<String>,
    /// GitHub OAuth app client id.
    #[arg(long, env = "PEERSHARE_GITHUB_CLIENT_ID")]
    pub github_client_id: Option<String>,
    /// GitHub OAuth app client secret.
    #[arg(long, env = "PEERSHARE_GITHUB_CLIENT_SECRET", hide_env_values = true)]
    pub github_client_secret: Option<String>,
    /// One base URL for GitHub's OAuth endpoints and API (default github.com and api.github.com).
    #[arg(long, env = "PEERSHARE_GITHUB_BASE_URL")]
    pub github_base_url: Option<String>,
}

impl OAuthArgs {
    /// The providers whose id and secret are both given.
    pub fn providers(&self) -> Vec<ProviderConfig> {
        let pair = |id: &Option<String>, secret: &Option<String>| match (id, secret) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.is_empty() => {
                Some((id.clone(), secret.clone()))
            }
            _ => None,
        };
        let mut providers = Vec::new();
        if let Some((id, secret)) = pair(&self.google_client_id, &self.google_client_secret) {
            providers.push(ProviderConfig::google(&id, &secret, self.google_issuer.as_deref()));
        }
        if let Some((id, secret)) = pair(&self.microsoft_client_id, &self.microsoft_client_secret) {
            providers.push(ProviderConfig::microsoft(&id, &secret, self.microsoft_issuer.as_deref()));
        }
        if let Some((id, secret)) = pair(&self.github_client_id, &self.github_client_secret) {
            providers.push(ProviderConfig::github(&id, &secret, self.github_base_url.as_deref()));
        }
        providers
    }
}

//! Signing in with Google, Microsoft (OpenID Connect: the id_token is verified) and GitHub
//! (OAuth 2 and its user API): authorization code flow with PKCE, state and nonce. Each
//! provider's endpoints, client id and secret come from configuration, so tests point them at
//! a local provider speaking the same protocol.

mod args;
mod config;
mod flow;
mod identity;

pub use args::OAuthArgs;
pub use config::{Endpoints, ProviderConfig, ProviderId};
pub use flow::{FLOW_COOKIE, FLOW_TTL, FlowState, safe_return_to};
pub use identity::{OAuthClients, OAuthError, ProviderIdentity};

//! Sessions: Ed25519 keys with ids, access tokens and call passes as EdDSA JWTs, and the
//! secrets (refresh tokens, invite tokens, ids) the API hands out.

mod keys;
mod secrets;
mod tokens;

pub use keys::{KeyError, SigningKey};
pub use peershare_core::auth::secrets_equal;
pub use peershare_core::auth::{Jwk, Jwks, TokenError, TokenVerifier};
pub use secrets::{hash_token, random_id, random_token};
pub use tokens::SessionTokens;

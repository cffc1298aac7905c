//! Public Ed25519 keys as JSON Web Keys (RFC 8037): what verifiers of access tokens and call
//! passes (the API, the edge, media nodes) are given. Private keys stay with the signer.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// A public key that is not an Ed25519 JWK.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("public key {kid:?} must be an OKP/Ed25519 JWK with a 32-byte x: {why}")]
pub struct JwkError {
    /// The key's id.
    pub kid: String,
    /// What is wrong with it.
    pub why: String,
}

/// A public Ed25519 key as a JSON Web Key (RFC 8037).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Always `OKP`.
    pub kty: String,
    /// Always `Ed25519`.
    pub crv: String,
    /// Always `EdDSA`.
    pub alg: String,
    /// Always `sig`.
    #[serde(rename = "use")]
    pub use_: String,
    /// The key id tokens name in their header.
    pub kid: String,
    /// The public key, base64url without padding.
    pub x: String,
}

impl Jwk {
    /// An Ed25519 signing JWK.
    pub fn ed25519(kid: &str, x: &str) -> Self {
        Self {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            alg: "EdDSA".into(),
            use_: "sig".into(),
            kid: kid.to_owned(),
            x: x.to_owned(),
        }
    }

    /// The raw 32-byte public key, when this is a well-formed Ed25519 JWK.
    pub fn ed25519_bytes(&self) -> Result<Vec<u8>, JwkError> {
        let bad = |why: &str| JwkError { kid: self.kid.clone(), why: why.to_owned() };
        if self.kty != "OKP" || self.crv != "Ed25519" {
            return Err(bad("not OKP/Ed25519"));
        }
        let raw = URL_SAFE_NO_PAD.decode(&self.x).map_err(|e| bad(&e.to_string()))?;
        if raw.len() != 32 {
            return Err(bad("x is not 32 bytes"));
        }
        Ok(raw)
    }
}

/// A JWK set: what `GET /api/auth/keys` serves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys tokens may be signed with.
    pub keys: Vec<Jwk>,
}

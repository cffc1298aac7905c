//! Ed25519 signing keys with a key id, and their public halves as JWKs: verifiers (the edge,
//! media nodes, other API instances) need only the public key set, and a new key can be added
//! before the old one is retired.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The system's random source failed.
    #[error("could not generate an Ed25519 key")]
    Generate,
    /// The private key is not base64 of an Ed25519 PKCS#8 document.
    #[error("the session signing key must be base64 of an Ed25519 PKCS#8 key: {0}")]
    BadPrivateKey(String),
    /// A public key is not an Ed25519 JWK.
    #[error("public key {kid:?} must be an OKP/Ed25519 JWK with a 32-byte x: {why}")]
    BadPublicKey {
        /// The key's id.
        kid: String,
        /// What is wrong with it.
        why: String,
    },
}

/// A private Ed25519 key and its id.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.kid)
    }
}

impl SigningKey {
    /// A fresh random key named `kid`.
    pub fn generate(kid: &str) -> Result<Self, KeyError> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Generate)?;
        Self::from_pkcs8(kid, pkcs8.as_ref()).map_err(|_| KeyError::Generate)
    }

    /// The key named `kid` from base64 PKCS#8 (the form [`SigningKey::to_base64`] writes).
    pub fn from_base64(kid: &str, encoded: &str) -> Result<Self, KeyError> {
        let der = STANDARD.decode(encoded.trim()).map_err(|e| KeyError::BadPrivateKey(e.to_string()))?;
        Self::from_pkcs8(kid, &der)
    }

    fn from_pkcs8(kid: &str, der: &[u8]) -> Result<Self, KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8(der).map_err(|e| KeyError::BadPrivateKey(e.to_string()))?;
        Ok(Self { kid: kid.to_owned(), pkcs8: der.to_vec(), public: pair.public_key().as_ref().to_vec() })
    }

    /// The private key as base64 PKCS#8, for a secret store or the dev data directory.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.pkcs8)
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The PKCS#8 document.
    pub(super) fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public half as a JWK.
    pub fn public_jwk(&self) -> Jwk {
        Jwk::ed25519(&self.kid, &URL_SAFE_NO_PAD.encode(&self.public))
    }
}

/// A public Ed25519 key as a JSON Web Key (RFC 8037).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
    pub fn ed25519_bytes(&self) -> Result<Vec<u8>, KeyError> {
        let bad = |why: &str| KeyError::BadPublicKey { kid: self.kid.clone(), why: why.to_owned() };
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Jwks {
    /// The keys tokens may be signed with.
    pub keys: Vec<Jwk>,
}

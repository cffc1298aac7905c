//! Ed25519 signing keys with a key id, and their public halves as JWKs: verifiers (the edge,
//! media nodes, other API instances) need only the public key set, and a new key can be added
//! before the old one is retired.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use peershare_core::auth::Jwk;

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
    #[error(transparent)]
    BadPublicKey(#[from] peershare_core::auth::JwkError),
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

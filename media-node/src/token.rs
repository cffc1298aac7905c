//! Media tokens as EdDSA (Ed25519) JWTs: signed by whoever runs the rooms, verified by nodes
//! with the public key alone.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use peershare_core::media::MediaClaims;

/// Leeway for clock differences between the signer and the node, in seconds.
const LEEWAY_SECS: u64 = 5;

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The system's random source failed.
    #[error("could not generate an Ed25519 key")]
    Generate,
    /// The private key is not base64 of an Ed25519 PKCS#8 document.
    #[error("media token signing key must be base64 of an Ed25519 PKCS#8 document")]
    BadPrivateKey,
    /// The public key is not base64url of 32 bytes.
    #[error("media token public key must be the base64url (JWK `x`) of 32 bytes: {0}")]
    BadPublicKey(String),
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// No `Authorization: Bearer` header.
    #[error("missing bearer token")]
    Missing,
    /// Malformed, forged, expired, or for another node.
    #[error("invalid media token: {0}")]
    Invalid(String),
}

/// An Ed25519 key pair for media tokens.
#[derive(Debug)]
pub struct MediaTokenKeys {
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

impl MediaTokenKeys {
    /// A fresh random key pair.
    pub fn generate() -> Result<Self, KeyError> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Generate)?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|_| KeyError::Generate)?;
        Ok(Self { pkcs8: pkcs8.as_ref().to_vec(), public: pair.public_key().as_ref().to_vec() })
    }

    /// The key pair whose private half is `base64` (of its PKCS#8 document, as
    /// [`Self::private_key_base64`] gives it): shared by signers elsewhere, such as a Worker.
    pub fn from_private_key_base64(base64: &str) -> Result<Self, KeyError> {
        let pkcs8 = base64::engine::general_purpose::STANDARD
            .decode(base64.trim())
            .map_err(|_| KeyError::BadPrivateKey)?;
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).map_err(|_| KeyError::BadPrivateKey)?;
        Ok(Self { public: pair.public_key().as_ref().to_vec(), pkcs8 })
    }

    /// The public key as a JWK `x` value (base64url, no padding), the form nodes are given.
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.public)
    }

    /// The private key as base64 of its PKCS#8 document, for a signer elsewhere (the edge's
    /// `MEDIA_SIGNING_KEY`).
    pub fn private_key_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.pkcs8)
    }

    /// A signer with the private key.
    pub fn signer(&self) -> JwtSigner {
        JwtSigner::from_pkcs8(&self.pkcs8)
    }
}

/// Signs media tokens (core's signer, shared with the edge).
pub use peershare_core::media::JwtSigner;

/// Checks media tokens for one node.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenVerifier(Ed25519)")
    }
}

impl TokenVerifier {
    /// A verifier for tokens addressed to `node_id`, signed by the key whose public half is
    /// `public_key` (base64url of 32 bytes).
    pub fn new(public_key: &str, node_id: &str) -> Result<Self, KeyError> {
        let raw =
            URL_SAFE_NO_PAD.decode(public_key.trim()).map_err(|e| KeyError::BadPublicKey(e.to_string()))?;
        if raw.len() != 32 {
            return Err(KeyError::BadPublicKey(format!("{} bytes", raw.len())));
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[node_id]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        validation.leeway = LEEWAY_SECS;
        Ok(Self { key: DecodingKey::from_ed_der(&raw), validation })
    }

    /// The claims of a valid token.
    pub fn verify(&self, token: &str) -> Result<MediaClaims, TokenError> {
        jsonwebtoken::decode::<MediaClaims>(token, &self.key, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| TokenError::Invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use peershare_core::Timestamp;
    use peershare_core::media::MediaTokenSigner;
    use peershare_core::protocol::ParticipantId;
    use std::time::{SystemTime, UNIX_EPOCH};

    fn now() -> Timestamp {
        Timestamp::from_millis(SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_millis() as u64)
    }

    #[test]
    fn a_signed_token_verifies_with_the_public_key_only() {
        let keys = MediaTokenKeys::generate().expect("keys");
        let claims = MediaClaims::participant("node-1", "call-1", ParticipantId(7), now());
        let token = keys.signer().sign(&claims).expect("sign");
        let verifier = TokenVerifier::new(&keys.public_key(), "node-1").expect("verifier");
        assert_eq!(verifier.verify(&token), Ok(claims));
    }

    #[test]
    fn a_shared_private_key_gives_back_the_same_pair_and_junk_is_refused() {
        let keys = MediaTokenKeys::generate().expect("keys");
        let shared = MediaTokenKeys::from_private_key_base64(&keys.private_key_base64()).expect("reads");
        assert_eq!(shared.public_key(), keys.public_key());
        let token = shared.signer().sign(&MediaClaims::room("node-1", "call-1", now())).expect("sign");
        let verifier = TokenVerifier::new(&keys.public_key(), "node-1").expect("verifier");
        assert!(verifier.verify(&token).is_ok());
        for junk in ["", "not base64!", "AAAA"] {
            assert!(
                matches!(MediaTokenKeys::from_private_key_base64(junk), Err(KeyError::BadPrivateKey)),
                "{junk}"
            );
        }
    }

    #[test]
    fn tokens_for_another_node_forged_expired_or_unsigned_are_refused() {
        let keys = MediaTokenKeys::generate().expect("keys");
        let verifier = TokenVerifier::new(&keys.public_key(), "node-1").expect("verifier");
        let other_node =
            keys.signer().sign(&MediaClaims::participant("node-2", "c", ParticipantId(1), now()));
        assert!(verifier.verify(&other_node.expect("sign")).is_err(), "audience");

        let forger = MediaTokenKeys::generate().expect("keys");
        let forged = forger.signer().sign(&MediaClaims::participant("node-1", "c", ParticipantId(1), now()));
        assert!(verifier.verify(&forged.expect("sign")).is_err(), "signature");

        let an_hour_ago = Timestamp::from_millis(now().as_millis() - 3_600_000);
        let expired =
            keys.signer().sign(&MediaClaims::participant("node-1", "c", ParticipantId(1), an_hour_ago));
        assert!(verifier.verify(&expired.expect("sign")).is_err(), "expiry");

        let claims = URL_SAFE_NO_PAD.encode(
            serde_json::to_vec(&MediaClaims::participant("node-1", "c", ParticipantId(1), now()))
                .expect("json"),
        );
        let unsigned = format!("{}.{claims}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#));
        assert!(verifier.verify(&unsigned).is_err(), "alg none");
        assert!(verifier.verify("not a token").is_err());
    }

    #[test]
    fn public_keys_must_be_32_bytes_of_base64url() {
        assert!(TokenVerifier::new("AAAA", "n").is_err());
        assert!(TokenVerifier::new("!!!", "n").is_err());
    }
}

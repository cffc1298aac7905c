//! Checking access tokens and call passes (EdDSA JWTs) against a public key set, the same way
//! on every host: the API, the edge and `peershare dev`. The `kid` in a token's header picks
//! the key, so keys rotate without signing anyone out. jsonwebtoken's crypto backend is the
//! host's choice (aws-lc-rs natively, RustCrypto in the Worker).

use super::{AccessClaims, Jwk, JwkError, Jwks};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use std::collections::HashMap;

/// Clock difference tolerated between the signer and a verifier, in seconds.
const LEEWAY_SECS: u64 = 30;

/// The JWT `typ` of access tokens and call passes; other signed values carry their own.
pub const ACCESS_TYP: &str = "JWT";

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Its lifetime is over: refresh the session (or ask for a new pass).
    #[error("the token has expired")]
    Expired,
    /// Malformed, forged, signed with an unknown key or another algorithm, or claims that
    /// speak for nobody.
    #[error("the token is not valid: {0}")]
    Invalid(String),
    /// The key could not sign (a broken key).
    #[error("could not sign a token: {0}")]
    Sign(String),
}

impl TokenError {
    /// The HTTP status and machine code every host answers this with.
    pub fn status_and_code(&self) -> (u16, &'static str) {
        match self {
            TokenError::Expired => (401, "token_expired"),
            TokenError::Invalid(_) => (401, "invalid_token"),
            TokenError::Sign(_) => (500, "signing_failed"),
        }
    }
}

/// Checks tokens with public keys only (the edge and media nodes hold one of these).
#[derive(Clone)]
pub struct TokenVerifier {
    keys: HashMap<String, DecodingKey>,
    jwks: Jwks,
    validation: Validation,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier").field("kids", &self.keys.keys().collect::<Vec<_>>()).finish()
    }
}

impl TokenVerifier {
    /// A verifier trusting exactly these public keys.
    pub fn new(keys: &[Jwk]) -> Result<Self, JwkError> {
        let mut decoding = HashMap::new();
        for jwk in keys {
            decoding.insert(jwk.kid.clone(), DecodingKey::from_ed_der(&jwk.ed25519_bytes()?));
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        validation.leeway = LEEWAY_SECS;
        validation.validate_aud = false;
        Ok(Self { keys: decoding, jwks: Jwks { keys: keys.to_vec() }, validation })
    }

    /// The claims of a valid token that speaks for someone.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Invalid(in_our_words(&e)))?;
        if header.alg != Algorithm::EdDSA {
            return Err(TokenError::Invalid("it is not signed the way this server signs".into()));
        }
        if header.typ.as_deref() != Some(ACCESS_TYP) {
            return Err(TokenError::Invalid("not an access token or call pass".into()));
        }
        let claims: AccessClaims = self.decode(token, header.kid, &self.validation)?;
        if claims.principal().is_none() {
            return Err(TokenError::Invalid("inconsistent claims".into()));
        }
        Ok(claims)
    }

    /// The claims of a valid token of type `typ` (not an access token) with an `exp` claim.
    pub fn verify_typed<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        typ: &str,
    ) -> Result<T, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| TokenError::Invalid(in_our_words(&e)))?;
        if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(typ) {
            return Err(TokenError::Invalid(format!("not a {typ} token")));
        }
        let mut validation = self.validation.clone();
        validation.set_required_spec_claims(&["exp"]);
        self.decode(token, header.kid, &validation)
    }

    fn decode<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        kid: Option<String>,
        validation: &Validation,
    ) -> Result<T, TokenError> {
        let kid = kid.ok_or_else(|| TokenError::Invalid("it names no signing key".into()))?;
        let key = self
            .keys
            .get(&kid)
            .ok_or_else(|| TokenError::Invalid("signed with a key this server does not know".into()))?;
        jsonwebtoken::decode::<T>(token, key, validation).map(|data| data.claims).map_err(|e| {
            match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid(in_our_words(&e)),
            }
        })
    }

    /// The public key set.
    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }
}

/// What went wrong with a token, in this server's words: the library's own messages name its
/// internals (decoder errors, key formats), which tell a prober more than a client needs.
fn in_our_words(error: &jsonwebtoken::errors::Error) -> String {
    match error.kind() {
        ErrorKind::InvalidSignature => "its signature does not match",
        ErrorKind::ExpiredSignature => "it has expired",
        ErrorKind::ImmatureSignature => "it is not valid yet",
        ErrorKind::InvalidAudience | ErrorKind::InvalidIssuer | ErrorKind::InvalidSubject => {
            "it was issued for something else"
        }
        ErrorKind::MissingRequiredClaim(_) | ErrorKind::Json(_) => {
            "its claims are not what this server issues"
        }
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName | ErrorKind::InvalidKeyFormat => {
            "it is not signed the way this server signs"
        }
        _ => "it is not a well-formed token",
    }
    .to_owned()
}

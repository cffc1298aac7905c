//! Media tokens signed as EdDSA (Ed25519) JWTs by whoever runs the rooms; nodes verify them
//! with the public key alone. jsonwebtoken's crypto backend is the host's choice.

use super::{MediaClaims, MediaTokenSigner, SignError};
use jsonwebtoken::{Algorithm, EncodingKey, Header};

/// Signs media tokens with an Ed25519 private key.
pub struct JwtSigner {
    key: EncodingKey,
}

impl std::fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtSigner(Ed25519)")
    }
}

impl JwtSigner {
    /// A signer with the private key in `pkcs8` (a DER PKCS#8 document).
    pub fn from_pkcs8(pkcs8: &[u8]) -> Self {
        Self { key: EncodingKey::from_ed_der(pkcs8) }
    }
}

impl MediaTokenSigner for JwtSigner {
    fn sign(&self, claims: &MediaClaims) -> Result<String, SignError> {
        jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), claims, &self.key)
            .map_err(|e| SignError(e.to_string()))
    }
}

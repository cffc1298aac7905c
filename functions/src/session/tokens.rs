//! Signing access tokens and call passes with the current key (its `kid` in the header);
//! verifying is core's [`TokenVerifier`], which holds public keys only.

use super::{KeyError, SigningKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use peershare_core::auth::{ACCESS_TYP, AccessClaims, Jwk, TokenError, TokenVerifier};

/// Signs with the current key and verifies against the current and any still-trusted keys.
#[derive(Clone)]
pub struct SessionTokens {
    kid: String,
    signing: EncodingKey,
    verifier: TokenVerifier,
}

impl std::fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTokens").field("kid", &self.kid).field("verifier", &self.verifier).finish()
    }
}

impl SessionTokens {
    /// Tokens signed with `key`; tokens of `previous` keys (being retired) still verify.
    pub fn new(key: &SigningKey, previous: &[Jwk]) -> Result<Self, KeyError> {
        let mut trusted = vec![key.public_jwk()];
        trusted.extend(previous.iter().filter(|j| j.kid != key.kid()).cloned());
        Ok(Self {
            kid: key.kid().to_owned(),
            signing: EncodingKey::from_ed_der(key.pkcs8()),
            verifier: TokenVerifier::new(&trusted)?,
        })
    }

    /// A signed token carrying `claims`.
    pub fn sign(&self, claims: &AccessClaims) -> Result<String, TokenError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        header.typ = Some(ACCESS_TYP.to_owned());
        jsonwebtoken::encode(&header, claims, &self.signing).map_err(|e| TokenError::Sign(e.to_string()))
    }

    /// A signed token of type `typ` (not an access token) carrying `claims`.
    pub fn sign_typed<T: serde::Serialize>(&self, claims: &T, typ: &str) -> Result<String, TokenError> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &self.signing).map_err(|e| TokenError::Sign(e.to_string()))
    }

    /// The verifier for the trusted keys.
    pub fn verifier(&self) -> &TokenVerifier {
        &self.verifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use peershare_core::{GroupId, Timestamp};

    fn tokens(kid: &str) -> (SigningKey, SessionTokens) {
        let key = SigningKey::generate(kid).expect("key");
        let tokens = SessionTokens::new(&key, &[]).expect("tokens");
        (key, tokens)
    }

    #[test]
    fn tokens_verify_with_the_public_key_set_only() {
        let (key, tokens) = tokens("k1");
        let claims = AccessClaims::user("u1", "Ada", SystemClock.now());
        let token = tokens.sign(&claims).expect("signs");
        let public_only = TokenVerifier::new(&[key.public_jwk()]).expect("verifier");
        assert_eq!(public_only.verify(&token), Ok(claims));
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!((header.alg, header.kid.as_deref()), (Algorithm::EdDSA, Some("k1")));
    }

    #[test]
    fn a_rotated_key_keeps_old_tokens_valid_until_it_is_dropped() {
        let (old_key, old) = tokens("k1");
        let token = old.sign(&AccessClaims::user("u1", "Ada", SystemClock.now())).expect("signs");
        let new_key = SigningKey::generate("k2").expect("key");
        let during = SessionTokens::new(&new_key, &[old_key.public_jwk()]).expect("tokens");
        assert!(during.verifier().verify(&token).is_ok());
        assert_eq!(during.verifier().jwks().keys.len(), 2);
        let after = SessionTokens::new(&new_key, &[]).expect("tokens");
        assert!(matches!(after.verifier().verify(&token), Err(TokenError::Invalid(_))), "unknown kid");
    }

    #[test]
    fn expired_forged_unsigned_and_inconsistent_tokens_are_refused() {
        let (_, tokens) = tokens("k1");
        let verifier = tokens.verifier();
        let an_hour_ago = Timestamp::from_millis(SystemClock.now().as_millis() - 3_600_000);
        let expired = tokens.sign(&AccessClaims::user("u1", "Ada", an_hour_ago)).expect("signs");
        assert_eq!(verifier.verify(&expired), Err(TokenError::Expired));

        let forger = SessionTokens::new(&SigningKey::generate("k1").expect("key"), &[]).expect("tokens");
        let forged = forger.sign(&AccessClaims::user("u1", "Ada", SystemClock.now())).expect("signs");
        assert!(matches!(verifier.verify(&forged), Err(TokenError::Invalid(_))), "same kid, other key");

        let claims = serde_json::to_vec(&AccessClaims::user("u1", "Ada", SystemClock.now())).expect("json");
        for header in
            [r#"{"alg":"none","typ":"JWT","kid":"k1"}"#, r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#]
        {
            let unsigned = format!("{}.{}.", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(&claims));
            assert!(matches!(verifier.verify(&unsigned), Err(TokenError::Invalid(_))), "{header}");
        }

        let mut odd = AccessClaims::guest("g1", "V", GroupId::parse("g_x").expect("id"), SystemClock.now());
        odd.group = None;
        let odd = tokens.sign(&odd).expect("signs");
        assert!(matches!(verifier.verify(&odd), Err(TokenError::Invalid(_))), "claims for nobody");
        assert!(matches!(verifier.verify("abc"), Err(TokenError::Invalid(_))));
    }

    #[test]
    fn refusals_are_explained_in_our_words_not_the_librarys() {
        let (_, tokens) = tokens("k1");
        let verifier = tokens.verifier();
        let forger = SessionTokens::new(&SigningKey::generate("k1").expect("key"), &[]).expect("tokens");
        let forged = forger.sign(&AccessClaims::user("u1", "Ada", SystemClock.now())).expect("signs");
        let other_key = SessionTokens::new(&SigningKey::generate("k9").expect("key"), &[]).expect("tokens");
        let unknown_key = other_key.sign(&AccessClaims::user("u1", "Ada", SystemClock.now())).expect("signs");
        for (token, expected) in [
            ("abc", "the token is not valid: it is not a well-formed token"),
            ("a.b.c", "the token is not valid: it is not a well-formed token"),
            (forged.as_str(), "the token is not valid: its signature does not match"),
            (unknown_key.as_str(), "the token is not valid: signed with a key this server does not know"),
        ] {
            let message = verifier.verify(token).expect_err("refused").to_string();
            assert_eq!(message, expected, "{token}");
        }
    }

    #[test]
    fn typed_tokens_and_access_tokens_are_never_taken_for_each_other() {
        let (_, tokens) = tokens("k1");
        let now = SystemClock.now().as_millis() / 1000;
        let flow = serde_json::json!({ "state": "s", "exp": now + 600 });
        let typed = tokens.sign_typed(&flow, "oauth-flow").expect("signs");
        assert_eq!(
            tokens.verifier().verify_typed::<serde_json::Value>(&typed, "oauth-flow").ok(),
            Some(flow)
        );
        assert!(tokens.verifier().verify(&typed).is_err(), "not an access token");
        assert!(tokens.verifier().verify_typed::<serde_json::Value>(&typed, "other").is_err());
        let access = tokens.sign(&AccessClaims::user("u1", "Ada", SystemClock.now())).expect("signs");
        assert!(tokens.verifier().verify_typed::<serde_json::Value>(&access, "oauth-flow").is_err());
        let stale =
            tokens.sign_typed(&serde_json::json!({ "exp": now - 3600 }), "oauth-flow").expect("signs");
        assert_eq!(
            tokens.verifier().verify_typed::<serde_json::Value>(&stale, "oauth-flow"),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn keys_survive_a_round_trip_through_base64() {
        let key = SigningKey::generate("k1").expect("key");
        let again = SigningKey::from_base64("k1", &key.to_base64()).expect("reads");
        assert_eq!(again.public_jwk(), key.public_jwk());
        assert!(SigningKey::from_base64("k1", "bm90IGEga2V5").is_err());
    }
}

//! The Lambda function's configuration: environment variables (the function has no command
//! line), read into one typed struct at cold start.

use crate::oauth::{OAuthArgs, OAuthError};
use crate::session::{Jwk, KeyError, SigningKey};

/// Why the function cannot start with its configuration.
#[derive(Debug, thiserror::Error)]
pub enum LambdaConfigError {
    /// The signing key or a retired key is not valid.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// `PEERSHARE_RETIRED_KEYS` is not a JSON array of JWKs.
    #[error("PEERSHARE_RETIRED_KEYS must be a JSON array of Ed25519 JWKs: {0}")]
    RetiredKeys(serde_json::Error),
    /// A provider's configuration is not usable.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// Recording storage could not be opened.
    #[error("cannot open recording storage: {0}")]
    Recordings(std::io::Error),
}

/// Configuration of the API function.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "peershare-lambda", about = "PeerShare's API on AWS Lambda")]
pub struct LambdaConfig {
    /// The DynamoDB table (created by the CDK stack from `migrations/dynamodb/table.json`).
    #[arg(long, env = "PEERSHARE_TABLE")]
    pub table: String,

    /// This site's public origin (`https://peershare.example`), for OAuth redirect URIs.
    #[arg(long, env = "PEERSHARE_PUBLIC_URL")]
    pub public_url: String,

    /// The id of the session signing key, named in every token's header.
    #[arg(long, env = "PEERSHARE_SIGNING_KEY_ID")]
    pub signing_key_id: String,

    /// The session signing key: base64 of an Ed25519 PKCS#8 document.
    #[arg(long, env = "PEERSHARE_SIGNING_KEY", hide_env_values = true)]
    pub signing_key: String,

    /// The secret the Worker's rooms present to deliver call history (the Worker's
    /// `INTERNAL_SECRET`); none: the Worker's calls write no history.
    #[arg(long, env = "PEERSHARE_INTERNAL_SECRET", hide_env_values = true)]
    pub internal_secret: Option<String>,

    /// The origin of the Worker whose rooms host the calls, told of access changes with the
    /// internal secret (default: the public URL, where the Worker answers).
    #[arg(long, env = "PEERSHARE_ROOMS_URL")]
    pub rooms_url: Option<String>,

    /// Public keys being retired, as a JSON array of JWKs: tokens they signed still verify.
    #[arg(long, env = "PEERSHARE_RETIRED_KEYS")]
    pub retired_keys: Option<String>,

    /// Sign-in providers.
    #[command(flatten)]
    pub oauth: OAuthArgs,

    /// The recordings' bucket (`PEERSHARE_RECORDINGS_BUCKET`); none: recordings are listed
    /// without download links.
    #[command(flatten)]
    pub recordings: peershare_recording::storage::StorageArgs,
}

impl LambdaConfig {
    /// Where the call rooms are told of access changes.
    pub fn rooms_url(&self) -> &str {
        self.rooms_url.as_deref().unwrap_or(&self.public_url)
    }

    /// The signing key.
    pub fn signing_key(&self) -> Result<SigningKey, KeyError> {
        SigningKey::from_base64(&self.signing_key_id, &self.signing_key)
    }

    /// The retired public keys.
    pub fn retired_keys(&self) -> Result<Vec<Jwk>, LambdaConfigError> {
        match self.retired_keys.as_deref().map(str::trim) {
            None | Some("") => Ok(Vec::new()),
            Some(json) => serde_json::from_str(json).map_err(LambdaConfigError::RetiredKeys),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(extra: &[&str]) -> Result<LambdaConfig, clap::Error> {
        let key = SigningKey::generate("k1").expect("a key").to_base64();
        let mut args = vec![
            "peershare-lambda",
            "--table",
            "t",
            "--public-url",
            "https://p.example",
            "--signing-key-id",
            "k1",
            "--signing-key",
        ];
        args.push(Box::leak(key.into_boxed_str()));
        args.extend_from_slice(extra);
        LambdaConfig::try_parse_from(args)
    }

    #[test]
    fn a_complete_configuration_yields_its_key_and_no_retired_keys() {
        let config = parse(&[]).expect("parses");
        assert_eq!(config.signing_key().expect("valid").kid(), "k1");
        assert!(config.retired_keys().expect("none").is_empty());
        assert!(config.oauth.providers().is_empty());
    }

    #[test]
    fn retired_keys_are_read_as_jwks_and_garbage_is_refused() {
        let old = SigningKey::generate("k0").expect("a key").public_jwk();
        let json = serde_json::to_string(&[&old]).expect("json");
        assert_eq!(
            parse(&["--retired-keys", &json]).expect("parses").retired_keys().expect("valid"),
            vec![old]
        );
        let bad = parse(&["--retired-keys", "{\"kid\":1}"]).expect("parses");
        assert!(matches!(bad.retired_keys(), Err(LambdaConfigError::RetiredKeys(_))));
    }

    #[test]
    fn a_bad_signing_key_is_named() {
        let mut config = parse(&[]).expect("parses");
        config.signing_key = "not base64!".into();
        let error = config.signing_key().expect_err("refused").to_string();
        assert!(error.contains("base64 of an Ed25519 PKCS#8"), "{error}");
    }

    #[test]
    fn the_table_and_the_key_are_required() {
        let error = LambdaConfig::try_parse_from(["peershare-lambda"]).expect_err("refused").to_string();
        for flag in ["--table", "--public-url", "--signing-key-id", "--signing-key"] {
            assert!(error.contains(flag), "{flag} not named in: {error}");
        }
    }
}

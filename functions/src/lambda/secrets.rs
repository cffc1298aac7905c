//! The API's secrets as SSM Parameter Store keeps them: one SecureString parameter per secret,
//! all directly under one path (`PEERSHARE_SECRETS_PATH`, e.g. `/peershare/prod/`), each named
//! for the `LambdaConfig` option it fills (`/peershare/prod/signing-key` is `--signing-key`).
//!
//! This is the pure part: it checks what Parameter Store answered and turns it into
//! command-line arguments (`--signing-key=…`) for `LambdaConfig`'s parser. The values never
//! pass through the process environment: edition 2024 lets only `unsafe` code change it, and
//! the workspace forbids `unsafe`. In clap an argument overrides its environment variable, so a
//! secret that is both in the environment and in Parameter Store is taken from Parameter Store
//! (and the cold start logs a warning naming the variable). `parameter_store.rs` asks SSM.
//!
//! A secret's value never appears in an error, a log line or a `Debug` output of this module;
//! parameter names do.

use super::LambdaConfig;
use clap::CommandFactory;
use clap::error::ErrorKind;
use std::ffi::OsString;
use std::fmt;

/// The environment variable naming the Parameter Store path the secrets are read from.
pub const SECRETS_PATH_VAR: &str = "PEERSHARE_SECRETS_PATH";

/// The secrets Parameter Store may hold, by the last segment of the parameter's name: the long
/// flags of `LambdaConfig`'s secret options (exactly those whose environment values are hidden).
pub const SECRET_NAMES: [&str; 6] = [
    "signing-key",
    "internal-secret",
    "fleet-secret",
    "google-client-secret",
    "microsoft-client-secret",
    "github-client-secret",
];

/// The type a secret's parameter must have.
const SECURE_STRING: &str = "SecureString";

/// What stands in for a secret's value in a message.
const MASK: &str = "<secret>";

/// Why the secrets could not be read from Parameter Store. The messages name parameters, never
/// their values.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// `PEERSHARE_SECRETS_PATH` is not a parameter path.
    #[error(
        "{SECRETS_PATH_VAR} must be a Parameter Store path such as `/peershare/prod/` (starting with `/`, \
         without spaces or `//`, not `/` alone), not `{0}`"
    )]
    Path(String),
    /// Parameter Store could not be read (permissions, network, throttling, …).
    #[error("cannot read the secrets under `{path}` from SSM Parameter Store: {message}")]
    Fetch {
        /// The path asked for.
        path: String,
        /// What the SDK said.
        message: String,
    },
    /// A parameter under the path is not one of the secrets: a typo, or a parameter that
    /// belongs elsewhere.
    #[error(
        "SSM parameter `{name}` is not one of the API's secrets: the parameters under `{path}` may only be named {}",
        SECRET_NAMES.join(", ")
    )]
    Unknown {
        /// The parameter's full name.
        name: String,
        /// The path the secrets are read from.
        path: String,
    },
    /// A secret's value is empty or blank.
    #[error("SSM parameter `{name}` is empty")]
    Empty {
        /// The parameter's full name.
        name: String,
    },
    /// A secret is not stored encrypted.
    #[error("SSM parameter `{name}` is a {kind} parameter: the API's secrets must be SecureString")]
    NotSecure {
        /// The parameter's full name.
        name: String,
        /// Its type as Parameter Store names it (`String`, `StringList`).
        kind: String,
    },
}

/// A Parameter Store path holding the secrets, kept without a trailing `/`: that is how SSM
/// names the path and how IAM names it as the resource of `ssm:GetParametersByPath`
/// (`arn:aws:ssm:REGION:ACCOUNT:parameter/peershare/prod`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretsPath(String);

impl SecretsPath {
    /// `text` (`/peershare/prod/` or `/peershare/prod`) as a path; an error naming
    /// `PEERSHARE_SECRETS_PATH` when it is not one.
    pub fn new(text: &str) -> Result<Self, SecretsError> {
        let path = text.trim_end_matches('/');
        let valid = path.starts_with('/')
            && !path.contains("//")
            && !path.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err(SecretsError::Path(text.to_owned()));
        }
        Ok(Self(path.to_owned()))
    }

    /// The path, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last segment of `name` when the parameter is directly under this path.
    fn child<'a>(&self, name: &'a str) -> Option<&'a str> {
        name.strip_prefix(&self.0)?.strip_prefix('/').filter(|rest| !rest.is_empty() && !rest.contains('/'))
    }
}

impl fmt::Display for SecretsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parameter as Parameter Store answered it, its value decrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct Parameter {
    /// Its full name (`/peershare/prod/signing-key`).
    pub name: String,
    /// Its type as Parameter Store names it: `SecureString`, `String` or `StringList`.
    pub kind: String,
    /// Its value.
    pub value: String,
}

impl fmt::Debug for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parameter")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// The secrets read from Parameter Store, ready to be given to `LambdaConfig`'s parser.
#[derive(Default)]
pub struct SecretArgs {
    /// Each secret's flag (one of `SECRET_NAMES`) and value.
    secrets: Vec<(&'static str, String)>,
}

impl fmt::Debug for SecretArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl SecretArgs {
    /// The secrets of `parameters`, everything Parameter Store holds directly under `path`:
    /// each must be named for one of `SECRET_NAMES`, be a SecureString and not be blank.
    pub fn from_parameters(path: &SecretsPath, parameters: Vec<Parameter>) -> Result<Self, SecretsError> {
        let mut secrets = Vec::with_capacity(parameters.len());
        for Parameter { name, kind, value } in parameters {
            let Some(flag) =
                path.child(&name).and_then(|child| SECRET_NAMES.into_iter().find(|s| *s == child))
            else {
                return Err(SecretsError::Unknown { name, path: path.to_string() });
            };
            if kind != SECURE_STRING {
                return Err(SecretsError::NotSecure { name, kind });
            }
            if value.trim().is_empty() {
                return Err(SecretsError::Empty { name });
            }
            secrets.push((flag, value));
        }
        Ok(Self { secrets })
    }

    /// The secrets' names (`signing-key`, …), in the order Parameter Store listed them.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.secrets.iter().map(|(name, _)| *name)
    }

    /// One `--name=value` argument per secret. With `=` clap takes the value as it is, even
    /// when it starts with `-`.
    pub fn args(&self) -> impl Iterator<Item = OsString> + '_ {
        self.secrets.iter().map(|(name, value)| OsString::from(format!("--{name}={value}")))
    }

    /// The environment variables of these secrets that `is_set` says are set too: each is
    /// overridden by its secret from Parameter Store.
    pub fn shadowed_env_vars(&self, is_set: impl Fn(&str) -> bool) -> Vec<String> {
        let command = LambdaConfig::command();
        self.names()
            .filter_map(|name| {
                let arg = command.get_arguments().find(|arg| arg.get_long() == Some(name))?;
                let var = arg.get_env()?.to_str()?;
                is_set(var).then(|| var.to_owned())
            })
            .collect()
    }

    /// `error` from parsing with these secrets, with every secret's value in its message
    /// replaced by `<secret>`. clap quotes a value it refuses (`invalid value '…' for
    /// '--signing-key …'`, `unexpected value '…'`); today's secret options take any text and
    /// the names are checked before parsing, so this guards the options of tomorrow. The error
    /// is rebuilt from its masked text, so neither its `Display` nor its `Debug` holds a value;
    /// its kind (and so its exit code) is kept.
    pub fn mask(&self, error: clap::Error) -> clap::Error {
        if self.secrets.is_empty()
            || matches!(
                error.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            )
        {
            return error;
        }
        let mut values: Vec<&str> = self.secrets.iter().map(|(_, value)| value.as_str()).collect();
        // The longest first, so a value holding another is masked whole.
        values.sort_by_key(|value| std::cmp::Reverse(value.len()));
        let mut text = error.to_string();
        for value in values {
            text = text.replace(value, MASK);
        }
        // `raw` puts clap's `error: ` prefix back.
        let text = text.strip_prefix("error: ").unwrap_or(&text);
        clap::Error::raw(error.kind(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SigningKey;
    use clap::Parser;

    const PATH: &str = "/peershare/prod";

    fn path() -> SecretsPath {
        SecretsPath::new("/peershare/prod/").expect("a path")
    }

    fn secure(name: &str, value: &str) -> Parameter {
        Parameter { name: format!("{PATH}/{name}"), kind: SECURE_STRING.into(), value: value.into() }
    }

    /// The configuration's other required options, on the command line.
    fn base_args() -> Vec<OsString> {
        ["peershare-lambda", "--table", "t", "--public-url", "https://p.example", "--signing-key-id", "k1"]
            .into_iter()
            .map(OsString::from)
            .collect()
    }

    fn parse(secrets: &SecretArgs) -> Result<LambdaConfig, clap::Error> {
        LambdaConfig::try_parse_from(base_args().into_iter().chain(secrets.args()))
            .map_err(|e| secrets.mask(e))
    }

    #[test]
    fn the_secret_names_are_exactly_the_configs_options_with_hidden_env_values() {
        let command = LambdaConfig::command();
        let mut hidden: Vec<&str> = command
            .get_arguments()
            .filter(|arg| arg.is_hide_env_values_set())
            .filter_map(|arg| arg.get_long())
            .collect();
        hidden.sort_unstable();
        let mut names = SECRET_NAMES.to_vec();
        names.sort_unstable();
        assert_eq!(hidden, names, "a new secret option belongs in SECRET_NAMES (and the docs' list)");
    }

    #[test]
    fn every_secret_fills_its_option() {
        let key = SigningKey::generate("k1").expect("a key").to_base64();
        let parameters = vec![
            secure("signing-key", &key),
            secure("internal-secret", "internal-0123456789"),
            secure("fleet-secret", "fleet-0123456789abcdef"),
            secure("google-client-secret", "-google starts with a dash"),
            secure("microsoft-client-secret", "microsoft=with=equals"),
            secure("github-client-secret", "github secret\nwith a newline"),
        ];
        let secrets = SecretArgs::from_parameters(&path(), parameters).expect("all known");
        assert_eq!(secrets.names().collect::<Vec<_>>(), SECRET_NAMES);
        let config = parse(&secrets).expect("parses");
        assert_eq!(config.signing_key, key);
        assert_eq!(config.signing_key().expect("a valid key").kid(), "k1");
        assert_eq!(config.internal_secret.as_deref(), Some("internal-0123456789"));
        assert_eq!(config.fleet.secret.as_deref(), Some("fleet-0123456789abcdef"));
        assert_eq!(config.oauth.google_client_secret.as_deref(), Some("-google starts with a dash"));
        assert_eq!(config.oauth.microsoft_client_secret.as_deref(), Some("microsoft=with=equals"));
        assert_eq!(config.oauth.github_client_secret.as_deref(), Some("github secret\nwith a newline"));
    }

    #[test]
    fn the_path_is_kept_without_its_trailing_slash_and_garbage_is_refused() {
        assert_eq!(SecretsPath::new("/peershare/prod/").expect("valid").as_str(), PATH);
        assert_eq!(SecretsPath::new(PATH).expect("valid").as_str(), PATH);
        assert_eq!(SecretsPath::new("/peershare").expect("valid").to_string(), "/peershare");
        for bad in
            ["", "/", "//", "peershare/prod", "/peershare//prod", "/peershare /prod", " /peershare/prod"]
        {
            let error = SecretsPath::new(bad).expect_err(bad).to_string();
            assert!(error.starts_with("PEERSHARE_SECRETS_PATH must be a Parameter Store path"), "{error}");
            assert!(error.ends_with(&format!("not `{bad}`")), "{error}");
        }
    }

    #[test]
    fn a_parameter_that_is_not_a_secret_is_refused_by_name_and_the_names_are_listed() {
        for name in ["/peershare/prod/signing_key", "/peershare/prod/Signing-Key", "/peershare/prod/table"] {
            let parameter = Parameter { name: name.into(), ..secure("signing-key", "hunter2-value") };
            let error = SecretArgs::from_parameters(&path(), vec![parameter]).expect_err(name);
            assert!(matches!(error, SecretsError::Unknown { .. }), "{error:?}");
            let message = error.to_string();
            assert!(message.starts_with(&format!("SSM parameter `{name}` is not one of the API's secrets")));
            assert!(
                message.contains("under `/peershare/prod` may only be named signing-key, internal-secret")
            );
            assert!(!message.contains("hunter2"), "{message}");
        }
        // Not directly under the path (Parameter Store would not list these; never taken).
        for name in
            ["/peershare/prod/nested/signing-key", "/peershare/staging/signing-key", "/peershare/prod/"]
        {
            let parameter = Parameter { name: name.into(), ..secure("signing-key", "hunter2-value") };
            let error = SecretArgs::from_parameters(&path(), vec![parameter]).expect_err(name);
            assert!(matches!(error, SecretsError::Unknown { .. }), "{name}: {error:?}");
        }
    }

    #[test]
    fn an_empty_secret_or_one_not_stored_encrypted_is_refused_by_name() {
        for value in ["", "   ", "\n"] {
            let error = SecretArgs::from_parameters(&path(), vec![secure("internal-secret", value)])
                .expect_err("empty")
                .to_string();
            assert_eq!(error, "SSM parameter `/peershare/prod/internal-secret` is empty");
        }
        for kind in ["String", "StringList"] {
            let parameter = Parameter { kind: kind.into(), ..secure("fleet-secret", "hunter2-plain") };
            let error = SecretArgs::from_parameters(&path(), vec![parameter]).expect_err(kind).to_string();
            assert_eq!(
                error,
                format!(
                    "SSM parameter `/peershare/prod/fleet-secret` is a {kind} parameter: the API's secrets must be SecureString"
                )
            );
        }
    }

    #[test]
    fn values_are_never_in_debug_output() {
        let parameter = secure("signing-key", "hunter2-debug");
        assert!(!format!("{parameter:?}").contains("hunter2"), "{parameter:?}");
        let secrets = SecretArgs::from_parameters(&path(), vec![parameter]).expect("known");
        assert_eq!(format!("{secrets:?}"), "[\"signing-key\"]");
    }

    #[test]
    fn a_missing_option_is_clap_s_usual_error_without_the_secrets() {
        let secrets =
            SecretArgs::from_parameters(&path(), vec![secure("internal-secret", "hunter2-internal")])
                .expect("known");
        let error = parse(&secrets).expect_err("no signing key");
        assert_eq!(error.kind(), ErrorKind::MissingRequiredArgument);
        let message = error.to_string();
        assert!(
            message.starts_with("error: the following required arguments were not provided:"),
            "{message}"
        );
        assert!(message.contains("--signing-key <SIGNING_KEY>"), "{message}");
        assert!(!message.contains("hunter2") && !format!("{error:?}").contains("hunter2"), "{message}");
    }

    #[test]
    fn a_value_clap_would_quote_in_its_error_is_masked() {
        let secrets = SecretArgs::from_parameters(&path(), vec![secure("signing-key", "hunter2-quoted")])
            .expect("known");
        // Were the key's option to check its value one day, clap would quote the value when
        // it is refused, in the message and in the error's context.
        let strict = LambdaConfig::command().mut_arg("signing_key", |arg| {
            arg.value_parser(|text: &str| Err::<String, String>(format!("`{text}` is not base64")))
        });
        let error =
            strict.try_get_matches_from(base_args().into_iter().chain(secrets.args())).expect_err("bad");
        assert!(error.to_string().contains("hunter2-quoted"), "clap quotes it: {error}");
        let masked = secrets.mask(error);
        assert_eq!(masked.kind(), ErrorKind::ValueValidation);
        let message = masked.to_string();
        assert!(message.starts_with("error: invalid value '<secret>' for '--signing-key"), "{message}");
        assert!(message.contains("`<secret>` is not base64"), "{message}");
        assert!(!message.contains("hunter2") && !format!("{masked:?}").contains("hunter2"), "{message}");
        // The same argument twice: clap's complaint names it, never its value.
        let twice = SecretArgs::from_parameters(
            &path(),
            vec![secure("signing-key", "hunter2-first"), secure("signing-key", "hunter2-second")],
        )
        .expect("known");
        let message = parse(&twice).expect_err("twice").to_string();
        assert!(message.contains("--signing-key"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn the_environment_variables_a_secret_overrides_are_named() {
        let secrets = SecretArgs::from_parameters(
            &path(),
            vec![
                secure("signing-key", "k"),
                secure("fleet-secret", "f"),
                secure("github-client-secret", "g"),
            ],
        )
        .expect("known");
        let set = ["PEERSHARE_SIGNING_KEY", "PEERSHARE_GITHUB_CLIENT_SECRET", "PEERSHARE_TABLE"];
        assert_eq!(
            secrets.shadowed_env_vars(|var| set.contains(&var)),
            ["PEERSHARE_SIGNING_KEY", "PEERSHARE_GITHUB_CLIENT_SECRET"]
        );
        assert!(secrets.shadowed_env_vars(|_| false).is_empty());
    }
}

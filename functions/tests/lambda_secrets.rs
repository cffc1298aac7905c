//! The Lambda's secrets read from SSM Parameter Store as moto speaks it (one server per test
//! binary, see `moto/`): SecureStrings directly under the configured path fill the
//! configuration, a parameter there that is not a secret stops the start by name, nothing
//! outside the path (nor below it) is read, and with no secrets clap's usual error names what
//! is missing. Each test keeps its parameters under a path of its own, so none needs a reset.

use aws_sdk_ssm::types::ParameterType;
use clap::error::ErrorKind;
use peershare_functions::lambda::parameters_under;
use peershare_functions::lambda::secrets::SecretsPath;
use peershare_functions::lambda::{LambdaConfig, LoadError, SecretsError};
use peershare_functions::session::SigningKey;
use peershare_moto as moto;

/// The configuration that is not secret, as the function's command line would give it.
const ARGS: [&str; 7] =
    ["peershare-lambda", "--table", "t", "--public-url", "https://p.example", "--signing-key-id", "k1"];

async fn put(ssm: &aws_sdk_ssm::Client, name: &str, kind: ParameterType, value: &str) {
    ssm.put_parameter()
        .name(name)
        .r#type(kind)
        .value(value)
        .send()
        .await
        .unwrap_or_else(|e| panic!("puts {name}: {}", aws_sdk_ssm::error::DisplayErrorContext(e)));
}

async fn put_secret(ssm: &aws_sdk_ssm::Client, name: &str, value: &str) {
    put(ssm, name, ParameterType::SecureString, value).await;
}

#[tokio::test]
async fn the_secrets_under_the_path_fill_the_configuration() {
    let ssm = moto::ssm_client();
    let key = SigningKey::generate("k1").expect("a key").to_base64();
    put_secret(&ssm, "/loaded/prod/signing-key", &key).await;
    put_secret(&ssm, "/loaded/prod/internal-secret", "internal-secret-0123456789").await;
    put_secret(&ssm, "/loaded/prod/fleet-secret", "fleet-secret-0123456789").await;
    put_secret(&ssm, "/loaded/prod/google-client-secret", "google-secret").await;
    put_secret(&ssm, "/loaded/prod/microsoft-client-secret", "microsoft-secret").await;
    put_secret(&ssm, "/loaded/prod/github-client-secret", "github-secret").await;

    let config = LambdaConfig::load_from(ARGS, "/loaded/prod/", &ssm).await.expect("loads");
    assert_eq!(config.signing_key, key);
    assert_eq!(config.signing_key().expect("a valid key").kid(), "k1");
    assert_eq!(config.internal_secret.as_deref(), Some("internal-secret-0123456789"));
    assert_eq!(config.fleet.secret.as_deref(), Some("fleet-secret-0123456789"));
    assert_eq!(config.oauth.google_client_secret.as_deref(), Some("google-secret"));
    assert_eq!(config.oauth.microsoft_client_secret.as_deref(), Some("microsoft-secret"));
    assert_eq!(config.oauth.github_client_secret.as_deref(), Some("github-secret"));
    assert_eq!(config.table, "t", "the rest of the configuration is as given");

    // The path without its trailing slash is the same path.
    let again = LambdaConfig::load_from(ARGS, "/loaded/prod", &ssm).await.expect("loads");
    assert_eq!(again.signing_key, key);
}

#[tokio::test]
async fn nothing_outside_the_path_or_below_it_is_read() {
    let ssm = moto::ssm_client();
    let key = SigningKey::generate("k1").expect("a key").to_base64();
    put_secret(&ssm, "/scoped/prod/signing-key", &key).await;
    // Another deployment's secrets, a path that only starts like this one, and a level below:
    // were any of them read, the fleet secret would be set (or the start refused by name).
    put_secret(&ssm, "/scoped/staging/fleet-secret", "staging-fleet-secret-0123").await;
    put_secret(&ssm, "/scoped/production/fleet-secret", "production-fleet-secret-01").await;
    put_secret(&ssm, "/scoped/prod/old/fleet-secret", "old-fleet-secret-01234567").await;
    put_secret(&ssm, "/scoped/fleet-secret", "parent-fleet-secret-01234").await;

    let config = LambdaConfig::load_from(ARGS, "/scoped/prod/", &ssm).await.expect("loads");
    assert_eq!(config.signing_key, key);
    assert_eq!(config.fleet.secret, None);
    assert_eq!(config.internal_secret, None);
}

#[tokio::test]
async fn a_parameter_under_the_path_that_is_not_a_secret_is_refused_by_name() {
    let ssm = moto::ssm_client();
    let key = SigningKey::generate("k1").expect("a key").to_base64();
    put_secret(&ssm, "/typo/prod/signing-key", &key).await;
    put_secret(&ssm, "/typo/prod/internal_secret", "hunter2-internal-0123456").await;

    let error = LambdaConfig::load_from(ARGS, "/typo/prod/", &ssm).await.expect_err("refused");
    assert!(
        matches!(&error, LoadError::Secrets(SecretsError::Unknown { name, .. }) if name == "/typo/prod/internal_secret"),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("SSM parameter `/typo/prod/internal_secret` is not one of the API's secrets")
    );
    assert!(message.contains("internal-secret"), "the right names are listed: {message}");
    assert!(!message.contains("hunter2") && !format!("{error:?}").contains("hunter2"), "{message}");
}

#[tokio::test]
async fn a_secret_stored_in_plain_text_or_empty_is_refused_by_name() {
    let ssm = moto::ssm_client();
    put(&ssm, "/plain/prod/signing-key", ParameterType::String, "hunter2-plain").await;
    let error = LambdaConfig::load_from(ARGS, "/plain/prod", &ssm).await.expect_err("refused");
    assert!(matches!(&error, LoadError::Secrets(SecretsError::NotSecure { kind, .. }) if kind == "String"));
    assert_eq!(
        error.to_string(),
        "SSM parameter `/plain/prod/signing-key` is a String parameter: the API's secrets must be SecureString"
    );

    put_secret(&ssm, "/blank/prod/signing-key", " ").await;
    let error = LambdaConfig::load_from(ARGS, "/blank/prod", &ssm).await.expect_err("refused");
    assert_eq!(error.to_string(), "SSM parameter `/blank/prod/signing-key` is empty");
}

#[tokio::test]
async fn with_no_secrets_under_the_path_clap_names_the_missing_signing_key() {
    let ssm = moto::ssm_client();
    put_secret(&ssm, "/empty/other/signing-key", "not-this-one").await;
    let error = LambdaConfig::load_from(ARGS, "/empty/prod/", &ssm).await.expect_err("no key");
    let LoadError::Args(error) = error else { panic!("clap's error, not {error:?}") };
    assert_eq!(error.kind(), ErrorKind::MissingRequiredArgument);
    let message = error.to_string();
    assert!(message.contains("--signing-key <SIGNING_KEY>"), "{message}");
}

#[tokio::test]
async fn a_path_that_is_not_one_is_refused_before_asking() {
    let ssm = moto::ssm_client();
    let error = LambdaConfig::load_from(ARGS, "peershare/prod", &ssm).await.expect_err("refused");
    assert!(matches!(error, LoadError::Secrets(SecretsError::Path(_))), "{error:?}");
    assert!(error.to_string().starts_with("PEERSHARE_SECRETS_PATH must be a Parameter Store path"));
}

#[tokio::test]
async fn every_page_of_the_path_is_read() {
    let ssm = moto::ssm_client();
    // Parameter Store answers at most 10 a page.
    for n in 0..23 {
        put_secret(&ssm, &format!("/paged/prod/p{n:02}"), &format!("value {n}")).await;
    }
    let path = SecretsPath::new("/paged/prod/").expect("a path");
    let mut parameters = parameters_under(&ssm, &path).await.expect("reads");
    parameters.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(parameters.len(), 23);
    assert_eq!(parameters[22].name, "/paged/prod/p22");
    assert_eq!(parameters[22].kind, "SecureString");
    assert_eq!(parameters[22].value, "value 22", "decrypted");
}

#[tokio::test]
async fn parameter_store_out_of_reach_is_a_clear_error_naming_the_path() {
    use aws_sdk_ssm::config::retry::RetryConfig;
    let unreachable = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("an address").port()
    };
    let config = moto::ssm_client()
        .config()
        .to_builder()
        .endpoint_url(format!("http://127.0.0.1:{unreachable}"))
        .retry_config(RetryConfig::disabled())
        .build();
    let ssm = aws_sdk_ssm::Client::from_conf(config);
    let error = LambdaConfig::load_from(ARGS, "/peershare/prod/", &ssm).await.expect_err("unreachable");
    assert!(matches!(error, LoadError::Secrets(SecretsError::Fetch { .. })), "{error:?}");
    let message = error.to_string();
    assert!(
        message.starts_with("cannot read the secrets under `/peershare/prod` from SSM Parameter Store: "),
        "{message}"
    );
}

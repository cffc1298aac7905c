//! The function's configuration at cold start: the environment and, when
//! `PEERSHARE_SECRETS_PATH` names a path, the secrets SSM Parameter Store keeps under it (the
//! rules are in `secrets.rs`), so that no secret is in the CloudFormation template or in the
//! function's environment.
//!
//! The function's role needs (the CDK stack grants it; `REGION`, `ACCOUNT` are the stack's, and
//! the path is `PEERSHARE_SECRETS_PATH` without its trailing `/`, which is how this module asks
//! for it and how IAM names the resource of `ssm:GetParametersByPath`):
//!
//! ```json
//! {"Effect": "Allow", "Action": "ssm:GetParametersByPath",
//!  "Resource": "arn:aws:ssm:REGION:ACCOUNT:parameter/peershare/prod"}
//! {"Effect": "Allow", "Action": "kms:Decrypt",
//!  "Resource": "arn:aws:kms:REGION:ACCOUNT:key/*",
//!  "Condition": {"StringEquals": {"kms:ViaService": "ssm.REGION.amazonaws.com"}}}
//! ```
//!
//! The second statement lets SSM decrypt the SecureStrings on the function's behalf with the
//! account's AWS-managed key (`alias/aws/ssm`). That key's own policy already allows every
//! principal of the account to use it through SSM, so the statement is belt and braces there;
//! it is required (with the key's ARN as the resource) when the parameters are encrypted with
//! a customer-managed key.

use super::LambdaConfig;
use super::secrets::{Parameter, SECRETS_PATH_VAR, SecretArgs, SecretsError, SecretsPath};
use aws_sdk_ssm::error::DisplayErrorContext;
use clap::Parser;
use std::ffi::OsString;

/// Why the function's configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The secrets could not be read from Parameter Store.
    #[error(transparent)]
    Secrets(#[from] SecretsError),
    /// The arguments and the environment do not make a configuration (or ask for help): clap's
    /// own error, any secret's value masked.
    #[error(transparent)]
    Args(clap::Error),
}

impl LambdaConfig {
    /// The configuration at cold start: the command line (Lambda gives none) and the
    /// environment, and the secrets under `PEERSHARE_SECRETS_PATH` when it is set, read from
    /// SSM Parameter Store in the function's region with its credentials.
    pub async fn load() -> Result<Self, LoadError> {
        let path = match std::env::var(SECRETS_PATH_VAR) {
            Ok(path) => path,
            Err(std::env::VarError::NotPresent) => return Self::try_parse().map_err(LoadError::Args),
            Err(std::env::VarError::NotUnicode(text)) => {
                return Err(SecretsError::Path(text.to_string_lossy().into_owned()).into());
            }
        };
        // A path that is not one is refused before anything is asked of AWS.
        SecretsPath::new(&path)?;
        let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        Self::load_from(std::env::args_os(), &path, &aws_sdk_ssm::Client::new(&aws)).await
    }

    /// The configuration of `args` (the program's name first) and the environment, with the
    /// secrets directly under `path` in Parameter Store given as arguments: a secret there
    /// wins over its environment variable.
    pub async fn load_from<I, T>(args: I, path: &str, ssm: &aws_sdk_ssm::Client) -> Result<Self, LoadError>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let path = SecretsPath::new(path)?;
        let secrets = SecretArgs::from_parameters(&path, parameters_under(ssm, &path).await?)?;
        for var in secrets.shadowed_env_vars(|var| std::env::var_os(var).is_some()) {
            tracing::warn!(
                "{var} is set in the environment and its secret is under {path} in SSM Parameter Store: \
                 Parameter Store's is used"
            );
        }
        tracing::info!(%path, secrets = ?secrets, "read the secrets from SSM Parameter Store");
        let args = args.into_iter().map(Into::into).chain(secrets.args());
        Self::try_parse_from(args).map_err(|error| LoadError::Args(secrets.mask(error)))
    }
}

/// Every parameter directly under `path` (not below), SecureStrings decrypted, over all pages.
pub async fn parameters_under(
    ssm: &aws_sdk_ssm::Client,
    path: &SecretsPath,
) -> Result<Vec<Parameter>, SecretsError> {
    let mut pages = ssm
        .get_parameters_by_path()
        .path(path.as_str())
        .recursive(false)
        .with_decryption(true)
        .into_paginator()
        .send();
    let mut parameters = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|error| SecretsError::Fetch {
            path: path.to_string(),
            message: DisplayErrorContext(&error).to_string(),
        })?;
        parameters.extend(page.parameters.unwrap_or_default().into_iter().map(|parameter| Parameter {
            name: parameter.name.unwrap_or_default(),
            kind: parameter.r#type.map(|kind| kind.as_str().to_owned()).unwrap_or_default(),
            value: parameter.value.unwrap_or_default(),
        }));
    }
    Ok(parameters)
}

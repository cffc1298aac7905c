//! `peershare-lambda`: PeerShare's API on AWS Lambda (the `bootstrap` of a `provided.al2023`
//! function behind an API Gateway HTTP API). Configuration comes from the environment, and the
//! secrets from SSM Parameter Store when `PEERSHARE_SECRETS_PATH` names their path; see
//! `peershare_functions::lambda::LambdaConfig::load`.

use peershare_functions::lambda::{LambdaConfig, LoadError, app};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .without_time()
        .init();
    let config = match LambdaConfig::load().await {
        Ok(config) => config,
        // clap's own report and exit code (secrets masked), as before Parameter Store.
        Err(LoadError::Args(error)) => error.exit(),
        Err(error) => return Err(error.into()),
    };
    let router = app(&config).await?;
    lambda_http::run(router).await
}

//! `peershare-lambda`: PeerShare's API on AWS Lambda (the `bootstrap` of a `provided.al2023`
//! function behind an API Gateway HTTP API). Configuration comes from the environment; see
//! `peershare_functions::lambda::LambdaConfig`.

use clap::Parser;
use peershare_functions::lambda::{LambdaConfig, app};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .without_time()
        .init();
    let config = LambdaConfig::parse();
    let router = app(&config).await?;
    lambda_http::run(router).await
}

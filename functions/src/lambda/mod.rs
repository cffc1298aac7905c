//! The API as an AWS Lambda function: the same Routers as `peershare dev`, over DynamoDB, run
//! by lambda_http behind an API Gateway HTTP API (payload format 2.0) or a function URL. Its
//! configuration comes from the environment, its secrets from SSM Parameter Store when
//! `PEERSHARE_SECRETS_PATH` says where (`LambdaConfig::load`).

mod config;
mod parameter_store;
pub mod secrets;

pub use config::{LambdaConfig, LambdaConfigError, LambdaFleet, LambdaFleetArgs};
pub use parameter_store::{LoadError, parameters_under};
pub use secrets::{SECRET_NAMES, SECRETS_PATH_VAR, SecretsError};

use crate::api::{self, ApiSettings, ApiState};
use crate::clock::SystemClock;
use crate::fleet::{AsgScaler, Fleet};
use crate::oauth::OAuthClients;
use crate::recordings::RecordingFiles;
use crate::rooms::EdgeRooms;
use crate::session::SessionTokens;
use crate::store::Store;
use crate::store::dynamodb::DynamoStore;
use std::sync::Arc;

/// The API's Router for this configuration: DynamoDB from the AWS environment (region,
/// credentials and, for tests, `AWS_ENDPOINT_URL`), the session key and the providers from
/// `config`, and, with the fleet's secret, the media-node fleet grown through its regions'
/// Auto Scaling groups. Production never offers dev sign-in and always marks cookies `Secure`.
pub async fn app(config: &LambdaConfig) -> Result<axum::Router, LambdaConfigError> {
    let key = config.signing_key()?;
    let tokens = SessionTokens::new(&key, &config.retired_keys()?)?;
    let fleet = config.fleet_settings()?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store: Arc<dyn Store> =
        Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&aws), &config.table));
    let fleet = fleet.map(|fleet| {
        let scaler = AsgScaler::new(&aws, &fleet.groups);
        Arc::new(Fleet::new(store.clone(), Arc::new(scaler), fleet.settings))
    });
    // In the cloud recordings live in S3 and links are presigned: no link secret is needed.
    let recordings = config.recordings.open().await.map_err(LambdaConfigError::Recordings)?;
    Ok(api::router(ApiState {
        store,
        tokens: Arc::new(tokens),
        clock: Arc::new(SystemClock),
        settings: Arc::new(ApiSettings {
            secure_cookies: true,
            dev_sign_in: false,
            public_url: config.public_url.clone(),
            internal_secret: config.internal_secret.clone(),
        }),
        oauth: Arc::new(OAuthClients::new(config.oauth.providers())?),
        rooms: Arc::new(EdgeRooms::new(config.rooms_url(), config.internal_secret.clone())),
        recordings: recordings.map(|storage| Arc::new(RecordingFiles::new(storage, Vec::new()))),
        fleet,
    })
    .fallback(api::route_not_found))
}

//! `peershare-composer`: composes stopped recordings into MP4s, in the cloud (DynamoDB for the
//! queue and metadata, S3 for the files). It runs beside the media nodes (see
//! docs/recording.md): ffmpeg needs minutes of CPU per hour of call, more than a Lambda's
//! 15-minute limit allows for long calls, and the nodes' fleet already scales with calls.
//! Configuration comes from the environment and flags.

use clap::Parser;
use peershare_functions::recordings::RecordingFiles;
use peershare_functions::recordings::composer::Composer;
use peershare_functions::store::dynamodb::DynamoStore;
use std::path::PathBuf;
use std::sync::Arc;

/// The composer's configuration.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "peershare-composer", about = "Composes PeerShare's stopped recordings into MP4s")]
struct ComposerConfig {
    /// The DynamoDB table (the API's).
    #[arg(long, env = "PEERSHARE_TABLE")]
    table: String,

    /// Where recordings are stored.
    #[command(flatten)]
    recordings: peershare_recording::storage::StorageArgs,

    /// A folder for the composer's temporary files.
    #[arg(long, env = "PEERSHARE_COMPOSER_WORK_DIR", default_value = "/var/tmp/peershare-composer")]
    work_dir: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = ComposerConfig::parse();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = Arc::new(DynamoStore::new(aws_sdk_dynamodb::Client::new(&aws), &config.table));
    let storage = config
        .recordings
        .open()
        .await?
        .ok_or_else(|| anyhow::anyhow!("give --recordings-bucket (or --recordings-dir)"))?;
    let files = Arc::new(RecordingFiles::new(storage, Vec::new()));
    Composer::new(store, files, config.work_dir).spawn().await?;
    Ok(())
}

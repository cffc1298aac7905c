//! `peershare-composer`: composes stopped recordings into MP4s, in the cloud (DynamoDB for the
//! queue and metadata, S3 for the files). It runs beside the media nodes (see
//! docs/recording.md): ffmpeg needs minutes of CPU per hour of call, more than a Lambda's
//! 15-minute limit allows for long calls, and the nodes' fleet already scales with calls.
//! Configuration comes from the environment and flags.

use clap::Parser;
use peershare_functions::recordings::RecordingFiles;
use peershare_functions::recordings::composer::Composer;
use peershare_functions::store::RecordingStore;
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
        .with_writer(std::io::stderr)
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
    // The table must answer before anything is claimed: a wrong name or missing rights stop
    // the start, naming it (systemd tries again).
    let pending = store
        .compositions_pending()
        .await
        .map_err(|e| anyhow::anyhow!("cannot read the composition queue in table {}: {e}", config.table))?;
    // SIGTERM (systemd stopping it as the node's instance drains): the recording under way
    // goes back to the queue, and the composer exits 0.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let stop = async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    tracing::info!(table = %config.table, pending, "composing recordings");
    Composer::new(store, files, config.work_dir).run(stop).await;
    Ok(())
}

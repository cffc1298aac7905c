//! The `peershare` binary.

use anyhow::Context;
use clap::Parser;
use peershare::config::{Cli, Command, resolve_data_dir};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Dev(config) => {
            config.validate()?;
            peershare::telemetry::init(config.log_format);
            let listener = TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            let addr = listener.local_addr()?;
            tracing::info!(turn = config.turn().is_some(), web_dir = %config.web_dir.display(), "peershare dev starting");
            println!("PeerShare is running at http://{addr}/  (Ctrl+C to stop)");
            peershare::serve(*config, listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        }
        Command::Migrate(config) => {
            let dir = resolve_data_dir(config.data_dir.as_deref());
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let path = dir.join(peershare::accounts::DATABASE_FILE);
            let mut conn = peershare_functions::store::sqlite::open_unmigrated(&path)?;
            let report = peershare_functions::store::sqlite::migrate(&mut conn)?;
            println!("{}: {report}", path.display());
        }
    }
    Ok(())
}

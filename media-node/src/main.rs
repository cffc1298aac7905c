//! The `peershare-media-node` binary: the SFU and its control API.

use anyhow::Context;
use clap::Parser;
use peershare_media_node::config::NodeConfig;
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::token::TokenVerifier;
use peershare_media_node::{metrics, udp_host};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = NodeConfig::parse();
    config.validate()?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_json {
        logs.json().init()
    } else {
        logs.init()
    }

    let verifier = TokenVerifier::new(&config.public_key, &config.node_id)?;
    let node = udp_host::start(config.udp, config.public_ip, config.capacity as usize)
        .await
        .with_context(|| format!("cannot bind UDP {}", config.udp))?;
    metrics::publish(node.clone(), config.node_id.clone());
    let app = control_api::router(ControlState::new(
        node.clone(),
        verifier,
        &config.node_id,
        config.capacity as usize,
    ));
    let listener = tokio::net::TcpListener::bind(config.http)
        .await
        .with_context(|| format!("cannot listen on {}", config.http))?;
    println!(
        "media node {} on UDP {} and HTTP http://{}/",
        config.node_id,
        node.media_addr(),
        listener.local_addr()?
    );
    peershare_listener::serve(listener, app, config.http_limits.limits(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

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
    let recordings =
        config.recordings.open().await.context("cannot open recording storage")?.map(|s| s.shared());
    let node = udp_host::start(config.udp, config.public_ip, config.capacity as usize, recordings)
        .await
        .with_context(|| format!("cannot bind UDP {}", config.udp))?;
    metrics::publish(node.clone(), config.node_id.clone());
    let state = ControlState::new(node.clone(), verifier, &config.node_id, config.capacity as usize);
    let listener = tokio::net::TcpListener::bind(config.http)
        .await
        .with_context(|| format!("cannot listen on {}", config.http))?;
    let ops = tokio::net::TcpListener::bind(config.ops_listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.ops_listen))?;
    println!(
        "media node {} on UDP {} and HTTP http://{}/ (health and metrics: http://{}/)",
        config.node_id,
        node.media_addr(),
        listener.local_addr()?,
        ops.local_addr()?
    );
    let limits = config.http_limits.limits();
    tokio::spawn(peershare_listener::serve(
        ops,
        control_api::ops_router(state.clone()),
        limits,
        std::future::pending(),
    ));
    peershare_listener::serve(listener, control_api::router(state), limits, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

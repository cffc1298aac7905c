//! The `peershare-media-node` binary: the SFU and its control API.

use anyhow::Context;
use clap::Parser;
use peershare_media_node::config::NodeConfig;
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::registration::{self, Registrar};
use peershare_media_node::token::TokenVerifier;
use peershare_media_node::{metrics, udp_host};
use std::time::Instant;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let started = Instant::now();
    // Listened for from the start: a SIGTERM right after the ready line must still make the
    // node leave the registry and exit cleanly, not kill it.
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot listen for SIGTERM")?;
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
    let tls = config.tls().context("cannot serve the control API over TLS")?;
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
        "media node {} on UDP {} and HTTP {}://{}/ (health and metrics: http://{}/)",
        config.node_id,
        node.media_addr(),
        config.control_scheme(),
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
    let pin = tls.as_ref().and_then(|t| t.pin.clone());
    let registrar = match config.fleet_membership(listener.local_addr()?, pin.as_deref())? {
        Some(fleet) => Some(Registrar::new(&fleet.registry_url, &fleet.secret, fleet.registration)?),
        None => None,
    };
    // In a fleet, the node also stops once it drained; on Ctrl-C or SIGTERM it leaves the registry first,
    // so its calls move at once instead of when its heartbeats stop.
    let membership = registrar.clone();
    let orphan_after = config.registry.orphan_after();
    let drained = async move {
        match membership {
            Some(registrar) => registration::run(registrar, node, started, orphan_after).await,
            None => std::future::pending().await,
        }
    };
    peershare_listener::serve_with(
        listener,
        control_api::router(state),
        limits,
        tls.map(|t| t.tls),
        async move {
            tokio::select! {
                () = stop_signal(terminate) => {
                    if let Some(registrar) = registrar
                        && let Err(e) = registrar.leave().await
                    {
                        tracing::warn!(error = %e, "could not leave the registry");
                    }
                }
                () = drained => {}
            }
        },
    )
    .await?;
    Ok(())
}

/// Ctrl-C, or SIGTERM (what systemd and process supervisors send to stop a service).
async fn stop_signal(mut terminate: tokio::signal::unix::Signal) {
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

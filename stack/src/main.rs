//! `peershare-stack edge`: the Worker in workerd and a media node in front of a running API, for
//! the benchmark and the browser tests (the Rust tests use the library directly); or, with
//! `--media-fleet-key`, the Worker alone, its rooms taking nodes from the API's fleet.
//!
//! Prints one JSON line once the Worker answers, `{"url", "node_url", "node_ops_url",
//! "workerd_pid"}` (no node URLs with the fleet); on the line `restart` on its standard input it kills workerd and starts it
//! again on the same address and storage, then prints the JSON line again. It stops everything
//! when its standard input closes, on SIGTERM or on Ctrl-C. Its own log, the node's and
//! workerd's go to standard error.

use anyhow::Context;
use clap::{Parser, Subcommand};
use peershare_stack::{MediaNode, WorkerVars, Workerd, WorkerdConfig, WorkerdLog};
use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::signal::unix::{SignalKind, signal};

/// Starts PeerShare's edge stack for tests and benchmarks.
#[derive(Debug, Parser)]
#[command(name = "peershare-stack")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A media node and the Worker in workerd in front of the API at `--api-origin`.
    Edge(Box<EdgeArgs>),
    /// Prints a fresh media-token signing key (base64 PKCS#8), to share between an API's
    /// `--media-signing-key` and `edge --media-fleet-key`.
    MediaKey,
}

#[derive(Debug, clap::Args)]
struct EdgeArgs {
    /// The API the Worker is in front of (`http://host:port`): the Worker's `API_ORIGIN`, whose
    /// session keys it trusts.
    #[arg(long)]
    api_origin: String,
    /// A `peershare-media-node` binary to run as the media node; without it, the node runs in
    /// this process.
    #[arg(long)]
    media_node_bin: Option<PathBuf>,
    /// The media node's id.
    #[arg(long, default_value = "stack-node")]
    node_id: String,
    /// The repository's `edge/` folder (workerd.capnp, the built Worker, workerd).
    #[arg(long, default_value = "edge")]
    edge_dir: PathBuf,
    /// The web client the Worker serves (`web/dist`); without it, an empty folder.
    #[arg(long)]
    assets: Option<PathBuf>,
    /// Where the Worker listens; without it, a free loopback port.
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Most participants per call (`ROOM_CAPACITY`); without it, the Worker's default.
    #[arg(long)]
    room_capacity: Option<u32>,
    /// The secret shared with the API (`INTERNAL_SECRET`).
    #[arg(long)]
    internal_secret: Option<String>,
    /// Turns on the Worker's test-only routes (`TEST_HOOKS`).
    #[arg(long)]
    test_hooks: bool,
    /// No media node of the stack's own: the rooms ask the API's fleet (`--media-fleet` with
    /// `--internal-secret`), signing with this key (the API's `--media-signing-key`).
    #[arg(long, requires = "internal_secret")]
    media_fleet_key: Option<String>,
}

/// What the stack prints once the Worker answers.
#[derive(Debug, serde::Serialize)]
struct Ready<'a> {
    /// The Worker: what clients open.
    url: String,
    /// The media node's control API (where browsers reach it too).
    node_url: Option<&'a str>,
    /// The media node's operators' routes (`/health`, `/metrics`).
    node_ops_url: Option<&'a str>,
    /// workerd's process id (for its memory in `/proc`).
    workerd_pid: Option<u32>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Edge(args) => edge(*args).await,
        Command::MediaKey => {
            println!("{}", peershare_media_node::token::MediaTokenKeys::generate()?.private_key_base64());
            Ok(())
        }
    }
}

async fn edge(args: EdgeArgs) -> anyhow::Result<()> {
    // Lines of standard input on a thread of their own: a blocking read that must not hold up
    // the runtime's shutdown.
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut terminate = signal(SignalKind::terminate()).context("SIGTERM handler")?;

    let node = match (&args.media_fleet_key, &args.media_node_bin) {
        (Some(_), _) => None,
        (None, Some(bin)) => Some(MediaNode::process(bin, &args.node_id).await?),
        (None, None) => Some(MediaNode::in_process(&args.node_id).await?),
    };
    let mut vars =
        WorkerVars::for_api(args.api_origin.trim_end_matches('/')).await?.room_capacity(args.room_capacity);
    vars = match (&node, &args.media_fleet_key) {
        (Some(node), _) => vars.media_node(node),
        (None, Some(key)) => vars.media_fleet(key),
        (None, None) => vars,
    };
    if let Some(secret) = &args.internal_secret {
        vars = vars.internal_secret(secret);
    }
    if args.test_hooks {
        vars = vars.test_hooks();
    }
    let config = WorkerdConfig { edge_dir: args.edge_dir, assets: args.assets, log: WorkerdLog::Stderr };
    let mut workerd = match args.listen {
        Some(addr) => Workerd::start_at(&config, addr, &vars).await?,
        None => Workerd::start(&config, &vars).await?,
    };
    let ready = |workerd: &Workerd| -> anyhow::Result<()> {
        let ready = Ready {
            url: workerd.url(),
            node_url: node.as_ref().map(|n| n.url.as_str()),
            node_ops_url: node.as_ref().map(|n| n.ops_url.as_str()),
            workerd_pid: workerd.pid(),
        };
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", serde_json::to_string(&ready)?)?;
        Ok(out.flush()?)
    };
    ready(&workerd)?;
    loop {
        tokio::select! {
            line = lines.recv() => match line.as_deref().map(str::trim) {
                None => break,
                Some("restart") => {
                    workerd = workerd.restart(&vars).await?;
                    ready(&workerd)?;
                }
                Some("") => {}
                Some(other) => eprintln!("peershare-stack: unknown command {other:?} (known: restart)"),
            },
            _ = terminate.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    workerd.stop().await;
    drop(node);
    Ok(())
}

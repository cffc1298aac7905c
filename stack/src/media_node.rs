//! A media node for the Worker, which reaches nodes over the network: its UDP host, control API
//! and operators' routes on loopback ports, trusting a fresh media key whose private half the
//! Worker signs room and participant tokens with. Either in this process (what the Rust tests
//! can count on) or the `peershare-media-node` binary as a child process.

use anyhow::{Context, bail};
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::token::{MediaTokenKeys, TokenVerifier};
use peershare_media_node::udp_host;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running node; stops when dropped.
pub struct MediaNode {
    /// Its id (the audience of its tokens).
    pub id: String,
    /// Its control API (`http://host:port`), which is also where browsers reach it here.
    pub url: String,
    /// Its operators' routes (`/health`, `/metrics`), on a listener of their own.
    pub ops_url: String,
    /// The private key its tokens are signed with (base64 PKCS#8, the Worker's
    /// `MEDIA_SIGNING_KEY`).
    pub signing_key: String,
    _running: Running,
}

/// What keeps the node running.
enum Running {
    /// Its servers stop when this sender goes.
    InProcess { _stop: tokio::sync::watch::Sender<()> },
    /// Killed on drop.
    Process { _child: Child },
}

/// Most participants the in-process node carries.
const IN_PROCESS_CAPACITY: usize = 50;

/// How long a node process may take to print its address.
const READY_WITHIN: Duration = Duration::from_secs(60);

impl MediaNode {
    /// Starts a node named `id` in this process.
    pub async fn in_process(id: &str) -> anyhow::Result<Self> {
        let keys = MediaTokenKeys::generate()?;
        let recordings: std::sync::Arc<dyn peershare_recording::storage::ObjectStore> =
            std::sync::Arc::new(peershare_recording::storage::LocalStore::new(recordings_dir(id))?);
        let node =
            udp_host::start("127.0.0.1:0".parse()?, None, IN_PROCESS_CAPACITY, Some(recordings)).await?;
        let verifier = TokenVerifier::new(&keys.public_key(), id)?;
        let state = ControlState::new(node, verifier, id, IN_PROCESS_CAPACITY);
        let control = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let ops = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (url, ops_url) =
            (format!("http://{}", control.local_addr()?), format!("http://{}", ops.local_addr()?));
        let (stop, stopped) = tokio::sync::watch::channel(());
        for (listener, app) in
            [(control, control_api::router(state.clone())), (ops, control_api::ops_router(state))]
        {
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.changed().await;
                    })
                    .await
            });
        }
        Ok(Self::running(id, &keys, (url, ops_url), Running::InProcess { _stop: stop }))
    }

    /// Starts the node binary at `bin` as `id` on loopback ports and waits for the line with its
    /// addresses. Its standard error is this process's.
    pub async fn process(bin: &Path, id: &str) -> anyhow::Result<Self> {
        let keys = MediaTokenKeys::generate()?;
        let any = "127.0.0.1:0";
        let mut child = Command::new(bin)
            .args(["--udp", any, "--http", any, "--ops-listen", any, "--node-id", id])
            // `=`: a base64url key may start with `-`, which would read as a flag.
            .arg(format!("--public-key={}", keys.public_key()))
            .arg("--recordings-dir")
            .arg(recordings_dir(id))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start the media node {}", bin.display()))?;
        let mut lines = BufReader::new(child.stdout.take().context("the node's stdout")?).lines();
        let line = tokio::time::timeout(READY_WITHIN, lines.next_line())
            .await
            .with_context(|| format!("the media node printed no address within {READY_WITHIN:?}"))??;
        let Some(line) = line else { bail!("the media node {} exited before it was ready", bin.display()) };
        let (url, ops_url) = addresses(&line)?;
        // Whatever else it prints is read, so it never writes to a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Self::running(id, &keys, (url, ops_url), Running::Process { _child: child }))
    }

    /// The node `id` that trusts `keys`, at its control API's and operators' URLs.
    fn running(id: &str, keys: &MediaTokenKeys, (url, ops_url): (String, String), running: Running) -> Self {
        Self { id: id.to_owned(), url, ops_url, signing_key: keys.private_key_base64(), _running: running }
    }
}

/// Where a test node named `id` keeps its recordings: a folder of this process's.
fn recordings_dir(id: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("peershare-stack-recordings-{id}-{}", std::process::id()))
}

/// The control API's and the operators' URLs in the node's first line: "media node … on UDP …
/// and HTTP http://<control>/ (health and metrics: http://<ops>/)".
fn addresses(line: &str) -> anyhow::Result<(String, String)> {
    let after = |marker: &str| {
        let rest = line.split(marker).nth(1)?;
        let url = rest.split_whitespace().next()?.trim_end_matches(')').trim_end_matches('/');
        url.starts_with("http://").then(|| url.to_owned())
    };
    match (after("HTTP "), after("health and metrics: ")) {
        (Some(control), Some(ops)) => Ok((control, ops)),
        _ => bail!("unexpected first line from the media node: {line:?}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ready_line_gives_both_addresses() {
        let line = "media node n1 on UDP 127.0.0.1:40000 and HTTP http://127.0.0.1:40001/ \
                    (health and metrics: http://127.0.0.1:40002/)";
        let (control, ops) = super::addresses(line).expect("parses");
        assert_eq!((control.as_str(), ops.as_str()), ("http://127.0.0.1:40001", "http://127.0.0.1:40002"));
        assert!(super::addresses("listening").is_err());
    }
}

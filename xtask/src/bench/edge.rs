//! The edge under load, in workerd on this machine: the Worker (`edge/workerd.capnp`) in front
//! of a release `peershare dev` (the API origin) and a release media node. Measures how long a
//! WebSocket join takes through the Worker into a room's Durable Object, the signaling relay
//! through Durable Objects with 200 sockets in 20 rooms, workerd's memory, and the size of the
//! Worker's wasm.

use super::server_process::{ServerProcess, peak_rss_kib};
use super::signaling::{self, SignalingResult, next_json, with_guest_pass};
use crate::steps::{Steps, target_dir};
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use futures_util::SinkExt;
use futures_util::StreamExt;
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::json;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

/// Sockets of the relay load, and how many share a room.
const LOAD_CONNECTIONS: u32 = 200;
const LOAD_PER_ROOM: u32 = 10;
/// Rooms whose first and second join are timed, one after the other.
const JOIN_ROOMS: u32 = 50;

/// What the run measured.
#[derive(Debug, Serialize)]
struct EdgeResult {
    date: String,
    /// `index_bg.wasm` as built, and gzipped at level 9 (what a deploy uploads, compressed).
    wasm_bytes: u64,
    wasm_gzip_bytes: u64,
    /// From opening the WebSocket (upgrade through the Worker, the pass checked there) until
    /// `welcome`, for the first person in a new room (the Durable Object starts) …
    join_new_room: Latency,
    /// … and for the second person in that room.
    join_existing_room: Latency,
    /// The relay under load through the rooms' Durable Objects.
    relay: SignalingResult,
}

/// Milliseconds over `samples` runs.
#[derive(Debug, Serialize)]
struct Latency {
    samples: u64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

impl Latency {
    fn of(histogram: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        Self {
            samples: histogram.len(),
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
    }
}

/// A child process killed on drop.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A folder removed on drop.
struct TempFolder(PathBuf);

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Builds what it needs, runs the benchmark, and writes the figures to `out`.
pub fn run(steps: &mut Steps, out: &Path) -> anyhow::Result<()> {
    crate::edge::tools(steps)?;
    crate::edge::build(steps)?;
    crate::commands::build_release(steps)?;
    let wasm = Path::new("edge/build/index_bg.wasm");
    let wasm_bytes = std::fs::metadata(wasm).context("edge/build/index_bg.wasm")?.len();
    let wasm_gzip_bytes = gzip_size(wasm)?;

    let api = ServerProcess::start()?;
    let (signing_key, public_key) = media_keys()?;
    let (_node, node_url) = media_node(&public_key)?;
    let rooms = TempFolder(std::env::temp_dir().join(format!("peershare-bench-edge-{}", std::process::id())));
    let _ = std::fs::remove_dir_all(&rooms.0);
    std::fs::create_dir_all(&rooms.0)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let jwks = runtime
        .block_on(async { reqwest::get(format!("http://{}/api/auth/keys", api.addr)).await?.text().await })?;
    let nodes = json!([{ "id": "bench-node", "control_url": node_url, "public_url": node_url }]);
    let (workerd, addr) = runtime.block_on(workerd(
        &rooms.0,
        &[
            ("API_ORIGIN", format!("http://{}", api.addr)),
            ("SESSION_JWKS", jwks),
            ("MEDIA_NODES", nodes.to_string()),
            ("MEDIA_SIGNING_KEY", signing_key),
            ("ROOM_CAPACITY", LOAD_PER_ROOM.to_string()),
        ],
    ))?;

    let (join_new_room, join_existing_room) = runtime.block_on(joins(&addr))?;
    let mut relay = runtime.block_on(signaling::load(&addr, LOAD_CONNECTIONS, LOAD_PER_ROOM))?;
    relay.server_peak_rss_mib = peak_rss_kib(workerd.0.id())? as f64 / 1024.0;
    let result = EdgeResult {
        date: super::today()?,
        wasm_bytes,
        wasm_gzip_bytes,
        join_new_room,
        join_existing_room,
        relay,
    };
    std::fs::write(out, serde_json::to_string_pretty(&result)?)?;
    eprintln!("edge: {}", serde_json::to_string(&result)?);
    // workerd stops before its folder goes.
    drop(workerd);
    drop(rooms);
    Ok(())
}

/// Times the first and the second join of [`JOIN_ROOMS`] fresh rooms, one at a time.
async fn joins(addr: &str) -> anyhow::Result<(Latency, Latency)> {
    let mut new_room = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut existing = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    for room in 0..JOIN_ROOMS {
        let url = format!("ws://{addr}/api/groups/join-bench-{room}/call");
        let mut open = Vec::new();
        for (index, histogram) in [(0, &mut new_room), (1, &mut existing)] {
            let request = with_guest_pass(&url, index).await?;
            let started = Instant::now();
            let (ws, _) = connect_async(request).await.with_context(|| format!("connect {url}"))?;
            let (mut tx, mut rx) = ws.split();
            let join = json!({"type":"join","version":1,"display_name":format!("bench-{index}"),
                "media":{"audio":true,"video":true}});
            tx.send(Message::text(join.to_string())).await?;
            loop {
                let message = next_json(&mut rx).await?;
                match message["type"].as_str() {
                    Some("welcome") => break,
                    Some("error") => bail!("joining {url}: {message}"),
                    _ => {}
                }
            }
            histogram.record((started.elapsed().as_micros() as u64).max(1))?;
            open.push((tx, rx));
        }
        for (mut tx, _) in open {
            let _ = tx.send(Message::text(json!({"type":"leave"}).to_string())).await;
        }
    }
    Ok((Latency::of(&new_room), Latency::of(&existing)))
}

/// A media key pair from openssl: the Worker's signing key (base64 PKCS#8) and the node's
/// public key (base64url of the raw 32 bytes, the JWK `x`).
fn media_keys() -> anyhow::Result<(String, String)> {
    let pkcs8 =
        Command::new("openssl").args(["genpkey", "-algorithm", "ed25519", "-outform", "DER"]).output()?;
    if !pkcs8.status.success() {
        bail!("openssl genpkey failed: {}", String::from_utf8_lossy(&pkcs8.stderr));
    }
    let mut public = Command::new("openssl")
        .args(["pkey", "-inform", "DER", "-pubout", "-outform", "DER"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    public.stdin.take().context("openssl stdin")?.write_all(&pkcs8.stdout)?;
    let spki = public.wait_with_output()?.stdout;
    // An Ed25519 SubjectPublicKeyInfo ends with the 32-byte key.
    let raw = spki.len().checked_sub(32).map(|start| &spki[start..]).context("openssl gave no public key")?;
    Ok((STANDARD.encode(&pkcs8.stdout), URL_SAFE_NO_PAD.encode(raw)))
}

/// A release media node on loopback ports; its control API's URL.
fn media_node(public_key: &str) -> anyhow::Result<(Process, String)> {
    let bin = target_dir().join("release/peershare-media-node");
    let mut child = Command::new(&bin)
        .args([
            "--udp",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
            "--ops-listen",
            "127.0.0.1:0",
            "--node-id",
            "bench-node",
            "--public-key",
            public_key,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", bin.display()))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("no stdout")?).read_line(&mut line)?;
    let process = Process(child);
    // "… HTTP http://<control>/ (health and metrics: …)"
    let url = line
        .split("HTTP ")
        .nth(1)
        .and_then(|u| u.split_whitespace().next())
        .map(|u| u.trim_end_matches('/').to_owned());
    let url = url.with_context(|| format!("unexpected first line from the media node: {line:?}"))?;
    Ok((process, url))
}

/// workerd on `edge/workerd.capnp` with `vars`, its rooms stored in `rooms`; its address.
async fn workerd(rooms: &Path, vars: &[(&str, String)]) -> anyhow::Result<(Process, String)> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let addr = format!("127.0.0.1:{port}");
    let empty_site: PathBuf = rooms.join("site");
    std::fs::create_dir_all(&empty_site)?;
    let child = Command::new("edge/node_modules/.bin/workerd")
        .args(["serve", "--experimental", "edge/workerd.capnp"])
        .arg(format!("--socket-addr=http={addr}"))
        .arg(format!("--directory-path=rooms={}", rooms.display()))
        .arg(format!("--directory-path=assets={}", empty_site.display()))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(vars.iter().map(|(name, value)| (*name, value.as_str())))
        .stdout(Stdio::null())
        .spawn()
        .context("cannot start workerd (cargo xtask edge installs it)")?;
    let process = Process(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    let health = format!("http://{addr}/healthz");
    while !reqwest::get(&health).await.is_ok_and(|r| r.status().is_success()) {
        if Instant::now() > deadline {
            bail!("workerd did not answer on {addr} within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok((process, addr))
}

/// Bytes of `file` compressed with `gzip -9`.
fn gzip_size(file: &Path) -> anyhow::Result<u64> {
    let out = Command::new("gzip").args(["-9", "-c"]).arg(file).output().context("gzip")?;
    if !out.status.success() {
        bail!("gzip failed on {}", file.display());
    }
    Ok(out.stdout.len() as u64)
}

//! The edge under load, in workerd on this machine: the Worker (`edge/workerd.capnp`) in front
//! of a release `peershare dev` (the API origin) and a release media node, started by
//! `peershare-stack edge` as the browser tests start them. Measures how long a
//! WebSocket join takes through the Worker into a room's Durable Object, the signaling relay
//! through Durable Objects with 200 sockets in 20 rooms, workerd's memory, and the size of the
//! Worker's wasm.

use super::server_process::{ServerProcess, peak_rss_kib};
use super::signaling::{self, SignalingResult, next_json, with_guest_pass};
use crate::steps::{Steps, target_dir};
use anyhow::{Context, bail};
use futures_util::SinkExt;
use futures_util::StreamExt;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;
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
pub(crate) struct Latency {
    samples: u64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

impl Latency {
    /// The figures of `histogram` (microseconds).
    pub(crate) fn of(histogram: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        Self {
            samples: histogram.len(),
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            max_ms: ms(histogram.max()),
        }
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
    let stack = EdgeStack::start(&api.addr)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let addr = stack.addr.as_str();
    let (join_new_room, join_existing_room) = runtime.block_on(joins(addr))?;
    let mut relay = runtime.block_on(signaling::load(addr, LOAD_CONNECTIONS, LOAD_PER_ROOM))?;
    relay.server_peak_rss_mib = peak_rss_kib(stack.workerd_pid)? as f64 / 1024.0;
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

/// The edge stack as the browser tests start it (`peershare-stack edge`, release): a release
/// media node and the Worker in workerd in front of the API, with an empty site. Stopped on drop.
struct EdgeStack {
    child: Child,
    /// `host:port` the Worker listens on.
    addr: String,
    workerd_pid: u32,
}

/// The line `peershare-stack edge` prints once the Worker answers.
#[derive(Deserialize)]
struct StackReady {
    url: String,
    workerd_pid: u32,
}

impl EdgeStack {
    fn start(api_addr: &str) -> anyhow::Result<Self> {
        let bin = target_dir().join("release/peershare-stack");
        let mut child = Command::new(&bin)
            .args(["edge", "--api-origin", &format!("http://{api_addr}"), "--node-id", "bench-node"])
            .arg("--media-node-bin")
            .arg(target_dir().join("release/peershare-media-node"))
            .args(["--room-capacity", &LOAD_PER_ROOM.to_string()])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        // From here on, dropping it stops it.
        let mut stack = Self { child, addr: String::new(), workerd_pid: 0 };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let ready: StackReady = serde_json::from_str(&line)
            .with_context(|| format!("peershare-stack was not ready: {line:?}"))?;
        stack.addr = ready.url.trim_start_matches("http://").to_owned();
        stack.workerd_pid = ready.workerd_pid;
        Ok(stack)
    }
}

impl Drop for EdgeStack {
    fn drop(&mut self) {
        // Its standard input closing stops it: workerd, its folder, the node.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Bytes of `file` compressed with `gzip -9`.
fn gzip_size(file: &Path) -> anyhow::Result<u64> {
    let out = Command::new("gzip").args(["-9", "-c"]).arg(file).output().context("gzip")?;
    if !out.status.success() {
        bail!("gzip failed on {}", file.display());
    }
    Ok(out.stdout.len() as u64)
}

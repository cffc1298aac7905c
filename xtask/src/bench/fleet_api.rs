//! The fleet's allocator through its API route: a release `peershare dev --media-fleet 1` with
//! one warm node process registered, asked for call sessions over HTTP as a signaling host asks
//! (`POST /api/internal/media-nodes/allocations`, then `DELETE …/allocations/{call}`): one
//! caller at a time, then many at once. What a Worker waits for before it opens the session on
//! the node (the registry on SQLite here; DynamoDB adds its own round trips in the cloud).

use super::edge::Latency;
use super::server_process::ServerProcess;
use crate::steps::target_dir;
use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// Allocations made one at a time.
const SEQUENTIAL: u64 = 2_000;
/// Callers at once, and allocations each makes.
const CONCURRENT: u64 = 16;
const PER_CALLER: u64 = 250;
/// The secret the bench's "Worker" presents.
const SECRET: &str = "bench-internal-secret-0123456789abcdef";

/// The run's figures.
#[derive(Debug, Serialize)]
struct FleetApiResult {
    date: String,
    store: &'static str,
    nodes: u32,
    allocate_sequential: Latency,
    release_sequential: Latency,
    concurrent_callers: u64,
    allocate_concurrent: Latency,
    allocations_per_second_concurrent: f64,
    failures: u64,
}

/// Runs the benchmark (the release binaries are built) and writes the figures to `out`.
pub fn run(out: &Path) -> anyhow::Result<()> {
    let bin = target_dir().join("release/peershare");
    let node_bin = target_dir().join("release/peershare-media-node");
    let node_bin = node_bin.to_str().context("a UTF-8 path")?;
    let server = ServerProcess::start_with(
        &bin,
        &[
            "--media-fleet",
            "1",
            "--warm-nodes",
            "1",
            "--internal-secret",
            SECRET,
            "--media-node-bin",
            node_bin,
        ],
    )?;
    let base = format!("http://{}", server.addr);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(measure(&base))?;
    std::fs::write(out, serde_json::to_string_pretty(&result)?)?;
    eprintln!("fleet api: {}", serde_json::to_string(&result)?);
    Ok(())
}

async fn measure(base: &str) -> anyhow::Result<FleetApiResult> {
    let http = reqwest::Client::new();
    wait_for_node(&http, base).await?;
    let mut allocate = histogram()?;
    let mut release = histogram()?;
    let mut failures = 0;
    for _ in 0..SEQUENTIAL {
        match round_trip(&http, base).await {
            Ok((a, r)) => {
                allocate.record(a)?;
                release.record(r)?;
            }
            Err(e) => {
                failures += 1;
                eprintln!("fleet api: {e}");
            }
        }
    }
    let started = Instant::now();
    let callers: Vec<_> = (0..CONCURRENT)
        .map(|_| {
            let (http, base) = (http.clone(), base.to_owned());
            tokio::spawn(async move {
                let mut mine = Vec::new();
                let mut failed = 0u64;
                for _ in 0..PER_CALLER {
                    match round_trip(&http, &base).await {
                        Ok((a, _)) => mine.push(a),
                        Err(_) => failed += 1,
                    }
                }
                (mine, failed)
            })
        })
        .collect();
    let mut concurrent = histogram()?;
    for caller in callers {
        let (samples, failed) = caller.await?;
        failures += failed;
        for a in samples {
            concurrent.record(a)?;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(FleetApiResult {
        date: super::today()?,
        store: "SQLite (peershare dev)",
        nodes: 1,
        allocate_sequential: Latency::of(&allocate),
        release_sequential: Latency::of(&release),
        concurrent_callers: CONCURRENT,
        allocations_per_second_concurrent: concurrent.len() as f64 / elapsed,
        allocate_concurrent: Latency::of(&concurrent),
        failures,
    })
}

fn histogram() -> anyhow::Result<Histogram<u64>> {
    Ok(Histogram::new_with_bounds(1, 60_000_000, 3)?)
}

/// Waits until the warm node has registered.
async fn wait_for_node(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let health: Value = http.get(format!("{base}/healthz")).send().await?.json().await?;
        if health["media_nodes"].as_u64() == Some(1) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the warm media node did not register within 60 s")
}

/// One allocation (a call of three) and its release: their latencies in microseconds.
async fn round_trip(http: &reqwest::Client, base: &str) -> anyhow::Result<(u64, u64)> {
    let room = format!("bench-{:016x}", rand::random::<u64>());
    let ask = json!({ "room": room, "participants": 3 });
    let started = Instant::now();
    let reply = http
        .post(format!("{base}/api/internal/media-nodes/allocations"))
        .bearer_auth(SECRET)
        .json(&ask)
        .send()
        .await?;
    let status = reply.status();
    let body: Value = reply.json().await?;
    let allocated = started.elapsed().as_micros() as u64;
    if status != 200 {
        bail!("allocation answered {status}: {body}");
    }
    let lease = &body["lease"];
    let (node, call) = (lease["node_id"].as_str().unwrap_or(""), lease["call_id"].as_str().unwrap_or(""));
    let started = Instant::now();
    let reply = http
        .delete(format!("{base}/api/internal/media-nodes/{node}/allocations/{call}"))
        .bearer_auth(SECRET)
        .send()
        .await?;
    let released = started.elapsed().as_micros() as u64;
    if !reply.status().is_success() {
        bail!("release answered {}", reply.status());
    }
    Ok((allocated, released))
}

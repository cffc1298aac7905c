//! `peershare-recording-bench`: what recording costs. A release media node as its own process
//! records calls of str0m clients into a folder: its extra CPU per recorded call (the same
//! calls measured without and then with recording), the bytes stored per participant-minute,
//! and what a crash loses (the node is killed mid-recording and its tracks read back). Then a
//! 60-second three-person call of real media (ffmpeg's VP8 and Opus) is composed with each
//! preset: composition time and CPU as a share of the call's length. Figures go to `--out`.

use anyhow::Context;
use clap::Parser;
use peershare_loadgen::node_api::NodeApi;
use peershare_loadgen::node_process::NodeProcess;
use peershare_media_node::token::MediaTokenKeys;
use peershare_recording::compose::{Preset, compose};
use peershare_recording::layout::tracks_prefix;
use peershare_recording::manifest::TrackManifest;
use peershare_recording::recover::fetch_track;
use peershare_recording::storage::{LocalStore, ObjectStore};
use peershare_recording::{probe, sample};
use peershare_test_client::Client;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const NODE_ID: &str = "bench-node";

/// Recording's costs.
#[derive(Debug, Parser)]
struct Config {
    /// The `peershare-media-node` binary (release).
    #[arg(long)]
    node_bin: PathBuf,
    /// Where the figures go (JSON).
    #[arg(long)]
    out: PathBuf,
    /// Calls of three recorded at once.
    #[arg(long, default_value_t = 4)]
    calls: usize,
    /// Seconds of each measuring window.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Length of the composed call, in seconds.
    #[arg(long, default_value_t = 60.0)]
    compose_seconds: f64,
}

#[derive(Debug, Serialize)]
struct Composition {
    preset: &'static str,
    width: u32,
    height: u32,
    wall_seconds: f64,
    wall_ratio: f64,
    cpu_seconds_per_media_second: f64,
    megabytes_per_minute: f64,
}

#[derive(Debug, Serialize)]
struct Results {
    date: String,
    machine_cpus: usize,
    calls: usize,
    participants_per_call: usize,
    node_cores_without_recording: f64,
    node_cores_with_recording: f64,
    extra_cores_per_recorded_call: f64,
    stored_megabytes_per_participant_minute: f64,
    /// What each synthetic participant publishes (the test client's default: VP8-sized frames
    /// at about 600 kbit/s and 30 fps, Opus-sized at about 32 kbit/s).
    client_kbps: f64,
    crash_tracks: usize,
    crash_worst_loss_seconds: f64,
    crash_median_loss_seconds: f64,
    composed_call_seconds: f64,
    composition: Vec<Composition>,
}

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(run(config))
}

async fn run(config: Config) -> anyhow::Result<()> {
    let work = std::env::temp_dir().join(format!("peershare-recording-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let recordings = work.join("recordings");
    std::fs::create_dir_all(&recordings)?;
    let keys = MediaTokenKeys::generate()?;
    let args = [std::ffi::OsStr::new("--recordings-dir"), recordings.as_os_str()];
    let capacity = (config.calls as u32 + 1) * 3;
    let node = NodeProcess::start(&config.node_bin, NODE_ID, &keys.public_key(), capacity, &args).await?;
    let api = NodeApi::new(node.http, node.ops, NODE_ID, keys.signer());

    // The same calls, first forwarded only, then forwarded and recorded.
    let mut clients: Vec<Client> = Vec::new();
    for c in 0..config.calls {
        api.create_call(&format!("call-{c}")).await?;
        for _ in 0..3 {
            let id = clients.len() as u32 + 1;
            clients.push(api.join(&format!("call-{c}"), id).await?);
        }
    }
    connected(&clients).await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let window = Duration::from_secs(config.seconds);
    let without = cores(&node, window).await?;
    eprintln!("{} calls of 3, not recorded: node {without:.3} cores", config.calls);
    let started = Instant::now();
    for c in 0..config.calls {
        let ids: Vec<u32> = (1..=3).map(|i| (c * 3 + i) as u32).collect();
        api.record(&format!("call-{c}"), &format!("r_bench_{c}"), 1, &ids, false).await?;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let with = cores(&node, window).await?;
    eprintln!("{} calls of 3, recorded: node {with:.3} cores", config.calls);
    for c in 0..config.calls {
        api.record(&format!("call-{c}"), &format!("r_bench_{c}"), 2, &[], true).await?;
    }
    let recorded_minutes = started.elapsed().as_secs_f64() / 60.0;
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(&recordings)?);
    let mut bytes = 0u64;
    for c in 0..config.calls {
        bytes +=
            ended_tracks(&store, &format!("r_bench_{c}")).await?.iter().map(|(_, size)| size).sum::<u64>();
    }
    let participants = (config.calls * 3) as f64;
    let per_participant_minute = bytes as f64 / 1e6 / participants / recorded_minutes;
    drop(clients);

    // A crash: a fresh call recorded for 10 s, then the node is killed.
    api.create_call("crash").await?;
    let mut crash_clients = Vec::new();
    for i in 0..3u32 {
        crash_clients.push(api.join("crash", 100 + i).await?);
    }
    connected(&crash_clients).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let recording_started = Instant::now();
    api.record("crash", "r_bench_crash", 1, &[100, 101, 102], false).await?;
    tokio::time::sleep(Duration::from_millis(10_700)).await;
    let crashed_after = recording_started.elapsed().as_secs_f64();
    node.crash().await?;
    drop(crash_clients);
    let mut losses = Vec::new();
    for object in store.list(&tracks_prefix("r_bench_crash")).await? {
        if !object.key.ends_with(".json") {
            continue;
        }
        let manifest: TrackManifest =
            serde_json::from_slice(&store.get(&object.key).await?.context("manifest")?)?;
        let file = work.join("crash-track.webm");
        fetch_track(store.as_ref(), &manifest.key, &file).await?;
        let span = probe::span(&file).await?.unwrap_or(0.0);
        let kept_until = manifest.offset_ms as f64 / 1000.0 + span;
        losses.push((crashed_after - kept_until).max(0.0));
    }
    losses.sort_by(f64::total_cmp);
    let worst = losses.last().copied().unwrap_or(f64::NAN);
    let median = losses.get(losses.len() / 2).copied().unwrap_or(f64::NAN);
    eprintln!(
        "crash after {crashed_after:.1} s: {} tracks, worst loss {worst:.2} s, median {median:.2} s",
        losses.len()
    );

    // Composition of a real three-person call, each preset.
    let compose_store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(work.join("compose"))?);
    sample::three_person_call(
        &compose_store,
        "r_bench_compose",
        &work.join("sources"),
        config.compose_seconds,
    )
    .await?;
    let mut composition = Vec::new();
    for (name, preset) in [("low", Preset::LOW), ("medium", Preset::MEDIUM), ("high", Preset::HIGH)] {
        let cpu0 = NodeProcess::children_cpu_seconds()?;
        let t0 = Instant::now();
        let composed =
            compose(compose_store.as_ref(), "r_bench_compose", preset, &work.join("composing"), |_| {})
                .await?;
        let wall = t0.elapsed().as_secs_f64();
        let cpu = NodeProcess::children_cpu_seconds()? - cpu0;
        let media = composed.duration_ms as f64 / 1000.0;
        eprintln!(
            "compose {name}: {wall:.1} s for {media:.1} s ({:.2}x), {:.2} CPU-s per media-s",
            wall / media,
            cpu / media
        );
        composition.push(Composition {
            preset: name,
            width: preset.width,
            height: preset.height,
            wall_seconds: round(wall),
            wall_ratio: round(wall / media),
            cpu_seconds_per_media_second: round(cpu / media),
            megabytes_per_minute: round(composed.size_bytes as f64 / 1e6 / (media / 60.0)),
        });
    }

    let results = Results {
        date: today(),
        machine_cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        calls: config.calls,
        participants_per_call: 3,
        node_cores_without_recording: round(without),
        node_cores_with_recording: round(with),
        extra_cores_per_recorded_call: round((with - without) / config.calls as f64),
        stored_megabytes_per_participant_minute: round(per_participant_minute),
        client_kbps: 632.0,
        crash_tracks: losses.len(),
        crash_worst_loss_seconds: round(worst),
        crash_median_loss_seconds: round(median),
        composed_call_seconds: config.compose_seconds,
        composition,
    };
    if let Some(dir) = config.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&config.out, serde_json::to_string_pretty(&results)?)?;
    println!("{}", serde_json::to_string_pretty(&results)?);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn today() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// The node's CPU use (cores) over `window`.
async fn cores(node: &NodeProcess, window: Duration) -> anyhow::Result<f64> {
    let (cpu0, t0) = (node.cpu_seconds()?, Instant::now());
    tokio::time::sleep(window).await;
    Ok((node.cpu_seconds()? - cpu0) / t0.elapsed().as_secs_f64())
}

async fn connected(clients: &[Client]) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while clients.iter().any(|c| !c.state().connected) {
        anyhow::ensure!(Instant::now() < deadline, "clients did not connect within 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// The track files of `recording` with their sizes, once every track's manifest says it ended.
async fn ended_tracks(store: &Arc<dyn ObjectStore>, recording: &str) -> anyhow::Result<Vec<(String, u64)>> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let objects = store.list(&tracks_prefix(recording)).await?;
        let mut ended = true;
        let mut files = Vec::new();
        for object in &objects {
            if object.key.ends_with(".json") {
                let manifest: TrackManifest =
                    serde_json::from_slice(&store.get(&object.key).await?.context("manifest")?)?;
                match objects.iter().find(|o| o.key == manifest.key) {
                    Some(file) if manifest.end_ms.is_some() => files.push((file.key.clone(), file.size)),
                    _ => ended = false,
                }
            }
        }
        if ended && !files.is_empty() {
            return Ok(files);
        }
        anyhow::ensure!(Instant::now() < deadline, "the tracks of {recording} did not end within 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

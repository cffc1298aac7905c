//! `peershare-loadgen`: starts a media node as its own process, joins calls of str0m clients
//! to it over real ICE, DTLS-SRTP and RTP on loopback, raises the number of calls step by step
//! and writes what the node forwarded, at what CPU cost, latency and loss.

mod config;

use anyhow::Context;
use clap::Parser;
use config::LoadConfig;
use hdrhistogram::Histogram;
use indicatif::{ProgressBar, ProgressStyle};
use peershare_loadgen::node_api::NodeApi;
use peershare_loadgen::node_process::NodeProcess;
use peershare_loadgen::report::{Percentiles, Report, Step};
use peershare_media_node::token::MediaTokenKeys;
use peershare_test_client::Client;
use std::time::{Duration, Instant};

/// The node's id: the audience of the load generator's tokens.
const NODE_ID: &str = "bench-node";

/// How long a step's clients may take to connect.
const CONNECT_DEADLINE: Duration = Duration::from_secs(60);

fn main() -> anyhow::Result<()> {
    let config = LoadConfig::parse();
    config.validate()?;
    // All clients share one thread, so on a two-core machine the node keeps the other core.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(run(config))
}

async fn run(config: LoadConfig) -> anyhow::Result<()> {
    let keys = MediaTokenKeys::generate()?;
    let capacity = config.calls.last().copied().unwrap_or(1) * config.call_size;
    let node = NodeProcess::start(&config.node_bin, NODE_ID, &keys.public_key(), capacity, &[]).await?;
    let api = NodeApi::new(node.http, node.ops, NODE_ID, keys.signer());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss = node.rss_bytes()?;

    let total = config.calls.len() as u64 * (config.warmup + config.seconds);
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} s  {msg}")
            .context("progress template")?,
    );
    let mut clients: Vec<Client> = Vec::new();
    let mut steps = Vec::new();
    let mut open = 0;
    for &calls in &config.calls {
        bar.set_message(format!("{calls} calls: joining"));
        for c in open..calls {
            let call = format!("bench-{c}");
            api.create_call(&call).await?;
            for _ in 0..config.call_size {
                let id = clients.len() as u32 + 1;
                clients.push(api.join(&call, id).await?);
            }
        }
        open = calls;
        wait_connected(&clients).await?;
        bar.set_message(format!("{calls} calls of {}: warming up", config.call_size));
        tick(&bar, config.warmup).await;

        for c in &clients {
            c.state().tally.reset();
        }
        let started = Instant::now();
        let (cpu0, in0, out0) = (node.cpu_seconds()?, api.metric(IN).await?, api.metric(OUT).await?);
        let media0 = media_packets(&clients);
        let own0 = node.own_cpu_seconds()?;
        bar.set_message(format!("{calls} calls of {}: measuring", config.call_size));
        tick(&bar, config.seconds).await;
        let (cpu1, in1, out1) = (node.cpu_seconds()?, api.metric(IN).await?, api.metric(OUT).await?);
        let media = media_packets(&clients) - media0;
        let own = node.own_cpu_seconds()? - own0;
        let seconds = started.elapsed().as_secs_f64();

        let counts =
            Counts { cpu_seconds: cpu1 - cpu0, datagrams_in: in1 - in0, datagrams_out: out1 - out0, media };
        let step = summarize(&clients, calls, config.call_size, seconds, counts);
        let rss = node.rss_bytes()?;
        let step = Step {
            loadgen_cpu_cores: (own / seconds * 1000.0).round() / 1000.0,
            node_rss_mib: rss as f64 / 1_048_576.0,
            rss_per_participant_kib: rss.saturating_sub(idle_rss) as f64
                / 1024.0
                / f64::from(step.participants),
            ..step
        };
        bar.println(format!(
            "{calls} calls ({} people): {:.0} media packets/s forwarded on {:.2} cores = {:.0} per core-second; audio p99 {:.2} ms; loss {:.2}%",
            step.participants,
            step.media_packets_per_s,
            step.node_cpu_cores,
            step.media_packets_per_cpu_second,
            step.audio_latency.p99_ms,
            step.frame_loss_pct
        ));
        steps.push(step);
    }
    bar.finish_and_clear();
    node.stop().await;

    let report = Report {
        call_size: config.call_size,
        machine_cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        idle_rss_mib: idle_rss as f64 / 1_048_576.0,
        steps,
    };
    if let Some(dir) = config.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&config.out, serde_json::to_string_pretty(&report)?)?;
    println!("{}", report.table());
    println!("written to {}", config.out.display());
    Ok(())
}

/// Datagrams the node received, from its Prometheus metrics.
const IN: &str = "media_node_datagrams_in_total";

/// Datagrams the node sent, from its Prometheus metrics.
const OUT: &str = "media_node_datagrams_out_total";

async fn wait_connected(clients: &[Client]) -> anyhow::Result<()> {
    let deadline = Instant::now() + CONNECT_DEADLINE;
    loop {
        let waiting = clients.iter().filter(|c| !c.state().connected).count();
        if waiting == 0 {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{waiting} clients did not connect within {CONNECT_DEADLINE:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn tick(bar: &ProgressBar, seconds: u64) {
    for _ in 0..seconds {
        tokio::time::sleep(Duration::from_secs(1)).await;
        bar.inc(1);
    }
}

/// RTP media packets all clients have received so far.
fn media_packets(clients: &[Client]) -> f64 {
    clients.iter().map(|c| c.state().media_packets_received()).sum::<u64>() as f64
}

/// What the node did during a window.
struct Counts {
    cpu_seconds: f64,
    datagrams_in: f64,
    datagrams_out: f64,
    /// RTP media packets subscribers received: what the node forwarded, without RTCP,
    /// padding, STUN or data-channel traffic.
    media: f64,
}

/// Merges every client's window into one step.
fn summarize(clients: &[Client], calls: u32, call_size: u32, seconds: f64, counts: Counts) -> Step {
    let Counts { cpu_seconds, datagrams_in: packets_in, datagrams_out: packets_out, media } = counts;
    let mut audio = Histogram::<u64>::new(3).expect("valid histogram");
    let mut video = Histogram::<u64>::new(3).expect("valid histogram");
    let (mut expected, mut received, mut errors, mut missing) = (0, 0, 0, 0);
    let streams_each = ((call_size - 1) * 2) as usize;
    for c in clients {
        let state = c.state();
        let _ = audio.add(&state.tally.audio_us);
        let _ = video.add(&state.tally.video_us);
        let (e, r) = state.tally.expected_and_received();
        expected += e;
        received += r;
        errors += state.errors.len();
        missing += streams_each.saturating_sub(state.tally.streams());
    }
    let participants = calls * call_size;
    let cores = cpu_seconds / seconds;
    let out_per_s = packets_out / seconds;
    Step {
        calls,
        participants,
        forwarded_streams: participants * (call_size - 1) * 2,
        seconds: (seconds * 10.0).round() / 10.0,
        packets_in_per_s: packets_in / seconds,
        packets_out_per_s: out_per_s,
        node_cpu_cores: (cores * 1000.0).round() / 1000.0,
        packets_out_per_cpu_second: if cpu_seconds > 0.0 { packets_out / cpu_seconds } else { 0.0 },
        media_packets_per_s: media / seconds,
        loadgen_cpu_cores: 0.0,
        media_packets_per_cpu_second: if cpu_seconds > 0.0 { media / cpu_seconds } else { 0.0 },
        audio_latency: Percentiles::of(&audio),
        video_latency: Percentiles::of(&video),
        frame_loss_pct: if expected > 0 {
            (expected - received) as f64 * 100.0 / expected as f64
        } else {
            0.0
        },
        node_rss_mib: 0.0,
        rss_per_participant_kib: 0.0,
        client_errors: errors,
        missing_streams: missing,
    }
}

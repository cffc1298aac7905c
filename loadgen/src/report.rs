//! The benchmark's figures: one row per load step, written as JSON and printed as a table.

use hdrhistogram::Histogram;
use serde::Serialize;

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Largest seen.
    pub max_ms: f64,
}

impl Percentiles {
    /// From a histogram in microseconds.
    pub fn of(h: &Histogram<u64>) -> Self {
        let ms = |us: u64| (us as f64 / 1_000.0 * 100.0).round() / 100.0;
        Self {
            p50_ms: ms(h.value_at_quantile(0.5)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        }
    }
}

/// What one load step measured.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Calls open.
    pub calls: u32,
    /// Participants on the node.
    pub participants: u32,
    /// Audio and video streams the node forwards (each participant receives everyone else's).
    pub forwarded_streams: u32,
    /// Seconds measured.
    pub seconds: f64,
    /// Datagrams the node received per second.
    pub packets_in_per_s: f64,
    /// Datagrams the node sent per second.
    pub packets_out_per_s: f64,
    /// CPU the node used, in cores (CPU seconds per second).
    pub node_cpu_cores: f64,
    /// CPU the load generator used, in cores: near 1.0 it is the bottleneck (it runs on one
    /// thread), and latency figures include its own queueing.
    pub loadgen_cpu_cores: f64,
    /// Datagrams out per CPU-second of the node.
    pub packets_out_per_cpu_second: f64,
    /// RTP media packets subscribers received per second: what the node forwarded.
    pub media_packets_per_s: f64,
    /// Media packets forwarded per CPU-second of the node: the throughput one core would reach.
    pub media_packets_per_cpu_second: f64,
    /// Send → receive latency of audio frames through the node (one packet each).
    pub audio_latency: Percentiles,
    /// Send → receive latency of whole video frames (three packets each) through the node.
    pub video_latency: Percentiles,
    /// Frames missing at subscribers, in percent of those sent.
    pub frame_loss_pct: f64,
    /// The node's resident memory.
    pub node_rss_mib: f64,
    /// Memory the node grew by per participant since it started idle.
    pub rss_per_participant_kib: f64,
    /// Errors the clients saw (refused offers, node errors).
    pub client_errors: usize,
    /// Streams some subscriber never received during the window (0 when forwarding is whole).
    pub missing_streams: usize,
}

/// The whole run.
#[derive(Debug, Serialize)]
pub struct Report {
    /// People per call.
    pub call_size: u32,
    /// CPUs on this machine (the load generator shares them with the node).
    pub machine_cpus: usize,
    /// The node's resident memory before any call.
    pub idle_rss_mib: f64,
    /// One row per step.
    pub steps: Vec<Step>,
}

impl Report {
    /// A fixed-width table for the terminal.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:>5} {:>6} {:>9} {:>10} {:>9} {:>6} {:>11} {:>7} {:>14} {:>14} {:>6} {:>9}\n",
            "calls",
            "people",
            "dgrams in",
            "dgrams out",
            "media/s",
            "cores",
            "media/core",
            "gen cpu",
            "audio p50/p99",
            "video p50/p99",
            "loss%",
            "KiB/pers"
        );
        for s in &self.steps {
            out.push_str(&format!(
                "{:>5} {:>6} {:>9.0} {:>10.0} {:>9.0} {:>6.2} {:>11.0} {:>7.2} {:>6.2}/{:<7.2} {:>6.2}/{:<7.2} {:>6.2} {:>9.0}\n",
                s.calls,
                s.participants,
                s.packets_in_per_s,
                s.packets_out_per_s,
                s.media_packets_per_s,
                s.node_cpu_cores,
                s.media_packets_per_cpu_second,
                s.loadgen_cpu_cores,
                s.audio_latency.p50_ms,
                s.audio_latency.p99_ms,
                s.video_latency.p50_ms,
                s.video_latency.p99_ms,
                s.frame_loss_pct,
                s.rss_per_participant_kib,
            ));
        }
        out
    }
}

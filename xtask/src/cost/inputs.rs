//! What the cost model reads, typed: the dated price table (`bench/prices.json`), the
//! assumptions (`bench/cost-assumptions.json`) and the figures the project measured
//! (`bench/results/{sfu,recording,fleet}.json`), each figure kept with the file it came from.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One price: `usd` for `per` units of `unit`, with where it comes from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// US dollars for `per` units.
    pub usd: f64,
    /// How many units `usd` buys (1, 1,000 or 1,000,000).
    pub per: f64,
    /// The unit.
    pub unit: String,
    /// What is priced.
    pub what: String,
    /// Where the figure is published.
    pub source: String,
    /// How the figure was read (a search on a date, or memory).
    pub seen: String,
}

impl Price {
    /// Dollars for one unit.
    pub fn each(&self) -> f64 {
        self.usd / self.per
    }
}

/// A billing rule (not a price), with its source.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The figure.
    pub value: f64,
    /// What it is.
    pub what: String,
    /// Where it is published.
    pub source: String,
    /// How it was read.
    pub seen: String,
}

/// The prices the model uses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each field is described by its own `what` in the price table.
pub struct Prices {
    pub ec2_node_hour: Price,
    pub egress_gb: Price,
    pub lambda_gb_second: Price,
    pub lambda_request: Price,
    pub api_gateway_request: Price,
    pub dynamodb_read_unit: Price,
    pub dynamodb_write_unit: Price,
    pub s3_gb_month: Price,
    pub s3_put: Price,
    pub workers_request: Price,
    pub workers_cpu_ms: Price,
    pub do_request: Price,
    pub do_gb_second: Price,
    pub do_row_written: Price,
}

/// Cloudflare's billing rules the model needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Billing {
    /// Incoming WebSocket messages billed as one Durable Objects request.
    pub do_ws_messages_per_request: Rule,
    /// Memory (GB) a Durable Object's duration is billed at.
    pub do_billed_gb: Rule,
}

/// A competitor's published prices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Competitor {
    /// The plan priced.
    pub plan: String,
    /// Price per participant-minute, where the competitor charges one.
    #[serde(default)]
    pub per_participant_minute: Option<Price>,
    /// Price per GB sent to participants.
    pub per_gb: Price,
}

/// The competitors compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Competitors {
    /// LiveKit Cloud.
    pub livekit: Competitor,
    /// Cloudflare Realtime (SFU and TURN).
    pub cloudflare_realtime: Competitor,
}

/// `bench/prices.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// When the prices were gathered.
    pub date: String,
    /// Where they apply.
    pub region: String,
    /// How to read the table.
    pub note: String,
    /// The platform's own prices.
    pub prices: Prices,
    /// Billing rules.
    pub billing: Billing,
    /// Competitors' prices.
    pub competitors: Competitors,
}

/// An assumed (or code-read) value with its reason.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumed<T> {
    /// The value.
    pub value: T,
    /// `code` (read from `file`, whose `quote` must still be there) or `assumed`.
    pub basis: String,
    /// Why this value.
    pub why: String,
    /// The file it was read from or is supported by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// A line of `file` that shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// The media node and the fleet.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each field says what it is in its `why`.
pub struct NodeAssumptions {
    pub vcpus: Assumed<f64>,
    pub bench_core_per_vcpu: Assumed<f64>,
    pub cpu_ceiling: Assumed<f64>,
    pub sfu_audio_p99_ms_max: Assumed<f64>,
    pub fleet_target_utilisation: Assumed<f64>,
    pub fleet_warm_per_region: Assumed<f64>,
    pub fleet_quiet_s: Assumed<f64>,
    pub node_item_bytes: Assumed<f64>,
}

/// Media rates and sizes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each field says what it is in its `why`.
pub struct MediaAssumptions {
    pub audio_bps: Assumed<f64>,
    pub audio_packets_per_s: Assumed<f64>,
    pub video_fps: Assumed<f64>,
    pub max_payload_bytes: Assumed<f64>,
    pub packet_overhead_bytes: Assumed<f64>,
    pub turn_overhead_bytes: Assumed<f64>,
    pub layer_q_bps: Assumed<f64>,
    pub layer_h_bps: Assumed<f64>,
    pub layer_f_bps: Assumed<f64>,
    pub always_sent_layers: Assumed<f64>,
    pub tiles_per_page: Assumed<f64>,
    pub p2p_video_bps: Assumed<f64>,
}

/// Signaling, the edge and the API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each field says what it is in its `why`.
pub struct EdgeAssumptions {
    pub heartbeat_s: Assumed<f64>,
    pub pass_refresh_s: Assumed<f64>,
    pub token_refresh_s: Assumed<f64>,
    pub status_poll_s: Assumed<f64>,
    pub prejoin_seconds: Assumed<f64>,
    pub p2p_signaling_messages: Assumed<f64>,
    pub node_signaling_messages: Assumed<f64>,
    pub worker_cpu_ms: Assumed<f64>,
    pub do_active_ms_per_event: Assumed<f64>,
    pub lambda_memory_gb: Assumed<f64>,
    pub lambda_ms: Assumed<f64>,
}

/// Recording.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each field says what it is in its `why`.
pub struct RecordingAssumptions {
    pub preset: Assumed<String>,
    pub retention_months: Assumed<f64>,
    pub downloads_per_recording: Assumed<f64>,
    pub tracks_per_participant: Assumed<f64>,
    pub checkpoint_s: Assumed<f64>,
    pub part_mb: Assumed<f64>,
    pub puts_per_part: Assumed<f64>,
}

/// What one action costs in billed units, counted from the code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Usage {
    /// Worker requests.
    pub worker: f64,
    /// Lambda invocations (each through API Gateway).
    pub lambda: f64,
    /// DynamoDB read request units.
    pub rru: f64,
    /// DynamoDB write request units.
    pub wru: f64,
    /// Durable Object requests (HTTP).
    pub do_requests: f64,
    /// WebSocket messages a Durable Object receives (billed 20 to a request).
    pub do_ws_in: f64,
    /// Times a Durable Object runs (billed for its wall-clock time).
    pub do_events: f64,
    /// Rows a Durable Object writes to its storage.
    pub do_rows_written: f64,
}

impl std::ops::Add for Usage {
    type Output = Usage;
    fn add(self, o: Usage) -> Usage {
        Usage {
            worker: self.worker + o.worker,
            lambda: self.lambda + o.lambda,
            rru: self.rru + o.rru,
            wru: self.wru + o.wru,
            do_requests: self.do_requests + o.do_requests,
            do_ws_in: self.do_ws_in + o.do_ws_in,
            do_events: self.do_events + o.do_events,
            do_rows_written: self.do_rows_written + o.do_rows_written,
        }
    }
}

impl std::ops::Mul<f64> for Usage {
    type Output = Usage;
    fn mul(self, k: f64) -> Usage {
        Usage {
            worker: self.worker * k,
            lambda: self.lambda * k,
            rru: self.rru * k,
            wru: self.wru * k,
            do_requests: self.do_requests * k,
            do_ws_in: self.do_ws_in * k,
            do_events: self.do_events * k,
            do_rows_written: self.do_rows_written * k,
        }
    }
}

/// An action's units and where they were counted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The units one action uses.
    pub counts: Usage,
    /// What the action does, as counted.
    pub why: String,
    /// The file it was counted in.
    pub file: String,
    /// A line of `file` that shows it.
    pub quote: String,
}

/// The actions of a call, as the code does them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each action says what it is in its `why`.
pub struct Actions {
    pub status_poll: Action,
    pub call_pass: Action,
    pub turn_credentials: Action,
    pub call_socket: Action,
    pub room_message: Action,
    pub room_persist: Action,
    pub history_delivery: Action,
    pub history_joined: Action,
    pub history_left: Action,
    pub call_history: Action,
    pub token_refresh: Action,
    pub node_allocation: Action,
    pub node_release: Action,
    pub node_heartbeat: Action,
}

/// How a call's media travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaPath {
    /// Directly between two browsers.
    P2p,
    /// Between two browsers through coturn on a media node.
    Turn,
    /// Through a media node (SFU).
    Node,
}

/// A simulcast layer, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    /// A quarter of the camera's height.
    Q,
    /// Half.
    H,
    /// Full (720p).
    F,
}

/// One call the model prices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// How the README names it.
    pub name: String,
    /// How its media travels.
    pub path: MediaPath,
    /// People in the call.
    pub participants: u32,
    /// The layer each subscriber takes of the tiles it shows (calls on a node).
    #[serde(default)]
    pub visible_layer: Option<Layer>,
    /// Whether the call is recorded.
    #[serde(default)]
    pub recorded: bool,
    /// A variation shown to say how much one assumption moves the figure.
    #[serde(default)]
    pub sensitivity: bool,
    /// Why this call looks like this.
    pub why: String,
}

/// `bench/cost-assumptions.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // Each group is described in the file's own note and docs/cost.md.
pub struct AssumptionFile {
    pub date: String,
    pub note: String,
    pub node: NodeAssumptions,
    pub media: MediaAssumptions,
    pub edge: EdgeAssumptions,
    pub recording: RecordingAssumptions,
    pub actions: Actions,
    pub scenarios: Vec<ScenarioSpec>,
}

/// A figure taken from a measurement, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The figure.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// The file and the field (or how it was derived from them).
    pub source: String,
}

/// The project's own measurements the model uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measured {
    /// Media packets the node handles (received plus forwarded) per second of one core.
    pub packets_per_core_second: Figure,
    /// Participant-seconds on nodes ÷ capacity-seconds paid for, in the simulated day.
    pub fleet_utilisation: Figure,
    /// Mean call length in the simulated day.
    pub mean_call_minutes: Figure,
    /// Node heartbeats per participant-minute on nodes (the fleet's node-hours ÷ its minutes).
    pub heartbeats_per_node_participant_minute: Figure,
    /// Nodes running on average in the simulated day.
    pub mean_nodes: Figure,
    /// Extra node cores per recorded participant (the recording benchmark's per call ÷ its size).
    pub recording_cores_per_participant: Figure,
    /// Bytes of tracks stored per participant-minute, in MB.
    pub stored_mb_per_participant_minute: Figure,
    /// The recording benchmark's clients' bitrate (what the stored bytes were measured at).
    pub recording_client_bps: Figure,
    /// CPU-seconds per media-second to compose the preset's MP4, per participant composed.
    pub composition_cpu_per_participant_second: Figure,
    /// MB of MP4 per minute of call at the preset.
    pub composed_mb_per_minute: Figure,
    /// The fleet simulation's node price, to compare with the price table's.
    pub fleet_node_hour_usd: Figure,
}

/// Reads and parses a JSON file.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not what the cost model expects", path.display()))
}

/// The measurements in `sfu`, `recording` and `fleet` (the JSON of those results), chosen by
/// the `assumptions`.
pub fn measured(
    sfu: &Value,
    recording: &Value,
    fleet: &Value,
    assumptions: &AssumptionFile,
) -> anyhow::Result<Measured> {
    let a = assumptions;
    Ok(Measured {
        packets_per_core_second: packets_per_core_second(sfu, a.node.sfu_audio_p99_ms_max.value)?,
        fleet_utilisation: Figure {
            value: number(&fleet_row(fleet, a)?["mean_utilisation"], "fleet.json mean_utilisation")?,
            unit: "share",
            source: format!(
                "bench/results/fleet.json, row \"{}\", mean_utilisation",
                fleet_row_label(fleet, a)?
            ),
        },
        mean_call_minutes: Figure {
            value: number(&fleet["assumptions"]["mean_call_minutes"], "fleet.json mean_call_minutes")?,
            unit: "minutes",
            source: "bench/results/fleet.json, assumptions.mean_call_minutes (the simulated calls' mean)"
                .into(),
        },
        heartbeats_per_node_participant_minute: heartbeats(fleet, a)?,
        mean_nodes: mean_nodes(fleet, a)?,
        recording_cores_per_participant: Figure {
            value: number(&recording["extra_cores_per_recorded_call"], "recording.json extra cores")?
                / number(&recording["participants_per_call"], "recording.json participants_per_call")?,
            unit: "cores",
            source: "bench/results/recording.json, extra_cores_per_recorded_call ÷ participants_per_call"
                .into(),
        },
        stored_mb_per_participant_minute: Figure {
            value: number(&recording["stored_megabytes_per_participant_minute"], "recording.json stored MB")?,
            unit: "MB",
            source: "bench/results/recording.json, stored_megabytes_per_participant_minute".into(),
        },
        recording_client_bps: Figure {
            value: number(&recording["client_kbps"], "recording.json client_kbps")? * 1000.0,
            unit: "bit/s",
            source: "bench/results/recording.json, client_kbps".into(),
        },
        composition_cpu_per_participant_second: Figure {
            value: number(
                &preset(recording, &a.recording.preset.value)?["cpu_seconds_per_media_second"],
                "cpu",
            )? / number(&recording["participants_per_call"], "recording.json participants_per_call")?,
            unit: "CPU-s per media-s",
            source: format!(
                "bench/results/recording.json, composition \"{}\" cpu_seconds_per_media_second ÷ participants_per_call",
                a.recording.preset.value
            ),
        },
        composed_mb_per_minute: Figure {
            value: number(&preset(recording, &a.recording.preset.value)?["megabytes_per_minute"], "MB/min")?,
            unit: "MB",
            source: format!(
                "bench/results/recording.json, composition \"{}\" megabytes_per_minute",
                a.recording.preset.value
            ),
        },
        fleet_node_hour_usd: Figure {
            value: number(&fleet["assumptions"]["node"]["price_per_node_hour_usd"], "fleet.json node price")?,
            unit: "USD",
            source: "bench/results/fleet.json, assumptions.node.price_per_node_hour_usd".into(),
        },
    })
}

/// The busiest SFU step whose audio p99 stayed under `p99_max_ms`: media packets received plus
/// forwarded, per core-second (each publisher's packet is received once and forwarded to the
/// other `call_size - 1`).
fn packets_per_core_second(sfu: &Value, p99_max_ms: f64) -> anyhow::Result<Figure> {
    let call_size = number(&sfu["call_size"], "sfu.json call_size")?;
    let steps = sfu["steps"].as_array().context("sfu.json has no steps")?;
    let step = steps
        .iter()
        .filter(|s| s["audio_latency"]["p99_ms"].as_f64().is_some_and(|p| p <= p99_max_ms))
        .max_by(|a, b| {
            a["participants"]
                .as_f64()
                .partial_cmp(&b["participants"].as_f64())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .with_context(|| format!("no sfu.json step has an audio p99 under {p99_max_ms} ms"))?;
    let forwarded = number(&step["media_packets_per_s"], "sfu.json media_packets_per_s")?;
    let cores = number(&step["node_cpu_cores"], "sfu.json node_cpu_cores")?;
    if cores <= 0.0 || call_size < 2.0 {
        bail!("sfu.json step has no CPU or calls of fewer than two");
    }
    let handled = forwarded * (1.0 + 1.0 / (call_size - 1.0));
    Ok(Figure {
        value: handled / cores,
        unit: "packets per core-second",
        source: format!(
            "bench/results/sfu.json, the {}-call step ({} people in calls of {call_size}, audio p99 {} ms): \
             media_packets_per_s {forwarded:.0} forwarded + {:.0} received, ÷ node_cpu_cores {cores}",
            step["calls"],
            step["participants"],
            step["audio_latency"]["p99_ms"],
            forwarded / (call_size - 1.0)
        ),
    })
}

/// The fleet.json row of the assumed setting.
fn fleet_row<'a>(fleet: &'a Value, a: &AssumptionFile) -> anyhow::Result<&'a Value> {
    let rows = fleet["rows"].as_array().context("fleet.json has no rows")?;
    rows.iter()
        .find(|r| {
            r["target_utilisation"].as_f64() == Some(a.node.fleet_target_utilisation.value)
                && r["warm_per_region"].as_f64() == Some(a.node.fleet_warm_per_region.value)
                && r["quiet_period_s"].as_f64() == Some(a.node.fleet_quiet_s.value)
        })
        .with_context(|| {
            format!(
                "fleet.json has no row at target {}, {} warm, quiet {} s",
                a.node.fleet_target_utilisation.value,
                a.node.fleet_warm_per_region.value,
                a.node.fleet_quiet_s.value
            )
        })
}

fn fleet_row_label(fleet: &Value, a: &AssumptionFile) -> anyhow::Result<String> {
    Ok(fleet_row(fleet, a)?["label"].as_str().unwrap_or("?").to_owned())
}

/// Heartbeats per participant-minute on nodes: every node heartbeats at the fleet's interval
/// for every hour it runs.
fn heartbeats(fleet: &Value, a: &AssumptionFile) -> anyhow::Result<Figure> {
    let row = fleet_row(fleet, a)?;
    let node_hours = number(&row["node_hours"], "fleet.json node_hours")?;
    let minutes = number(&row["participant_minutes_on_nodes"], "fleet.json participant_minutes_on_nodes")?;
    let interval =
        number(&fleet["assumptions"]["node"]["heartbeat_interval_s"], "fleet.json heartbeat interval")?;
    Ok(Figure {
        value: node_hours * 3600.0 / interval / minutes,
        unit: "heartbeats",
        source: format!(
            "bench/results/fleet.json, row \"{}\": node_hours {node_hours:.0} × 3600 ÷ heartbeat_interval_s {interval} \
             ÷ participant_minutes_on_nodes {minutes:.0}",
            fleet_row_label(fleet, a)?
        ),
    })
}

/// Nodes running on average: node-hours over the hours measured.
fn mean_nodes(fleet: &Value, a: &AssumptionFile) -> anyhow::Result<Figure> {
    let node_hours = number(&fleet_row(fleet, a)?["node_hours"], "fleet.json node_hours")?;
    let hours = number(&fleet["assumptions"]["measured_hours"], "fleet.json measured_hours")?;
    Ok(Figure {
        value: node_hours / hours,
        unit: "nodes",
        source: format!(
            "bench/results/fleet.json, row \"{}\": node_hours ÷ assumptions.measured_hours",
            fleet_row_label(fleet, a)?
        ),
    })
}

/// The recording benchmark's composition of `name`.
fn preset<'a>(recording: &'a Value, name: &str) -> anyhow::Result<&'a Value> {
    recording["composition"]
        .as_array()
        .and_then(|c| c.iter().find(|p| p["preset"].as_str() == Some(name)))
        .with_context(|| format!("recording.json has no composition of preset {name}"))
}

fn number(v: &Value, what: &str) -> anyhow::Result<f64> {
    v.as_f64().filter(|x| x.is_finite()).with_context(|| format!("{what} is missing or not a number"))
}

/// Every `(file, quote)` the assumptions cite, to check the quoted lines are still there.
pub fn citations(a: &AssumptionFile) -> anyhow::Result<Vec<(String, String, String)>> {
    let mut out = Vec::new();
    let value = serde_json::to_value(a)?;
    collect_citations("", &value, &mut out);
    Ok(out)
}

fn collect_citations(path: &str, v: &Value, out: &mut Vec<(String, String, String)>) {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(file)), Some(Value::String(quote))) =
                (map.get("file"), map.get("quote"))
            {
                out.push((path.to_owned(), file.clone(), quote.clone()));
            }
            for (k, child) in map {
                collect_citations(&format!("{path}.{k}"), child, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_citations(&format!("{path}[{i}]"), child, out);
            }
        }
        _ => {}
    }
}

/// Every assumed or code-read number, by its dotted name, for the report.
pub fn assumption_rows(a: &AssumptionFile) -> anyhow::Result<BTreeMap<String, Value>> {
    let mut out = BTreeMap::new();
    let value = serde_json::to_value(a)?;
    for group in ["node", "media", "edge", "recording"] {
        if let Some(map) = value[group].as_object() {
            for (k, v) in map {
                out.insert(format!("{group}.{k}"), v.clone());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn root() -> std::path::PathBuf {
        crate::steps::workspace_root()
    }

    fn assumptions() -> AssumptionFile {
        read_json(&root().join("bench/cost-assumptions.json")).expect("the checked-in assumptions parse")
    }

    #[test]
    fn the_checked_in_price_table_and_assumptions_parse() {
        let prices: PriceTable = read_json(&root().join("bench/prices.json")).expect("prices parse");
        assert!(prices.prices.egress_gb.each() > 0.0);
        assert!(!assumptions().scenarios.is_empty());
    }

    #[test]
    fn every_quoted_line_is_still_in_its_file() {
        let cited = citations(&assumptions()).expect("citations");
        assert!(cited.len() > 20, "the code-read values and the actions cite their lines");
        for (path, file, quote) in cited {
            let text = std::fs::read_to_string(root().join(&file)).unwrap_or_default();
            assert!(text.contains(&quote), "{path}: {file} no longer says {quote:?}: check the value");
        }
    }

    #[test]
    fn code_read_values_cite_a_line() {
        let rows = assumption_rows(&assumptions()).expect("rows");
        for (name, v) in rows {
            if v["basis"] == "code" {
                assert!(
                    v["file"].is_string() && v["quote"].is_string(),
                    "{name} is read from code but cites nothing"
                );
            } else {
                assert_eq!(v["basis"], "assumed", "{name}: basis is code or assumed");
            }
        }
    }

    #[test]
    fn the_busiest_unsaturated_step_counts_received_and_forwarded_packets() {
        let sfu = json!({"call_size": 5, "steps": [
            {"calls": 1, "participants": 5, "media_packets_per_s": 400.0, "node_cpu_cores": 0.01,
             "audio_latency": {"p99_ms": 2.0}},
            {"calls": 2, "participants": 10, "media_packets_per_s": 800.0, "node_cpu_cores": 0.02,
             "audio_latency": {"p99_ms": 4.0}},
            {"calls": 3, "participants": 15, "media_packets_per_s": 1200.0, "node_cpu_cores": 0.01,
             "audio_latency": {"p99_ms": 80.0}},
        ]});
        let f = packets_per_core_second(&sfu, 10.0).expect("a step");
        // 800 forwarded to 4 others each = 200 received; 1000 packets ÷ 0.02 cores.
        assert!((f.value - 50_000.0).abs() < 1e-6, "{}", f.value);
        assert!(f.source.contains("the 2-call step"), "{}", f.source);
        assert!(packets_per_core_second(&sfu, 1.0).is_err(), "no step is fast enough");
    }
}

//! The cost model's outputs: `bench/results/cost.json` (everything, inputs included), the
//! README's table between the cost markers, and the generated half of `docs/cost.md` (the
//! table, what each participant-minute uses, every input, assumption and price with its source).

use super::inputs::{AssumptionFile, Figure, Measured, Price, PriceTable, assumption_rows};
use super::model::{Inputs, ScenarioCost};
use crate::bench::readme_table::between_markers;
use crate::simulate::readme_table::thousands;
use anyhow::Context;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// Everything `cost.json` holds.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    /// When the model ran.
    pub date: String,
    /// The unit of every `usd_per_participant_minute`.
    pub unit: &'static str,
    /// Each call, priced.
    pub scenarios: &'a [ScenarioCost],
    /// The measurements used, each with its file.
    pub measured: &'a Measured,
    /// Prices derived from the table and the measurements.
    pub derived: Derived,
    /// The assumptions, as read.
    pub assumptions: &'a AssumptionFile,
    /// The price table, as read.
    pub prices: &'a PriceTable,
}

impl<'a> Report<'a> {
    /// The report of `scenarios`, priced from `inputs` on `date`.
    pub fn new(date: String, inputs: &Inputs<'a>, scenarios: &'a [ScenarioCost]) -> Self {
        Report {
            date,
            unit: "USD per participant-minute",
            scenarios,
            measured: inputs.measured,
            derived: Derived::of(inputs),
            assumptions: inputs.assumptions,
            prices: inputs.prices,
        }
    }
}

/// Prices the model derives once.
#[derive(Debug, Serialize)]
pub struct Derived {
    /// One vCPU-second of a node.
    pub vcpu_second_usd: f64,
    /// One core-second the media path uses, at the fleet's utilisation and the CPU ceiling.
    pub media_core_second_usd: f64,
}

impl Derived {
    /// From the model's inputs.
    pub fn of(inputs: &Inputs<'_>) -> Self {
        Self {
            vcpu_second_usd: inputs.vcpu_second_usd(),
            media_core_second_usd: inputs.media_core_second_usd(),
        }
    }
}

/// Writes `cost.json` to `json`, and the generated parts of `readme` and `doc`.
pub fn write(report: &Report<'_>, json: &Path, readme: &Path, doc: &Path) -> anyhow::Result<()> {
    std::fs::write(json, serde_json::to_string_pretty(report)? + "\n")?;
    for (path, body) in [(readme, readme_block(report)?), (doc, doc_block(report)?)] {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let updated =
            between_markers(&text, "cost", &body).with_context(|| format!("in {}", path.display()))?;
        std::fs::write(path, updated)?;
    }
    Ok(())
}

/// The README's block: the table and how to read it.
pub fn readme_block(r: &Report<'_>) -> anyhow::Result<String> {
    let mut t = String::new();
    writeln!(
        t,
        "_`cargo xtask cost`, {}: prices of {} ({}; `bench/prices.json`), the project's measurements \
         (`bench/results/sfu.json`, `recording.json`, `fleet.json`) and the assumptions in \
         `bench/cost-assumptions.json`. The model, every assumption and every source: [docs/cost.md](docs/cost.md)._\n",
        r.date, r.prices.date, r.prices.region
    )?;
    table(&mut t, r)?;
    let a = r.assumptions;
    let m = r.measured;
    writeln!(
        t,
        "\n- Media at the web client's simulcast caps (q {:.0} / h {:.0} / f {:.0} kbit/s) and Opus at {:.0} kbit/s, \
         with {:.0} bytes of headers a packet; peer-to-peer video at the browser's {:.1} Mbit/s ceiling. Upper bounds: \
         a still picture sends less.\n\
         - Node CPU: {} media packets handled per core-second (the SFU benchmark's busiest step with audio p99 ≤ {:.0} ms), \
         one Graviton vCPU taken as one benchmark core, cores kept under {:.0}% and paid for at the fleet simulation's \
         {:.0}% mean utilisation (target {}).\n\
         - Edge and API: requests counted from the code (joins, pings every {:.0} s, a call pass and TURN credentials every \
         {:.0} min, a token every {:.0} min, node heartbeats), one-off ones shared over the simulated {:.0}-minute mean call.\n\
         - Competitors at their list prices for the same bytes received (LiveKit Cloud: {}); marginal, plan fees and \
         free allowances left out, as for AWS and Cloudflare. Recording is priced for this platform only.",
        a.media.layer_q_bps.value / 1000.0,
        a.media.layer_h_bps.value / 1000.0,
        a.media.layer_f_bps.value / 1000.0,
        a.media.audio_bps.value / 1000.0,
        a.media.packet_overhead_bytes.value,
        a.media.p2p_video_bps.value / 1e6,
        thousands(m.packets_per_core_second.value),
        a.node.sfu_audio_p99_ms_max.value,
        a.node.cpu_ceiling.value * 100.0,
        m.fleet_utilisation.value * 100.0,
        a.node.fleet_target_utilisation.value,
        a.edge.heartbeat_s.value,
        a.edge.pass_refresh_s.value / 60.0,
        a.edge.token_refresh_s.value / 60.0,
        m.mean_call_minutes.value,
        r.prices.competitors.livekit.plan,
    )?;
    Ok(t)
}

/// The priced calls, in dollars per 1,000 participant-minutes.
fn table(t: &mut String, r: &Report<'_>) -> anyhow::Result<()> {
    writeln!(
        t,
        "US dollars per 1,000 participant-minutes:\n\n\
         | call | compute | egress | edge (Worker, Durable Object) | API (API Gateway, Lambda, DynamoDB) | storage (S3) | **total** | LiveKit Cloud | Cloudflare Realtime (media only) |\n\
         |---|---|---|---|---|---|---|---|---|"
    )?;
    for s in r.scenarios {
        let u = &s.usd_per_participant_minute;
        let name = if s.spec.sensitivity { format!("_{}_", s.spec.name) } else { s.spec.name.clone() };
        let note = if s.competitors.note.is_some() { " (call only)" } else { "" };
        writeln!(
            t,
            "| {name} | {} | {} | {} | {} | {} | **{}** | {}{note} | {}{note} |",
            thousand(u.compute),
            thousand(u.egress),
            thousand(u.edge),
            thousand(u.api),
            thousand(u.storage),
            thousand(u.total),
            thousand(s.competitors.livekit),
            thousand(s.competitors.cloudflare_realtime),
        )?;
    }
    Ok(())
}

/// The generated half of docs/cost.md.
pub fn doc_block(r: &Report<'_>) -> anyhow::Result<String> {
    let mut t = String::new();
    writeln!(t, "_Generated by `cargo xtask cost` on {}; do not edit by hand._\n", r.date)?;
    writeln!(t, "### The figures\n")?;
    table(&mut t, r)?;
    writeln!(
        t,
        "\n### What one participant-minute uses, per participant\n\n\
         | call | media received | leaving AWS | egress's share of the total | packets/s the node handles | node core-seconds | \
         people a node carries | Worker requests | API requests | Durable Object requests billed | \
         DynamoDB read / write units | S3 GB-months / PUTs |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|"
    )?;
    let ws_ratio = r.prices.billing.do_ws_messages_per_request.value;
    for s in r.scenarios {
        let q = &s.quantities;
        let u = &q.usage;
        writeln!(
            t,
            "| {} | {:.1} MB | {:.1} MB | {:.0}% | {:.0} | {:.3} | {} | {:.3} | {:.3} | {:.3} | {:.2} / {:.2} | {:.4} / {:.1} |",
            s.spec.name,
            q.received_gb * 1000.0,
            q.egress_gb * 1000.0,
            s.usd_per_participant_minute.egress / s.usd_per_participant_minute.total * 100.0,
            q.node_packets_per_s,
            q.node_core_seconds,
            q.participants_per_node.map_or_else(|| "–".to_owned(), |p| format!("{p:.0}")),
            u.worker,
            u.lambda,
            u.do_requests + u.do_ws_in / ws_ratio,
            u.rru,
            u.wru,
            q.s3_gb_months,
            q.s3_puts,
        )?;
    }
    writeln!(
        t,
        "\nA node core-second of the media path costs ${:.3e} (a vCPU-second ${:.3e}, over the CPU ceiling and the \
         fleet's utilisation).",
        r.derived.media_core_second_usd, r.derived.vcpu_second_usd
    )?;
    let table_price = r.prices.prices.ec2_node_hour.each();
    if (r.measured.fleet_node_hour_usd.value - table_price).abs() > 1e-9 {
        writeln!(
            t,
            "\n**The fleet simulation prices a node at ${}/h, the price table at ${table_price}/h**: rerun \
             `cargo xtask simulate` with the table's price (its utilisation does not depend on it).",
            r.measured.fleet_node_hour_usd.value
        )?;
    }
    writeln!(t, "\n### Measured inputs\n\n| figure | value | from |\n|---|---|---|")?;
    for (name, f) in measured_rows(r.measured) {
        writeln!(t, "| {name} | {} {} | {} |", significant(f.value), f.unit, cell(&f.source))?;
    }
    writeln!(
        t,
        "\n### Assumptions (`bench/cost-assumptions.json`)\n\nBasis `code`: read from the file named \
         (a test checks the quoted line is still there); `assumed`: a judgement, for the reason given.\n\n\
         | name | value | basis | why | file |\n|---|---|---|---|---|"
    )?;
    for (name, v) in assumption_rows(r.assumptions)? {
        let value =
            v["value"].as_f64().map_or_else(|| v["value"].as_str().unwrap_or("?").to_owned(), significant);
        writeln!(
            t,
            "| `{name}` | {value} | {} | {} | {} |",
            v["basis"].as_str().unwrap_or("?"),
            cell(v["why"].as_str().unwrap_or("")),
            v["file"].as_str().map_or_else(String::new, |f| format!("`{f}`")),
        )?;
    }
    writeln!(
        t,
        "\n### Requests counted from the code\n\nUnits one action uses (Worker requests, API requests through \
         API Gateway to Lambda, DynamoDB read and write units, Durable Object requests, incoming WebSocket \
         messages, times the object runs, rows it writes).\n\n\
         | action | units | what | counted in |\n|---|---|---|---|"
    )?;
    let actions = serde_json::to_value(&r.assumptions.actions)?;
    for (name, action) in actions.as_object().into_iter().flatten() {
        let units: Vec<String> = action["counts"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, n)| n.as_f64().is_some_and(|n| n != 0.0))
            .map(|(k, n)| format!("{k} {}", significant(n.as_f64().unwrap_or(0.0))))
            .collect();
        writeln!(
            t,
            "| `{name}` | {} | {} | `{}` |",
            units.join(", "),
            cell(action["why"].as_str().unwrap_or("")),
            action["file"].as_str().unwrap_or("?")
        )?;
    }
    writeln!(
        t,
        "\n### Prices (`bench/prices.json`, {}, {})\n\n| item | price | what | source | seen |\n|---|---|---|---|---|",
        r.prices.date, r.prices.region
    )?;
    let p = &r.prices.prices;
    let c = &r.prices.competitors;
    let mut rows: Vec<(&str, &Price)> = vec![
        ("EC2 node", &p.ec2_node_hour),
        ("egress", &p.egress_gb),
        ("Lambda duration", &p.lambda_gb_second),
        ("Lambda requests", &p.lambda_request),
        ("API Gateway", &p.api_gateway_request),
        ("DynamoDB reads", &p.dynamodb_read_unit),
        ("DynamoDB writes", &p.dynamodb_write_unit),
        ("S3 storage", &p.s3_gb_month),
        ("S3 PUTs", &p.s3_put),
        ("Workers requests", &p.workers_request),
        ("Workers CPU", &p.workers_cpu_ms),
        ("Durable Objects requests", &p.do_request),
        ("Durable Objects duration", &p.do_gb_second),
        ("Durable Objects rows written", &p.do_row_written),
    ];
    if let Some(minute) = &c.livekit.per_participant_minute {
        rows.push(("LiveKit Cloud, minutes", minute));
    }
    rows.push(("LiveKit Cloud, data", &c.livekit.per_gb));
    rows.push(("Cloudflare Realtime", &c.cloudflare_realtime.per_gb));
    for (name, price) in rows {
        writeln!(
            t,
            "| {name} | ${} per {}{} | {} | {} | {} |",
            significant(price.usd),
            if price.per == 1.0 {
                String::new()
            } else if price.per == 1e6 {
                "million ".to_owned()
            } else {
                format!("{} ", thousands(price.per))
            },
            price.unit,
            cell(&price.what),
            cell(&price.source),
            cell(&price.seen)
        )?;
    }
    let b = &r.prices.billing;
    for rule in [&b.do_ws_messages_per_request, &b.do_billed_gb] {
        writeln!(
            t,
            "| rule | {} | {} | {} | {} |",
            significant(rule.value),
            cell(&rule.what),
            cell(&rule.source),
            cell(&rule.seen)
        )?;
    }
    Ok(t)
}

/// The measured figures by name.
fn measured_rows(m: &Measured) -> [(&'static str, &Figure); 11] {
    [
        ("media packets handled per core-second", &m.packets_per_core_second),
        ("fleet mean utilisation", &m.fleet_utilisation),
        ("mean call length", &m.mean_call_minutes),
        ("node heartbeats per participant-minute on nodes", &m.heartbeats_per_node_participant_minute),
        ("nodes running on average", &m.mean_nodes),
        ("extra node cores per recorded participant", &m.recording_cores_per_participant),
        ("tracks stored per participant-minute", &m.stored_mb_per_participant_minute),
        ("the recording benchmark's client bitrate", &m.recording_client_bps),
        ("composition CPU per participant", &m.composition_cpu_per_participant_second),
        ("MP4 per minute of call", &m.composed_mb_per_minute),
        ("the fleet simulation's node price", &m.fleet_node_hour_usd),
    ]
}

/// `usd` per participant-minute as dollars per 1,000 participant-minutes, three significant
/// digits (at least two decimals).
pub fn thousand(usd: f64) -> String {
    let v = usd * 1000.0;
    if !v.is_finite() {
        return "?".into();
    }
    if v == 0.0 {
        return "$0".into();
    }
    let decimals = (2 - v.abs().log10().floor() as i32).clamp(2, 6) as usize;
    format!("${v:.decimals$}")
}

/// A number with about four significant digits and no trailing zeros.
fn significant(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    if v.abs() >= 1e4 && v.fract() == 0.0 {
        return thousands(v);
    }
    if v.abs() < 1e-4 {
        return format!("{v:e}");
    }
    let decimals = (3 - v.abs().log10().floor() as i32).clamp(0, 8) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

/// Text safe in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_per_thousand_keep_three_significant_digits() {
        assert_eq!(thousand(0.0016134), "$1.61");
        assert_eq!(thousand(0.0000123456), "$0.0123");
        assert_eq!(thousand(0.0165), "$16.50");
        assert_eq!(thousand(0.0), "$0");
        assert_eq!(thousand(f64::NAN), "?");
    }

    #[test]
    fn numbers_lose_their_trailing_zeros() {
        assert_eq!(significant(0.1445), "0.1445");
        assert_eq!(significant(1_500_000.0), "1,500,000");
        assert_eq!(significant(20.0), "20");
        assert_eq!(significant(5.24288), "5.243");
        assert_eq!(significant(0.0000133334), "1.33334e-5");
    }

    #[test]
    fn table_cells_cannot_break_the_table() {
        assert_eq!(cell("a | b\nc"), "a \\| b c");
    }
}

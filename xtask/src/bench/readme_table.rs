//! Writes the latest benchmark figures into the README between markers.

use anyhow::Context;
use serde_json::Value;
use std::path::Path;

const START: &str = "<!-- bench:start -->";
const END: &str = "<!-- bench:end -->";

/// Replaces the table between the markers in `readme`.
pub fn update(readme: &Path, signaling: &Value, first_frame: &Value) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(readme)?;
    let (head, rest) = text.split_once(START).context("README has no bench:start marker")?;
    let (_, tail) = rest.split_once(END).context("README has no bench:end marker")?;
    let s = signaling;
    let machine = machine_description();
    let table = format!(
        "{START}\n_Last run: {date} on {machine}._\n\n\
| benchmark | figure |\n|---|---|\n\
| first remote frame after \"Join call\" (loopback, {runs} runs) | p50 **{p50:.0} ms**, max {max:.0} ms |\n\
| signaling: {conns} WebSockets in {rooms} two-person rooms, {offered:.0} msg/s offered | {relayed:.0} msg/s relayed, {lost} lost |\n\
| signaling relay latency | p50 {lp50:.2} ms, p99 {lp99:.2} ms, max {lmax:.1} ms |\n\
| `peershare dev` peak memory under that load | {rss:.1} MiB |\n\n\
Raw figures: `bench/results/*.json`. Reproduce with `cargo xtask bench`.\n{END}",
        date = first_frame["date"].as_str().unwrap_or("?"),
        runs = first_frame["runs"],
        p50 = first_frame["p50_ms"].as_f64().unwrap_or(f64::NAN),
        max = first_frame["max_ms"].as_f64().unwrap_or(f64::NAN),
        conns = s["connections"],
        rooms = s["rooms"],
        offered = s["offered_per_second"].as_f64().unwrap_or(0.0),
        relayed = s["relayed_per_second"].as_f64().unwrap_or(0.0),
        lost = s["messages_lost"],
        lp50 = s["latency_p50_ms"].as_f64().unwrap_or(f64::NAN),
        lp99 = s["latency_p99_ms"].as_f64().unwrap_or(f64::NAN),
        lmax = s["latency_max_ms"].as_f64().unwrap_or(f64::NAN),
        rss = s["server_peak_rss_mib"].as_f64().unwrap_or(f64::NAN),
    );
    std::fs::write(readme, format!("{head}{table}{tail}"))?;
    Ok(())
}

fn machine_description() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} cores ({model}), Debian 12")
}

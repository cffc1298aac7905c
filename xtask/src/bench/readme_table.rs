//! Writes the latest benchmark figures into the README between markers, from whatever
//! bench/results/*.json files exist; and the helpers the other README tables use.

use anyhow::Context;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// Replaces the tables between the markers in `readme` with the figures in `results`.
pub fn update(readme: &Path, results: &Path) -> anyhow::Result<()> {
    let read = |name: &str| -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(results.join(name)).ok()?).ok()
    };
    let mut table = format!("_Machine: {}._\n\n", machine_description());
    table.push_str("| benchmark | figure |\n|---|---|\n");
    if let Some(f) = read("first-frame.json") {
        writeln!(
            table,
            "| first remote frame after \"Join call\" (loopback, {} runs, {}) | p50 **{:.0} ms**, max {:.0} ms |",
            f["runs"],
            date(&f),
            num(&f["p50_ms"]),
            num(&f["max_ms"])
        )?;
    }
    if let Some(w) = read("p2p-to-node.json") {
        writeln!(
            table,
            "| third joins a P2P call: all three decode everyone through the node, from \"Join call\" ({} runs, {}) | p50 **{:.0} ms**, max {:.0} ms |",
            w["runs"],
            date(&w),
            num(&w["all_decode_p50_ms"]),
            num(&w["all_decode_max_ms"])
        )?;
        writeln!(
            table,
            "| the same, from the third tab being welcomed into the call | p50 **{:.0} ms**, max {:.0} ms |",
            num(&w["after_welcome_p50_ms"]),
            num(&w["after_welcome_max_ms"])
        )?;
        writeln!(
            table,
            "| longest gap between frames in the original two tabs across that switch | p50 {:.0} ms, max {:.0} ms |",
            num(&w["longest_gap_p50_ms"]),
            num(&w["longest_gap_max_ms"])
        )?;
    }
    if let Some(n) = read("node-loss.json") {
        let samples = n["node_loss_per_tab_ms"].as_array().map_or(0, Vec::len);
        writeln!(
            table,
            "| a call's media node is killed: each tab decodes everyone again through another node, same ids, no rejoin ({} kills, {} tab samples, {}) | p50 **{:.0} ms**, p95 {:.0} ms, max {:.0} ms |",
            n["kills"],
            samples,
            date(&n),
            num(&n["node_loss_p50_ms"]),
            num(&n["node_loss_p95_ms"]),
            num(&n["node_loss_max_ms"])
        )?;
        writeln!(
            table,
            "| scale from zero (`--media-fleet`): no node running, the third tab's \"Join call\" → all three decode everyone through a node process started for it | p50 **{:.0} ms** ({} runs) |",
            num(&n["scale_from_zero_p50_ms"]),
            n["scale_from_zero_ms"].as_array().map_or(0, Vec::len)
        )?;
    }
    if let Some(f) = read("fleet-api.json") {
        let (seq, conc) = (&f["allocate_sequential"], &f["allocate_concurrent"]);
        writeln!(
            table,
            "| fleet allocation through the API route (`POST /api/internal/media-nodes/allocations`, {}, {} node; {} failures, {}) | one caller: p50 **{:.2} ms**, p99 {:.2} ms ({} allocations); {} callers: p50 {:.2} ms, p99 {:.2} ms, {:.0} allocations/s |",
            f["store"].as_str().unwrap_or("?"),
            f["nodes"],
            f["failures"],
            date(&f),
            num(&seq["p50_ms"]),
            num(&seq["p99_ms"]),
            seq["samples"],
            f["concurrent_callers"],
            num(&conc["p50_ms"]),
            num(&conc["p99_ms"]),
            num(&f["allocations_per_second_concurrent"])
        )?;
    }
    if let Some(s) = read("signaling.json") {
        writeln!(
            table,
            "| signaling: {} WebSockets in {} rooms, {:.0} msg/s offered | {:.0} msg/s relayed, {} lost |",
            s["connections"],
            s["rooms"],
            num(&s["offered_per_second"]),
            num(&s["relayed_per_second"]),
            s["messages_lost"]
        )?;
        writeln!(
            table,
            "| signaling relay latency | p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms |",
            num(&s["latency_p50_ms"]),
            num(&s["latency_p99_ms"]),
            num(&s["latency_max_ms"])
        )?;
        writeln!(
            table,
            "| `peershare dev` peak memory under that load | {:.1} MiB |",
            num(&s["server_peak_rss_mib"])
        )?;
    }
    if let Some(api) = read("api.json") {
        for route in api["routes"].as_array().into_iter().flatten() {
            writeln!(
                table,
                "| API `{}` ({}; {}, {} connections, {}) | **{:.0} req/s**, p50 {:.2} ms, p99 {:.2} ms |",
                route["route"].as_str().unwrap_or("?"),
                route["name"].as_str().unwrap_or("?"),
                api["store"].as_str().unwrap_or("?"),
                api["connections"],
                date(&api),
                num(&route["requests_per_second"]),
                num(&route["latency_p50_ms"]),
                num(&route["latency_p99_ms"]),
            )?;
        }
    }
    if let Some(edge) = read("edge.json") {
        for (key, which) in [
            ("join_new_room", "a new room (its Durable Object starts)"),
            ("join_existing_room", "a room already open"),
        ] {
            writeln!(
                table,
                "| edge (workerd): WebSocket through the Worker to `welcome`, into {which} ({} joins, {}) | p50 **{:.1} ms**, p99 {:.1} ms |",
                edge[key]["samples"],
                date(&edge),
                num(&edge[key]["p50_ms"]),
                num(&edge[key]["p99_ms"]),
            )?;
        }
        let relay = &edge["relay"];
        writeln!(
            table,
            "| edge relay: {} WebSockets in {} Durable Objects, {:.0} msg/s offered | {:.0} msg/s relayed, {} lost, p50 {:.2} ms, p99 {:.2} ms |",
            relay["connections"],
            relay["rooms"],
            num(&relay["offered_per_second"]),
            num(&relay["relayed_per_second"]),
            relay["messages_lost"],
            num(&relay["latency_p50_ms"]),
            num(&relay["latency_p99_ms"]),
        )?;
        writeln!(
            table,
            "| workerd peak memory under that load; the Worker's wasm | {:.0} MiB; {:.0} KiB, {:.0} KiB gzip -9 |",
            num(&relay["server_peak_rss_mib"]),
            num(&edge["wasm_bytes"]) / 1024.0,
            num(&edge["wasm_gzip_bytes"]) / 1024.0,
        )?;
    }
    if let Some(sfu) = read("sfu.json") {
        writeln!(
            table,
            "\nMedia node under load (`peershare-loadgen`: calls of {} str0m clients over loopback UDP, each \
             publishing 50 audio + 90 video packets/s and receiving everyone else; the clients share the \
             machine with the node):\n",
            sfu["call_size"]
        )?;
        table.push_str(
            "| calls | people | datagrams in/s | datagrams out/s | media packets forwarded/s | node CPU (cores) | \
             media packets per core-second | load generator CPU (cores) | audio latency p50/p99 | \
             video frame latency p50/p99 | frame loss | node memory per person |\n\
             |---|---|---|---|---|---|---|---|---|---|---|---|\n",
        );
        for step in sfu["steps"].as_array().into_iter().flatten() {
            writeln!(
                table,
                "| {} | {} | {:.0} | {:.0} | {:.0} | {:.2} | **{:.0}** | {:.2} | {:.2} / {:.2} ms | {:.2} / {:.2} ms | {:.2}% | {:.0} KiB |",
                step["calls"],
                step["participants"],
                num(&step["packets_in_per_s"]),
                num(&step["packets_out_per_s"]),
                num(&step["media_packets_per_s"]),
                num(&step["node_cpu_cores"]),
                num(&step["media_packets_per_cpu_second"]),
                num(&step["loadgen_cpu_cores"]),
                num(&step["audio_latency"]["p50_ms"]),
                num(&step["audio_latency"]["p99_ms"]),
                num(&step["video_latency"]["p50_ms"]),
                num(&step["video_latency"]["p99_ms"]),
                num(&step["frame_loss_pct"]),
                num(&step["rss_per_participant_kib"]),
            )?;
        }
    }
    if let Some(r) = read("recording.json") {
        recording_table(&mut table, &r)?;
    }
    table.push_str("\nRaw figures: `bench/results/*.json`. Reproduce with `cargo xtask bench` (or `--only sfu|switch|node-loss|first-frame|signaling|api|fleet-api|edge|recording`).\n");
    let text = std::fs::read_to_string(readme)?;
    std::fs::write(readme, between_markers(&text, "bench", &table)?)?;
    Ok(())
}

/// `text` with what stands between its `<!-- {name}:start -->` and `<!-- {name}:end -->`
/// lines replaced by `body` (which ends with a newline).
pub(crate) fn between_markers(text: &str, name: &str, body: &str) -> anyhow::Result<String> {
    let (start, end) = (format!("<!-- {name}:start -->"), format!("<!-- {name}:end -->"));
    let (head, rest) =
        text.split_once(&start).with_context(|| format!("README has no {name}:start marker"))?;
    let (_, tail) = rest.split_once(&end).with_context(|| format!("README has no {name}:end marker"))?;
    Ok(format!("{head}{start}\n{body}{end}{tail}"))
}

/// The recording figures: what the node pays, what is stored, what a crash loses, and what
/// composing costs per preset.
fn recording_table(table: &mut String, r: &Value) -> anyhow::Result<()> {
    writeln!(
        table,
        "\nRecording (`peershare-recording-bench`, {}: {} calls of {} str0m clients each publishing about {:.0} kbit/s, \
         recorded by a release node into a folder; then a {:.0} s three-person call of ffmpeg-encoded VP8 + Opus \
         composed by each preset):\n",
        date(r),
        r["calls"],
        r["participants_per_call"],
        num(&r["client_kbps"]),
        num(&r["composed_call_seconds"]),
    )?;
    table.push_str("| figure | value |\n|---|---|\n");
    writeln!(
        table,
        "| node CPU, the same calls without / with recording | {:.3} / {:.3} cores |",
        num(&r["node_cores_without_recording"]),
        num(&r["node_cores_with_recording"])
    )?;
    writeln!(
        table,
        "| extra node CPU per recorded call (goal ≤ 0.05) | **{:.3} cores** |",
        num(&r["extra_cores_per_recorded_call"])
    )?;
    writeln!(
        table,
        "| bytes stored per participant-minute (tracks) | {:.2} MB |",
        num(&r["stored_megabytes_per_participant_minute"])
    )?;
    writeln!(
        table,
        "| node killed mid-recording: media lost per track, worst / median ({} tracks) | **{:.2} s** / {:.2} s |",
        r["crash_tracks"],
        num(&r["crash_worst_loss_seconds"]),
        num(&r["crash_median_loss_seconds"])
    )?;
    for c in r["composition"].as_array().into_iter().flatten() {
        writeln!(
            table,
            "| compose, {} ({}×{}): time ÷ call length; CPU-s per media-s; MB per minute | **{:.2}×**; {:.2}; {:.1} MB |",
            c["preset"].as_str().unwrap_or("?"),
            c["width"],
            c["height"],
            num(&c["wall_ratio"]),
            num(&c["cpu_seconds_per_media_second"]),
            num(&c["megabytes_per_minute"])
        )?;
    }
    Ok(())
}

/// A JSON number, or NaN.
pub(crate) fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// A result's `date`.
pub(crate) fn date(v: &Value) -> &str {
    v["date"].as_str().unwrap_or("date unknown")
}

/// This machine's cores and CPU model.
pub(crate) fn machine_description() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_stands_between_the_markers_is_replaced() {
        let text = "intro\n<!-- fleet:start -->\nold\n<!-- fleet:end -->\nrest\n<!-- bench:start -->\nx\n<!-- bench:end -->\n";
        assert_eq!(
            between_markers(text, "fleet", "new\n").expect("markers"),
            "intro\n<!-- fleet:start -->\nnew\n<!-- fleet:end -->\nrest\n<!-- bench:start -->\nx\n<!-- bench:end -->\n"
        );
        assert!(between_markers("no markers", "fleet", "new\n").is_err());
    }
}

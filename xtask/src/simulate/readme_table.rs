//! Writes the fleet simulation's figures into the README between the fleet markers, from
//! bench/results/fleet.json: the table, and what it assumes, in the words and values of the run.

use crate::bench::readme_table::{between_markers, date, num};
use anyhow::Context;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// Replaces the table between the fleet markers in `readme` with the figures in `results`.
pub fn update(readme: &Path, results: &Path) -> anyhow::Result<()> {
    let fleet: Value = serde_json::from_str(
        &std::fs::read_to_string(results).with_context(|| format!("cannot read {}", results.display()))?,
    )?;
    let text = std::fs::read_to_string(readme)?;
    std::fs::write(readme, between_markers(&text, "fleet", &table(&fleet)?)?)?;
    Ok(())
}

/// The table and what it assumes.
fn table(fleet: &Value) -> anyhow::Result<String> {
    let a = &fleet["assumptions"];
    let node = &a["node"];
    let rows = fleet["rows"].as_array().map(Vec::as_slice).unwrap_or_default();
    let first = rows.first().unwrap_or(&Value::Null);
    let regions: Vec<&str> =
        a["regions"].as_array().into_iter().flatten().map(|r| r[0].as_str().unwrap_or("?")).collect();
    let mut t = String::new();
    writeln!(
        t,
        "_`peershare-fleet-sim`, {}, seed {}: {} calls in the simulated day ({} of three or more on nodes), \
         at most {} participants in calls at once (asked for {}); every setting on the same calls; \
         all {} settings simulated in **{:.1} s** on {}._\n",
        date(fleet),
        fleet["seed"],
        thousands(num(&first["calls"])),
        thousands(num(&first["node_calls"])),
        thousands(num(&first["peak_concurrent_participants"])),
        thousands(num(&a["peak_participants_target"])),
        rows.len(),
        num(&fleet["wall_seconds_total"]),
        fleet["machine"].as_str().unwrap_or("an unrecorded machine"),
    )?;
    writeln!(
        t,
        "| target utilisation, warm nodes per region, quiet period | peak nodes | node-hours | mean utilisation | \
         fewest nodes in a region ({}) | calls that waited for a boot | wait for a node p50 / p99 / max | \
         calls placed in another region | calls cut off by failures (failures) / by drains | \
         $ per 1,000 participant-minutes: all calls / calls on nodes | simulated in |\n\
         |---|---|---|---|---|---|---|---|---|---|---|",
        regions.join(" / "),
    )?;
    for r in rows {
        let target = num(&r["target_utilisation"]);
        let fewest: Vec<String> =
            regions.iter().map(|name| r["fewest_nodes_by_region"][name].to_string()).collect();
        writeln!(
            t,
            "| {target:.1}, {}, {:.0} min{} | {} | {} | {:.0}% | {} | {} | {:.1} / {:.1} / {:.1} s | {} | {} ({}) / {} | ${:.4} / ${:.4} | {:.1} s |",
            r["warm_per_region"],
            num(&r["quiet_period_s"]) / 60.0,
            if target >= 1.0 { " (no headroom)" } else { "" },
            r["peak_nodes"],
            thousands(num(&r["node_hours"])),
            num(&r["mean_utilisation"]) * 100.0,
            fewest.join(" / "),
            thousands(num(&r["calls_that_waited_for_capacity"])),
            num(&r["wait_p50_s"]),
            num(&r["wait_p99_s"]),
            num(&r["wait_max_s"]),
            thousands(num(&r["calls_placed_in_another_region"])),
            r["calls_disrupted_by_failures"],
            r["node_failures"],
            r["calls_disrupted_by_drains"],
            num(&r["cost_per_participant_minute_usd"]) * 1000.0,
            num(&r["cost_per_node_participant_minute_usd"]) * 1000.0,
            num(&r["wall_seconds"]),
        )?;
    }
    let peaks: Vec<String> = a["regions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| format!("{} {:02.0}:00", r[0].as_str().unwrap_or("?"), num(&r[2])))
        .collect();
    let sizes = a["call_sizes"].as_array().map(Vec::as_slice).unwrap_or_default();
    let smallest = sizes.iter().filter_map(|b| b[0].as_u64()).min().unwrap_or(2);
    let largest = sizes.iter().filter_map(|b| b[1].as_u64()).max().unwrap_or(2);
    let heartbeat = &node["heartbeat_interval_s"];
    writeln!(
        t,
        "\n- Every placement is core's `fleet::allocate` and every scaler run (each {} s, and at once when a call \
         finds no node with room) core's `fleet::scale`; the simulator only plays the registry, the scaler and the nodes.\n\
         - Nodes (assumed): {} participants each, whatever the size of their calls; ${}/h ({}); usable {} s after \
         launch (an EC2 instance's launch to a running, registered node; AWS documents that launches can take \
         minutes); {}. A dead node's calls have no media until it \
         misses two {heartbeat} s heartbeats, then are placed again; it is billed until then.\n\
         - The capacity is an assumption, not a measurement: a node's forwarding cost grows with the size of its \
         calls (everyone receives everyone else), and the media-node table above measures about 100 people per \
         core in 5-person calls.\n\
         - Calls (assumed): regions peaking at {} UTC; {smallest}–{largest} participants ({:.0}% of 2–4); \
         log-normal lengths, median {:.0} min, mean {:.0} min, at most {:.0} h. Two-person calls are peer-to-peer: \
         they count only in \"all calls\". A call keeps its size for its life, so what is reserved for it is its \
         load; real calls grow as people join, which is what the headroom under the target is for, so the rows at \
         0.9 and above are optimistic.\n\
         - Calls that waited for a boot: calls of three or more that found no node with room (on arrival, or placed \
         again after a cut) and waited for the fleet to grow. Wait for a node: per call of three or more, its time \
         without media for want of a node (a boot, or a dead node's {heartbeat} s heartbeats missed). Utilisation: \
         participant-seconds on nodes ÷ capacity-seconds paid for (booting included). Raw figures: \
         `bench/results/fleet.json`; `cargo xtask simulate [-- FLAGS]` reruns it (`cargo run -p peershare-fleet-sim \
         -- --help` lists the node, caller and setting flags).",
        node["scaler_tick_s"],
        node["node_capacity"],
        num(&node["price_per_node_hour_usd"]),
        node["instance"].as_str().unwrap_or("instance unrecorded"),
        node["boot_delay_s"],
        node["mtbf_hours"].as_f64().map_or_else(
            || "never failing".to_owned(),
            |h| format!("failing with a mean time between failures of {h:.0} h")
        ),
        peaks.join(", "),
        small_calls_share(&a["call_sizes"]) * 100.0,
        num(&a["median_call_minutes"]),
        num(&a["mean_call_minutes"]),
        num(&a["max_call_hours"]),
    )?;
    Ok(t)
}

/// The share of calls of at most four participants, from the `(min, max, share)` buckets.
fn small_calls_share(buckets: &Value) -> f64 {
    buckets
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b[1].as_u64().is_some_and(|max| max <= 4))
        .map(|b| num(&b[2]))
        .sum()
}

/// `1234567.8` as `1,234,568`.
pub(crate) fn thousands(value: f64) -> String {
    if !value.is_finite() {
        return "?".into();
    }
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-12_000.0), "-12,000");
        assert_eq!(thousands(f64::NAN), "?");
    }

    fn row(target: f64, warm: u32, waited: u32) -> Value {
        json!({
            "target_utilisation": target, "warm_per_region": warm, "quiet_period_s": 300,
            "peak_nodes": 12, "node_hours": 1234.6, "mean_utilisation": 0.625,
            "fewest_nodes_by_region": {"ap": 3, "eu": 7},
            "calls_that_waited_for_capacity": waited,
            "wait_p50_s": 0.0, "wait_p99_s": 1.25, "wait_max_s": 61.0,
            "calls_placed_in_another_region": 4, "calls_disrupted_by_failures": 5, "node_failures": 2,
            "calls_disrupted_by_drains": 0,
            "cost_per_participant_minute_usd": 0.0000125, "cost_per_node_participant_minute_usd": 0.00002,
            "wall_seconds": 3.21, "calls": 1000, "node_calls": 450, "peak_concurrent_participants": 1020,
        })
    }

    #[test]
    fn the_table_has_a_row_per_setting_and_its_notes_the_runs_values() {
        let fleet = json!({
            "date": "2026-12-08", "machine": "2 cores (AMD EPYC), Debian 12", "seed": 3,
            "wall_seconds_total": 9.87,
            "assumptions": {
                "node": {
                    "node_capacity": 300, "boot_delay_s": 240, "mtbf_hours": null,
                    "price_per_node_hour_usd": 0.5, "instance": "m7g.2xlarge, spot",
                    "scaler_tick_s": 30, "heartbeat_interval_s": 7,
                },
                "peak_participants_target": 1000,
                "regions": [["eu", 0.5, 13.0], ["ap", 0.5, 5.0]],
                "call_sizes": [[2, 2, 0.5], [3, 4, 0.25], [5, 9, 0.25]],
                "median_call_minutes": 20.0, "mean_call_minutes": 33.0, "max_call_hours": 8.0,
            },
            "rows": [row(0.8, 0, 0), row(1.0, 30, 1234)],
        });
        let t = table(&fleet).expect("a table");
        assert!(t.starts_with("_`peershare-fleet-sim`, 2026-12-08, seed 3: 1,000 calls"), "{t}");
        assert!(t.contains("in **9.9 s** on 2 cores (AMD EPYC), Debian 12._"), "{t}");
        assert!(t.contains("| fewest nodes in a region (eu / ap) | calls that waited for a boot |"), "{t}");
        assert!(
            t.contains("| 0.8, 0, 5 min | 12 | 1,235 | 62% | 7 / 3 | 0 | 0.0 / 1.2 / 61.0 s | 4 | 5 (2) / 0 | $0.0125 / $0.0200 | 3.2 s |"),
            "{t}"
        );
        assert!(t.contains("| 1.0, 30, 5 min (no headroom) | 12 | 1,235 | 62% | 7 / 3 | 1,234 |"), "{t}");
        let header_columns = t.lines().find(|l| l.starts_with("| target")).map(|l| l.matches(" | ").count());
        let row_columns = t.lines().find(|l| l.starts_with("| 0.8")).map(|l| l.matches(" | ").count());
        assert_eq!(header_columns, row_columns, "as many cells as columns");
        for note in [
            "each 30 s",
            "300 participants each",
            "$0.5/h (m7g.2xlarge, spot)",
            "usable 240 s after launch",
            "minutes); never failing. A dead node",
            "misses two 7 s heartbeats",
            "eu 13:00, ap 05:00 UTC",
            "2–9 participants (75% of 2–4)",
        ] {
            assert!(t.contains(note), "{note:?} missing from {t}");
        }
        assert!(!t.contains("AWS: \""), "no quotation attributed to AWS");
    }
}

//! Writes the fleet simulation's figures into the README between the fleet markers, from
//! bench/results/fleet.json.

use anyhow::Context;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

const START: &str = "<!-- fleet:start -->";
const END: &str = "<!-- fleet:end -->";

/// Replaces the table between the fleet markers in `readme` with the figures in `results`.
pub fn update(readme: &Path, results: &Path) -> anyhow::Result<()> {
    let fleet: Value = serde_json::from_str(
        &std::fs::read_to_string(results).with_context(|| format!("cannot read {}", results.display()))?,
    )?;
    let text = std::fs::read_to_string(readme)?;
    let (head, rest) = text.split_once(START).context("README has no fleet:start marker")?;
    let (_, tail) = rest.split_once(END).context("README has no fleet:end marker")?;
    std::fs::write(readme, format!("{head}{START}\n{}{END}{tail}", table(&fleet)?))?;
    Ok(())
}

/// The table and what it assumes.
fn table(fleet: &Value) -> anyhow::Result<String> {
    let a = &fleet["assumptions"];
    let node = &a["node"];
    let rows = fleet["rows"].as_array().map(Vec::as_slice).unwrap_or_default();
    let first = rows.first().unwrap_or(&Value::Null);
    let mut t = String::new();
    writeln!(
        t,
        "_`peershare-fleet-sim`, {}, seed {}: {} calls in the simulated day ({} of three or more on nodes), \
         at most {} participants in calls at once (asked for {}); every setting on the same calls; \
         all {} settings simulated in **{:.1} s** on {} cores ({})._\n",
        fleet["date"].as_str().unwrap_or("date unknown"),
        fleet["seed"],
        thousands(num(&first["calls"])),
        thousands(num(&first["node_calls"])),
        thousands(num(&first["peak_concurrent_participants"])),
        thousands(num(&a["peak_participants_target"])),
        rows.len(),
        num(&fleet["wall_seconds_total"]),
        fleet["machine_cpus"],
        fleet["machine"].as_str().unwrap_or("unknown CPU"),
    )?;
    t.push_str(
        "| target utilisation, warm nodes per region, quiet period | peak nodes | node-hours | mean utilisation | \
         wait for a node p50 / p99 / max | calls placed in another region | calls cut off by failures (failures) / by drains | \
         $ per 1,000 participant-minutes: all calls / calls on nodes | simulated in |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        writeln!(
            t,
            "| {}, {}, {} min | {} | {} | {:.0}% | {:.1} / {:.1} / {:.1} s | {} | {} ({}) / {} | ${:.4} / ${:.4} | {:.1} s |",
            r["target_utilisation"],
            r["warm_per_region"],
            num(&r["quiet_period_s"]) / 60.0,
            r["peak_nodes"],
            thousands(num(&r["node_hours"])),
            num(&r["mean_utilisation"]) * 100.0,
            num(&r["wait_p50_s"]),
            num(&r["wait_p99_s"]),
            num(&r["wait_max_s"]),
            r["calls_placed_in_another_region"],
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
    writeln!(
        t,
        "\n- Every placement is core's `fleet::allocate` and every scaler run (each {} s, and at once when a call \
         finds no node) core's `fleet::scale`; the simulator only plays the registry, the scaler and the nodes.\n\
         - Nodes (assumed): {} participants, ${}/h (c7g.xlarge on demand, us-east-1), usable {} s after launch \
         (AWS: \"it can take a few minutes to launch an EC2 instance\": this is the optimistic end), failing with \
         a mean time between failures of {}; a dead node's calls wait until it misses two {} s heartbeats, then are placed again.\n\
         - Calls: regions peaking at {} UTC; 2–50 participants ({:.0}% of 2–4); log-normal lengths, median {:.0} min, \
         mean {:.0} min, at most {:.0} h. Two-person calls are peer-to-peer: they count only in \"all calls\".\n\
         - Utilisation is participant-seconds on nodes ÷ capacity-seconds paid for (booting included). Raw figures: \
         `bench/results/fleet.json`; `cargo xtask simulate [--peak-participants N] [--seed S]` reruns it.",
        node["scaler_tick_s"],
        node["node_capacity"],
        num(&node["price_per_node_hour_usd"]),
        node["boot_delay_s"],
        node["mtbf_hours"].as_f64().map_or_else(|| "never (no failures)".to_owned(), |h| format!("{h:.0} h")),
        node["heartbeat_interval_s"],
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

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// `1234567.8` as `1,234,568`.
fn thousands(value: f64) -> String {
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

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(1_234_567.8), "1,234,568");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-12_000.0), "-12,000");
        assert_eq!(thousands(f64::NAN), "?");
    }
}

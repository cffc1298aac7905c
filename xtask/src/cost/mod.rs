//! `cargo xtask cost`: what a participant-minute costs in each kind of call, from the project's
//! own measurements (the SFU's packets per core-second, recording's CPU and bytes, the fleet
//! simulation's utilisation and call length), requests counted from the code, the assumptions
//! in `bench/cost-assumptions.json` and the dated prices in `bench/prices.json`; beside the
//! published prices of LiveKit Cloud and Cloudflare Realtime. Writes `bench/results/cost.json`,
//! the README's cost table and the generated half of `docs/cost.md`. Builds nothing, measures
//! nothing: rerun it after a benchmark, a simulation or a price changes.

mod inputs;
mod media;
mod model;
mod report;

use inputs::{AssumptionFile, PriceTable, read_json};
use model::{Inputs, ScenarioCost};
use serde_json::Value;
use std::path::Path;

/// Prices every scenario and writes the results, the README table and docs/cost.md.
pub fn run() -> anyhow::Result<()> {
    let root = Path::new(".");
    let (prices, assumptions, measured) = load(root)?;
    let inputs = Inputs { prices: &prices, assumptions: &assumptions, measured: &measured };
    let scenarios = price_all(&inputs)?;
    let report = report::Report::new(crate::bench::today()?, &inputs, &scenarios);
    let json = root.join("bench/results/cost.json");
    report::write(&report, &json, &root.join("README.md"), &root.join("docs/cost.md"))?;
    for s in &scenarios {
        eprintln!(
            "{:<50} {:>9} per 1,000 participant-minutes (LiveKit {}, Cloudflare Realtime {})",
            s.spec.name,
            report::thousand(s.usd_per_participant_minute.total),
            report::thousand(s.competitors.livekit),
            report::thousand(s.competitors.cloudflare_realtime),
        );
    }
    eprintln!("wrote {}, the README's cost table and docs/cost.md", json.display());
    Ok(())
}

/// The price table, the assumptions (their quoted lines checked) and the measurements, from the
/// files under `root`.
fn load(root: &Path) -> anyhow::Result<(PriceTable, AssumptionFile, inputs::Measured)> {
    let prices: PriceTable = read_json(&root.join("bench/prices.json"))?;
    let assumptions: AssumptionFile = read_json(&root.join("bench/cost-assumptions.json"))?;
    for (name, file, quote) in inputs::citations(&assumptions)? {
        let text = std::fs::read_to_string(root.join(&file)).unwrap_or_default();
        anyhow::ensure!(
            text.contains(&quote),
            "bench/cost-assumptions.json {name}: {file} no longer says {quote:?}; check the value and its quote"
        );
    }
    let results = root.join("bench/results");
    let sfu: Value = read_json(&results.join("sfu.json"))?;
    let recording: Value = read_json(&results.join("recording.json"))?;
    let fleet: Value = read_json(&results.join("fleet.json"))?;
    let measured = inputs::measured(&sfu, &recording, &fleet, &assumptions)?;
    Ok((prices, assumptions, measured))
}

/// Every scenario of the assumptions, priced.
fn price_all(inputs: &Inputs<'_>) -> anyhow::Result<Vec<ScenarioCost>> {
    inputs.assumptions.scenarios.iter().map(|s| inputs.price(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_inputs_price_every_scenario_into_a_well_formed_table() {
        let (prices, assumptions, measured) = load(&crate::steps::workspace_root()).expect("inputs load");
        let inputs = Inputs { prices: &prices, assumptions: &assumptions, measured: &measured };
        let scenarios = price_all(&inputs).expect("every scenario prices");
        for s in &scenarios {
            let u = &s.usd_per_participant_minute;
            assert!(u.total.is_finite() && u.total > 0.0, "{}: {u:?}", s.spec.name);
        }
        let report = report::Report::new("2026-12-07".into(), &inputs, &scenarios);
        for block in
            [report::readme_block(&report).expect("readme"), report::doc_block(&report).expect("doc")]
        {
            // Each table's first line is its header; every row after it has as many cells.
            let mut header: Option<usize> = None;
            for line in block.lines() {
                let cells = line.matches(" | ").count();
                match (line.starts_with('|'), header) {
                    (false, _) => header = None,
                    (true, None) => header = Some(cells),
                    (true, Some(_)) if line.starts_with("|---") => {}
                    (true, Some(columns)) => assert_eq!(cells, columns, "as many cells as columns: {line}"),
                }
            }
            let rows = block.lines().filter(|l| scenarios.iter().any(|s| l.contains(&s.spec.name))).count();
            assert!(rows >= scenarios.len(), "a row per scenario");
        }
    }
}

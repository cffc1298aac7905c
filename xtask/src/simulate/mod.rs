//! `cargo xtask simulate`: the media-node fleet policy (core's allocation and scaling) through a
//! simulated day of calls under each compared setting, by the release `peershare-fleet-sim`.
//! Figures go to bench/results/fleet.json and a README table; nothing asserts on them.

mod progress;
pub(crate) mod readme_table;

use crate::bench::readme_table::machine_description;
use crate::steps::{Steps, cmd, target_dir};
use anyhow::Context;
use progress::SimProgress;
use std::path::Path;

/// Builds and runs the simulator with `simulator_flags` (its defaults where none), records the
/// date and the machine in its JSON, then updates the README.
pub fn run(simulator_flags: &[String]) -> anyhow::Result<()> {
    let mut steps = Steps::default();
    steps.run(
        "build the fleet simulator (release)",
        cmd("cargo", &["build", "--release", "--locked", "--package", "peershare-fleet-sim"]),
    )?;
    let out = Path::new("bench/results/fleet.json");
    std::fs::create_dir_all("bench/results")?;
    // The simulator writes beside its binary; fleet.json is replaced only by a report it wrote.
    let written = target_dir().join("release/fleet-sim-report.json");
    let _ = std::fs::remove_file(&written);
    let mut simulator = std::process::Command::new(target_dir().join("release/peershare-fleet-sim"));
    simulator.args(simulator_flags).args(["--progress", "json", "--out"]).arg(&written);
    let mut progress = SimProgress::new()?;
    let simulated = steps
        .run_reading_stderr("simulate a day of calls per setting", simulator, |line| progress.line(line));
    progress.finish();
    simulated?;
    let report = std::fs::read_to_string(&written)
        .with_context(|| format!("the simulator wrote no report to {}", written.display()))?;
    std::fs::write(out, dated(&report, &crate::bench::today()?, &machine_description())?)?;
    readme_table::update(Path::new("README.md"), out)?;
    eprintln!("wrote {} and the README's fleet table", out.display());
    steps.summary();
    Ok(())
}

/// The simulator's JSON `report` with `date` and `machine` put first, its own order kept.
fn dated(report: &str, date: &str, machine: &str) -> anyhow::Result<String> {
    let fields = report.strip_prefix("{\n").context("the simulator's report is not a JSON object")?;
    let dated = format!(
        "{{\n  \"date\": {},\n  \"machine\": {},\n{fields}",
        serde_json::json!(date),
        serde_json::json!(machine)
    );
    serde_json::from_str::<serde_json::Value>(&dated).context("the dated report is not JSON")?;
    Ok(dated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_and_machine_come_first_and_the_report_stays_as_it_was() {
        let report = "{\n  \"seed\": 1,\n  \"rows\": []\n}\n";
        let written = dated(report, "2026-12-08", "2 cores (\"EPYC\")").expect("a JSON object");
        assert_eq!(
            written,
            "{\n  \"date\": \"2026-12-08\",\n  \"machine\": \"2 cores (\\\"EPYC\\\")\",\n  \"seed\": 1,\n  \"rows\": []\n}\n"
        );
        assert!(dated("[]", "d", "m").is_err());
    }
}

//! `cargo xtask simulate`: the media-node fleet policy (core's allocation and scaling) through a
//! simulated day of calls under each compared setting, by the release `peershare-fleet-sim`.
//! Figures go to bench/results/fleet.json and a README table; nothing asserts on them.

mod progress;
mod readme_table;

use crate::steps::{Steps, cmd, target_dir};
use progress::SimProgress;
use std::path::Path;

/// Builds and runs the simulator at `peak_participants` with `seed`, then updates the README.
pub fn run(peak_participants: u32, seed: u64) -> anyhow::Result<()> {
    let mut steps = Steps::default();
    steps.run(
        "build the fleet simulator (release)",
        cmd("cargo", &["build", "--release", "--locked", "--package", "peershare-fleet-sim"]),
    )?;
    let out = Path::new("bench/results/fleet.json");
    std::fs::create_dir_all("bench/results")?;
    let mut simulator = std::process::Command::new(target_dir().join("release/peershare-fleet-sim"));
    simulator
        .args(["--peak-participants", &peak_participants.to_string(), "--seed", &seed.to_string()])
        .args(["--progress", "json", "--out"])
        .arg(std::path::absolute(out)?);
    let mut progress = SimProgress::new()?;
    let simulated = steps.run_reading_stderr(
        &format!("simulate a day of calls at {peak_participants} peak participants, per setting"),
        simulator,
        |line| progress.line(line),
    );
    progress.finish();
    simulated?;
    readme_table::update(Path::new("README.md"), out)?;
    eprintln!("wrote {} and the README's fleet table", out.display());
    steps.summary();
    Ok(())
}

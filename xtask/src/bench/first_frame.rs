//! Time from pressing "Join call" in the second tab to its first decoded remote frame,
//! measured in Chromium by the e2e package's bench project.

use crate::steps::{Steps, target_dir};
use std::path::Path;

/// Runs `runs` joins and writes the figures to `out`.
pub fn run(steps: &mut Steps, runs: u32, out: &Path) -> anyhow::Result<()> {
    let mut c = std::process::Command::new("npm");
    c.args(["run", "bench"])
        .current_dir("e2e")
        .env("PEERSHARE_BIN", target_dir().join("release/peershare"))
        .env("BENCH_RUNS", runs.to_string())
        .env("BENCH_OUT", std::path::absolute(out)?);
    steps.run(&format!("first remote frame ({runs} runs, Chromium)"), c)
}

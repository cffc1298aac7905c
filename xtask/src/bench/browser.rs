//! Browser benchmarks in the e2e package's bench project, run in Chromium against the release
//! build: time to the first remote frame, and the peer-to-peer → media node switch.

use crate::steps::{Steps, target_dir};
use std::path::Path;

/// Runs `runs` two-person joins and writes the first-frame figures to `out`.
pub fn run(steps: &mut Steps, runs: u32, out: &Path) -> anyhow::Result<()> {
    playwright(
        steps,
        &format!("first remote frame ({runs} runs, Chromium)"),
        "bench/first-frame.spec.ts",
        runs,
        out,
    )
}

/// Runs `runs` P2P → node switches and writes their figures to `out`.
pub fn run_switch(steps: &mut Steps, runs: u32, out: &Path) -> anyhow::Result<()> {
    playwright(
        steps,
        &format!("P2P → media node switch ({runs} runs, Chromium)"),
        "bench/p2p-to-node.spec.ts",
        runs,
        out,
    )
}

/// Kills of a call's media node and starts from zero, with `peershare dev --media-fleet`.
pub fn run_node_loss(steps: &mut Steps, kills: u32, out: &Path) -> anyhow::Result<()> {
    playwright(
        steps,
        &format!("media-node loss ({kills} kills) and scale from zero (Chromium)"),
        "bench/node-loss.spec.ts",
        kills,
        out,
    )
}

fn playwright(steps: &mut Steps, name: &str, spec: &str, runs: u32, out: &Path) -> anyhow::Result<()> {
    let mut c = std::process::Command::new("npx");
    c.args(["playwright", "test", "--project=bench", spec])
        .current_dir("e2e")
        .env("PEERSHARE_BIN", target_dir().join("release/peershare"))
        .env("BENCH_RUNS", runs.to_string())
        .env("BENCH_OUT", std::path::absolute(out)?);
    steps.run(name, c)
}

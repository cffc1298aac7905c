//! The media node under load: `peershare-loadgen` starts a release `peershare-media-node` and
//! raises the number of calls of str0m clients step by step; `peershare-recording-bench` runs
//! the same node recording.

use crate::steps::{Steps, cmd, target_dir};
use std::path::Path;

/// Builds the node and the load generator, runs the steps and writes the figures to `out`.
pub fn run(steps: &mut Steps, out: &Path) -> anyhow::Result<()> {
    run_against_node(steps, "peershare-loadgen", "media node under load (str0m clients, loopback UDP)", out)
}

/// What recording costs (`peershare-recording-bench`), written to `out`.
pub fn run_recording(steps: &mut Steps, out: &Path) -> anyhow::Result<()> {
    run_against_node(
        steps,
        "peershare-recording-bench",
        "recording: node CPU, bytes, crash loss, composition",
        out,
    )
}

/// Builds, then runs the release `bench` binary against a release media node, its figures to `out`.
fn run_against_node(steps: &mut Steps, bench: &str, label: &str, out: &Path) -> anyhow::Result<()> {
    build(steps)?;
    let release = target_dir().join("release");
    let mut c = std::process::Command::new(release.join(bench));
    c.arg("--node-bin").arg(release.join("peershare-media-node")).arg("--out").arg(std::path::absolute(out)?);
    steps.run(label, c)
}

fn build(steps: &mut Steps) -> anyhow::Result<()> {
    steps.run(
        "build media node and load generator (release)",
        cmd(
            "cargo",
            &[
                "build",
                "--release",
                "--locked",
                "--package",
                "peershare-media-node",
                "--package",
                "peershare-loadgen",
            ],
        ),
    )
}

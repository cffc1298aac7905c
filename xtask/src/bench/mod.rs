//! `cargo xtask bench`: first remote frame in Chromium, and the signaling relay under load.
//! Figures go to bench/results/*.json and a table in the README; nothing here asserts on time.

mod first_frame;
mod readme_table;
mod server_process;
mod signaling;

use crate::deps;
use crate::steps::{Steps, cmd};
use std::path::Path;

/// One of the benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// The signaling relay under load.
    Signaling,
    /// First remote frame in Chromium.
    FirstFrame,
}

/// Runs the benchmarks and updates the results and (when both ran) the README table.
pub fn run(runs: u32, connections: u32, only: Option<Which>) -> anyhow::Result<()> {
    let mut steps = Steps::default();
    steps.run(
        "build peershare (release)",
        cmd("cargo", &["build", "--release", "--package", "peershare", "--locked"]),
    )?;
    let results = Path::new("bench/results");
    std::fs::create_dir_all(results)?;

    if only != Some(Which::FirstFrame) {
        let signaling = signaling::run(connections)?;
        std::fs::write(results.join("signaling.json"), serde_json::to_string_pretty(&signaling)?)?;
        eprintln!("signaling: {}", serde_json::to_string(&signaling)?);
    }
    if only != Some(Which::Signaling) {
        deps::apt_packages(&mut steps)?;
        deps::npm_packages(&mut steps, "web")?;
        deps::npm_packages(&mut steps, "e2e")?;
        steps.run("build web client", {
            let mut c = cmd("npm", &["run", "build"]);
            c.current_dir("web");
            c
        })?;
        first_frame::run(&mut steps, runs, &results.join("first-frame.json"))?;
    }
    if only.is_none() {
        let read = |name: &str| -> anyhow::Result<serde_json::Value> {
            Ok(serde_json::from_str(&std::fs::read_to_string(results.join(name))?)?)
        };
        readme_table::update(Path::new("README.md"), &read("signaling.json")?, &read("first-frame.json")?)?;
    }
    steps.summary();
    Ok(())
}

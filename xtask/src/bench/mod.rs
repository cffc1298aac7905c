//! `cargo xtask bench`: the media node under load, what recording costs, the P2P → node switch and the first remote
//! frame in Chromium, the signaling relay under load, the API's hot routes, and the edge in
//! workerd. Figures go to bench/results/*.json
//! and tables in the README; nothing here asserts on time.

mod api;
mod browser;
mod edge;
mod fleet_api;
pub(crate) mod readme_table;
pub(crate) mod server_process;
mod sfu;
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
    /// Two tabs peer-to-peer, a third joins: the move to the media node in Chromium.
    Switch,
    /// A media node killed under a call of three tabs, and a node started from zero.
    NodeLoss,
    /// The media node under load from str0m clients.
    Sfu,
    /// The API's hot routes under load with wrk.
    Api,
    /// The fleet's allocator through its API route, one caller and many.
    FleetApi,
    /// The Worker in workerd: joins, the relay through Durable Objects, wasm size.
    Edge,
    /// Recording: the node's extra CPU, bytes stored, a crash's loss, composition time.
    Recording,
}

/// Runs the benchmarks (all, or `only` one) and updates the results and the README tables.
pub fn run(runs: u32, connections: u32, only: Option<Which>) -> anyhow::Result<()> {
    let wanted = |which: Which| only.is_none_or(|o| o == which);
    let mut steps = Steps::default();
    let results = Path::new("bench/results");
    std::fs::create_dir_all(results)?;

    if wanted(Which::Sfu) {
        sfu::run(&mut steps, &results.join("sfu.json"))?;
    }
    if wanted(Which::Recording) {
        deps::dev_apt_packages(&mut steps)?;
        sfu::run_recording(&mut steps, &results.join("recording.json"))?;
    }
    let browsers = wanted(Which::FirstFrame) || wanted(Which::Switch) || wanted(Which::NodeLoss);
    if browsers || wanted(Which::Signaling) || wanted(Which::Api) || wanted(Which::FleetApi) {
        crate::commands::build_release(&mut steps)?;
    }
    if wanted(Which::Signaling) {
        let signaling = signaling::run(connections)?;
        std::fs::write(results.join("signaling.json"), serde_json::to_string_pretty(&signaling)?)?;
        eprintln!("signaling: {}", serde_json::to_string(&signaling)?);
    }
    if wanted(Which::Api) {
        api::run(&mut steps, &results.join("api.json"))?;
    }
    if wanted(Which::FleetApi) {
        fleet_api::run(&results.join("fleet-api.json"))?;
    }
    if wanted(Which::Edge) {
        edge::run(&mut steps, &results.join("edge.json"))?;
    }
    if browsers {
        deps::apt_packages(&mut steps)?;
        deps::npm_packages(&mut steps, "web")?;
        deps::npm_packages(&mut steps, "e2e")?;
        steps.run("build web client", {
            let mut c = cmd("npm", &["run", "build"]);
            c.current_dir("web");
            c
        })?;
    }
    if wanted(Which::FirstFrame) {
        browser::run(&mut steps, runs, &results.join("first-frame.json"))?;
    }
    if wanted(Which::Switch) {
        browser::run_switch(&mut steps, runs.min(10), &results.join("p2p-to-node.json"))?;
    }
    if wanted(Which::NodeLoss) {
        browser::run_node_loss(&mut steps, runs.max(10), &results.join("node-loss.json"))?;
    }
    readme_table::update(Path::new("README.md"), results)?;
    steps.summary();
    Ok(())
}

/// Today's date (UTC), as the results record it.
pub(crate) fn today() -> anyhow::Result<String> {
    let out = cmd("date", &["-u", "+%Y-%m-%d"]).output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

//! `cargo xtask`: the project's tasks. Each installs what it needs when it is missing.

mod api_contract;
mod aws_build;
mod bench;
mod commands;
mod cost;
mod deps;
mod edge;
mod prune;
mod simulate;
mod steps;

use clap::{Parser, Subcommand};

/// PeerShare project tasks.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Build the web client and run `peershare dev` (http://127.0.0.1:8080 by default).
    Dev {
        /// Extra arguments for `peershare dev` (after `--`).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Install what the tests need when missing: Debian packages, wasm target, npm packages,
    /// cargo-fuzz, moto and schemathesis (in ~/.cache/peershare/venv).
    Deps,
    /// Run every check and test: fmt, clippy, wasm check, Rust tests, fuzzing, web tests, end-to-end.
    Test,
    /// Run each cargo-fuzz target in fuzz/ (installs cargo-fuzz when missing); fails on a crash.
    Fuzz {
        /// Seconds to fuzz each target.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
        seconds: u32,
    },
    /// Run the benchmarks and write bench/results/*.json and the README table.
    Bench {
        /// Runs of the browser benchmarks (first frame; the switch takes at most 10).
        #[arg(long, default_value_t = 12)]
        runs: u32,
        /// WebSockets in the signaling load benchmark.
        #[arg(long, default_value_t = 1000)]
        connections: u32,
        /// Run only this benchmark (the README shows the latest figures of each).
        #[arg(long, value_enum)]
        only: Option<bench::Which>,
    },
    /// Simulate a day of calls through the media-node fleet policy (core's allocation and
    /// scaling) under each compared setting; write bench/results/fleet.json and the README table.
    Simulate {
        /// Flags for peershare-fleet-sim, after `--` (e.g. `-- --seed 2 --node-capacity 300`;
        /// `cargo run -p peershare-fleet-sim -- --help` lists them).
        #[arg(last = true)]
        simulator_flags: Vec<String>,
    },
    /// Price a participant-minute of each kind of call (P2P, P2P through TURN, 5 and 50 people on a
    /// media node, recorded) from the project's measurements (bench/results/*.json), requests
    /// counted from the code, bench/cost-assumptions.json and the dated bench/prices.json, beside
    /// LiveKit Cloud and Cloudflare Realtime; write bench/results/cost.json, the README table and
    /// docs/cost.md. Builds and measures nothing.
    Cost,
    /// Regenerate the TypeScript types in web/src/protocol/generated.ts and web/src/api/generated.ts.
    Gen,
    /// Check the API against its OpenAPI description with schemathesis (part of `test`).
    Contract,
    /// Cross-build the Lambda and the media node for arm64 into cdk/build/ (what the CDK stack
    /// deploys), installing the aarch64 target and Debian's cross GCC when missing, and check
    /// each is an AArch64 ELF the system it runs on can load.
    AwsBuild {
        /// Release (to deploy) or check (unoptimised: what the tests build).
        #[arg(long, value_enum, default_value = "release")]
        profile: aws_build::BuildProfile,
    },
    /// Build the Cloudflare Worker into edge/build (installs worker-build, wasm-bindgen-cli,
    /// esbuild and workerd when missing).
    Edge,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let root = steps::workspace_root();
    std::env::set_current_dir(&root)?;
    match cli.task {
        Task::Dev { args } => commands::dev(&args),
        Task::Deps => commands::deps(),
        Task::Contract => commands::contract(),
        Task::Test => commands::test(),
        Task::Fuzz { seconds } => commands::fuzz(seconds),
        Task::Bench { runs, connections, only } => bench::run(runs, connections, only),
        Task::Simulate { simulator_flags } => simulate::run(&simulator_flags),
        Task::Cost => cost::run(),
        Task::Gen => commands::gen_types(),
        Task::Edge => commands::edge(),
        Task::AwsBuild { profile } => {
            let mut steps = steps::Steps::default();
            aws_build::run(&mut steps, profile)?;
            steps.summary();
            Ok(())
        }
    }
}

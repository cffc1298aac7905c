//! The binary's flags and its progress lines on stderr.

use clap::{Parser, ValueEnum};
use peershare_fleet_sim::{Progress, RowReport, SimConfig};
use std::path::PathBuf;

/// Simulates a day of calls under each compared fleet setting (core's allocation and scaling
/// policy) and writes the figures as JSON.
#[derive(Debug, Parser)]
#[command(name = "peershare-fleet-sim")]
pub struct Cli {
    /// Participants in calls at the global peak the call rate is scaled to.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(10..))]
    pub peak_participants: u32,
    /// Seed of the population and of node failures.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Participants a media node carries.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(50..))]
    pub node_capacity: u32,
    /// Seconds from launching a node to its first heartbeat.
    #[arg(long, default_value_t = 60)]
    pub boot_delay_seconds: u32,
    /// Mean hours between failures of one node; 0: nodes never fail.
    #[arg(long, default_value_t = 2_000.0)]
    pub mtbf_hours: f64,
    /// What a node costs per hour, in US dollars (default: c7g.xlarge on demand, us-east-1).
    #[arg(long, default_value_t = 0.1445)]
    pub price_per_node_hour: f64,
    /// Seconds between the scaler's runs.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..))]
    pub scaler_tick_seconds: u32,
    /// Where to write the JSON (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// How to report progress on stderr.
    #[arg(long, value_enum, default_value_t = ProgressFormat::Plain)]
    pub progress: ProgressFormat,
}

impl Cli {
    /// The node model and rhythm the flags describe.
    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            node_capacity: self.node_capacity,
            boot_delay_s: self.boot_delay_seconds,
            mtbf_hours: (self.mtbf_hours > 0.0).then_some(self.mtbf_hours),
            price_per_node_hour_usd: self.price_per_node_hour,
            scaler_tick_s: self.scaler_tick_seconds,
            ..SimConfig::default()
        }
    }
}

/// Progress on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressFormat {
    /// A line per setting when it is done.
    Plain,
    /// A JSON object per simulated hour and per setting done, for `cargo xtask simulate`.
    Json,
}

impl ProgressFormat {
    /// Setting `row` of `rows` reached `progress`.
    pub fn hour(self, row: usize, rows: usize, label: &str, progress: Progress) {
        if self == Self::Json {
            eprintln!(
                "{}",
                serde_json::json!({
                    "row": row, "rows": rows, "label": label,
                    "simulated_hours": progress.simulated_hours, "hours": progress.hours,
                })
            );
        }
    }

    /// Setting `row` of `rows` is done.
    pub fn done(self, row: usize, rows: usize, report: &RowReport) {
        match self {
            Self::Plain => eprintln!(
                "[{row}/{rows}] {}: peak {} nodes, {:.0} node-hours, p99 wait {:.1} s ({:.1} s)",
                report.label, report.peak_nodes, report.node_hours, report.wait_p99_s, report.wall_seconds
            ),
            Self::Json => eprintln!(
                "{}",
                serde_json::json!({
                    "row": row, "rows": rows, "label": report.label, "done": true,
                    "peak_nodes": report.peak_nodes, "node_hours": report.node_hours,
                    "wait_p99_s": report.wait_p99_s, "wall_seconds": report.wall_seconds,
                })
            ),
        }
    }
}

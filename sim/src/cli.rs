//! The binary's flags: the model's (see [`Model`]), the seed, and where the figures and the
//! progress go.

use crate::progress::ProgressFormat;
use clap::Parser;
use peershare_fleet_sim::Model;
use std::path::PathBuf;

/// Simulates a day of calls under each policy setting (core's allocation and scaling) and
/// writes the figures as JSON.
#[derive(Debug, Parser)]
#[command(name = "peershare-fleet-sim")]
pub struct Cli {
    /// The model: scale, node, host rhythm, callers and the settings compared.
    #[command(flatten)]
    pub model: Model,
    /// Seed of the calls and of node failures.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the JSON (default: stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// How to report progress on stderr.
    #[arg(long, value_enum, default_value_t = ProgressFormat::Plain)]
    pub progress: ProgressFormat,
}

//! `peershare-fleet-sim`: simulates a day of calls under each compared fleet setting and
//! writes the figures as JSON (`cargo xtask simulate` runs it and updates the README).

mod cli;
mod progress;

use clap::Parser;
use cli::Cli;
use peershare_fleet_sim::report::{Assumptions, FleetReport};
use peershare_fleet_sim::{Population, RowReport, SimError, simulate};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    match run(&Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("peershare-fleet-sim: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<(), SimError> {
    cli.model.validate()?;
    let started = Instant::now();
    let config = cli.model.sim_config();
    let population_config = cli.model.population_config();
    let population = Population::generate(&population_config, cli.seed)?;
    let settings = &cli.model.settings;
    let mut rows: Vec<RowReport> = Vec::new();
    for (index, setting) in settings.iter().enumerate() {
        let row_started = Instant::now();
        let mut report = |p| cli.progress.hour(index + 1, settings.len(), &setting.label, p);
        let mut row = simulate(&population, &config, setting, cli.seed, &mut report)?;
        row.wall_seconds = seconds(row_started.elapsed());
        cli.progress.done(index + 1, settings.len(), &row);
        rows.push(row);
    }
    let report = FleetReport {
        seed: cli.seed,
        assumptions: Assumptions::new(&config, &population_config, &population),
        rows,
        wall_seconds_total: seconds(started.elapsed()),
    };
    let json = serde_json::to_string_pretty(&report)?;
    match &cli.out {
        Some(path) => std::fs::write(path, json + "\n")
            .map_err(|source| SimError::Write { path: path.display().to_string(), source })?,
        None => println!("{json}"),
    }
    cli.progress.finished(settings.len(), report.wall_seconds_total);
    Ok(())
}

/// `took` in seconds, to the millisecond.
fn seconds(took: Duration) -> f64 {
    took.as_millis() as f64 / 1000.0
}

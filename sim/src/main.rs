//! `peershare-fleet-sim`: simulates a day of calls under each compared fleet setting and
//! writes the figures as JSON (`cargo xtask simulate` runs it and updates the README).

mod cli;

use clap::Parser;
use cli::{Cli, ProgressFormat};
use peershare_fleet_sim::report::{Assumptions, FleetReport};
use peershare_fleet_sim::{Population, PopulationConfig, Progress, RowReport, Setting, SimError, simulate};
use std::time::Instant;

fn main() -> Result<(), SimError> {
    let cli = Cli::parse();
    let started = Instant::now();
    let config = cli.sim_config();
    let population_config = PopulationConfig::day(cli.peak_participants);
    let population = Population::generate(&population_config, cli.seed)?;
    let settings = Setting::compared();
    let mut rows: Vec<RowReport> = Vec::new();
    for (index, setting) in settings.iter().enumerate() {
        let row_started = Instant::now();
        let mut report = |p: Progress| cli.progress.hour(index + 1, settings.len(), &setting.label, p);
        let mut row = simulate(&population, &config, setting, cli.seed, &mut report)?;
        row.wall_seconds = round(row_started.elapsed().as_secs_f64(), 2);
        cli.progress.done(index + 1, settings.len(), &row);
        rows.push(row);
    }
    let report = FleetReport {
        date: today(),
        machine_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        machine: cpu_model(),
        seed: cli.seed,
        assumptions: Assumptions::new(&config, &population_config, &population),
        rows,
        wall_seconds_total: round(started.elapsed().as_secs_f64(), 2),
    };
    let json = serde_json::to_string_pretty(&report)?;
    match &cli.out {
        Some(path) => std::fs::write(path, json + "\n")
            .map_err(|source| SimError::Write { path: path.display().to_string(), source })?,
        None => println!("{json}"),
    }
    if cli.progress == ProgressFormat::Plain {
        eprintln!("simulated {} settings in {:.1} s", settings.len(), report.wall_seconds_total);
    }
    Ok(())
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// Today's date (UTC), as the other results record it.
fn today() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "date unknown".into())
}

/// The CPU this ran on, from /proc/cpuinfo.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name").map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

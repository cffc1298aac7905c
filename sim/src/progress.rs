//! The binary's progress on stderr: a line per setting done, or JSON lines (a line per
//! simulated hour and per setting done) for `cargo xtask simulate` to draw a bar from.

use clap::ValueEnum;
use peershare_fleet_sim::{Progress, RowReport};

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

    /// Every setting is done, after `seconds`.
    pub fn finished(self, settings: usize, seconds: f64) {
        if self == Self::Plain {
            eprintln!("simulated {settings} settings in {seconds:.1} s");
        }
    }
}

//! The simulator's progress: a bar on a terminal, plain lines otherwise (CI logs). The
//! simulator reports it on stderr as one JSON object per simulated hour and per setting done.

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;
use std::io::IsTerminal;

/// Progress of one simulator run.
pub struct SimProgress {
    bar: Option<ProgressBar>,
}

impl SimProgress {
    /// A bar when stderr is a terminal.
    pub fn new() -> anyhow::Result<Self> {
        let bar = if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} simulated h  {msg}",
            )?;
            Some(ProgressBar::new(0).with_style(style))
        } else {
            None
        };
        Ok(Self { bar })
    }

    /// One line the simulator wrote to stderr.
    pub fn line(&mut self, line: &str) {
        let Ok(report) = serde_json::from_str::<Value>(line) else {
            return self.print(line);
        };
        let (Some(row), Some(rows)) = (report["row"].as_u64(), report["rows"].as_u64()) else {
            return self.print(line);
        };
        let label = report["label"].as_str().unwrap_or("?");
        if report["done"].as_bool() == Some(true) {
            self.print(&format!(
                "    [{row}/{rows}] {label}: peak {} nodes, {:.0} node-hours, p99 wait {:.1} s; simulated in {:.1} s",
                report["peak_nodes"],
                report["node_hours"].as_f64().unwrap_or(f64::NAN),
                report["wait_p99_s"].as_f64().unwrap_or(f64::NAN),
                report["wall_seconds"].as_f64().unwrap_or(f64::NAN),
            ));
            if row == rows {
                // Cleared before the step's closing line is printed.
                self.finish();
            }
            return;
        }
        let (hour, hours) =
            (report["simulated_hours"].as_u64().unwrap_or(0), report["hours"].as_u64().unwrap_or(0));
        match &self.bar {
            Some(bar) => {
                bar.set_length(rows * hours);
                bar.set_position((row - 1) * hours + hour);
                bar.set_message(format!("[{row}/{rows}] {label}"));
            }
            None if hour == 0 => eprintln!("    [{row}/{rows}] {label}: simulating {hours} h"),
            None => {}
        }
    }

    /// Removes the bar; later lines are printed plainly.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn print(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

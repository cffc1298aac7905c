//! Running steps loudly: a banner per step, its duration, and a summary at the end.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The workspace root (the parent of this crate's folder).
pub fn workspace_root() -> PathBuf {
    // `cargo run` says where xtask is at run time; the build-time path can be another clone's
    // when clones share a target directory and cargo finds the binary fresh.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Where cargo puts build output, honouring `CARGO_TARGET_DIR`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds a command from a program and arguments.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

/// Timed steps of one task.
#[derive(Default)]
pub struct Steps {
    done: Vec<(String, Duration)>,
}

impl Steps {
    /// Runs `command` as step `name`; fails the whole task if it fails.
    pub fn run(&mut self, name: &str, mut command: Command) -> anyhow::Result<()> {
        eprintln!("\n==> {name}\n    $ {}", describe(&command));
        let started = Instant::now();
        let status = command.status().with_context(|| format!("cannot start `{}`", describe(&command)))?;
        self.finish(name, status, started.elapsed())
    }

    /// Runs `command` as step `name` like [`Steps::run`], handing each line it writes to
    /// stderr to `on_line` (to show it as progress) instead of passing it through.
    pub fn run_reading_stderr(
        &mut self,
        name: &str,
        mut command: Command,
        mut on_line: impl FnMut(&str),
    ) -> anyhow::Result<()> {
        eprintln!("\n==> {name}\n    $ {}", describe(&command));
        let started = Instant::now();
        let mut child = command
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start `{}`", describe(&command)))?;
        let read = child.stderr.take().map_or(Ok(()), |stderr| for_each_line(stderr, &mut on_line));
        // Waited for whatever reading did, so the child is never left unreaped.
        let status = child.wait().with_context(|| format!("waiting for `{}`", describe(&command)))?;
        read.with_context(|| format!("reading the stderr of `{}`", describe(&command)))?;
        self.finish(name, status, started.elapsed())
    }

    fn finish(&mut self, name: &str, status: ExitStatus, took: Duration) -> anyhow::Result<()> {
        if !status.success() {
            self.summary();
            eprintln!("\n!!! FAILED: {name} ({status}) after {:.1}s", took.as_secs_f64());
            bail!("step failed: {name}");
        }
        eprintln!("<== {name}: ok in {:.1}s", took.as_secs_f64());
        self.done.push((name.to_owned(), took));
        Ok(())
    }

    /// Prints the steps that passed and how long each took.
    pub fn summary(&self) {
        eprintln!("\nsteps passed:");
        for (name, took) in &self.done {
            eprintln!("  {:>7.1}s  {name}", took.as_secs_f64());
        }
        let total: Duration = self.done.iter().map(|(_, d)| *d).sum();
        eprintln!("  {:>7.1}s  total", total.as_secs_f64());
    }
}

/// Hands each line of `from` to `on_line`, without its line ending; bytes that are not UTF-8
/// are replaced, not an error.
fn for_each_line(from: impl Read, on_line: &mut impl FnMut(&str)) -> std::io::Result<()> {
    let mut reader = BufReader::new(from);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        on_line(String::from_utf8_lossy(&line).trim_end_matches(['\n', '\r']));
    }
}

fn describe(command: &Command) -> String {
    let mut s = command.get_program().to_string_lossy().into_owned();
    for a in command.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_are_not_utf8_are_passed_on_replaced() {
        let mut lines = Vec::new();
        for_each_line(&b"one\n\xffbad\r\nlast"[..], &mut |l: &str| lines.push(l.to_owned())).expect("read");
        assert_eq!(lines, ["one", "\u{fffd}bad", "last"]);
    }
}

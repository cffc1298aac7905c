//! A release `peershare dev` as a child process, for benchmarks that measure it from outside.

use crate::steps::target_dir;
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `peershare dev`; killed on drop.
pub struct ServerProcess {
    child: Child,
    /// `host:port` it listens on.
    pub addr: String,
}

impl ServerProcess {
    /// Starts the release binary on a free loopback port and waits for its address line.
    pub fn start() -> anyhow::Result<Self> {
        Self::start_binary(&target_dir().join("release/peershare"))
    }

    /// Starts `bin` (a `peershare`) on a free loopback port and waits for its address line.
    pub fn start_binary(bin: &Path) -> anyhow::Result<Self> {
        Self::start_with(bin, &[])
    }

    /// Starts `bin` with `extra` flags on a free loopback port and waits for its address line.
    pub fn start_with(bin: &Path, extra: &[&str]) -> anyhow::Result<Self> {
        let data_dir = std::env::temp_dir().join(format!("peershare-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        let mut child = Command::new(bin)
            // The load comes from this one address: thousands of sockets.
            .args([
                "dev",
                "--listen",
                "127.0.0.1:0",
                "--room-capacity",
                "8",
                "--max-connections-per-ip",
                "100000",
            ])
            .args(extra)
            .arg("--data-dir")
            .arg(&data_dir)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut line = String::new();
        let mut reader = BufReader::new(stdout);
        reader.read_line(&mut line)?;
        // Whatever else it prints is read, so it never writes to a closed pipe.
        std::thread::spawn(move || {
            let mut rest = String::new();
            while reader.read_line(&mut rest).is_ok_and(|n| n > 0) {
                rest.clear();
            }
        });
        let Some(addr) = line.split("http://").nth(1).and_then(|rest| rest.split('/').next()) else {
            bail!("unexpected first line from peershare: {line:?}");
        };
        Ok(Self { addr: addr.to_owned(), child })
    }

    /// Peak resident memory of the process so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        peak_rss_kib(self.child.id())
    }
}

/// Peak resident memory of process `pid` so far (VmHWM), in KiB.
pub fn peak_rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmHWM in /proc status")
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

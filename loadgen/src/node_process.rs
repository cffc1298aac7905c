//! The media node under test as its own process, so its CPU time and memory can be read from
//! `/proc` apart from the load generator's.

use anyhow::Context;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running `peershare-media-node`.
#[derive(Debug)]
pub struct NodeProcess {
    child: Child,
    pid: u32,
    /// Where its control API listens.
    pub http: SocketAddr,
    /// Where its operators' routes (`/health`, `/metrics`) listen.
    pub ops: SocketAddr,
    clock_ticks: f64,
}

impl NodeProcess {
    /// Starts `binary` on loopback ports trusting `public_key`, with `extra` arguments;
    /// returns once it listens.
    pub async fn start(
        binary: &Path,
        node_id: &str,
        public_key: &str,
        capacity: u32,
        extra: &[&std::ffi::OsStr],
    ) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .args(["--udp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"])
            .args(["--node-id", node_id])
            // `=`: a base64url key may start with `-`, which would read as a flag.
            .arg(format!("--public-key={public_key}"))
            .args(["--capacity", &capacity.to_string()])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let pid = child.id().context("the node exited at once")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        // "… HTTP http://<control>/ (health and metrics: http://<ops>/)"
        let (http, ops) = loop {
            let line = lines.next_line().await?.context("the node exited before listening")?;
            let mut urls =
                line.split("http://").skip(1).map(|rest| rest.split('/').next().unwrap_or_default());
            if let (Some(http), Some(ops)) = (urls.next(), urls.next()) {
                break (http.parse::<SocketAddr>()?, ops.parse::<SocketAddr>()?);
            }
        };
        Ok(Self { child, pid, http, ops, clock_ticks: clock_ticks_per_second() })
    }

    /// CPU seconds (user + system) the node has used so far.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        process_cpu_seconds(&self.pid.to_string(), self.clock_ticks)
    }

    /// CPU seconds the load generator itself has used so far.
    pub fn own_cpu_seconds(&self) -> anyhow::Result<f64> {
        process_cpu_seconds("self", self.clock_ticks)
    }

    /// Resident memory of the node in bytes.
    pub fn rss_bytes(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        let kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .context("no VmRSS")?;
        Ok(kib * 1024)
    }

    /// Stops the node.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    /// Kills the node at once (SIGKILL), as a crash would: nothing of it runs after this.
    pub async fn crash(mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// CPU seconds this process's finished children used (what ffmpeg runs cost).
    pub fn children_cpu_seconds() -> anyhow::Result<f64> {
        children_cpu_seconds(clock_ticks_per_second())
    }
}

/// User + system CPU seconds of `/proc/<pid>`.
fn process_cpu_seconds(pid: &str, clock_ticks: f64) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let rest = stat.rsplit_once(')').context("malformed /proc stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    Ok((ticks(11) + ticks(12)) / clock_ticks)
}

/// User + system CPU seconds of this process's children that were waited for.
fn children_cpu_seconds(clock_ticks: f64) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // cutime and cstime are the 16th and 17th fields.
    let rest = stat.rsplit_once(')').context("malformed /proc stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    Ok((ticks(13) + ticks(14)) / clock_ticks)
}

/// `getconf CLK_TCK`, which is 100 on every Linux this runs on.
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .unwrap_or(100.0)
}

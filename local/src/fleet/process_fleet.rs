//! The local scaler: `peershare-media-node` child processes on loopback, each on ports of its
//! own, joining this server's registry with the fleet's secret.

use async_trait::async_trait;
use peershare_functions::fleet::{Scaler, ScalerError};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// How long a retired node may take to exit by itself before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(10);
/// How long a new node process may take to register: meanwhile capacity is still coming.
const STARTUP_GRACE: Duration = Duration::from_secs(30);

/// What every node process is started with.
#[derive(Debug, Clone)]
pub struct NodeLaunch {
    /// The `peershare-media-node` binary.
    pub binary: PathBuf,
    /// This server's base URL (the registry's).
    pub registry_url: String,
    /// The fleet's secret.
    pub secret: String,
    /// The public key of this server's media tokens (base64url).
    pub public_key: String,
    /// Participants per node.
    pub capacity: u32,
    /// Recording flags for the node (`--recordings-dir …` or the bucket's).
    pub recording_args: Vec<String>,
    /// Whether the node serves its control API over TLS with a certificate it makes itself
    /// and registers its SHA-256 (for a fleet reached through this server).
    pub tls_self_signed: bool,
}

/// A node process.
#[derive(Debug)]
struct NodeProcess {
    id: String,
    child: Child,
    started: Instant,
}

/// Node processes of this server, at most `max`.
#[derive(Debug)]
pub struct ProcessFleet {
    launch: NodeLaunch,
    max: u32,
    running: Mutex<Vec<NodeProcess>>,
    next: AtomicU32,
}

impl ProcessFleet {
    /// A fleet of at most `max` processes started as `launch` says.
    pub fn new(launch: NodeLaunch, max: u32) -> Self {
        Self { launch, max, running: Mutex::new(Vec::new()), next: AtomicU32::new(1) }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, Vec<NodeProcess>> {
        self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Ids and process ids of the nodes running now.
    pub fn nodes(&self) -> Vec<(String, Option<u32>)> {
        self.running().iter().map(|p| (p.id.clone(), p.child.id())).collect()
    }

    /// The nodes whose process has exited since the last call (forgotten here).
    pub fn reap_exited(&self) -> Vec<String> {
        let mut running = self.running();
        let mut exited = Vec::new();
        running.retain_mut(|p| match p.child.try_wait() {
            Ok(None) => true,
            Ok(Some(status)) => {
                tracing::info!(node = %p.id, %status, "media node process exited");
                exited.push(p.id.clone());
                false
            }
            Err(e) => {
                tracing::warn!(node = %p.id, error = %e, "cannot tell whether a media node process runs");
                true
            }
        });
        exited
    }

    fn spawn(&self) -> Result<NodeProcess, ScalerError> {
        let id = format!("local-{}", self.next.fetch_add(1, Ordering::Relaxed));
        let launch = &self.launch;
        let child = Command::new(&launch.binary)
            .args(["--node-id", &id])
            .arg(format!("--public-key={}", launch.public_key))
            .args(["--udp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"])
            .args(["--capacity", &launch.capacity.to_string(), "--region", "local"])
            .args(["--registry-url", &launch.registry_url])
            .args(&launch.recording_args)
            .args(launch.tls_self_signed.then_some("--tls-self-signed"))
            .env("PEERSHARE_FLEET_SECRET", &launch.secret)
            // Its ready line is for whoever starts a node by hand: this server learns of it from
            // the registry, and a node must not die because this server's stdout closed.
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| ScalerError(format!("cannot start {}: {e}", launch.binary.display())))?;
        tracing::info!(node = %id, pid = child.id(), "media node process started");
        Ok(NodeProcess { id, child, started: Instant::now() })
    }
}

#[async_trait]
impl Scaler for ProcessFleet {
    /// Room for another process, or one started moments ago that may not have registered yet.
    fn can_grow(&self) -> bool {
        let running = self.running();
        (running.len() as u32) < self.max || running.iter().any(|p| p.started.elapsed() < STARTUP_GRACE)
    }

    async fn grow_to(&self, region: &str, nodes: u32) -> Result<(), ScalerError> {
        if region != "local" {
            return Ok(());
        }
        let wanted = nodes.min(self.max) as usize;
        let mut running = self.running();
        while running.len() < wanted {
            let process = self.spawn()?;
            running.push(process);
        }
        Ok(())
    }

    async fn retire(&self, id: &str, _region: &str) -> Result<(), ScalerError> {
        let process = {
            let mut running = self.running();
            let Some(at) = running.iter().position(|p| p.id == id) else { return Ok(()) };
            running.remove(at)
        };
        // A drained node exits by itself once it left; a dead or stuck one is killed.
        let mut child = process.child;
        let id = id.to_owned();
        tokio::spawn(async move {
            if tokio::time::timeout(EXIT_GRACE, child.wait()).await.is_err() {
                tracing::warn!(node = %id, "retired media node did not exit; killing it");
                let _ = child.kill().await;
            }
        });
        Ok(())
    }
}

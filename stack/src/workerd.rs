//! The Worker in workerd on the project's config (`edge/workerd.capnp`): the built Worker
//! (`edge/build`, from `cargo xtask edge`), its Durable Objects stored in a folder of its own,
//! and the given vars as its only environment.

use crate::WorkerVars;
use anyhow::{Context, bail};
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// How long workerd may take to answer `/healthz`.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// Where the Worker comes from and what it serves.
#[derive(Debug, Clone)]
pub struct WorkerdConfig {
    /// The repository's `edge/` folder: `workerd.capnp`, the built Worker (`build/`) and workerd
    /// (`node_modules/.bin/workerd`).
    pub edge_dir: PathBuf,
    /// The web client the Worker serves (its assets); `None`: an empty folder.
    pub assets: Option<PathBuf>,
    /// Where workerd's output goes.
    pub log: WorkerdLog,
}

/// Where workerd's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerdLog {
    /// `workerd.log` in its folder.
    Folder,
    /// This process's standard error (both of workerd's streams).
    Stderr,
}

/// A running workerd; killed when dropped, and its folder removed.
pub struct Workerd {
    /// Where the Worker listens.
    pub addr: SocketAddr,
    /// The folder with the Durable Objects' storage (`rooms/`) and workerd's log.
    pub dir: PathBuf,
    config: WorkerdConfig,
    process: Child,
    /// Whether dropping removes `dir` (not when the storage lives on in a restart).
    remove_dir: bool,
}

impl Drop for Workerd {
    fn drop(&mut self) {
        let _ = self.process.start_kill();
        if self.remove_dir {
            // Once workerd has exited (it writes its storage until then), within 5 s.
            for _ in 0..100 {
                if !matches!(self.process.try_wait(), Ok(None)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Workerd {
    /// A free loopback address for a workerd started later with [`Workerd::start_at`] (for an
    /// API that must know the Worker's address before it starts).
    pub fn reserve() -> anyhow::Result<SocketAddr> {
        TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).context("a free port")
    }

    /// Starts workerd on a free loopback address with `vars`, in a fresh folder.
    pub async fn start(config: &WorkerdConfig, vars: &WorkerVars) -> anyhow::Result<Self> {
        Self::start_at(config, Self::reserve()?, vars).await
    }

    /// Starts workerd on `addr` with `vars`, in a fresh folder.
    pub async fn start_at(
        config: &WorkerdConfig,
        addr: SocketAddr,
        vars: &WorkerVars,
    ) -> anyhow::Result<Self> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("peershare-workerd-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("rooms")).context("a folder for workerd")?;
        let started = Self::start_in(config.clone(), dir.clone(), addr, vars).await;
        if started.is_err() && config.log != WorkerdLog::Folder {
            // Nothing to look at in it.
            let _ = std::fs::remove_dir_all(&dir);
        }
        started
    }

    /// Kills workerd, every socket with it, and starts it again with `vars` on the same address
    /// and storage.
    pub async fn restart(mut self, vars: &WorkerVars) -> anyhow::Result<Self> {
        let _ = self.process.kill().await;
        self.remove_dir = false;
        let (config, dir, addr) = (self.config.clone(), self.dir.clone(), self.addr);
        drop(self);
        Self::start_in(config, dir, addr, vars).await
    }

    /// Kills workerd and removes its folder once it has exited.
    pub async fn stop(mut self) {
        let _ = self.process.kill().await;
        self.remove_dir = false;
        let _ = std::fs::remove_dir_all(&self.dir);
    }

    /// `http://` and its address.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// workerd's process id (for its memory in `/proc`); none once it has exited.
    pub fn pid(&self) -> Option<u32> {
        self.process.id()
    }

    /// Starts workerd on the folder (and storage) `dir`, fresh or of an earlier run.
    async fn start_in(
        config: WorkerdConfig,
        dir: PathBuf,
        addr: SocketAddr,
        vars: &WorkerVars,
    ) -> anyhow::Result<Self> {
        // workerd runs in `dir`: every path it is given is absolute.
        let edge = &std::path::absolute(&config.edge_dir)?;
        let (build, workerd) = (edge.join("build"), edge.join("node_modules/.bin/workerd"));
        if !(build.join("index.js").is_file() && build.join("index_bg.wasm").is_file()) {
            bail!(
                "the Worker is not built in {}: run `cargo xtask edge` (worker-build into edge/build)",
                edge.display()
            );
        }
        if !workerd.is_file() {
            bail!("workerd is not installed in {}: run `cargo xtask deps` (npm ci in edge/)", edge.display());
        }
        let assets = match &config.assets {
            Some(assets) if assets.is_dir() => std::path::absolute(assets)?,
            Some(assets) => bail!("no web client to serve at {}", assets.display()),
            None => {
                let empty = dir.join("assets");
                std::fs::create_dir_all(&empty)?;
                empty
            }
        };
        let (stdout, stderr) = match config.log {
            WorkerdLog::Folder => {
                let log = std::fs::File::create(dir.join("workerd.log")).context("workerd's log")?;
                (Stdio::from(log.try_clone()?), Stdio::from(log))
            }
            WorkerdLog::Stderr => (Stdio::from(std::io::stderr()), Stdio::from(std::io::stderr())),
        };
        // The project's own workerd config; the vars come from the environment, which this
        // process does not pass on.
        let mut process = Command::new(&workerd)
            .args(["serve", "--experimental"])
            .arg(edge.join("workerd.capnp"))
            .arg(format!("--socket-addr=http={addr}"))
            .arg(format!("--directory-path=rooms={}", dir.join("rooms").display()))
            .arg(format!("--directory-path=assets={}", assets.display()))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(vars.env())
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", workerd.display()))?;
        let log = match config.log {
            WorkerdLog::Folder => format!("its log: {}", dir.join("workerd.log").display()),
            WorkerdLog::Stderr => "its log is above".to_owned(),
        };
        let deadline = tokio::time::Instant::now() + READY_WITHIN;
        let health = format!("http://{addr}/healthz");
        while !reqwest::get(&health).await.is_ok_and(|r| r.status().is_success()) {
            if let Some(status) = process.try_wait()? {
                bail!("workerd exited ({status}) before it answered on {addr}; {log}");
            }
            if tokio::time::Instant::now() > deadline {
                bail!("workerd did not answer on {addr} within {READY_WITHIN:?}; {log}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(Self { addr, dir, config, process, remove_dir: true })
    }
}

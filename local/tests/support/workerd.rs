//! The Worker running in workerd, the open-source Workers runtime, on the project's config
//! (`edge/workerd.capnp`): the built Worker (`edge/build`, from `cargo xtask edge`), its Durable
//! Objects persisted to a folder of the test, and the given vars.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

/// A running workerd; killed when dropped, and its folder removed.
pub struct Workerd {
    /// Where the Worker listens.
    pub addr: SocketAddr,
    /// The folder with workerd's log and the Durable Objects' storage.
    pub dir: PathBuf,
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

fn edge_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../edge")
}

impl Workerd {
    /// A free loopback address for a workerd to be started later with [`Workerd::start_at`]
    /// (for an API that must know the Worker's address before it starts).
    pub fn reserve() -> SocketAddr {
        TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port")
    }

    /// Starts workerd with `bindings` as the Worker's text vars, in a fresh folder.
    pub async fn start(bindings: &[(&str, String)]) -> Self {
        Self::start_at(Self::reserve(), bindings).await
    }

    /// Starts workerd on `addr` with `bindings` as the Worker's text vars, in a fresh folder.
    pub async fn start_at(addr: SocketAddr, bindings: &[(&str, String)]) -> Self {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("peershare-workerd-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("rooms")).expect("a state folder");
        Self::start_in(dir, bindings, addr).await
    }

    /// Kills workerd, every socket with it, and starts it again on the same storage.
    pub async fn restart(mut self, bindings: &[(&str, String)]) -> Self {
        let _ = self.process.kill().await;
        self.remove_dir = false;
        let dir = self.dir.clone();
        drop(self);
        Self::start_in(dir, bindings, Self::reserve()).await
    }

    /// Starts workerd on the folder (and storage) of an earlier run, as after a restart.
    async fn start_in(dir: PathBuf, bindings: &[(&str, String)], addr: SocketAddr) -> Self {
        let edge = edge_dir();
        let build = edge.join("build");
        let workerd = edge.join("node_modules/.bin/workerd");
        assert!(
            build.join("index.js").is_file() && build.join("index_bg.wasm").is_file(),
            "the Worker is not built: run `cargo xtask edge` (worker-build into edge/build)"
        );
        assert!(workerd.is_file(), "workerd is not installed: run `cargo xtask deps` (npm ci in edge/)");
        // A stand-in web client: the tests check how pages are served, not the app.
        let web = super::test_web_dir();
        let log = std::fs::File::create(dir.join("workerd.log")).expect("a log file");
        // The project's own workerd config (edge/workerd.capnp); the vars come from the
        // environment, which this process does not pass on.
        let process = Command::new(&workerd)
            .args(["serve", "--experimental"])
            .arg(edge.join("workerd.capnp"))
            .arg(format!("--socket-addr=http={addr}"))
            .arg(format!("--directory-path=rooms={}", dir.join("rooms").display()))
            .arg(format!("--directory-path=assets={}", web.display()))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(bindings.iter().map(|(name, value)| (*name, value.as_str())))
            .current_dir(&dir)
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("workerd starts");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        let health = format!("http://{addr}/healthz");
        loop {
            if reqwest::get(&health).await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "workerd did not answer within 60 s; its log: {}",
                dir.join("workerd.log").display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { addr, dir, process, remove_dir: true }
    }
}

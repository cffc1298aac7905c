//! The AWS stand-in of PeerShare's tests (DynamoDB, S3, EC2 Auto Scaling and SSM Parameter Store
//! speaking the real wire protocol): one moto server per test binary, started on first use on a free loopback
//! port and gone when the binary exits (it reads its standard input, whose other end only this process holds, and
//! exits at end of file). The server is moto from `PEERSHARE_MOTO_SERVER` (the path of a
//! `moto_server`), else from `~/.cache/peershare/venv`, which `cargo xtask deps` installs; it
//! is run through `serial_moto.py` beside this crate's manifest, which answers one request at a time
//! (moto's own server is not safe under concurrent transactions). Missing moto fails the
//! tests: it is never a reason to skip them.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long moto may take to answer after starting.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// How often readiness is polled until then.
const POLL_EVERY: Duration = Duration::from_millis(50);

struct Moto {
    endpoint: String,
    _process: Child,
    _lifeline: ChildStdin,
}

/// The URL of this binary's moto server, starting it on first use.
pub fn endpoint() -> &'static str {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    &MOTO.get_or_init(start).endpoint
}

fn start() -> Moto {
    let server = moto_server();
    let python = python_beside(&server);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("serial_moto.py");
    let port = free_port();
    let log_path = std::env::temp_dir().join(format!("peershare-moto-{}.log", std::process::id()));
    let log = File::create(&log_path).expect("creates moto's log file");
    let mut process = Command::new(&python)
        .arg(&script)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(log.try_clone().expect("clones the log file handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start moto with {}: {e}", python.display()));
    let lifeline = process.stdin.take().expect("moto's stdin is piped");
    let deadline = Instant::now() + READY_WITHIN;
    while !answers(port) {
        if let Some(status) = process.try_wait().expect("polls moto") {
            panic!("moto exited ({status}) before answering; its log: {}", log_path.display());
        }
        assert!(
            Instant::now() < deadline,
            "moto did not answer /moto-api/ within {READY_WITHIN:?}; its log: {}",
            log_path.display()
        );
        std::thread::sleep(POLL_EVERY);
    }
    Moto { endpoint: format!("http://127.0.0.1:{port}"), _process: process, _lifeline: lifeline }
}

/// An Auto Scaling client of this binary's moto server in `region` (moto keeps each region's
/// groups apart, as AWS does; any credentials do).
#[cfg(feature = "autoscaling")]
pub fn autoscaling_client(region: &str) -> aws_sdk_autoscaling::Client {
    use aws_sdk_autoscaling::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_autoscaling::Client::from_conf(
        aws_sdk_autoscaling::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
            .build(),
    )
}

/// A DynamoDB client of this binary's moto server (any credentials do).
#[cfg(feature = "dynamodb")]
pub fn dynamodb_client() -> aws_sdk_dynamodb::Client {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
            .build(),
    )
}

/// An S3 client of this binary's moto server (path-style addressing, any credentials).
#[cfg(feature = "s3")]
pub fn s3_client() -> aws_sdk_s3::Client {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint())
            .force_path_style(true)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
            .build(),
    )
}

/// An SSM client of this binary's moto server: Parameter Store, SecureString included (moto
/// hands the value back when asked to decrypt; any credentials do).
#[cfg(feature = "ssm")]
pub fn ssm_client() -> aws_sdk_ssm::Client {
    use aws_sdk_ssm::config::{BehaviorVersion, Credentials, Region};
    aws_sdk_ssm::Client::from_conf(
        aws_sdk_ssm::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
            .build(),
    )
}

/// `PEERSHARE_MOTO_SERVER`, else the project venv's `moto_server`; fails when it is missing.
fn moto_server() -> PathBuf {
    let path = std::env::var_os("PEERSHARE_MOTO_SERVER").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(".cache/peershare/venv/bin/moto_server")
    });
    assert!(
        path.is_file(),
        "moto_server not found at {}: PeerShare's AWS tests need moto. Run `cargo xtask deps` \
         (installs moto[server] into ~/.cache/peershare/venv) or set PEERSHARE_MOTO_SERVER to a moto_server.",
        path.display()
    );
    path
}

/// The Python interpreter installed with `moto_server` (a venv's or pyenv's `bin/`).
fn python_beside(server: &Path) -> PathBuf {
    let dir = server.parent().unwrap_or(Path::new("."));
    ["python3", "python"].iter().map(|name| dir.join(name)).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("no python3 beside {}: point PEERSHARE_MOTO_SERVER into a venv's bin/", server.display())
    })
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binds a free loopback port");
    listener.local_addr().expect("has an address").port()
}

/// Whether `GET /moto-api/` answers 200.
fn answers(port: u16) -> bool {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_secs(1)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream.write_all(b"GET /moto-api/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut status = [0u8; 12];
    stream.read_exact(&mut status).is_ok() && status.ends_with(b" 200")
}

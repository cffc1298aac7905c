//! A fleet node whose registry is out of reach: it keeps trying while anyone could be sent to
//! it, and exits once it has gone `--orphan-after-secs` without reaching the registry with
//! nobody connected (its starter may be gone: a `peershare dev` killed without stopping its
//! nodes). Run as the real binary, against an address where nothing listens.

use peershare_media_node::token::MediaTokenKeys;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Generous: the machine may be busy.
const DEADLINE: Duration = Duration::from_secs(60);

/// A loopback address nothing listens on (bound, then released).
fn unreachable_registry() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{addr}")
}

fn node(orphan_after_secs: &str) -> tokio::process::Child {
    let keys = MediaTokenKeys::generate().expect("keys");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_peershare-media-node"))
        .args(["--udp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"])
        .args(["--node-id", "orphan-node", "--registry-url", &unreachable_registry()])
        .args(["--fleet-secret", "fleet-secret-0123456789abcdef", "--orphan-after-secs", orphan_after_secs])
        .arg(format!("--public-key={}", keys.public_key()))
        .arg("--recordings-dir")
        .arg(std::env::temp_dir().join(format!("peershare-orphan-{}", std::process::id())))
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the node starts")
}

#[tokio::test]
async fn an_empty_node_that_cannot_reach_its_registry_exits_after_the_orphan_period() {
    let started = Instant::now();
    let mut orphan = node("1");
    let status =
        tokio::time::timeout(DEADLINE, orphan.wait()).await.expect("it exits in time").expect("waits");
    assert!(status.success(), "a clean exit: {status}");
    assert!(started.elapsed() >= Duration::from_secs(1), "not before the orphan period");

    // With the period off, the node keeps trying: still running well past one second.
    let mut patient = node("0");
    let waited = tokio::time::timeout(Duration::from_secs(3), patient.wait()).await;
    assert!(waited.is_err(), "a node told never to give up is still running: {waited:?}");
}

//! The node starts with exactly the environment systemd gives it on a fleet instance: the
//! unit's `Environment=` lines and the env file the user data's setup script writes (rendered
//! from its heredoc with an instance's values: loopback addresses, a fresh media key, test
//! ports), and nothing else. It comes up, answers `/health` as the node the env file names,
//! logs JSON, keeps going when its registry does not answer, and on SIGTERM exits cleanly
//! within the unit's `TimeoutStopSec`, even with that registry (leaving it then takes the
//! node's full request timeout).
//!
//! systemd adds variables of its own (`PATH`, `LANG`, `INVOCATION_ID`, `JOURNAL_STREAM`, and
//! for a dynamic user `USER`, `HOME=/`…); the node reads none of them, so they are left out.

mod infra;

use infra::{Ports, UNIT, Unit, instance_values, parse_env_file, placeholder_values, read};
use peershare_media_node::control_api::Health;
use peershare_media_node::token::MediaTokenKeys;
use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Generous: the machine may be busy.
const DEADLINE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn the_node_starts_and_stops_cleanly_with_exactly_the_environment_the_unit_gives_it() {
    // A registry that accepts connections and never answers: the node keeps trying to register
    // (the unit never lets it give up), and on SIGTERM its leave waits out its request timeout.
    let registry = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let registry_url = format!("http://{}", registry.local_addr().expect("its address"));

    let unit = Unit::parse(&read(UNIT));
    let keys = MediaTokenKeys::generate().expect("keys");
    let shell = instance_values(&keys.public_key());
    let ports = Ports { media_udp: 0, control: 0, ..Ports::recommended() };
    let user_data = infra::user_data(&placeholder_values(&registry_url, &ports));
    let env_file = infra::rendered_env_file(&infra::setup_script(&user_data), &shell);
    let from_file = parse_env_file(&env_file);
    let from_unit = unit.environment();
    let file_names: BTreeSet<&str> = from_file.iter().map(|(k, _)| k.as_str()).collect();
    for (name, _) in &from_unit {
        assert!(!file_names.contains(name.as_str()), "{name} is set by both the unit and the env file");
    }

    // The unit's ops address is a fixed loopback port: say so plainly if something holds it.
    let ops = from_unit.iter().find(|(k, _)| k == "PEERSHARE_MEDIA_OPS_LISTEN").map(|(_, v)| v.clone());
    let ops = ops.expect("the unit sets the ops address");
    drop(std::net::TcpListener::bind(&ops).unwrap_or_else(|e| {
        panic!("{ops}, the unit's ops address, is taken on this machine ({e}): stop what listens there")
    }));

    let mut node = tokio::process::Command::new(env!("CARGO_BIN_EXE_peershare-media-node"))
        .env_clear()
        .envs(from_unit.iter().chain(&from_file).map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the node starts");
    // Its log, line by line as it comes, and whole at the end.
    let mut stderr = BufReader::new(node.stderr.take().expect("stderr")).lines();
    let (line_tx, mut log_lines) = tokio::sync::mpsc::unbounded_channel();
    let logs = tokio::spawn(async move {
        let mut text = String::new();
        while let Ok(Some(line)) = stderr.next_line().await {
            text.push_str(&line);
            text.push('\n');
            let _ = line_tx.send(line);
        }
        text
    });

    let mut stdout = BufReader::new(node.stdout.take().expect("stdout")).lines();
    let ready = tokio::time::timeout(DEADLINE, stdout.next_line())
        .await
        .expect("the node says it is ready in time")
        .expect("reads stdout");
    let ready = ready.unwrap_or_else(|| panic!("the node exited before it was ready: {:?}", node.try_wait()));
    assert!(ready.starts_with("media node i-0123456789abcdef0 on UDP 127.0.0.1:"), "{ready}");
    assert!(ready.ends_with(&format!("(health and metrics: http://{ops}/)")), "{ready}");
    assert!(ready.contains(" and HTTP https://"), "the control API serves the certificate it pins: {ready}");

    let health: Health = reqwest::get(format!("http://{ops}/health"))
        .await
        .expect("the ops listener answers")
        .error_for_status()
        .expect("healthy")
        .json()
        .await
        .expect("a health body");
    assert_eq!(health.status, "ok");
    assert_eq!(health.node_id, "i-0123456789abcdef0", "the env file's node id (the instance id)");
    assert_eq!(health.capacity, 500, "the env file's capacity");
    assert!(health.media_addr.starts_with("127.0.0.1:"), "{}", health.media_addr);

    // The registry never answers: the node's first registration times out, and it carries on
    // (in the cloud it never gives up: the fleet, not the node, ends an instance).
    let failed = tokio::time::timeout(DEADLINE, async {
        while let Some(line) = log_lines.recv().await {
            if line.contains("could not register") {
                return true;
            }
        }
        false
    });
    assert!(failed.await.expect("a registration fails in time"), "the node logged its failed registration");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(node.try_wait().expect("polls").is_none(), "the node gave up on its registry and exited");

    let stop_within =
        Duration::from_secs(unit.value("Service", "TimeoutStopSec").parse().expect("plain seconds"));
    assert_eq!(unit.value("Service", "KillSignal"), "SIGTERM");
    let pid = node.id().expect("running").to_string();
    let sent = Instant::now();
    let kill = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(kill.success(), "SIGTERM sent");
    let status = tokio::time::timeout(stop_within, node.wait())
        .await
        .unwrap_or_else(|_| panic!("the node did not stop within TimeoutStopSec ({stop_within:?})"))
        .expect("waits");
    assert!(status.success(), "a clean exit on SIGTERM: {status}");
    let stopped_in = sent.elapsed();

    let logs = logs.await.expect("stderr read");
    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "the node logged (at least its failed leave)");
    for line in &lines {
        assert!(serde_json::from_str::<serde_json::Value>(line).is_ok(), "not a JSON log line: {line}");
    }
    assert!(
        logs.contains("could not leave the registry"),
        "SIGTERM made the node leave the registry first (here: it tried, and gave up in {stopped_in:?}):\n{logs}"
    );
    drop(registry);
}

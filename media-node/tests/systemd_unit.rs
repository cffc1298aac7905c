//! The media node's systemd unit (`infra/media-node/peershare-media-node.service`), checked by
//! systemd itself: `systemd-analyze verify` (the unit loads, every key is one systemd knows,
//! its command is executable) and `systemd-analyze security --offline` (its sandbox, scored),
//! plus the settings the node and the fleet depend on.

mod infra;

use infra::{TempDir, UNIT, Unit, read};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the user data installs the binary, and so where the unit runs it from.
const INSTALLED_BINARY: &str = "/usr/local/bin/peershare-media-node";

/// Highest exposure `systemd-analyze security` may give the unit, in tenths (its `--threshold`):
/// 1.5 on its scale of 0 (locked down) to 10 (unprotected); the unit scores 1.1 with systemd 252.
const EXPOSURE_THRESHOLD: &str = "15";

/// A copy of the unit in a folder of its own, whose `ExecStart=` runs the binary cargo built
/// instead of the installed one: `systemd-analyze verify` checks that the command exists and is
/// executable, and /usr/local/bin/peershare-media-node exists only on an instance. Nothing else
/// of the unit changes; the copy keeps the unit's name, which `verify` reads the type from.
fn unit_with_built_binary() -> (PathBuf, TempDir) {
    let text = read(UNIT);
    let unit = Unit::parse(&text);
    assert_eq!(unit.value("Service", "ExecStart"), INSTALLED_BINARY, "the unit runs the installed binary");
    let built = env!("CARGO_BIN_EXE_peershare-media-node");
    let line = format!("ExecStart={INSTALLED_BINARY}");
    assert_eq!(text.lines().filter(|l| *l == line).count(), 1, "one ExecStart line to replace");
    let copy = text.replace(&line, &format!("ExecStart={built}"));
    let dir = TempDir::new("peershare-unit");
    let path = dir.path().join("peershare-media-node.service");
    std::fs::write(&path, copy).expect("write the copy");
    (path, dir)
}

fn systemd_analyze(args: &[&str], unit: &Path) -> (bool, String) {
    let out = Command::new("systemd-analyze")
        .args(args)
        .arg(unit)
        .output()
        .expect("systemd-analyze runs (Debian's systemd; `cargo xtask deps` installs it)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn systemd_analyze_verify_finds_nothing_to_say_about_the_unit() {
    let (unit, _dir) = unit_with_built_binary();
    let (ok, output) = systemd_analyze(&["verify", "--man=no"], &unit);
    // verify exits 0 on some findings (an unknown key is only "ignoring"), so any output fails.
    assert!(ok && output.trim().is_empty(), "systemd-analyze verify: ok={ok}\n{output}");
}

#[test]
fn systemd_analyze_security_scores_the_unit_as_locked_down() {
    let (unit, _dir) = unit_with_built_binary();
    let threshold = format!("--threshold={EXPOSURE_THRESHOLD}");
    let (ok, output) = systemd_analyze(&["security", "--offline=true", "--no-pager", &threshold], &unit);
    assert!(ok, "exposure above {EXPOSURE_THRESHOLD} tenths:\n{output}");
    assert!(output.contains("Overall exposure level"), "{output}");
}

#[test]
fn the_unit_keeps_the_settings_the_node_and_the_fleet_rely_on() {
    let unit = Unit::parse(&read(UNIT));
    let expected = [
        // Its settings, from the file the user data writes; stopped by SIGTERM, which makes it
        // leave the registry first.
        ("EnvironmentFile", "/etc/peershare/media-node.env"),
        ("KillSignal", "SIGTERM"),
        ("Restart", "on-failure"),
        // A user of its own, no privileges, and the sandbox.
        ("DynamicUser", "yes"),
        ("NoNewPrivileges", "yes"),
        ("CapabilityBoundingSet", ""),
        ("AmbientCapabilities", ""),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
        ("LimitNOFILE", "65536"),
        ("MemoryMax", "75%"),
    ];
    for (key, value) in expected {
        assert_eq!(unit.value("Service", key), value, "[Service] {key}");
    }
    assert!(!unit.value("Service", "User").is_empty(), "a named user of its own");
    let environment = unit.environment();
    let orphan =
        environment.iter().find(|(k, _)| k == "PEERSHARE_ORPHAN_AFTER_SECS").map(|(_, v)| v.as_str());
    assert_eq!(orphan, Some("0"), "a fleet node never gives up on its registry (the fleet ends instances)");
    let stop: u64 = unit
        .value("Service", "TimeoutStopSec")
        .parse()
        .expect("TimeoutStopSec in plain seconds (systemd_environment.rs stops the node within it)");
    assert!(stop >= 10, "time to leave the registry (one request of up to 3 s) and exit: {stop} s");
    assert_eq!(unit.value("Install", "WantedBy"), "multi-user.target");
}

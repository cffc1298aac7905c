//! The media node's systemd unit (`infra/media-node/peershare-media-node.service`) and the
//! recording composer's beside it (`peershare-composer.service`), checked by systemd itself: `systemd-analyze verify` (the unit loads, every key is one systemd knows,
//! its command is executable) and `systemd-analyze security --offline` (its sandbox, scored),
//! plus the settings the node and the fleet depend on.

mod infra;

use infra::{COMPOSER_UNIT, TempDir, UNIT, Unit, read};
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
    unit_running(UNIT, INSTALLED_BINARY, env!("CARGO_BIN_EXE_peershare-media-node"))
}

/// The composer's unit likewise, running a command that exists here: the composer is built by
/// another package (functions/tests/composer_service.rs starts it with the unit's environment).
fn composer_unit_with_a_command_that_exists() -> (PathBuf, TempDir) {
    unit_running(COMPOSER_UNIT, "/usr/local/bin/peershare-composer", "/usr/bin/true")
}

/// A copy of the unit at `path` whose `ExecStart=` runs `command` instead of `installed`.
fn unit_running(path: &str, installed: &str, command: &str) -> (PathBuf, TempDir) {
    let text = read(path);
    let unit = Unit::parse(&text);
    assert_eq!(unit.value("Service", "ExecStart"), installed, "the unit runs the installed binary");
    let line = format!("ExecStart={installed}");
    assert_eq!(text.lines().filter(|l| *l == line).count(), 1, "one ExecStart line to replace");
    let copy = text.replace(&line, &format!("ExecStart={command}"));
    let dir = TempDir::new("peershare-unit");
    let name = Path::new(path).file_name().expect("a file name");
    let copied = dir.path().join(name);
    std::fs::write(&copied, copy).expect("write the copy");
    (copied, dir)
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
fn systemd_analyze_verify_finds_nothing_to_say_about_the_units() {
    for (unit, _dir) in [unit_with_built_binary(), composer_unit_with_a_command_that_exists()] {
        let (ok, output) = systemd_analyze(&["verify", "--man=no"], &unit);
        // verify exits 0 on some findings (an unknown key is only "ignoring"), so any output fails.
        assert!(
            ok && output.trim().is_empty(),
            "systemd-analyze verify {}: ok={ok}\n{output}",
            unit.display()
        );
    }
}

#[test]
fn systemd_analyze_security_scores_the_units_as_locked_down() {
    for (unit, _dir) in [unit_with_built_binary(), composer_unit_with_a_command_that_exists()] {
        let threshold = format!("--threshold={EXPOSURE_THRESHOLD}");
        let (ok, output) = systemd_analyze(&["security", "--offline=true", "--no-pager", &threshold], &unit);
        assert!(ok, "{}: exposure above {EXPOSURE_THRESHOLD} tenths:\n{output}", unit.display());
        assert!(output.contains("Overall exposure level"), "{output}");
    }
}

#[test]
fn the_composer_runs_after_the_calls_and_gives_way_to_them() {
    let unit = Unit::parse(&read(COMPOSER_UNIT));
    for (key, value) in [
        ("EnvironmentFile", "/etc/peershare/composer.env"),
        ("KillSignal", "SIGTERM"),
        ("Nice", "10"),
        ("CPUSchedulingPolicy", "batch"),
        ("IOSchedulingClass", "idle"),
        ("OOMScoreAdjust", "500"),
        ("OOMPolicy", "continue"),
        ("DynamicUser", "yes"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("CacheDirectory", "peershare-composer"),
    ] {
        assert_eq!(unit.value("Service", key), value, "[Service] {key}");
    }
    let work =
        unit.environment().into_iter().find(|(k, _)| k == "PEERSHARE_COMPOSER_WORK_DIR").map(|(_, v)| v);
    assert_eq!(
        work.as_deref(),
        Some("/var/cache/peershare-composer"),
        "its scratch folder is its CacheDirectory"
    );
    assert!(unit.value("Unit", "After").contains("peershare-media-node.service"));
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

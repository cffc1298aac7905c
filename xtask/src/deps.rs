//! Installs what the tasks need when it is missing: Debian packages, the wasm target,
//! cargo-fuzz, npm packages. Each check is cheap, so warm runs skip straight past.

use crate::steps::{Steps, cmd};
use std::path::Path;

/// Debian packages the tests use, with a file that shows each is installed.
const APT_PACKAGES: &[(&str, &str)] = &[("chromium", "/usr/bin/chromium"), ("coturn", "/usr/bin/turnserver")];

/// Installs missing Debian packages (tests only; `dev` needs none).
pub fn apt_packages(steps: &mut Steps) -> anyhow::Result<()> {
    let missing: Vec<&str> =
        APT_PACKAGES.iter().filter(|(_, probe)| !Path::new(probe).exists()).map(|(pkg, _)| *pkg).collect();
    if missing.is_empty() {
        return Ok(());
    }
    steps.run("apt-get update", cmd("apt-get", &["update", "-qq"]))?;
    let mut install = cmd("apt-get", &["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing).env("DEBIAN_FRONTEND", "noninteractive");
    steps.run(&format!("install {}", missing.join(", ")), install)
}

/// Adds the wasm32 target used to check that the core builds for Workers.
pub fn wasm_target(steps: &mut Steps) -> anyhow::Result<()> {
    let installed = cmd("rustup", &["target", "list", "--installed"]).output()?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    steps.run(
        "rustup target add wasm32-unknown-unknown",
        cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]),
    )
}

/// Installs cargo-fuzz from crates.io unless `cargo fuzz` already runs.
pub fn cargo_fuzz(steps: &mut Steps) -> anyhow::Result<()> {
    if cmd("cargo", &["fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    steps.run("cargo install cargo-fuzz", cmd("cargo", &["install", "--locked", "cargo-fuzz"]))
}

/// Runs `npm ci` in `dir` unless its node_modules matches its lockfile.
pub fn npm_packages(steps: &mut Steps, dir: &str) -> anyhow::Result<()> {
    let lock = Path::new(dir).join("package-lock.json");
    let stamp = Path::new(dir).join("node_modules/.package-lock.json");
    let fresh =
        match (lock.metadata().and_then(|m| m.modified()), stamp.metadata().and_then(|m| m.modified())) {
            (Ok(lock), Ok(stamp)) => stamp >= lock,
            _ => false,
        };
    if fresh {
        return Ok(());
    }
    let mut c = cmd("npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    c.current_dir(dir);
    steps.run(&format!("npm ci ({dir})"), c)
}

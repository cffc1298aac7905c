//! The Cloudflare Worker (`edge/`, its own workspace, wasm32 only): the tools that build it,
//! installed from crates.io and npm and kept outside the clone, and the build itself.
//! worker-build would download wasm-bindgen and esbuild from GitHub; its `*_BIN` variables
//! point it at ours instead.

use crate::deps;
use crate::steps::{Steps, cmd};
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The worker-build release matching the `worker` crate in edge/Cargo.toml.
const WORKER_BUILD_VERSION: &str = "0.8.7";

const EDGE: &str = "edge";

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), |h| PathBuf::from(h).join(".cargo"))
    });
    home.join("bin").join(name)
}

/// What `program --version` prints, if it runs.
fn version_of(program: &Path) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The wasm-bindgen version edge/Cargo.lock resolved (wasm-bindgen-cli must be the same).
fn locked_wasm_bindgen() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(Path::new(EDGE).join("Cargo.lock")).context("edge/Cargo.lock")?;
    lock.split("[[package]]")
        .find(|p| p.contains("name = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"').to_owned())
        .context("no wasm-bindgen in edge/Cargo.lock")
}

/// Installs worker-build, wasm-bindgen-cli (the locked version) and the npm tools (esbuild,
/// workerd) when missing.
pub fn tools(steps: &mut Steps) -> anyhow::Result<()> {
    deps::wasm_target(steps)?;
    let worker_build = cargo_bin("worker-build");
    if !version_of(&worker_build).is_some_and(|v| v.ends_with(WORKER_BUILD_VERSION)) {
        steps.run(
            &format!("cargo install worker-build {WORKER_BUILD_VERSION}"),
            deps::cargo_install(&["worker-build", "--version", WORKER_BUILD_VERSION, "--locked"]),
        )?;
    }
    let bindgen = locked_wasm_bindgen()?;
    if !version_of(&cargo_bin("wasm-bindgen")).is_some_and(|v| v.ends_with(&bindgen)) {
        // Not --locked: its lockfile names a webpki-roots the registry mirror lacks.
        steps.run(
            &format!("cargo install wasm-bindgen-cli {bindgen}"),
            deps::cargo_install(&["wasm-bindgen-cli", "--version", &bindgen]),
        )?;
    }
    deps::npm_packages(steps, EDGE)
}

/// Checks the Worker's code (fmt; clippy for wasm32, warnings denied, in the same compilation
/// as the build) and builds it into edge/build.
pub fn check_and_build(steps: &mut Steps) -> anyhow::Result<()> {
    let manifest = "edge/Cargo.toml";
    steps.run("edge: cargo fmt --check", cmd("cargo", &["fmt", "--check", "--manifest-path", manifest]))?;
    let mut c = worker_build()?;
    c = crate::commands::with_clippy(c);
    steps.run("edge: worker-build --release, linted by clippy (-D warnings)", c)
}

/// Builds the Worker with worker-build into edge/build (index.js, index_bg.wasm).
pub fn build(steps: &mut Steps) -> anyhow::Result<()> {
    steps.run("edge: worker-build --release", worker_build()?)
}

fn worker_build() -> anyhow::Result<Command> {
    let esbuild = std::fs::canonicalize(Path::new(EDGE).join("node_modules/.bin/esbuild"))
        .context("esbuild is not installed in edge/node_modules")?;
    let mut c = Command::new(cargo_bin("worker-build"));
    c.arg("--release")
        .current_dir(EDGE)
        .env("WASM_BINDGEN_BIN", cargo_bin("wasm-bindgen"))
        .env("ESBUILD_BIN", esbuild);
    Ok(c)
}

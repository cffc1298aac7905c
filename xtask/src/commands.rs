//! `cargo xtask dev`, `deps`, `test`, `fuzz` and `gen`.

use crate::deps;
use crate::steps::{Steps, cmd, target_dir};
use anyhow::{Context, bail};

/// Builds the web client and runs `peershare dev` in the foreground.
pub fn dev(args: &[String]) -> anyhow::Result<()> {
    let mut steps = Steps::default();
    deps::dev_apt_packages(&mut steps)?;
    deps::npm_packages(&mut steps, "web")?;
    steps.run("build web client", npm("web", &["run", "build"]))?;
    let mut run = cmd("cargo", &["run", "--release", "--package", "peershare", "--", "dev"]);
    run.args(args);
    steps.run("peershare dev", run)
}

/// Installs everything the tests need that is missing.
pub fn deps() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    deps::apt_packages(&mut steps)?;
    deps::wasm_target(&mut steps)?;
    deps::npm_packages(&mut steps, "web")?;
    deps::npm_packages(&mut steps, "e2e")?;
    deps::npm_packages(&mut steps, "cdk")?;
    deps::cargo_fuzz(&mut steps)?;
    crate::edge::tools(&mut steps)?;
    let moto = deps::moto(&mut steps)?;
    deps::schemathesis(&mut steps)?;
    deps::cloud_init(&mut steps)?;
    steps.summary();
    eprintln!("\nALL DEPENDENCIES INSTALLED (moto: {})", moto.display());
    Ok(())
}

/// Builds the Cloudflare Worker into edge/build.
pub fn edge() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    crate::edge::tools(&mut steps)?;
    crate::edge::build(&mut steps)?;
    steps.summary();
    Ok(())
}

/// The API contract check alone: a release build, then schemathesis against it.
pub fn contract() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    let schemathesis = deps::schemathesis(&mut steps)?;
    build_release(&mut steps)?;
    crate::api_contract::run(&mut steps, &schemathesis, &target_dir().join("release/peershare"))?;
    steps.summary();
    Ok(())
}

/// Every check and test, failing loudly at the first failure.
///
/// One debug build of every workspace target serves three purposes: clippy lints the
/// workspace's crates in the same compilation (clippy-driver as the workspace's rustc wrapper,
/// warnings denied), nextest runs the tests from it, the API contract runs its `peershare`, and
/// the browser tests that and its `peershare-media-node` and `peershare-stack` (the media path is
/// optimised even in debug builds: see the workspace's Cargo.toml).
pub fn test() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    let freed = crate::prune::stale_build_output(&target_dir());
    if freed > 0 {
        eprintln!("removed {} MiB of stale test executables and incremental caches", freed >> 20);
    }
    deps::apt_packages(&mut steps)?;
    deps::wasm_target(&mut steps)?;
    deps::npm_packages(&mut steps, "web")?;
    deps::npm_packages(&mut steps, "e2e")?;
    deps::npm_packages(&mut steps, "cdk")?;
    // The DynamoDB store suite runs against this moto (functions/tests/store_dynamodb.rs).
    let moto = deps::moto(&mut steps)?;
    // The media node's user data is checked against cloud-init's schema (media-node/tests/cloud_init.rs).
    let (cloud_init_python, cloud_init_path) = deps::cloud_init(&mut steps)?;

    steps.run("cargo fmt --check", cmd("cargo", &["fmt", "--all", "--check"]))?;
    steps.run(
        "core builds for wasm32",
        cmd(
            "cargo",
            &["check", "--package", "peershare-core", "--target", "wasm32-unknown-unknown", "--locked"],
        ),
    )?;
    // The Worker: its checks, and the build the edge conformance tests run in workerd.
    crate::edge::tools(&mut steps)?;
    crate::edge::check_and_build(&mut steps)?;

    let build = with_clippy(cmd("cargo", &["build", "--workspace", "--all-targets", "--locked"]));
    steps.run("build every target, linted by clippy (-D warnings)", build)?;
    let (name, tests) = if has_nextest() {
        (
            "Rust tests (nextest)",
            cmd(
                "cargo",
                &["nextest", "run", "--workspace", "--locked", "--no-fail-fast", "--failure-output", "final"],
            ),
        )
    } else {
        ("Rust tests", cmd("cargo", &["test", "--workspace", "--locked", "--no-fail-fast"]))
    };
    // The same wrapper, so cargo finds the build above fresh instead of compiling again.
    let mut tests = with_clippy(tests);
    tests.env("PEERSHARE_MOTO_SERVER", &moto);
    tests
        .env("PEERSHARE_CLOUD_INIT_PYTHON", &cloud_init_python)
        .env("PEERSHARE_CLOUD_INIT_PATH", &cloud_init_path);
    steps.run(name, tests)?;
    fuzz_targets(&mut steps, CI_FUZZ_SECONDS, FuzzBuild::Debug)?;

    crate::aws_build::check_deployment(&mut steps)?;

    steps.run("web typecheck", npm("web", &["run", "typecheck"]))?;
    steps.run("web lint", npm("web", &["run", "lint"]))?;
    steps.run("web unit tests", npm("web", &["test"]))?;
    steps.run("web build", npm("web", &["run", "build"]))?;
    steps.run("e2e typecheck", npm("e2e", &["run", "typecheck"]))?;

    let debug = target_dir().join("debug");
    let schemathesis = deps::schemathesis(&mut steps)?;
    crate::api_contract::run(&mut steps, &schemathesis, &debug.join("peershare"))?;
    let mut e2e = npm("e2e", &["test"]);
    e2e.env("PEERSHARE_BIN", debug.join("peershare"));
    e2e.env("PEERSHARE_MEDIA_NODE_BIN", debug.join("peershare-media-node"));
    e2e.env("PEERSHARE_STACK_BIN", debug.join("peershare-stack"));
    steps.run("end-to-end tests (Chromium)", e2e)?;
    steps.summary();
    eprintln!("\nALL TESTS PASSED");
    Ok(())
}

/// A cargo command whose compilations of workspace crates go through clippy-driver with
/// warnings denied: what `cargo clippy -- -D warnings` does, but producing the real build
/// (`cargo clippy` only checks, so the tests would compile everything a second time).
pub fn with_clippy(mut command: std::process::Command) -> std::process::Command {
    command.env("RUSTC_WORKSPACE_WRAPPER", "clippy-driver").env("CLIPPY_ARGS", "-Dwarnings");
    command
}

/// Seconds each fuzz target runs in `cargo xtask test`: a smoke run over the seeds and the
/// corpus kept from earlier runs; `cargo xtask fuzz` runs longer.
const CI_FUZZ_SECONDS: u32 = 10;

/// Runs every fuzz target for `seconds` each, failing at the first crash.
pub fn fuzz(seconds: u32) -> anyhow::Result<()> {
    let mut steps = Steps::default();
    fuzz_targets(&mut steps, seconds, FuzzBuild::Release)?;
    steps.summary();
    eprintln!("\nNO CRASH FOUND");
    Ok(())
}

/// How the fuzz targets are compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FuzzBuild {
    /// Unoptimised: compiles in a fraction of the time, enough for the seconds CI fuzzes.
    Debug,
    /// Optimised (cargo fuzz's default): many more executions per second for longer runs.
    Release,
}

impl FuzzBuild {
    fn flags(self) -> &'static [&'static str] {
        match self {
            Self::Debug => &["--sanitizer", "none", "--dev"],
            Self::Release => &["--sanitizer", "none"],
        }
    }
}

/// Builds and runs the fuzz targets on the stable toolchain: without a sanitizer, because
/// AddressSanitizer needs `-Zsanitizer` (nightly, or stable with `RUSTC_BOOTSTRAP=1`) and runs
/// about 5× slower. The code under test is safe Rust; debug assertions and overflow checks stay
/// on.
///
/// Runs every target `cargo fuzz list` names. New inputs go to a corpus under the target dir,
/// kept between runs; `fuzz/corpus/<target>` holds the committed seeds and is only read. A crashing input is written to
/// `fuzz/artifacts/<target>/` and printed in base64.
fn fuzz_targets(steps: &mut Steps, seconds: u32, build: FuzzBuild) -> anyhow::Result<()> {
    deps::cargo_fuzz(steps)?;
    steps.run(
        "fuzz: fetch (locked)",
        cmd("cargo", &["fetch", "--locked", "--manifest-path", "fuzz/Cargo.toml"]),
    )?;
    let mut compile = cmd("cargo", &["fuzz", "build"]);
    compile.args(build.flags());
    steps.run(&format!("fuzz: build targets ({build:?})"), compile)?;
    let list = cmd("cargo", &["fuzz", "list"]).output().context("cannot run `cargo fuzz list`")?;
    if !list.status.success() {
        bail!("`cargo fuzz list` failed: {}", String::from_utf8_lossy(&list.stderr));
    }
    let stdout = String::from_utf8_lossy(&list.stdout);
    let targets: Vec<&str> = stdout.lines().map(str::trim).filter(|t| !t.is_empty()).collect();
    if targets.is_empty() {
        bail!("`cargo fuzz list` found no fuzz target in fuzz/");
    }
    let max_total_time = format!("-max_total_time={seconds}");
    for target in targets {
        let corpus = target_dir().join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let mut run = cmd("cargo", &["fuzz", "run"]);
        run.args(build.flags()).arg(target).arg(&corpus);
        let seeds = format!("fuzz/corpus/{target}");
        if std::path::Path::new(&seeds).is_dir() {
            run.arg(seeds);
        }
        run.args(["--", &max_total_time, "-timeout=10", "-print_final_stats=1"]);
        steps.run(&format!("fuzz {target} ({seconds} s)"), run)?;
    }
    Ok(())
}

/// Rewrites web/src/protocol/generated.ts and web/src/api/generated.ts from the Rust types.
pub fn gen_types() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    for (package, what) in [("peershare-core", "protocol"), ("peershare-functions", "API")] {
        let mut c = cmd("cargo", &["test", "--quiet", "--package", package, "--lib", "typescript"]);
        c.env("UPDATE_TYPESCRIPT", "1");
        steps.run(&format!("generate TypeScript {what} types"), c)?;
    }
    Ok(())
}

pub fn npm(dir: &str, args: &[&str]) -> std::process::Command {
    let mut c = cmd("npm", args);
    c.current_dir(dir);
    c
}

fn has_nextest() -> bool {
    cmd("cargo", &["nextest", "--version"]).output().is_ok_and(|o| o.status.success())
}

/// The release binaries the browsers, the contract check and the benchmarks run: `peershare`,
/// `peershare-media-node` (on its own behind the Worker in the edge's tests) and
/// `peershare-stack` (which starts that node and the Worker for the edge benchmark).
pub fn build_release(steps: &mut Steps) -> anyhow::Result<()> {
    steps.run(
        "build peershare, peershare-media-node and peershare-stack (release)",
        cmd(
            "cargo",
            &[
                "build",
                "--release",
                "--package",
                "peershare",
                "--package",
                "peershare-media-node",
                "--package",
                "peershare-stack",
                "--locked",
            ],
        ),
    )
}

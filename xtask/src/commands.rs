//! `cargo xtask dev`, `test` and `gen`.

use crate::deps;
use crate::steps::{Steps, cmd, target_dir};

/// Builds the web client and runs `peershare dev` in the foreground.
pub fn dev(args: &[String]) -> anyhow::Result<()> {
    let mut steps = Steps::default();
    deps::npm_packages(&mut steps, "web")?;
    steps.run("build web client", npm("web", &["run", "build"]))?;
    let mut run = cmd("cargo", &["run", "--release", "--package", "peershare", "--", "dev"]);
    run.args(args);
    steps.run("peershare dev", run)
}

/// Every check and test, failing loudly at the first failure.
pub fn test() -> anyhow::Result<()> {
    let mut steps = Steps::default();
    deps::apt_packages(&mut steps)?;
    deps::wasm_target(&mut steps)?;
    deps::npm_packages(&mut steps, "web")?;
    deps::npm_packages(&mut steps, "e2e")?;

    steps.run("cargo fmt --check", cmd("cargo", &["fmt", "--all", "--check"]))?;
    steps.run(
        "cargo clippy -D warnings",
        cmd("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
    )?;
    steps.run(
        "core builds for wasm32",
        cmd(
            "cargo",
            &["check", "--package", "peershare-core", "--target", "wasm32-unknown-unknown", "--locked"],
        ),
    )?;
    if has_nextest() {
        steps.run(
            "Rust tests (nextest)",
            cmd(
                "cargo",
                &["nextest", "run", "--workspace", "--locked", "--no-fail-fast", "--failure-output", "final"],
            ),
        )?;
    } else {
        steps.run("Rust tests", cmd("cargo", &["test", "--workspace", "--locked", "--no-fail-fast"]))?;
    }

    steps.run("web typecheck", npm("web", &["run", "typecheck"]))?;
    steps.run("web lint", npm("web", &["run", "lint"]))?;
    steps.run("web unit tests", npm("web", &["test"]))?;
    steps.run("web build", npm("web", &["run", "build"]))?;
    steps.run("e2e typecheck", npm("e2e", &["run", "typecheck"]))?;

    // The browsers run against the optimised build `cargo xtask dev` serves: with eight Chromium
    // tabs on two cores, an unoptimised media node falls behind on ICE and DTLS.
    steps.run(
        "build peershare (release)",
        cmd("cargo", &["build", "--release", "--package", "peershare", "--locked"]),
    )?;
    let mut e2e = npm("e2e", &["test"]);
    e2e.env("PEERSHARE_BIN", target_dir().join("release/peershare"));
    steps.run("end-to-end tests (Chromium)", e2e)?;
    steps.summary();
    eprintln!("\nALL TESTS PASSED");
    Ok(())
}

/// Rewrites web/src/protocol/generated.ts from the Rust protocol types.
pub fn gen_types() -> anyhow::Result<()> {
    let mut c = cmd("cargo", &["test", "--quiet", "--package", "peershare-core", "--lib", "typescript"]);
    c.env("UPDATE_TYPESCRIPT", "1");
    Steps::default().run("generate TypeScript protocol types", c)
}

fn npm(dir: &str, args: &[&str]) -> std::process::Command {
    let mut c = cmd("npm", args);
    c.current_dir(dir);
    c
}

fn has_nextest() -> bool {
    cmd("cargo", &["nextest", "--version"]).output().is_ok_and(|o| o.status.success())
}

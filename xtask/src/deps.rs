//! Installs what the tasks need when it is missing: Debian packages, the wasm target,
//! cargo-fuzz, npm packages, moto in a Python venv. Each check is cheap, so warm runs skip
//! straight past.

use crate::steps::{Steps, cmd};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Debian packages the tests use, with a file that shows each is installed: systemd's
/// `systemd-analyze` and shellcheck check the media node's unit and user data (infra/).
const APT_PACKAGES: &[(&str, &str)] = &[
    ("chromium", "/usr/bin/chromium"),
    ("coturn", "/usr/bin/turnserver"),
    ("ffmpeg", "/usr/bin/ffprobe"),
    ("shellcheck", "/usr/bin/shellcheck"),
    ("systemd", "/usr/bin/systemd-analyze"),
];

/// What `peershare dev` itself runs: ffmpeg composes recordings.
const DEV_APT_PACKAGES: &[(&str, &str)] = &[("ffmpeg", "/usr/bin/ffprobe")];

/// Installs missing Debian packages for the tests.
pub fn apt_packages(steps: &mut Steps) -> anyhow::Result<()> {
    apt_install_missing(steps, APT_PACKAGES)
}

/// Installs missing Debian packages `peershare dev` needs.
pub fn dev_apt_packages(steps: &mut Steps) -> anyhow::Result<()> {
    apt_install_missing(steps, DEV_APT_PACKAGES)
}

/// Installs those of `packages` (name, a file it installs) whose file is missing.
pub fn apt_install_missing(steps: &mut Steps, packages: &[(&str, &str)]) -> anyhow::Result<()> {
    let missing: Vec<&str> =
        packages.iter().filter(|(_, probe)| !Path::new(probe).exists()).map(|(pkg, _)| *pkg).collect();
    apt_install(steps, &missing)
}

fn apt_install(steps: &mut Steps, packages: &[&str]) -> anyhow::Result<()> {
    if packages.is_empty() {
        return Ok(());
    }
    steps.run("apt-get update", cmd("apt-get", &["update", "-qq"]))?;
    let mut install = cmd("apt-get", &["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(packages).env("DEBIAN_FRONTEND", "noninteractive");
    steps.run(&format!("install {}", packages.join(", ")), install)
}

/// Adds the wasm32 target: the core builds for it, and the Worker is built for it.
pub fn wasm_target(steps: &mut Steps) -> anyhow::Result<()> {
    rust_target(steps, "wasm32-unknown-unknown")
}

/// Adds the Rust standard library for `target` through rustup unless it is installed.
pub fn rust_target(steps: &mut Steps, target: &str) -> anyhow::Result<()> {
    let installed = cmd("rustup", &["target", "list", "--installed"]).output()?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == target) {
        return Ok(());
    }
    steps.run(&format!("rustup target add {target}"), cmd("rustup", &["target", "add", target]))
}

/// Installs cargo-fuzz from crates.io unless `cargo fuzz` already runs.
pub fn cargo_fuzz(steps: &mut Steps) -> anyhow::Result<()> {
    if cmd("cargo", &["fuzz", "--version"]).output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    steps.run("cargo install cargo-fuzz", cargo_install(&["cargo-fuzz", "--locked"]))
}

/// `cargo install` of a build tool, unoptimised: the tools only drive other programs or
/// transform a file a few times per run, and a debug build compiles in a fraction of the time
/// of a release one (worker-build: measured in the README's test section).
pub fn cargo_install(args: &[&str]) -> std::process::Command {
    let mut install = cmd("cargo", &["install", "--debug"]);
    install.args(args);
    install
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

/// moto, the DynamoDB (and S3) stand-in the store tests run against: pinned, so every machine
/// tests against the same one.
const MOTO_VERSION: &str = "5.2.5";

/// The Python venv holding moto, shared by the checkouts on this machine.
fn venv_dir() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    home.join(".cache/peershare/venv")
}

/// Installs `moto[server]` at [`MOTO_VERSION`] into the venv unless it is there (making the venv,
/// and installing Debian's python3-venv for it, when missing); returns its `moto_server`, which
/// the store tests find through `PEERSHARE_MOTO_SERVER`.
pub fn moto(steps: &mut Steps) -> anyhow::Result<PathBuf> {
    let venv = venv_dir();
    let (python, server) = (venv.join("bin/python3"), venv.join("bin/moto_server"));
    if server.is_file() && installed(&python, "moto").as_deref() == Some(MOTO_VERSION) {
        return Ok(server);
    }
    if !python.is_file() {
        make_venv(steps, &venv)?;
    }
    let pip = venv.join("bin/pip");
    let requirement = format!("moto[server]=={MOTO_VERSION}");
    let mut install = cmd(&pip.to_string_lossy(), &["install", "--quiet", "--disable-pip-version-check"]);
    install.arg(&requirement);
    steps.run(&format!("pip install {requirement} (into {})", venv.display()), install)?;
    Ok(server)
}

/// The schemathesis version the API contract test runs.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// schemathesis in the project's venv (installed when missing); the path of its command.
pub fn schemathesis(steps: &mut Steps) -> anyhow::Result<PathBuf> {
    venv_tool(steps, "schemathesis", SCHEMATHESIS_VERSION, "schemathesis")
}

/// The cfn-lint version the synthesized CloudFormation template is linted with.
const CFN_LINT_VERSION: &str = "1.58.0";

/// cfn-lint in the project's venv (installed when missing); the path of its command.
pub fn cfn_lint(steps: &mut Steps) -> anyhow::Result<PathBuf> {
    venv_tool(steps, "cfn-lint", CFN_LINT_VERSION, "cfn-lint")
}

/// The command `command` of PyPI package `package` at `version` in the project's venv,
/// installed (with the venv) when missing or at another version.
fn venv_tool(steps: &mut Steps, package: &str, version: &str, command: &str) -> anyhow::Result<PathBuf> {
    let venv = venv_dir();
    let (python, binary) = (venv.join("bin/python3"), venv.join("bin").join(command));
    if binary.is_file() && installed(&python, package).as_deref() == Some(version) {
        return Ok(binary);
    }
    if !python.is_file() {
        make_venv(steps, &venv)?;
    }
    let requirement = format!("{package}=={version}");
    let mut install =
        cmd(&venv.join("bin/pip").to_string_lossy(), &["install", "--quiet", "--disable-pip-version-check"]);
    install.arg(&requirement);
    steps.run(&format!("pip install {requirement} (into {})", venv.display()), install)?;
    Ok(binary)
}

/// The version of Python package `package` installed for `python`, if any.
fn installed(python: &Path, package: &str) -> Option<String> {
    let probe = format!("import importlib.metadata as m; print(m.version('{package}'))");
    let out = cmd(&python.to_string_lossy(), &["-c", &probe]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `python3 -m venv`, installing Debian's python3-venv first when the system Python lacks it.
fn make_venv(steps: &mut Steps, venv: &Path) -> anyhow::Result<()> {
    let creates = |venv: &Path| {
        cmd("python3", &["-m", "venv", "--clear"]).arg(venv).output().is_ok_and(|o| o.status.success())
    };
    if let Some(parent) = venv.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    eprintln!("\n==> python3 -m venv {}", venv.display());
    if creates(venv) {
        return Ok(());
    }
    eprintln!("    the system Python cannot make venvs: installing python3-venv");
    apt_install(steps, &["python3-venv"])?;
    let mut make = cmd("python3", &["-m", "venv", "--clear"]);
    make.arg(venv);
    steps.run(&format!("python3 -m venv {}", venv.display()), make)
}

/// configobj, the one module cloud-init's schema code imports that the venv lacks.
const CONFIGOBJ_VERSION: &str = "5.0.9";

/// Where [`cloud_init`] puts the unpacked package.
fn cloud_init_dir() -> PathBuf {
    venv_dir().with_file_name("cloud-init")
}

/// cloud-init as Debian ships it, for the schema check of the media node's user data
/// (media-node/tests/cloud_init.rs): the package's files unpacked into
/// `~/.cache/peershare/cloud-init`, not installed (an installed cloud-init would configure the
/// machine it runs on at its next boot), run by the venv's Python with configobj. Returns the
/// Python and the folder to put on its `PYTHONPATH`, which the test finds through
/// `PEERSHARE_CLOUD_INIT_PYTHON` and `PEERSHARE_CLOUD_INIT_PATH`.
pub fn cloud_init(steps: &mut Steps) -> anyhow::Result<(PathBuf, PathBuf)> {
    let venv = venv_dir();
    let python = venv.join("bin/python3");
    if !python.is_file() {
        make_venv(steps, &venv)?;
    }
    if installed(&python, "configobj").as_deref() != Some(CONFIGOBJ_VERSION) {
        let requirement = format!("configobj=={CONFIGOBJ_VERSION}");
        let mut install = cmd(
            &venv.join("bin/pip").to_string_lossy(),
            &["install", "--quiet", "--disable-pip-version-check"],
        );
        install.arg(&requirement);
        steps.run(&format!("pip install {requirement} (into {})", venv.display()), install)?;
    }
    let dir = cloud_init_dir();
    let path = dir.join("usr/lib/python3/dist-packages");
    if path.join("cloudinit").is_dir() {
        return Ok((python, path));
    }
    let download = dir.with_file_name("cloud-init-download");
    std::fs::create_dir_all(&download).with_context(|| format!("cannot create {}", download.display()))?;
    let has_list = cmd("apt-cache", &["show", "cloud-init"]).output().is_ok_and(|o| o.status.success());
    if !has_list {
        steps.run("apt-get update", cmd("apt-get", &["update", "-qq"]))?;
    }
    let mut fetch = cmd("apt-get", &["download", "-qq", "cloud-init"]);
    fetch.current_dir(&download);
    steps.run("apt-get download cloud-init", fetch)?;
    let deb = std::fs::read_dir(&download)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .context("apt-get download left no .deb")?;
    let mut unpack = cmd("dpkg-deb", &["-x"]);
    unpack.arg(&deb).arg(&dir);
    steps.run(&format!("unpack cloud-init into {}", dir.display()), unpack)?;
    std::fs::remove_dir_all(&download)?;
    Ok((python, path))
}

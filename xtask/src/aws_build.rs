//! `cargo xtask aws-build`: the binaries the CDK stack deploys, cross-compiled for arm64
//! (Graviton) with Debian's aarch64 GCC as the linker and C compiler (aws-lc, SQLite), and
//! checked: an ELF for AArch64 that needs no newer glibc than the system it runs on has
//! (Amazon Linux 2023's 2.34 for the Lambda, Debian 12's 2.36 for the nodes). They are left in
//! `cdk/build/`, where the stack takes them from.

use crate::deps;
use crate::steps::{Steps, cmd};
use anyhow::{Context, bail, ensure};
use std::path::{Path, PathBuf};

/// The Rust target of the Lambda's and the nodes' Graviton CPUs.
pub const TARGET: &str = "aarch64-unknown-linux-gnu";

/// The cross toolchain's programs (Debian's `gcc-aarch64-linux-gnu`, which brings binutils).
const CROSS_GCC: &str = "aarch64-linux-gnu-gcc";
const CROSS_GXX: &str = "aarch64-linux-gnu-g++";
const CROSS_AR: &str = "aarch64-linux-gnu-ar";
const CROSS_OBJDUMP: &str = "aarch64-linux-gnu-objdump";
const CROSS_STRIP: &str = "aarch64-linux-gnu-strip";

/// Lambda's limit on a function's unzipped package (250 MB), which the binaries stay well under.
const MAX_UNZIPPED_BYTES: u64 = 250_000_000;

/// ELF `e_machine` of AArch64.
const EM_AARCH64: u16 = 183;

/// One binary the stack deploys.
struct Artifact {
    package: &'static str,
    bin: &'static str,
    features: &'static [&'static str],
    /// Where it goes under `cdk/build/`.
    dest: &'static str,
    /// The newest glibc symbol version it may need: that of the system it runs on.
    max_glibc: (u32, u32),
    runs_on: &'static str,
}

const ARTIFACTS: &[Artifact] = &[
    Artifact {
        package: "peershare-functions",
        bin: "peershare-lambda",
        features: &["lambda"],
        dest: "lambda/bootstrap",
        max_glibc: (2, 34),
        runs_on: "Lambda's provided.al2023 (Amazon Linux 2023, glibc 2.34)",
    },
    Artifact {
        package: "peershare-functions",
        bin: "peershare-composer",
        features: &["lambda"],
        dest: "composer/peershare-composer",
        max_glibc: (2, 36),
        runs_on: "the fleet's Debian 12 (glibc 2.36), beside the node",
    },
    Artifact {
        package: "peershare-media-node",
        bin: "peershare-media-node",
        features: &[],
        dest: "media-node/peershare-media-node",
        max_glibc: (2, 36),
        runs_on: "the fleet's Debian 12 (glibc 2.36)",
    },
];

/// How the binaries are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BuildProfile {
    /// Optimised, for deploying.
    Release,
    /// Unoptimised (the `aws-check` profile): the same cross toolchain, target and checks in a
    /// fraction of the time; what `cargo xtask test` builds.
    Check,
}

impl BuildProfile {
    fn cargo_name(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Check => "aws-check",
        }
    }
}

/// Installs the target and the cross toolchain when missing.
pub fn toolchain(steps: &mut Steps) -> anyhow::Result<()> {
    deps::rust_target(steps, TARGET)?;
    deps::apt_install_missing(
        steps,
        &[
            ("gcc-aarch64-linux-gnu", "/usr/bin/aarch64-linux-gnu-gcc"),
            // libwebm (the recording muxer) is C++.
            ("g++-aarch64-linux-gnu", "/usr/bin/aarch64-linux-gnu-g++"),
            // Only recommended by the compiler, so not installed with it here: the C library's
            // headers and startup files for the target.
            ("libc6-dev-arm64-cross", "/usr/aarch64-linux-gnu/include/stdlib.h"),
        ],
    )
}

/// Builds and checks the binaries into `cdk/build/`.
pub fn run(steps: &mut Steps, profile: BuildProfile) -> anyhow::Result<()> {
    toolchain(steps)?;
    // Where the cross compiler keeps its static C++ library, for the linker to find it.
    let libstdcxx =
        cmd(CROSS_GXX, &["-print-file-name=libstdc++.a"]).output().context("run aarch64-linux-gnu-g++")?;
    let libstdcxx = PathBuf::from(String::from_utf8_lossy(&libstdcxx.stdout).trim());
    ensure!(libstdcxx.is_absolute() && libstdcxx.is_file(), "the cross compiler has no static libstdc++");
    let libstdcxx_dir = libstdcxx.parent().context("libstdc++.a's folder")?.display().to_string();
    // One build per binary: cargo does not apply `--features package/feature` to a binary's
    // required features when several packages are built at once.
    let env_target = TARGET.replace('-', "_");
    for artifact in ARTIFACTS {
        let mut build =
            cmd("cargo", &["build", "--locked", "--target", TARGET, "--profile", profile.cargo_name()]);
        build.args(["--package", artifact.package, "--bin", artifact.bin]);
        for feature in artifact.features {
            build.args(["--features", feature]);
        }
        build
            .env(format!("CARGO_TARGET_{}_LINKER", env_target.to_uppercase()), CROSS_GCC)
            .env(format!("CC_{env_target}"), CROSS_GCC)
            .env(format!("AR_{env_target}"), CROSS_AR)
            .env(format!("CXX_{env_target}"), CROSS_GXX)
            // C++'s library linked in: Lambda's provided.al2023 has none, and the binaries
            // then need only the C library (checked below).
            .env(format!("CXXSTDLIB_{env_target}"), "static=stdc++")
            .env(
                format!("CARGO_TARGET_{}_RUSTFLAGS", env_target.to_uppercase()),
                format!("-L native={libstdcxx_dir}"),
            );
        steps.run(&format!("cross-build {} for {TARGET} ({})", artifact.bin, profile.cargo_name()), build)?;
    }

    let built = crate::steps::target_dir().join(TARGET).join(profile.cargo_name());
    let out = Path::new("cdk").join("build");
    for artifact in ARTIFACTS {
        let dest = out.join(artifact.dest);
        std::fs::create_dir_all(dest.parent().context("a parent folder")?)?;
        std::fs::copy(built.join(artifact.bin), &dest)
            .with_context(|| format!("copy {} to {}", artifact.bin, dest.display()))?;
        // Debug info off the copy (the symbols stay, for backtraces): 258 MiB → 37 MiB for the
        // Lambda, whose package may hold at most 250 MB unzipped.
        let mut strip = cmd(CROSS_STRIP, &["--strip-debug"]);
        strip.arg(&dest);
        ensure!(strip.status()?.success(), "aarch64-linux-gnu-strip {}", dest.display());
        check(&dest, artifact)?;
        let size = std::fs::metadata(&dest)?.len();
        ensure!(
            size < MAX_UNZIPPED_BYTES,
            "{} is {size} bytes: over Lambda's 250 MB for a package",
            dest.display()
        );
        eprintln!(
            "{}: AArch64 ELF, {:.1} MiB, runs on {}",
            dest.display(),
            size as f64 / 1048576.0,
            artifact.runs_on
        );
    }
    Ok(())
}

/// Fails unless `path` is a 64-bit little-endian AArch64 ELF whose glibc needs are met where
/// it runs.
fn check(path: &PathBuf, artifact: &Artifact) -> anyhow::Result<()> {
    let bytes = std::fs::read(path)?;
    ensure!(bytes.len() > 20 && bytes.starts_with(b"\x7fELF"), "{} is not an ELF file", path.display());
    ensure!(bytes[4] == 2 && bytes[5] == 1, "{} is not a 64-bit little-endian ELF", path.display());
    let machine = u16::from_le_bytes([bytes[18], bytes[19]]);
    ensure!(
        machine == EM_AARCH64,
        "{} is built for ELF machine {machine}, not AArch64 ({EM_AARCH64})",
        path.display()
    );
    let headers = cmd(CROSS_OBJDUMP, &["-p"]).arg(path).output().context("run aarch64-linux-gnu-objdump")?;
    ensure!(
        headers.status.success(),
        "objdump -p {}: {}",
        path.display(),
        String::from_utf8_lossy(&headers.stderr)
    );
    for library in needed(&String::from_utf8_lossy(&headers.stdout)) {
        ensure!(
            SYSTEM_LIBRARIES.contains(&library.as_str()),
            "{} needs {library}, which {} may not have (only the C library's are taken for granted)",
            path.display(),
            artifact.runs_on
        );
    }
    let newest = newest_glibc(&String::from_utf8_lossy(&headers.stdout))
        .with_context(|| format!("{}'s glibc needs", path.display()))?;
    let Some(newest) = newest else {
        bail!("{} needs no glibc version at all: not the dynamic build expected", path.display())
    };
    ensure!(
        newest <= artifact.max_glibc,
        "{} needs GLIBC_{}.{}, newer than {} has",
        path.display(),
        newest.0,
        newest.1,
        artifact.runs_on
    );
    Ok(())
}

/// Shared libraries every glibc system has, the only ones the binaries may need.
const SYSTEM_LIBRARIES: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libgcc_s.so.1",
    "ld-linux-aarch64.so.1",
    "libdl.so.2",
    "libpthread.so.0",
    "librt.so.1",
];

/// The `NEEDED` shared libraries in `objdump -p` output.
fn needed(objdump: &str) -> Vec<String> {
    objdump
        .lines()
        .filter_map(|line| line.trim().strip_prefix("NEEDED"))
        .map(|name| name.trim().to_owned())
        .collect()
}

/// The newest `GLIBC_x.y` version the binary needs, from the version references in `objdump -p`
/// output; an error for a glibc requirement that is not a version (`GLIBC_ABI_DT_RELR`, which
/// older systems lack, or `GLIBC_PRIVATE`).
fn newest_glibc(objdump: &str) -> anyhow::Result<Option<(u32, u32)>> {
    let mut newest = None;
    for version in objdump.split_whitespace().filter_map(|word| word.strip_prefix("GLIBC_")) {
        let mut parts = version.split('.').map(str::parse::<u32>);
        match (parts.next(), parts.next()) {
            (Some(Ok(major)), Some(Ok(minor))) => newest = newest.max(Some((major, minor))),
            _ => bail!("needs GLIBC_{version}, which not every glibc has"),
        }
    }
    Ok(newest)
}

/// What `cargo xtask test` checks of the AWS deployment: the arm64 binaries cross-build and load
/// where they run (the check profile), the CDK app typechecks and passes its assertion tests,
/// synthesizes offline with every cdk-nag finding acknowledged (the synth fails otherwise), and
/// cfn-lint finds nothing in the template.
pub fn check_deployment(steps: &mut Steps) -> anyhow::Result<()> {
    run(steps, BuildProfile::Check)?;
    steps.run("cdk typecheck", crate::commands::npm("cdk", &["run", "typecheck"]))?;
    steps.run("cdk assertion tests", crate::commands::npm("cdk", &["test"]))?;
    let mut synth =
        crate::commands::npm("cdk", &["run", "synth", "--", "-c", "publicUrl=https://peershare.example"]);
    synth.env("CDK_DISABLE_VERSION_CHECK", "1").env("CDK_DISABLE_CLI_TELEMETRY", "1");
    steps.run("cdk synth (offline, cdk-nag AWS Solutions)", synth)?;
    let cfn_lint = deps::cfn_lint(steps)?;
    let mut lint = cmd(&cfn_lint.to_string_lossy(), &["cdk.out/PeerShare-prod.template.json"]);
    lint.current_dir("cdk");
    steps.run("cfn-lint the synthesized template", lint)
}

#[cfg(test)]
mod tests {
    use super::newest_glibc;

    #[test]
    fn the_newest_glibc_version_is_found_in_objdump_output() {
        let output = "Version References:\n  required from libc.so.6:\n\
                      \x20   0x06969197 0x00 02 GLIBC_2.17\n\
                      \x20   0x069691b4 0x00 05 GLIBC_2.34\n\
                      \x20   0x0d696919 0x00 03 GLIBC_2.9\n";
        assert_eq!(newest_glibc(output).expect("versions"), Some((2, 34)));
        assert_eq!(newest_glibc("nothing versioned").expect("none"), None);
        let relr = format!("{output}    0x0fd0a91d 0x00 06 GLIBC_ABI_DT_RELR\n");
        assert!(newest_glibc(&relr).is_err(), "a requirement older glibcs cannot meet");
    }

    #[test]
    fn the_needed_libraries_are_read_from_objdump_output() {
        let output = "Dynamic Section:\n  NEEDED               libgcc_s.so.1\n  NEEDED               libc.so.6\n  INIT                 0x0000000000046f28\n";
        assert_eq!(super::needed(output), ["libgcc_s.so.1", "libc.so.6"]);
    }
}

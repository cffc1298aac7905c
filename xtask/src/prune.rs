//! Keeps the shared build directory from growing without bound between runs: every change to a
//! test links new test executables (hundreds of MB each with debug info) under a new hash and
//! leaves the old ones behind, and incremental caches pile up the same way.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// Executables untouched for this long are removed (cargo relinks whatever it still needs).
const STALE_AFTER: Duration = Duration::from_secs(2 * 24 * 3600);

/// Incremental caches untouched for this long are removed: a day of CI runs left 14 GiB of
/// them, and those a run uses are touched by it.
const STALE_INCREMENTAL_AFTER: Duration = Duration::from_secs(12 * 3600);

/// Removes stale test executables and incremental caches under `target`; returns bytes freed.
pub fn stale_build_output(target: &Path) -> u64 {
    let mut freed = 0;
    for profile in ["debug", "release"] {
        freed += remove_stale(&target.join(profile).join("deps"), STALE_AFTER, |path, meta| {
            meta.is_file() && path.extension().is_none() && is_executable(meta)
        });
        freed +=
            remove_stale(&target.join(profile).join("incremental"), STALE_INCREMENTAL_AFTER, |_, meta| {
                meta.is_dir()
            });
    }
    freed
}

fn is_executable(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

fn remove_stale(
    dir: &Path,
    stale_after: Duration,
    wanted: impl Fn(&Path, &std::fs::Metadata) -> bool,
) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let now = SystemTime::now();
    let mut freed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        let age = meta.modified().ok().and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
        if age < stale_after || !wanted(&path, &meta) {
            continue;
        }
        let size = if meta.is_dir() { dir_size(&path) } else { meta.len() };
        let removed =
            if meta.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        if removed.is_ok() {
            freed += size;
        }
    }
    freed
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some(if meta.is_dir() { dir_size(&e.path()) } else { meta.len() })
        })
        .sum()
}

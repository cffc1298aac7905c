//! Composing a recording into one MP4 (H.264 and AAC, `faststart`): every track read back from
//! storage (crash leftovers joined), placed on the recording's clock, the cameras in a grid that
//! follows who was there when, the microphones mixed; encoded by ffmpeg under `nice`, with
//! progress; the result stored beside the tracks.

mod layout;
mod preset;

pub use layout::{FPS, Tile, TimedTrack, filter_graph, tiles};
pub use preset::Preset;

use crate::layout::{composed_key, tracks_prefix};
use crate::manifest::TrackManifest;
use crate::probe::{self, ProbeError};
use crate::recover::fetch_track;
use crate::storage::{ObjectStore, StorageError};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// Why a recording could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// No track of the recording has any media.
    #[error("nothing was recorded")]
    NothingRecorded,
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A file could not be read.
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// ffmpeg failed.
    #[error("ffmpeg failed: {0}")]
    Ffmpeg(String),
    /// ffmpeg took far longer than the recording lasts.
    #[error("composing took longer than {0:?}; stopped")]
    TimedOut(Duration),
    /// Local files failed.
    #[error("composition I/O: {0}")]
    Io(#[from] std::io::Error),
}

/// A composed recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Composition {
    /// Its key in storage.
    pub key: String,
    /// Its size.
    pub size_bytes: u64,
    /// How long it plays.
    pub duration_ms: u64,
    /// The participants whose tracks it holds.
    pub participants: Vec<u32>,
}

/// Whether every track of `recording` is in storage for good: each manifest says its track
/// ended and no upload is left unfinished. (A node that died leaves it unsettled for ever; the
/// composer then waits a grace period and composes what there is.)
pub async fn settled(store: &dyn ObjectStore, recording: &str) -> Result<bool, StorageError> {
    let objects = store.list(&tracks_prefix(recording)).await?;
    if objects.iter().any(|o| o.key.ends_with(".parts")) {
        return Ok(false);
    }
    for object in objects.iter().filter(|o| o.key.ends_with(".json")) {
        let Some(json) = store.get(&object.key).await? else { return Ok(false) };
        match serde_json::from_slice::<TrackManifest>(&json) {
            Ok(m) if m.end_ms.is_some() && objects.iter().any(|o| o.key == m.key) => {}
            _ => return Ok(false),
        }
    }
    Ok(true)
}

/// Composes `recording` from `store` with `preset` in the folder `work` (emptied after), and
/// stores the MP4; `progress` hears the percentage as ffmpeg goes.
pub async fn compose(
    store: &dyn ObjectStore,
    recording: &str,
    preset: Preset,
    work: &Path,
    mut progress: impl FnMut(u8) + Send,
) -> Result<Composition, ComposeError> {
    tokio::fs::create_dir_all(work).await?;
    let result = compose_in(store, recording, preset, work, &mut progress).await;
    if let Err(e) = tokio::fs::remove_dir_all(work).await {
        tracing::debug!(error = %e, "could not clean the composition folder");
    }
    result
}

/// The manifests of `recording`'s tracks, by participant, source and take (unreadable ones
/// skipped). A track whose manifest has no `end_ms` is still being written, or its node died.
pub async fn read_manifests(
    store: &dyn ObjectStore,
    recording: &str,
) -> Result<Vec<TrackManifest>, StorageError> {
    let mut manifests = Vec::new();
    for object in store.list(&tracks_prefix(recording)).await? {
        if !object.key.ends_with(".json") {
            continue;
        }
        let Some(json) = store.get(&object.key).await? else { continue };
        match serde_json::from_slice::<TrackManifest>(&json) {
            Ok(m) => manifests.push(m),
            Err(e) => {
                tracing::warn!(key = %object.key, error = %e, "an unreadable track manifest is skipped")
            }
        }
    }
    manifests.sort_by_key(|m| (m.participant, m.source.rank(), m.take));
    Ok(manifests)
}

async fn compose_in(
    store: &dyn ObjectStore,
    recording: &str,
    preset: Preset,
    work: &Path,
    progress: &mut (impl FnMut(u8) + Send),
) -> Result<Composition, ComposeError> {
    let manifests = read_manifests(store, recording).await?;

    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut tracks = Vec::new();
    for m in &manifests {
        let path = work.join(format!("{}.webm", inputs.len()));
        if fetch_track(store, &m.key, &path).await? == 0 {
            continue;
        }
        let Some(span) = probe::span(&path).await.ok().flatten() else {
            tracing::warn!(key = %m.key, "a track without readable media is skipped");
            continue;
        };
        let start = m.offset_ms as f64 / 1000.0;
        tracks.push(TimedTrack {
            input: inputs.len(),
            participant: m.participant,
            source: m.source,
            start,
            end: start + span,
        });
        inputs.push(path);
    }
    let duration = tracks.iter().map(|t| t.end).fold(0.0, f64::max);
    if tracks.is_empty() || duration <= 0.0 {
        return Err(ComposeError::NothingRecorded);
    }
    let out = work.join("composed.mp4");
    run_ffmpeg(
        &inputs,
        &filter_graph(&tracks, duration, preset.width, preset.height),
        preset,
        duration,
        &out,
        progress,
    )
    .await?;
    let probed = probe::probe(&out).await?;
    let duration_ms = (probed.duration.unwrap_or(duration) * 1000.0).round() as u64;
    let key = composed_key(recording);
    let size_bytes = store.upload_file(&key, &out).await?;
    let mut participants: Vec<u32> = tracks.iter().map(|t| t.participant).collect();
    participants.dedup();
    progress(100);
    Ok(Composition { key, size_bytes, duration_ms, participants })
}

/// Runs ffmpeg under `nice` (composition must never starve the media path of the same machine),
/// reading its progress; stops it when it runs far longer than the media lasts.
async fn run_ffmpeg(
    inputs: &[PathBuf],
    graph: &str,
    preset: Preset,
    duration: f64,
    out: &Path,
    progress: &mut (impl FnMut(u8) + Send),
) -> Result<(), ComposeError> {
    let mut command = Command::new("nice");
    command.args(["-n", "10", "ffmpeg", "-nostdin", "-y", "-hide_banner", "-loglevel", "error"]);
    command.args(["-progress", "pipe:1", "-nostats"]);
    for input in inputs {
        // A track's frame size changes when the node switches simulcast layers. By default
        // ffmpeg then rebuilds the whole filter graph, and every trim, timestamp and pad in it
        // starts over: the picture stood still from the switch on. `scale` takes the new size.
        command.args(["-reinit_filter", "0"]).arg("-i").arg(input);
    }
    // The graph grows with every span and take: from a file, never past an argument's limit.
    let script = out.with_extension("filter");
    tokio::fs::write(&script, graph).await?;
    command
        .arg("-filter_complex_script")
        .arg(&script)
        .args(["-map", "[v]", "-map", "[a]"])
        .args(["-c:v", "libx264", "-preset", preset.x264_preset, "-crf", &preset.crf.to_string()])
        .args(["-pix_fmt", "yuv420p", "-r", &FPS.to_string()])
        .args(["-c:a", "aac", "-b:a", &format!("{}k", preset.audio_kbps)])
        .args(["-movflags", "+faststart", "-t", &format!("{duration:.3}")])
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| ComposeError::Ffmpeg(format!("cannot start ffmpeg: {e}")))?;
    let stdout = child.stdout.take().ok_or_else(|| ComposeError::Ffmpeg("no progress pipe".into()))?;
    let mut stderr = child.stderr.take().ok_or_else(|| ComposeError::Ffmpeg("no error pipe".into()))?;
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text).await;
        text
    });
    let limit = Duration::from_secs_f64(duration * 4.0 + 120.0);
    let run = async {
        let mut lines = BufReader::new(stdout).lines();
        let mut last = 0;
        while let Some(line) = lines.next_line().await? {
            // `out_time_us` (microseconds; ffmpeg's `out_time_ms` is the same number).
            if let Some(us) = line.strip_prefix("out_time_us=").and_then(|v| v.parse::<u64>().ok()) {
                let percent = ((us as f64 / 1e6 / duration) * 100.0).clamp(0.0, 99.0) as u8;
                if percent > last {
                    last = percent;
                    progress(percent);
                }
            }
        }
        child.wait().await
    };
    let status = match tokio::time::timeout(limit, run).await {
        Ok(status) => status?,
        Err(_) => return Err(ComposeError::TimedOut(limit)),
    };
    let errors = errors.await.unwrap_or_default();
    if !status.success() {
        return Err(ComposeError::Ffmpeg(format!("{status}: {}", errors.trim())));
    }
    Ok(())
}

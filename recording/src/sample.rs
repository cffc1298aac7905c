//! Sample recordings made of real media, for tests and benchmarks: ffmpeg encodes its test
//! sources (VP8 video, Opus audio), and each frame goes through the node's own track writer and
//! uploader into storage, as a participant's track of a recording.

use crate::container::{TrackCodec, TrackWriter};
use crate::layout::{TrackSource, manifest_key, track_key, track_name};
use crate::manifest::TrackManifest;
use crate::probe::{self, Packet};
use crate::storage::{ObjectStore, StorageError};
use crate::upload::StreamUpload;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Why a sample could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    /// ffmpeg could not encode the source.
    #[error("ffmpeg: {0}")]
    Ffmpeg(String),
    /// Its packets could not be read back.
    #[error(transparent)]
    Probe(#[from] probe::ProbeError),
    /// Writing or shipping failed.
    #[error("{0}")]
    Write(String),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// ffmpeg's arguments for sample video: VP8 as a browser sends it (realtime, a keyframe every
/// 2 s).
pub const VP8: [&str; 10] =
    ["-c:v", "libvpx", "-b:v", "300k", "-deadline", "realtime", "-cpu-used", "8", "-g", "60"];

/// The size of sample video.
pub const SAMPLE_SIZE: (u32, u32) = (320, 240);

/// `seconds` of ffmpeg's lavfi `source` encoded with `codec` arguments, as packets.
pub async fn encoded(
    dir: &Path,
    name: &str,
    source: &str,
    codec: &[&str],
    seconds: f64,
) -> Result<Vec<Packet>, SampleError> {
    let file = dir.join(format!("{name}.webm"));
    let output = tokio::process::Command::new("ffmpeg")
        .args([
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            source,
            "-t",
            &seconds.to_string(),
        ])
        .args(codec)
        .arg(&file)
        .output()
        .await
        .map_err(|e| SampleError::Ffmpeg(e.to_string()))?;
    if !output.status.success() {
        return Err(SampleError::Ffmpeg(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    Ok(probe::packets(&file).await?)
}

/// `seconds` of a moving VP8 camera (ffmpeg's `pattern` source, `testsrc2` or `testsrc`).
pub async fn camera(dir: &Path, name: &str, pattern: &str, seconds: f64) -> Result<Vec<Packet>, SampleError> {
    let (w, h) = SAMPLE_SIZE;
    let source = format!("{pattern}=size={w}x{h}:rate=30");
    encoded(dir, name, &source, &VP8, seconds).await
}

/// `seconds` of a stereo Opus tone at `hz`.
pub async fn microphone(dir: &Path, name: &str, hz: u32, seconds: f64) -> Result<Vec<Packet>, SampleError> {
    let source = format!("sine=frequency={hz}:sample_rate=48000");
    encoded(dir, name, &source, &["-ac", "2", "-c:a", "libopus", "-b:a", "32k"], seconds).await
}

/// Writes `packets` as `participant`'s `source` track starting `offset_ms` into `recording`,
/// the way the node does, and ships it: finished, or with `crash_after` abandoned after that
/// many seconds of media and a last checkpoint (a node that died). Returns the seconds shipped.
pub async fn record(
    store: &Arc<dyn ObjectStore>,
    recording: &str,
    participant: u32,
    source: TrackSource,
    packets: &[Packet],
    offset_ms: u64,
    crash_after: Option<f64>,
) -> Result<f64, SampleError> {
    let write = |e: crate::container::WriteError| SampleError::Write(e.to_string());
    let name = track_name(participant, source, 0);
    let key = track_key(recording, &name);
    let mut writer = match source {
        TrackSource::Audio => TrackWriter::opus(2).map_err(write)?,
        _ => TrackWriter::video(TrackCodec::Vp8, SAMPLE_SIZE.0, SAMPLE_SIZE.1).map_err(write)?,
    };
    let manifest = TrackManifest {
        recording: recording.into(),
        participant,
        source,
        take: 0,
        codec: writer.codec(),
        key: key.clone(),
        offset_ms,
        end_ms: None,
        width: SAMPLE_SIZE.0,
        height: SAMPLE_SIZE.1,
    };
    let json = serde_json::to_vec(&manifest).map_err(|e| SampleError::Write(e.to_string()))?;
    store.put(&manifest_key(recording, &name), json).await?;
    let mut upload = StreamUpload::new(store.clone(), key);
    let mut shipped = 0.0;
    for packet in packets {
        if crash_after.is_some_and(|limit| packet.pts > limit) {
            break;
        }
        let at = Duration::from_secs_f64(packet.pts.max(0.0));
        writer.write(&packet.data, at, packet.keyframe || source == TrackSource::Audio).map_err(write)?;
        upload.push(&writer.take()).await?;
        shipped = packet.pts;
    }
    match crash_after {
        Some(_) => upload.checkpoint().await?,
        None => {
            upload.push(&writer.finish()).await?;
            upload.finish().await?;
            // As the node does: the manifest again, saying when the track ended.
            let ended = TrackManifest { end_ms: Some(offset_ms + (shipped * 1000.0) as u64), ..manifest };
            let json = serde_json::to_vec(&ended).map_err(|e| SampleError::Write(e.to_string()))?;
            store.put(&manifest_key(recording, &name), json).await?;
        }
    }
    Ok(shipped)
}

/// A three-person call of `seconds`: Ada from the start, Bob 1.5 s in, Cy 3 s in, each with a
/// camera and a microphone, recorded into `recording` in `store` (`work` holds the encoded
/// sources).
pub async fn three_person_call(
    store: &Arc<dyn ObjectStore>,
    recording: &str,
    work: &Path,
    seconds: f64,
) -> Result<(), SampleError> {
    tokio::fs::create_dir_all(work).await.map_err(|e| SampleError::Write(e.to_string()))?;
    let people = [(1, "testsrc2", 440, 0u64), (2, "testsrc", 660, 1_500), (3, "testsrc2", 880, 3_000)];
    for (participant, pattern, hz, offset) in people {
        let length = seconds - offset as f64 / 1000.0;
        let video = camera(work, &format!("cam{participant}"), pattern, length).await?;
        let audio = microphone(work, &format!("mic{participant}"), hz, length).await?;
        record(store, recording, participant, TrackSource::Camera, &video, offset, None).await?;
        record(store, recording, participant, TrackSource::Audio, &audio, offset, None).await?;
    }
    Ok(())
}

//! Composition end to end on real media: VP8 and Opus encoded by ffmpeg, written frame by frame
//! through the node's track writer, shipped through the node's uploader into a folder, composed
//! into an MP4 that plays (H.264 and AAC), lasts as long as the recording, moves and is heard —
//! and, after an uploader that died mid-recording, composed from what it had saved.

use peershare_recording::compose::{Preset, compose};
use peershare_recording::container::{TrackCodec, TrackWriter};
use peershare_recording::layout::{TrackSource, manifest_key, track_key, track_name};
use peershare_recording::manifest::TrackManifest;
use peershare_recording::probe::{self, Packet};
use peershare_recording::storage::{LocalStore, ObjectStore};
use peershare_recording::upload::StreamUpload;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Media ffmpeg encodes from one of its test sources, as packets (what a node receives).
async fn encoded(dir: &Path, name: &str, source: &str, codec: &[&str], seconds: f64) -> Vec<Packet> {
    let file = dir.join(format!("{name}.webm"));
    let status = tokio::process::Command::new("ffmpeg")
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
        .status()
        .await
        .expect("ffmpeg runs (the test command installs it)");
    assert!(status.success(), "ffmpeg encodes {name}");
    probe::packets(&file).await.expect("reads the packets")
}

async fn camera(dir: &Path, name: &str, pattern: &str, seconds: f64) -> Vec<Packet> {
    let source = format!("{pattern}=size=320x240:rate=30");
    let codec = ["-c:v", "libvpx", "-b:v", "300k", "-deadline", "realtime", "-cpu-used", "8", "-g", "60"];
    encoded(dir, name, &source, &codec, seconds).await
}

async fn microphone(dir: &Path, name: &str, hz: u32, seconds: f64) -> Vec<Packet> {
    let source = format!("sine=frequency={hz}:sample_rate=48000");
    encoded(dir, name, &source, &["-ac", "2", "-c:a", "libopus", "-b:a", "32k"], seconds).await
}

/// Writes `packets` as participant `participant`'s `source` track starting `offset_ms` into the
/// recording, the way the node does; ships it, finished or (with `crash_after`) abandoned after
/// that many seconds of media and a checkpoint. Returns the seconds shipped.
async fn record(
    store: &Arc<dyn ObjectStore>,
    recording: &str,
    participant: u32,
    source: TrackSource,
    packets: &[Packet],
    offset_ms: u64,
    crash_after: Option<f64>,
) -> f64 {
    let name = track_name(participant, source, 0);
    let key = track_key(recording, &name);
    let mut writer = match source {
        TrackSource::Audio => TrackWriter::opus(2).expect("opus"),
        _ => TrackWriter::video(TrackCodec::Vp8, 320, 240).expect("vp8"),
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
        width: 320,
        height: 240,
    };
    store
        .put(&manifest_key(recording, &name), serde_json::to_vec(&manifest).expect("json"))
        .await
        .expect("puts");
    let mut upload = StreamUpload::new(store.clone(), key);
    let mut shipped = 0.0;
    for packet in packets {
        if crash_after.is_some_and(|limit| packet.pts > limit) {
            break;
        }
        writer
            .write(
                &packet.data,
                Duration::from_secs_f64(packet.pts.max(0.0)),
                packet.keyframe || source == TrackSource::Audio,
            )
            .expect("writes");
        upload.push(&writer.take()).await.expect("ships");
        shipped = packet.pts;
    }
    match crash_after {
        Some(_) => upload.checkpoint().await.expect("the last checkpoint before the crash"),
        None => {
            upload.push(&writer.finish()).await.expect("ships the end");
            upload.finish().await.expect("finishes");
        }
    }
    shipped
}

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("peershare-compose-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("makes a folder");
    dir
}

/// Checks the composed file: H.264 and AAC, `seconds` long (within 1 s), moving, heard.
async fn assert_playable(store: &Arc<dyn ObjectStore>, key: &str, dir: &Path, seconds: f64) {
    let file = dir.join("download.mp4");
    assert!(store.download(key, &file).await.expect("downloads"), "the MP4 is stored");
    let info = probe::probe(&file).await.expect("ffprobe reads the MP4");
    assert!(info.format.contains("mp4"), "{}", info.format);
    let codecs: Vec<_> = info.streams.iter().map(|s| s.codec_name.as_str()).collect();
    assert_eq!(codecs, ["h264", "aac"]);
    let duration = info.duration.expect("a duration");
    assert!((duration - seconds).abs() < 1.0, "{duration} s composed, {seconds} s recorded");
    let frozen = probe::freezes(&file, 2.0).await.expect("freezedetect runs");
    assert!(frozen.is_empty(), "no picture stands still for 2 s: {frozen:?}");
    let volume = probe::mean_volume(&file).await.expect("volumedetect runs");
    assert!(volume > -50.0, "the microphones are heard: {volume} dB");
    let head = std::fs::read(&file).expect("reads");
    let moov = head.windows(4).position(|w| w == b"moov").expect("a moov box");
    let mdat = head.windows(4).position(|w| w == b"mdat").expect("an mdat box");
    assert!(moov < mdat, "faststart: the index comes before the media");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_people_compose_into_an_mp4_that_plays_moves_and_is_heard() {
    let dir = folder("three");
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(dir.join("store")).expect("a store"));
    let recording = "r_g_compose_1";
    // Ada from the start, Bob 1.5 s in, Cy 3 s in; 8 s in all.
    let people =
        [(1, "testsrc2", 440, 0u64, 8.0), (2, "testsrc", 660, 1_500, 6.5), (3, "testsrc2", 880, 3_000, 5.0)];
    for (participant, pattern, hz, offset, seconds) in people {
        let video = camera(&dir, &format!("cam{participant}"), pattern, seconds).await;
        let audio = microphone(&dir, &format!("mic{participant}"), hz, seconds).await;
        record(&store, recording, participant, TrackSource::Camera, &video, offset, None).await;
        record(&store, recording, participant, TrackSource::Audio, &audio, offset, None).await;
    }
    let mut seen = Vec::new();
    let composed = compose(store.as_ref(), recording, Preset::LOW, &dir.join("work"), |p| seen.push(p))
        .await
        .expect("composes");
    assert_eq!(composed.participants, [1, 2, 3]);
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]) && seen.last() == Some(&100),
        "progress goes up to 100: {seen:?}"
    );
    assert!((composed.duration_ms as f64 / 1000.0 - 8.0).abs() < 1.0, "{composed:?}");
    assert_playable(&store, &composed.key, &dir, 8.0).await;
    assert!(!dir.join("work").exists(), "the work folder is cleaned");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_whose_uploader_died_composes_from_what_it_saved() {
    let dir = folder("crash");
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(dir.join("store")).expect("a store"));
    let recording = "r_g_compose_crash";
    let video = camera(&dir, "cam", "testsrc2", 8.0).await;
    let audio = microphone(&dir, "mic", 440, 8.0).await;
    // The node dies 5 s in: its last checkpoint holds everything up to then.
    let saved = record(&store, recording, 1, TrackSource::Camera, &video, 0, Some(5.0)).await;
    record(&store, recording, 1, TrackSource::Audio, &audio, 0, Some(5.0)).await;
    let composed =
        compose(store.as_ref(), recording, Preset::LOW, &dir.join("work"), |_| {}).await.expect("composes");
    assert!((composed.duration_ms as f64 / 1000.0 - saved).abs() < 0.5, "{composed:?} after {saved} s saved");
    assert_playable(&store, &composed.key, &dir, saved).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_camera_that_changes_size_midway_keeps_moving() {
    // The node records the simulcast layer it forwards: a layer switch changes the frame size
    // within one track file. ffmpeg must not rebuild the filter graph then (its trims and
    // timestamps would start over: the picture froze from the switch to the end).
    let dir = folder("resize");
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(dir.join("store")).expect("a store"));
    let recording = "r_g_compose_resize";
    let codec = ["-c:v", "libvpx", "-b:v", "300k", "-deadline", "realtime", "-cpu-used", "8", "-g", "60"];
    let small = encoded(&dir, "small", "testsrc2=size=320x240:rate=30", &codec, 4.0).await;
    let large = encoded(&dir, "large", "testsrc=size=640x480:rate=30", &codec, 4.0).await;
    let video: Vec<Packet> =
        small.into_iter().chain(large.into_iter().map(|p| Packet { pts: p.pts + 4.0, ..p })).collect();
    let audio = microphone(&dir, "mic", 440, 8.0).await;
    record(&store, recording, 1, TrackSource::Camera, &video, 0, None).await;
    record(&store, recording, 1, TrackSource::Audio, &audio, 0, None).await;
    let composed =
        compose(store.as_ref(), recording, Preset::LOW, &dir.join("work"), |_| {}).await.expect("composes");
    assert_playable(&store, &composed.key, &dir, 8.0).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_recording_with_no_media_fails_with_a_reason() {
    let dir = folder("empty");
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(dir.join("store")).expect("a store"));
    let error = compose(store.as_ref(), "r_g_nothing", Preset::LOW, &dir.join("work"), |_| {})
        .await
        .expect_err("fails");
    assert_eq!(error.to_string(), "nothing was recorded");
    let _ = std::fs::remove_dir_all(&dir);
}

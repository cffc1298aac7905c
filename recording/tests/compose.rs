//! Composition end to end on real media: VP8 and Opus encoded by ffmpeg, written frame by frame
//! through the node's track writer, shipped through the node's uploader into a folder, composed
//! into an MP4 that plays (H.264 and AAC), lasts as long as the recording, moves and is heard —
//! and, after an uploader that died mid-recording, composed from what it had saved.

use peershare_recording::compose::{Preset, compose};
use peershare_recording::layout::TrackSource;
use peershare_recording::probe;
use peershare_recording::sample;
use peershare_recording::storage::{LocalStore, ObjectStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    sample::three_person_call(&store, recording, &dir.join("sources"), 8.0).await.expect("records");
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
    let video = sample::camera(&dir, "cam", "testsrc2", 8.0).await.expect("encodes");
    let audio = sample::microphone(&dir, "mic", 440, 8.0).await.expect("encodes");
    // The node dies 5 s in: its last checkpoint holds everything up to then.
    let saved =
        sample::record(&store, recording, 1, TrackSource::Camera, &video, 0, Some(5.0)).await.expect("ships");
    sample::record(&store, recording, 1, TrackSource::Audio, &audio, 0, Some(5.0)).await.expect("ships");
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
    let small = sample::encoded(&dir, "small", "testsrc2=size=320x240:rate=30", &sample::VP8, 4.0)
        .await
        .expect("encodes");
    let large = sample::encoded(&dir, "large", "testsrc=size=640x480:rate=30", &sample::VP8, 4.0)
        .await
        .expect("encodes");
    let video: Vec<probe::Packet> =
        small.into_iter().chain(large.into_iter().map(|p| probe::Packet { pts: p.pts + 4.0, ..p })).collect();
    let audio = sample::microphone(&dir, "mic", 440, 8.0).await.expect("encodes");
    sample::record(&store, recording, 1, TrackSource::Camera, &video, 0, None).await.expect("ships");
    sample::record(&store, recording, 1, TrackSource::Audio, &audio, 0, None).await.expect("ships");
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

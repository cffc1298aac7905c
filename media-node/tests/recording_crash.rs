//! A media node killed mid-recording (SIGKILL, the real binary): what it had checkpointed is
//! read back from storage, every track up to at most a few seconds before the kill, frame for
//! frame as the clients sent it. (Composing such leftovers is `recording/tests/compose.rs`:
//! `a_recording_whose_uploader_died_composes_from_what_it_saved`.)

mod support;

use peershare_core::protocol::TrackKind;
use peershare_media_node::token::MediaTokenKeys;
use peershare_recording::layout::tracks_prefix;
use peershare_recording::manifest::TrackManifest;
use peershare_recording::probe;
use peershare_recording::recover::fetch_track;
use peershare_recording::storage::{LocalStore, ObjectStore};
use peershare_test_client::{Client, DEADLINE, Join, Publish, audio_frame, read_stamp, video_frame};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

const NODE_ID: &str = "node-to-crash";
const RECORDING: &str = "r_g_crash_1800000000000";

/// The most media a kill may cost a track: the shipper's checkpoint interval, the media task's
/// hand-over interval, and slack for a busy machine.
const WORST_LOSS: Duration = Duration::from_millis(3_500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_recording_leaves_every_track_up_to_its_last_checkpoint() {
    support::init_logs();
    let dir = std::env::temp_dir().join(format!("peershare-node-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let keys = MediaTokenKeys::generate().expect("keys");
    let mut node = tokio::process::Command::new(env!("CARGO_BIN_EXE_peershare-media-node"))
        .args(["--udp", "127.0.0.1:0", "--http", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0"])
        .args(["--node-id", NODE_ID])
        // `=`: a base64url key may start with `-`, which would read as a flag.
        .arg(format!("--public-key={}", keys.public_key()))
        .arg("--recordings-dir")
        .arg(&dir)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the node starts");
    let mut lines = BufReader::new(node.stdout.take().expect("stdout")).lines();
    let ready =
        tokio::time::timeout(DEADLINE, lines.next_line()).await.expect("ready in time").expect("reads");
    let ready = ready.expect("a ready line");
    let api = ready.split("HTTP ").nth(1).and_then(|r| r.split_whitespace().next()).expect("the control URL");
    let api = api.trim_end_matches('/').to_owned();
    let http = reqwest::Client::new();
    let sign =
        |claims| peershare_core::media::MediaTokenSigner::sign(&keys.signer(), &claims).expect("signs");
    let now = support::now_timestamp;

    let call = "call-crash";
    let room = sign(peershare_core::media::MediaClaims::room(NODE_ID, call, now()));
    let created = http.post(format!("{api}/v1/calls/{call}")).bearer_auth(&room).send().await.expect("sent");
    assert_eq!(created.status(), 201);
    let mut clients: Vec<Client> = Vec::new();
    for id in 1..=2u32 {
        let token = sign(peershare_core::media::MediaClaims::participant(
            NODE_ID,
            call,
            peershare_core::protocol::ParticipantId(id),
            now(),
        ));
        let publish = Publish { video_delta_bytes: 700, video_keyframe_bytes: 3_500, ..Publish::default() };
        let join = Join { http: &http, api: &api, call, participant: id, token: &token, publish };
        clients.push(Client::join(join).await.expect("joins"));
    }
    clients[0].wait_frames_from(&[2], 10, 10).await;
    clients[1].wait_frames_from(&[1], 10, 10).await;

    let plan = serde_json::json!({ "recording": RECORDING, "revision": 1, "participants": [1, 2] });
    let started = Instant::now();
    let planned = http.put(format!("{api}/v1/calls/{call}/recording")).bearer_auth(&room).json(&plan).send();
    assert_eq!(planned.await.expect("sent").status(), 204);
    // Several checkpoints' worth, then the node dies without a word.
    let seen = clients[1].received(1, TrackKind::Video).frames;
    clients[1].wait("7 s of Ada's video", |s| s.from(1, TrackKind::Video).frames >= seen + 210).await;
    node.start_kill().expect("kills");
    let killed_after = started.elapsed();
    node.wait().await.expect("the node is gone");
    drop(clients);

    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(&dir).expect("the folder"));
    let mut tracks = 0;
    for object in store.list(&tracks_prefix(RECORDING)).await.expect("lists") {
        if !object.key.ends_with(".json") {
            continue;
        }
        let manifest: TrackManifest =
            serde_json::from_slice(&store.get(&object.key).await.expect("reads").expect("exists"))
                .expect("a manifest");
        assert_eq!(manifest.end_ms, None, "the node never finished {}", manifest.key);
        let file = dir.join(format!("recovered-{tracks}.webm"));
        let length = fetch_track(store.as_ref(), &manifest.key, &file).await.expect("reads back");
        assert!(length > 0, "{}: something was saved", manifest.key);
        let packets = probe::packets(&file).await.expect("what was saved plays");
        let kind = if manifest.codec.is_video() { TrackKind::Video } else { TrackKind::Audio };
        for packet in &packets {
            let stamp = read_stamp(&packet.data, kind).expect("a stamped frame");
            let sent = match kind {
                TrackKind::Video => video_frame(stamp, packet.data[0] & 1 == 0, packet.data.len()),
                TrackKind::Audio => audio_frame(stamp, packet.data.len()),
            };
            assert!(sent == packet.data, "{}: frame {} as it was sent", manifest.key, stamp.seq);
        }
        let kept = Duration::from_millis(manifest.offset_ms)
            + Duration::from_secs_f64(packets.last().map_or(0.0, |p| p.pts));
        let lost = killed_after.saturating_sub(kept);
        assert!(lost <= WORST_LOSS, "{}: {lost:?} lost (kept {kept:?} of {killed_after:?})", manifest.key);
        tracks += 1;
    }
    assert_eq!(tracks, 4, "audio and camera of both participants");
    let _ = std::fs::remove_dir_all(&dir);
}

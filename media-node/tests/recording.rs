//! Recording on a real node over real UDP: the tracks of the participants the room lists are
//! written as they arrive, frame for frame as they were sent and on their own clock; nobody
//! else's media is written; a participant the plan drops stops being written at once.

mod support;

use peershare_core::protocol::TrackKind;
use peershare_recording::layout::tracks_prefix;
use peershare_recording::manifest::TrackManifest;
use peershare_recording::probe;
use peershare_recording::storage::{LocalStore, ObjectStore};
use peershare_test_client::{DEADLINE, Publish, audio_frame, read_stamp, video_frame};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::Node;

const RECORDING: &str = "r_g_rec_1800000000000";

async fn plan(node: &Node, call: &str, revision: u32, participants: &[u32], stopped: bool) {
    plan_part(node, call, revision, participants, stopped, 0).await;
}

/// A plan for the call's node session `part` (one more after each lost node).
async fn plan_part(node: &Node, call: &str, revision: u32, participants: &[u32], stopped: bool, part: u32) {
    let body = serde_json::json!({
        "recording": RECORDING, "revision": revision, "participants": participants, "stopped": stopped,
        "part": part,
    });
    let response = node
        .http
        .put(node.url(&format!("/v1/calls/{call}/recording")))
        .bearer_auth(node.room_token(call))
        .json(&body)
        .send()
        .await
        .expect("plan request");
    assert_eq!(
        response.status(),
        reqwest::StatusCode::NO_CONTENT,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

/// The manifests in storage, once every one of them says its track ended.
async fn ended_manifests(store: &Arc<dyn ObjectStore>) -> Vec<TrackManifest> {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let mut manifests = Vec::new();
        for object in store.list(&tracks_prefix(RECORDING)).await.expect("lists") {
            if object.key.ends_with(".json") {
                let json = store.get(&object.key).await.expect("reads").expect("exists");
                manifests.push(serde_json::from_slice::<TrackManifest>(&json).expect("a manifest"));
            }
        }
        let webms = store.list(&tracks_prefix(RECORDING)).await.expect("lists");
        let complete = manifests.iter().all(|m| m.end_ms.is_some() && webms.iter().any(|o| o.key == m.key));
        if !manifests.is_empty() && complete {
            manifests.sort_by_key(|m| (m.participant, m.key.clone()));
            return manifests;
        }
        assert!(Instant::now() < deadline, "tracks did not end in storage: {manifests:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listed_participants_tracks_are_written_frame_for_frame_and_nobody_elses() {
    let dir = std::env::temp_dir().join(format!("peershare-node-recording-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(&dir).expect("a folder"));
    let node = Node::start_with(50, Some(store.clone())).await;
    let call = "call-rec";
    node.create_call(call).await;
    let (one, two, three) = (node.join(call, 1).await, node.join(call, 2).await, node.join(call, 3).await);
    one.wait_frames_from(&[2, 3], 10, 10).await;
    two.wait_frames_from(&[1, 3], 10, 10).await;

    plan(&node, call, 1, &[1, 2], false).await;
    // About two seconds of Bob's frames, then Bob withdraws; Ada goes on for another second.
    let bob_video = three.received(2, TrackKind::Video).frames;
    three
        .wait("60 more of Bob's video frames", |s| s.from(2, TrackKind::Video).frames >= bob_video + 60)
        .await;
    plan(&node, call, 2, &[1], false).await;
    // A plan overtaken on the way (the earlier one, arriving late) changes nothing: Bob withdrew.
    plan(&node, call, 1, &[1, 2], false).await;
    let ada_video = three.received(1, TrackKind::Video).frames;
    three
        .wait("30 more of Ada's video frames", |s| s.from(1, TrackKind::Video).frames >= ada_video + 30)
        .await;
    plan(&node, call, 3, &[], true).await;
    // A stopped recording never starts again, whatever arrives late.
    plan(&node, call, 2, &[1], false).await;

    let manifests = ended_manifests(&store).await;
    let who: Vec<_> = manifests.iter().map(|m| m.participant).collect();
    assert!(!who.contains(&3), "participant 3 was never listed and nothing of theirs is stored: {who:?}");
    assert_eq!(manifests.len(), 4, "audio and camera of 1 and 2, one take each: {manifests:?}");
    let end = |p: u32| {
        manifests.iter().filter(|m| m.participant == p).filter_map(|m| m.end_ms).max().expect("ended")
    };
    assert!(
        end(2) + 500 < end(1),
        "Bob's tracks ended when the plan dropped him ({} ms vs {} ms)",
        end(2),
        end(1)
    );

    // What the test clients publish (support's `Node::join`): the frame intervals.
    let publish = Publish::default();
    for manifest in &manifests {
        let file = dir.join(&manifest.key);
        let packets = probe::packets(&file).await.expect("ffprobe reads the track");
        assert!(packets.len() > 20, "{}: {} packets", manifest.key, packets.len());
        let kind = if manifest.codec.is_video() { TrackKind::Video } else { TrackKind::Audio };
        let mut previous: Option<(u64, f64)> = None;
        for packet in &packets {
            let stamp = read_stamp(&packet.data, kind).expect("every packet is a frame the client stamped");
            assert_eq!(
                stamp.publisher, manifest.participant,
                "{}: only its participant's frames",
                manifest.key
            );
            let sent = match kind {
                TrackKind::Video => video_frame(stamp, packet.data[0] & 1 == 0, packet.data.len()),
                TrackKind::Audio => audio_frame(stamp, packet.data.len()),
            };
            assert!(
                sent == packet.data,
                "{}: frame {} is not byte for byte what was sent",
                manifest.key,
                stamp.seq
            );
            if let Some((seq, pts)) = previous {
                assert!(stamp.seq > seq, "{}: frames in order", manifest.key);
                // The file's clock is the sender's RTP clock: gaps between frames as their RTP
                // times say (frame count × the frame interval), however late a busy machine
                // sent them. Matroska keeps milliseconds.
                let file_gap = packet.pts - pts;
                let interval = match kind {
                    TrackKind::Video => publish.video_interval,
                    TrackKind::Audio => publish.audio_interval,
                };
                let rtp_gap = (stamp.seq - seq) as f64 * interval.as_secs_f64();
                assert!(
                    (file_gap - rtp_gap).abs() < 0.0015,
                    "{}: {file_gap} s in the file, {rtp_gap} s by the sender's RTP clock",
                    manifest.key
                );
            }
            previous = Some((stamp.seq, packet.pts));
        }
        if kind == TrackKind::Video {
            assert_eq!(packets[0].data[0] & 1, 0, "{}: a video track starts on a keyframe", manifest.key);
        }
    }
    drop((one, two, three));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn recording_requests_are_checked_like_every_control_request() {
    let dir = std::env::temp_dir().join(format!("peershare-node-recording-checks-{}", std::process::id()));
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(&dir).expect("a folder"));
    let node = Node::start_with(50, Some(store)).await;
    node.create_call("call-a").await;
    node.create_call("call-b").await;
    let put = |call: &str, token: String, body: serde_json::Value| {
        node.http.put(node.url(&format!("/v1/calls/{call}/recording"))).bearer_auth(token).json(&body).send()
    };
    let good = serde_json::json!({ "recording": RECORDING, "revision": 1, "participants": [1] });
    let status = |r: reqwest::Response| r.status().as_u16();
    assert_eq!(
        status(node.http.put(node.url("/v1/calls/call-a/recording")).json(&good).send().await.expect("sent")),
        401
    );
    assert_eq!(
        status(put("call-a", node.room_token("call-b"), good.clone()).await.expect("sent")),
        403,
        "another call's token"
    );
    assert_eq!(
        status(put("call-a", node.participant_token("call-a", 1), good.clone()).await.expect("sent")),
        403,
        "a participant's token"
    );
    for bad in [
        serde_json::json!({ "recording": "../../etc", "revision": 1, "participants": [1] }),
        serde_json::json!({ "recording": RECORDING, "revision": 1 }),
        serde_json::json!({ "recording": RECORDING, "participants": [1] }),
        serde_json::json!({ "recording": RECORDING, "revision": 1, "participants": [1], "extra": true }),
        serde_json::json!({ "recording": RECORDING, "revision": 1, "participants": (0..300).collect::<Vec<u32>>() }),
    ] {
        assert_eq!(
            status(put("call-a", node.room_token("call-a"), bad.clone()).await.expect("sent")),
            400,
            "{bad}"
        );
    }
    assert_eq!(
        status(put("call-x", node.room_token("call-x"), good.clone()).await.expect("sent")),
        404,
        "no such call"
    );
    assert_eq!(status(put("call-a", node.room_token("call-a"), good.clone()).await.expect("sent")), 204);
    let _ = std::fs::remove_dir_all(&dir);

    let without = Node::start_with(50, None).await;
    without.create_call("call-a").await;
    let refused = without
        .http
        .put(without.url("/v1/calls/call-a/recording"))
        .bearer_auth(without.room_token("call-a"))
        .json(&good)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status().as_u16(), 503, "a node without storage cannot record");
    let body: serde_json::Value = refused.json().await.expect("a JSON error");
    assert_eq!(body["error"], "recording_unavailable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_moved_to_another_node_session_goes_on_in_a_new_part_beside_the_first() {
    let dir = std::env::temp_dir().join(format!("peershare-node-recording-parts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let store: Arc<dyn ObjectStore> = Arc::new(LocalStore::new(&dir).expect("a folder"));
    let node = Node::start_with(50, Some(store.clone())).await;
    // The first session, then the call's next one (as on the node that replaced a lost one).
    for (part, call) in [(0, "call-part-0"), (1, "call-part-1")] {
        node.create_call(call).await;
        let (one, two) = (node.join(call, 1).await, node.join(call, 2).await);
        two.wait_frames_from(&[1], 10, 10).await;
        plan_part(&node, call, 1, &[1], false, part).await;
        let frames = two.received(1, TrackKind::Video).frames;
        two.wait("30 more of Ada's video frames", |s| s.from(1, TrackKind::Video).frames >= frames + 30)
            .await;
        plan_part(&node, call, 2, &[], true, part).await;
        drop((one, two));
    }
    let manifests = ended_manifests(&store).await;
    let keys: std::collections::BTreeSet<_> = manifests.iter().map(|m| m.key.clone()).collect();
    assert_eq!(keys.len(), 4, "audio and camera of each part, none overwritten: {keys:?}");
    assert!(keys.iter().any(|k| k.ends_with("p1-camera-0.webm")), "{keys:?}");
    assert!(keys.iter().any(|k| k.ends_with("p1-camera-1000.webm")), "{keys:?}");
}

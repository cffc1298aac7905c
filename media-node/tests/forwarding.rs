//! A real node forwarding real WebRTC media between str0m clients: every frame reaches every
//! other participant on the m-line the node's `tracks` message names, late subscribers get a
//! keyframe because the node asks publishers for one, and leaving renegotiates the others.

mod support;

use peershare_core::protocol::{ParticipantId, TrackKind};
use peershare_test_client::Client;
use str0m::media::Direction;
use support::Node;

/// Each of `clients` receives audio and video from every other one.
async fn wait_full_mesh(clients: &[&Client], audio: u64, video: u64) {
    for c in clients {
        let others: Vec<u32> = clients.iter().map(|o| o.id).filter(|&id| id != c.id).collect();
        c.wait_frames_from(&others, audio, video).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_participants_each_receive_audio_and_video_from_both_others() {
    let node = Node::start().await;
    node.create_call("mesh").await;
    let a = node.join("mesh", 1).await;
    let b = node.join("mesh", 2).await;
    let c = node.join("mesh", 3).await;

    wait_full_mesh(&[&a, &b, &c], 25, 15).await;

    for client in [&a, &b, &c] {
        client.assert_clean();
        let s = client.state();
        let mut expected: Vec<ParticipantId> =
            [1, 2, 3].into_iter().filter(|&id| id != client.id).map(ParticipantId).collect();
        expected.sort();
        assert_eq!(s.listed_publishers(), expected, "client {} is told about the two others", client.id);
        assert_eq!(s.tracks.len(), 4, "an audio and a video m-line per other participant");
        for kind in [TrackKind::Audio, TrackKind::Video] {
            let publishers: Vec<_> =
                s.tracks.values().filter(|t| t.kind == kind).map(|t| t.participant).collect();
            assert_eq!(publishers.len(), 2, "one {kind:?} m-line per publisher: {:?}", s.tracks);
        }
        assert!(
            s.tracks.keys().all(|mid| s.directions.get(mid) == Some(&Direction::RecvOnly)),
            "every forwarded m-line is receive-only at the client: {:?}",
            s.directions
        );
        assert!(s.received.keys().all(|(p, _)| p.0 != client.id), "nobody gets their own media back");
    }
    // Published statistics refresh once a second.
    node.wait_stats("3 participants, 6 published and 12 forwarded tracks, frames forwarded", |s| {
        s.participants == 3 && s.published_tracks == 6 && s.forwarded_tracks == 12 && s.frames_forwarded > 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_subscriber_gets_a_keyframe_from_every_publisher() {
    let node = Node::start().await;
    node.create_call("late").await;
    let a = node.join("late", 1).await;
    let b = node.join("late", 2).await;
    wait_full_mesh(&[&a, &b], 10, 5).await;

    // Publishers send a keyframe when they start and when asked, never on their own: wait
    // until each has sent two seconds of delta frames since its last keyframe.
    for publisher in [&a, &b] {
        publisher
            .wait("two seconds of delta frames since the last keyframe", |s| s.deltas_since_keyframe >= 60)
            .await;
    }
    let requests_before: Vec<u64> = [&a, &b].iter().map(|p| p.state().keyframe_requests).collect();
    let keyframes_before: Vec<u64> = [&a, &b].iter().map(|p| p.state().keyframes_sent).collect();

    let late = node.join("late", 3).await;
    late.wait("a keyframe of the video of participants 1 and 2", |s| {
        [1, 2].iter().all(|&p| s.from(p, TrackKind::Video).keyframes >= 1)
    })
    .await;
    late.wait_frames_from(&[1, 2], 10, 10).await;
    late.assert_clean();

    for (i, publisher) in [&a, &b].into_iter().enumerate() {
        let s = publisher.state();
        assert!(
            s.keyframe_requests > requests_before[i],
            "the node asked publisher {} for a keyframe when the late subscriber opened its video",
            publisher.id
        );
        assert!(s.keyframes_sent > keyframes_before[i], "publisher {} sent a new keyframe", publisher.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_participant_is_renegotiated_away_from_the_others() {
    let node = Node::start().await;
    node.create_call("leave").await;
    let a = node.join("leave", 1).await;
    let b = node.join("leave", 2).await;
    let c = node.join("leave", 3).await;
    wait_full_mesh(&[&a, &b, &c], 10, 5).await;
    node.wait_stats("three participants forwarding to each other", |s| {
        s.participants == 3 && s.forwarded_tracks == 12
    })
    .await;

    let leaving_mids: Vec<Vec<String>> = [&a, &b]
        .iter()
        .map(|client| {
            let s = client.state();
            s.tracks
                .iter()
                .filter(|(_, t)| t.participant == ParticipantId(3))
                .map(|(mid, _)| mid.clone())
                .collect()
        })
        .collect();
    let answered_before: Vec<u64> = [&a, &b].iter().map(|c| c.state().offers_answered).collect();

    node.remove_participant("leave", 3).await;

    for (i, client) in [&a, &b].into_iter().enumerate() {
        assert_eq!(leaving_mids[i].len(), 2, "participant 3's audio and video at client {}", client.id);
        client
            .wait("a renegotiation that stops participant 3's m-lines", |s| {
                s.offers_answered > answered_before[i]
                    && s.listed_publishers()
                        == [ParticipantId(1), ParticipantId(2)]
                            .into_iter()
                            .filter(|p| p.0 != client.id)
                            .collect::<Vec<_>>()
                    && leaving_mids[i].iter().all(|mid| s.directions.get(mid) == Some(&Direction::Inactive))
            })
            .await;
        client.assert_clean();
    }
    node.wait_stats("participant 3 gone and its forwarded tracks dropped", |s| {
        s.participants == 2 && s.published_tracks == 4 && s.forwarded_tracks == 4
    })
    .await;
    assert_eq!(node.handle.stats().participants, 2, "the node counts two participants after the removal");

    // The two who stayed still hear and see each other.
    let before = (a.received(2, TrackKind::Video).frames, b.received(1, TrackKind::Video).frames);
    a.wait("more video from participant 2", |s| s.from(2, TrackKind::Video).frames >= before.0 + 10).await;
    b.wait("more video from participant 1", |s| s.from(1, TrackKind::Video).frames >= before.1 + 10).await;
    drop(c);
}

/// A renegotiation that never completes (the subscriber never answers the node's offer) is not
/// waited on forever: the node keeps its offer (never a second one that could cross a late
/// answer), and after 30 s gives the participant up and counts it; the others carry on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_who_never_answers_the_nodes_offer_is_given_up() {
    let node = Node::start().await;
    node.create_call("lost-offer").await;
    let a = node.join("lost-offer", 1).await;
    a.wait("the data channel is open", |s| s.channel_open).await;
    a.state().drop_offers = u64::MAX;
    let b = node.join("lost-offer", 2).await;
    a.wait("the node's offer for B's tracks dropped", |s| s.offers_dropped >= 1).await;
    let stats =
        node.wait_stats_for(std::time::Duration::from_secs(60), "A given up", |s| s.participants == 1).await;
    assert_eq!(stats.offers_unanswered, 1);
    assert_eq!(a.state().offers_dropped, 1, "one offer, never made twice");
    assert_eq!(node.handle.stats().participants, 1, "B stays");
    drop(b);
}

//! Calls of three and more: moving to a media node, tokens, staying there, releasing it.

use super::*;
use crate::media::{MEDIA_TOKEN_TTL, MediaNodeLease, TokenScope};
use crate::protocol::MediaNodeAccess;

fn lease() -> MediaNodeLease {
    MediaNodeLease {
        node_id: "node-a".into(),
        url: "http://node-a.test".into(),
        call_id: "call-1".into(),
        control_url: String::new(),
    }
}

/// A, B in peer-to-peer, C waiting for the node the room asked for.
fn three_waiting() -> Script {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.join(C, "Cy");
    assert!(out.contains(&Output::NeedsMediaNode { participants: 3, replacing: None }));
    s
}

fn claims_of(access: &MediaNodeAccess) -> MediaClaims {
    serde_json::from_str(&access.token).expect("test tokens are the claims in JSON")
}

fn moved_to(outputs: &[Output], conn: ConnectionId) -> Option<MediaNodeAccess> {
    sent_to(outputs, conn).into_iter().find_map(|m| match m {
        ServerMessage::MoveToMediaNode { media_node } => Some(media_node),
        _ => None,
    })
}

fn welcomed_onto_node(outputs: &[Output], conn: ConnectionId) -> (CallMode, Option<MediaNodeAccess>) {
    sent_to(outputs, conn)
        .into_iter()
        .find_map(|m| match m {
            ServerMessage::Welcome { mode, media_node, .. } => Some((mode, media_node)),
            _ => None,
        })
        .expect("welcome")
}

#[test]
fn one_and_two_participants_stay_peer_to_peer_without_asking_for_a_node() {
    let mut s = Script::new();
    let out = s.join(A, "Ada");
    assert_eq!(welcomed_onto_node(&out, A), (CallMode::PeerToPeer, None));
    let out = s.join(B, "Bob");
    assert_eq!(welcomed_onto_node(&out, B), (CallMode::PeerToPeer, None));
    assert!(!out.iter().any(|o| matches!(o, Output::NeedsMediaNode { .. })));
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
}

#[test]
fn an_allocated_node_moves_everyone_and_admits_the_waiting_participant() {
    let mut s = three_waiting();
    let out = s.input(Input::MediaNodeAllocated(lease()));
    assert_eq!(s.room.mode(), CallMode::MediaNode);
    assert_eq!(s.room.participant_count(), 3);

    let a = moved_to(&out, A).expect("A is told to move");
    let b = moved_to(&out, B).expect("B is told to move");
    let (mode, c) = welcomed_onto_node(&out, C);
    let c = c.expect("C's welcome carries the node");
    assert_eq!(mode, CallMode::MediaNode);
    for access in [&a, &b, &c] {
        assert_eq!(access.url, "http://node-a.test");
        assert_eq!(access.call_id, "call-1");
    }
    assert!(moved_to(&out, C).is_none(), "the newcomer is welcomed straight onto the node");
    assert!(
        sent_to(&out, A).contains(&ServerMessage::ParticipantJoined {
            participant: Peer {
                id: ParticipantId(3),
                display_name: "Cy".into(),
                media: MediaState { audio: true, video: true },
                polite: true,
                guest: false,
                role: None,
            }
        }),
        "the others learn who joined"
    );
    assert!(out.iter().any(|o| matches!(o, Output::Persist(snap) if snap.media_node == Some(lease()))));
}

#[test]
fn each_participant_gets_a_token_for_itself_on_that_node_and_call() {
    let mut s = three_waiting();
    let out = s.input(Input::MediaNodeAllocated(lease()));
    let tokens = [
        (moved_to(&out, A).expect("A"), 1),
        (moved_to(&out, B).expect("B"), 2),
        (welcomed_onto_node(&out, C).1.expect("C"), 3),
    ];
    for (access, id) in tokens {
        let claims = claims_of(&access);
        assert_eq!(claims.participant, Some(ParticipantId(id)));
        assert_eq!(claims.scope, TokenScope::Participant);
        assert_eq!(claims.aud, "node-a");
        assert_eq!(claims.call, "call-1");
        assert_eq!(claims.iat, s.now.as_millis() / 1000);
        assert_eq!(claims.exp, claims.iat + MEDIA_TOKEN_TTL.as_secs());
    }
}

#[test]
fn later_newcomers_go_straight_to_the_node_with_a_fresh_token() {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(lease()));
    s.now = s.now.plus(Duration::from_secs(60));
    let out = s.join(D, "Dee");
    assert!(!out.iter().any(|o| matches!(o, Output::NeedsMediaNode { .. })));
    let (mode, access) = welcomed_onto_node(&out, D);
    assert_eq!(mode, CallMode::MediaNode);
    let claims = claims_of(&access.expect("D's access"));
    assert_eq!(claims.participant, Some(ParticipantId(4)));
    assert_eq!(claims.iat, s.now.as_millis() / 1000, "dated when D joined, not when the node came");
}

#[test]
fn dropping_back_to_two_stays_on_the_node_and_removes_the_leaver_from_it() {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(lease()));
    let out = s.text(C, r#"{"type":"leave"}"#);
    assert!(out.contains(&Output::RemoveFromMediaNode { lease: lease(), participant: ParticipantId(3) }));
    assert!(!out.iter().any(|o| matches!(o, Output::ReleaseMediaNode(_))));
    assert_eq!(s.room.mode(), CallMode::MediaNode, "no flapping back to peer-to-peer");
    let out = s.input(Input::Disconnected(B));
    assert!(out.contains(&Output::RemoveFromMediaNode { lease: lease(), participant: ParticipantId(2) }));
    assert_eq!(s.room.mode(), CallMode::MediaNode, "one person left is still on the node");
    let out = s.join(C, "Cy again");
    assert_eq!(welcomed_onto_node(&out, C).0, CallMode::MediaNode);
}

#[test]
fn the_last_one_out_releases_the_node_and_the_next_call_starts_peer_to_peer() {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(lease()));
    s.input(Input::Disconnected(A));
    s.input(Input::Disconnected(B));
    let out = s.input(Input::Disconnected(C));
    let release = out.iter().position(|o| *o == Output::ReleaseMediaNode(lease()));
    let empty = out.iter().position(|o| *o == Output::Empty);
    assert!(release.is_some() && release < empty, "release the node, then drop the room: {out:?}");
    assert_eq!(out.iter().filter(|o| matches!(o, Output::ReleaseMediaNode(_))).count(), 1);
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
    assert_eq!(s.room.snapshot().media_node, None);
    assert_eq!(welcomed_onto_node(&s.join(D, "Dee"), D), (CallMode::PeerToPeer, None));
}

#[test]
fn the_node_is_released_when_the_last_member_leaves_even_if_a_socket_is_still_connecting() {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(lease()));
    s.input(Input::Connected(D));
    s.input(Input::Disconnected(A));
    s.input(Input::Disconnected(B));
    let out = s.input(Input::Disconnected(C));
    assert!(out.contains(&Output::ReleaseMediaNode(lease())));
    assert!(!out.contains(&Output::Empty), "D's socket is still open");
}

#[test]
fn a_waiting_participant_who_leaves_before_the_node_arrives_lets_it_go_unused() {
    let mut s = three_waiting();
    let out = s.input(Input::Disconnected(C));
    assert!(sent_to(&out, A).is_empty(), "A never heard of C");
    let out = s.input(Input::MediaNodeAllocated(lease()));
    assert_eq!(out.iter().filter(|o| **o == Output::ReleaseMediaNode(lease())).count(), 1);
    assert!(sent_to(&out, A).is_empty() && sent_to(&out, B).is_empty(), "the peer link stays");
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
}

#[test]
fn a_member_who_leaves_during_the_upgrade_frees_a_peer_seat_and_the_node_goes_unused() {
    let mut s = three_waiting();
    let out = s.input(Input::Disconnected(B));
    assert_eq!(welcomed_onto_node(&out, C), (CallMode::PeerToPeer, None));
    let out = s.input(Input::MediaNodeAllocated(lease()));
    assert!(out.contains(&Output::ReleaseMediaNode(lease())));
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
    assert_eq!(s.room.participant_count(), 2);
}

#[test]
fn everyone_waiting_during_the_upgrade_is_admitted_together() {
    let mut s = three_waiting();
    let out = s.join(D, "Dee");
    assert_eq!(sent_to(&out, D), vec![ServerMessage::WaitingForMediaNode]);
    assert!(!out.iter().any(|o| matches!(o, Output::NeedsMediaNode { .. })), "one request is enough");
    let out = s.input(Input::MediaNodeAllocated(lease()));
    assert_eq!(welcomed_onto_node(&out, C).0, CallMode::MediaNode);
    assert_eq!(welcomed_onto_node(&out, D).0, CallMode::MediaNode);
    assert_eq!(s.room.participant_count(), 4);
}

#[test]
fn no_node_refuses_the_waiting_with_a_typed_error_and_keeps_the_peer_link() {
    let mut s = three_waiting();
    let out = s.input(Input::MediaNodeUnavailable { reason: "all media nodes are full".into() });
    match &sent_to(&out, C)[..] {
        [ServerMessage::Error { code, category, message, fatal }] => {
            assert_eq!(*code, ErrorCode::GroupCallsUnavailable);
            assert_eq!(*category, crate::protocol::ErrorCategory::Unavailable);
            assert!(message.contains("all media nodes are full"), "{message}");
            assert!(*fatal);
        }
        other => panic!("expected one error, got {other:?}"),
    }
    assert!(sent_to(&out, A).is_empty() && sent_to(&out, B).is_empty());
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
    let relayed = s.text(A, &offer(2));
    assert_eq!(sent_to(&relayed, B).len(), 1, "A and B still negotiate directly");
    assert!(
        s.join(C, "Cy").contains(&Output::NeedsMediaNode { participants: 3, replacing: None }),
        "a later try asks again"
    );
}

#[test]
fn a_token_that_cannot_be_signed_releases_the_node_and_refuses_the_waiting() {
    let mut s = Script { room: Room::new(RoomConfig::default(), Arc::new(BrokenSigner)), now: Timestamp(0) };
    s.join(A, "Ada");
    s.join(B, "Bob");
    s.join(C, "Cy");
    let out = s.input(Input::MediaNodeAllocated(lease()));
    assert!(out.contains(&Output::ReleaseMediaNode(lease())));
    assert_eq!(error_codes(&out, C), vec![(ErrorCode::GroupCallsUnavailable, true)]);
    assert!(sent_to(&out, A).is_empty());
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
}

#[test]
fn a_second_allocation_is_handed_back() {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(lease()));
    let other = MediaNodeLease { call_id: "call-2".into(), ..lease() };
    let out = s.input(Input::MediaNodeAllocated(other.clone()));
    assert_eq!(out, vec![Output::ReleaseMediaNode(other)]);
    assert_eq!(s.room.media_node(), Some(&lease()));
}

#[test]
fn capacity_still_applies_on_the_node() {
    let mut s = Script::with(RoomConfig { capacity: 3, ..RoomConfig::default() });
    s.join(A, "Ada");
    s.join(B, "Bob");
    s.join(C, "Cy");
    s.input(Input::MediaNodeAllocated(lease()));
    assert!(!s.room.admits_newcomer());
    let out = s.join(D, "Dee");
    assert_eq!(error_codes(&out, D), vec![(ErrorCode::RoomFull, true)]);
}

#[test]
fn a_restored_room_is_still_on_its_node() {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(lease()));
    let snapshot = s.room.snapshot();
    let mut r = s.restored();
    assert_eq!(r.room.mode(), CallMode::MediaNode);
    assert_eq!(r.room.snapshot(), snapshot);
    let (mode, access) = welcomed_onto_node(&r.join(D, "Dee"), D);
    assert_eq!(mode, CallMode::MediaNode);
    assert_eq!(claims_of(&access.expect("access")).participant, Some(ParticipantId(4)));
}

//! Peer-to-peer calls: admission, negotiation roles, relay, liveness, snapshots.

use super::*;

#[test]
fn first_participant_is_welcomed_into_an_empty_peer_to_peer_call() {
    let mut s = Script::new();
    let out = s.join(A, "Ada");
    let (you, peers) = welcome(&out, A);
    assert_eq!(you, ParticipantId(1));
    assert!(peers.is_empty());
    assert!(
        sent_to(&out, A)
            .iter()
            .any(|m| matches!(m, ServerMessage::Welcome { mode: CallMode::PeerToPeer, capacity: 8, .. }))
    );
    assert!(out.iter().any(|o| matches!(o, Output::Persist(snap) if snap.participants.len() == 1)));
    assert_eq!(s.room.participant_count(), 1);
}

#[test]
fn join_order_assigns_perfect_negotiation_roles() {
    let mut s = Script::new();
    s.join(A, "Ada");
    let out = s.join(B, "Bob");
    let (you, peers) = welcome(&out, B);
    assert_eq!(you, ParticipantId(2));
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].display_name, "Ada");
    assert!(!peers[0].polite, "the newcomer is impolite towards earlier participants");
    let to_a = sent_to(&out, A);
    assert_eq!(
        to_a,
        vec![ServerMessage::ParticipantJoined {
            participant: Peer {
                id: ParticipantId(2),
                display_name: "Bob".into(),
                media: MediaState { audio: true, video: true },
                polite: true,
                guest: false,
                role: None,
            }
        }]
    );
}

#[test]
fn offers_answers_and_candidates_are_relayed_to_the_addressed_peer_only() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.text(B, &offer(1));
    assert_eq!(out.iter().filter(|o| matches!(o, Output::Send(..))).count(), 1);
    assert!(matches!(&sent_to(&out, A)[..], [ServerMessage::Description { from: ParticipantId(2), .. }]));
    assert!(sent_to(&out, B).is_empty());

    let answer = r#"{"type":"description","to":2,"description":{"type":"answer","sdp":"v=0 answer"}}"#;
    let out = s.text(A, answer);
    assert!(matches!(&sent_to(&out, B)[..], [ServerMessage::Description { from: ParticipantId(1), .. }]));

    let cand = r#"{"type":"ice_candidate","to":1,"candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.1 9 typ host","sdpMid":"0","sdpMLineIndex":0}}"#;
    let out = s.text(B, cand);
    assert!(matches!(
        &sent_to(&out, A)[..],
        [ServerMessage::IceCandidate { from: ParticipantId(2), candidate: Some(_) }]
    ));
    let end = r#"{"type":"ice_candidate","to":1,"candidate":null}"#;
    let out = s.text(B, end);
    assert!(matches!(&sent_to(&out, A)[..], [ServerMessage::IceCandidate { candidate: None, .. }]));
}

#[test]
fn signals_to_strangers_or_self_are_refused_and_relay_nothing() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let before = s.room.snapshot();
    let out = s.text(A, &offer(99));
    assert_eq!(error_codes(&out, A), vec![(ErrorCode::UnknownParticipant, false)]);
    assert!(sent_to(&out, B).is_empty());
    let out = s.text(A, &offer(1));
    assert_eq!(error_codes(&out, A), vec![(ErrorCode::CannotSignalSelf, false)]);
    assert_eq!(s.room.snapshot(), before);
}

#[test]
fn rooms_are_isolated() {
    let mut one = Script::new();
    let mut two = Script::new();
    one.join(A, "Ada");
    two.join(B, "Bob");
    two.join(C, "Cy");
    // Participant 2 exists in room two but not in room one.
    let out = one.text(A, &offer(2));
    assert_eq!(error_codes(&out, A), vec![(ErrorCode::UnknownParticipant, false)]);
}

#[test]
fn leaving_tells_the_others_and_rejoining_with_the_same_name_gets_a_new_id() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.text(B, r#"{"type":"leave"}"#);
    assert_eq!(
        sent_to(&out, A),
        vec![ServerMessage::ParticipantLeft { id: ParticipantId(2), reason: LeaveReason::Left }]
    );
    assert_eq!(closed(&out, B), Some(1000));
    assert_eq!(s.room.participant_count(), 1);

    let out = s.join(D, "Bob");
    let (you, peers) = welcome(&out, D);
    assert_eq!(you, ParticipantId(3), "ids are never reused");
    assert_eq!(peers.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Ada"]);
    assert_eq!(s.room.participant_names(), ["Ada", "Bob"]);
}

#[test]
fn a_vanished_connection_is_removed_and_the_other_is_told() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.input(Input::Disconnected(B));
    assert_eq!(
        sent_to(&out, A),
        vec![ServerMessage::ParticipantLeft { id: ParticipantId(2), reason: LeaveReason::ConnectionLost }]
    );
    assert_eq!(closed(&out, B), None, "nothing to close: the socket is gone");
    let out = s.input(Input::Disconnected(A));
    assert!(out.contains(&Output::Empty));
}

#[test]
fn a_third_participant_needs_a_media_node_and_is_refused_when_none_is_available() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.join(C, "Cy");
    assert!(out.contains(&Output::NeedsMediaNode { participants: 3, replacing: None }));
    assert!(
        sent_to(&out, A).is_empty() && sent_to(&out, B).is_empty(),
        "nobody hears of a participant not yet in the call"
    );
    assert_eq!(sent_to(&out, C), vec![ServerMessage::WaitingForMediaNode], "the third is told to wait");

    let out = s.input(Input::MediaNodeUnavailable { reason: "no media nodes configured".into() });
    assert_eq!(error_codes(&out, C), vec![(ErrorCode::GroupCallsUnavailable, true)]);
    assert_eq!(closed(&out, C), Some(ErrorCode::GroupCallsUnavailable.close_code()));
    assert!(sent_to(&out, A).is_empty());
    assert_eq!(s.room.participant_count(), 2);
}

#[test]
fn only_one_media_node_request_is_outstanding() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    assert!(s.join(C, "Cy").contains(&Output::NeedsMediaNode { participants: 3, replacing: None }));
    let out = s.join(D, "Dee");
    assert!(!out.iter().any(|o| matches!(o, Output::NeedsMediaNode { .. })));
    let out = s.input(Input::MediaNodeUnavailable { reason: "none".into() });
    assert_eq!(closed(&out, C), Some(4011));
    assert_eq!(closed(&out, D), Some(4011));
}

#[test]
fn a_waiting_participant_takes_a_freed_peer_to_peer_seat() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    s.join(C, "Cy");
    let out = s.input(Input::Disconnected(B));
    let (you, peers) = welcome(&out, C);
    assert_eq!(you, ParticipantId(3));
    assert_eq!(peers[0].display_name, "Ada");
    assert_eq!(s.room.participant_count(), 2);
}

#[test]
fn capacity_is_enforced() {
    let mut s = Script::with(RoomConfig { capacity: 2, ..RoomConfig::default() });
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.join(C, "Cy");
    assert_eq!(error_codes(&out, C), vec![(ErrorCode::RoomFull, true)]);
    assert_eq!(closed(&out, C), Some(4010));
    assert!(!out.iter().any(|o| matches!(o, Output::NeedsMediaNode { .. })));
    assert_eq!(s.room.participant_count(), 2);
}

#[test]
fn malformed_and_unknown_messages_get_typed_errors_and_change_nothing() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let before = s.room.snapshot();
    for (frame, code) in [
        ("{oops", ErrorCode::MalformedMessage),
        (r#"{"no_type":1}"#, ErrorCode::MalformedMessage),
        (r#"{"type":"description","to":2}"#, ErrorCode::MalformedMessage),
        (r#"{"type":"teleport"}"#, ErrorCode::UnknownMessageType),
    ] {
        let out = s.text(A, frame);
        assert_eq!(error_codes(&out, A), vec![(code, false)], "frame {frame}");
        assert!(sent_to(&out, B).is_empty());
        assert_eq!(closed(&out, A), None);
    }
    let big = format!(r#"{{"type":"ping","nonce":1,"x":"{}"}}"#, "a".repeat(70_000));
    assert_eq!(error_codes(&s.text(A, &big), A), vec![(ErrorCode::MessageTooLarge, false)]);
    assert_eq!(error_codes(&s.input(Input::Binary(A)), A), vec![(ErrorCode::BinaryNotSupported, false)]);
    assert_eq!(s.room.snapshot(), before);
}

#[test]
fn out_of_order_messages_get_typed_errors() {
    let mut s = Script::new();
    s.input(Input::Connected(A));
    assert_eq!(error_codes(&s.text(A, &offer(2)), A), vec![(ErrorCode::NotJoined, false)]);
    assert_eq!(
        error_codes(&s.text(A, r#"{"type":"media_state","media":{"audio":false,"video":false}}"#), A),
        vec![(ErrorCode::NotJoined, false)]
    );
    s.text(A, &join_json("Ada"));
    assert_eq!(error_codes(&s.text(A, &join_json("Ada again")), A), vec![(ErrorCode::AlreadyJoined, false)]);
    assert_eq!(s.room.participant_names(), ["Ada"]);
}

#[test]
fn bad_display_names_are_refused_but_the_connection_may_retry() {
    let mut s = Script::new();
    s.input(Input::Connected(A));
    for name in ["", "   ", &"x".repeat(65), "bell\u{7}"] {
        let out = s.text(A, &join_json(name));
        assert_eq!(error_codes(&out, A), vec![(ErrorCode::InvalidDisplayName, false)], "name {name:?}");
        assert_eq!(closed(&out, A), None);
    }
    let out = s.text(A, &join_json("  Ada Lovelace  "));
    welcome(&out, A);
    assert_eq!(s.room.participant_names(), ["Ada Lovelace"]);
}

#[test]
fn the_name_the_host_verified_wins_over_the_one_in_join() {
    let mut s = Script::new();
    s.input(Input::Connected(A));
    s.input(Input::Identified { conn: A, ticket: ticket("u_ada", "Ada Lovelace") });
    welcome(&s.text(A, &join_json("The Owner")), A);
    s.input(Input::Connected(B));
    s.input(Input::Identified { conn: B, ticket: ticket("u_bob", "bell\u{7}") });
    welcome(&s.text(B, &join_json("Bob")), B);
    assert_eq!(s.room.participant_names(), ["Ada Lovelace", "Bob"], "an invalid verified name is ignored");
    let late = s.input(Input::Identified { conn: A, ticket: ticket("u_eve", "Someone else") });
    assert!(late.is_empty());
    assert_eq!(s.room.participant_names()[0], "Ada Lovelace", "only before joining");
}

#[test]
fn a_different_protocol_version_is_refused_and_closed() {
    let mut s = Script::new();
    s.input(Input::Connected(A));
    let out =
        s.text(A, r#"{"type":"join","version":99,"display_name":"Ada","media":{"audio":true,"video":true}}"#);
    assert_eq!(error_codes(&out, A), vec![(ErrorCode::UnsupportedVersion, true)]);
    assert_eq!(closed(&out, A), Some(4004));
}

#[test]
fn media_state_changes_are_broadcast_to_the_others() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.text(A, r#"{"type":"media_state","media":{"audio":false,"video":true}}"#);
    let muted = MediaState { audio: false, video: true };
    assert_eq!(
        sent_to(&out, B),
        vec![ServerMessage::ParticipantUpdated { id: ParticipantId(1), media: muted }]
    );
    assert!(sent_to(&out, A).is_empty());
    assert_eq!(s.room.snapshot().participants[0].media, muted);
}

#[test]
fn ping_is_answered_with_the_same_nonce() {
    let mut s = Script::new();
    s.join(A, "Ada");
    assert_eq!(
        sent_to(&s.text(A, r#"{"type":"ping","nonce":42}"#), A),
        vec![ServerMessage::Pong { nonce: 42 }]
    );
}

#[test]
fn a_connection_that_never_joins_is_closed_after_the_join_timeout() {
    let mut s = Script::new();
    let out = s.input(Input::Connected(A));
    assert_eq!(out, vec![]);
    assert_eq!(s.room.wakes_at(), Some(s.now.plus(Duration::from_secs(10))), "the join deadline");
    assert_eq!(closed(&s.advance(Duration::from_secs(9)), A), None);
    let out = s.advance(Duration::from_secs(1));
    assert_eq!(error_codes(&out, A), vec![(ErrorCode::JoinTimeout, true)]);
    assert_eq!(closed(&out, A), Some(4012));
    assert!(out.contains(&Output::Empty));
}

#[test]
fn silent_participants_time_out_and_heartbeats_keep_them_in() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    for _ in 0..5 {
        s.advance(Duration::from_secs(10));
        s.text(A, r#"{"type":"ping","nonce":1}"#);
    }
    // 50 s in: A pinged every 10 s, B has been silent since joining.
    assert_eq!(s.room.participant_names(), ["Ada"]);
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    s.advance(Duration::from_secs(20));
    s.text(A, r#"{"type":"ping","nonce":1}"#);
    let out = s.advance(Duration::from_secs(10));
    assert_eq!(error_codes(&out, B), vec![(ErrorCode::HeartbeatTimeout, true)]);
    assert_eq!(
        sent_to(&out, A),
        vec![ServerMessage::ParticipantLeft { id: ParticipantId(2), reason: LeaveReason::TimedOut }]
    );
    assert_eq!(s.room.participant_names(), ["Ada"]);
}

#[test]
fn the_wake_up_is_always_the_earliest_deadline() {
    let mut s = Script::new();
    assert_eq!(s.room.wakes_at(), None, "an empty room sleeps");
    let opened = s.now;
    s.input(Input::Connected(A));
    assert_eq!(s.room.wakes_at(), Some(opened.plus(Duration::from_secs(10))), "A's join deadline");
    s.now = s.now.plus(Duration::from_secs(1));
    s.text(A, &join_json("Ada"));
    assert_eq!(s.room.wakes_at(), Some(s.now.plus(Duration::from_secs(30))), "A's heartbeat deadline");
    s.now = s.now.plus(Duration::from_secs(5));
    s.input(Input::Connected(B));
    assert_eq!(s.room.wakes_at(), Some(s.now.plus(Duration::from_secs(10))), "B's join comes first");
    s.input(Input::Disconnected(B));
    s.input(Input::Disconnected(A));
    assert_eq!(s.room.wakes_at(), None, "nothing left to wait for");
}

#[test]
fn a_room_restored_from_its_snapshot_behaves_the_same() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let snapshot = s.room.snapshot();
    let json = serde_json::to_string(&snapshot).expect("snapshot serializes");
    let restored: RoomSnapshot = serde_json::from_str(&json).expect("snapshot deserializes");
    let mut r = Script {
        room: Room::restore(RoomConfig::default(), Arc::new(TestSigner), restored, s.now),
        now: s.now,
    };
    assert_eq!(r.room.snapshot(), snapshot);
    let out = r.text(B, &offer(1));
    assert!(matches!(&sent_to(&out, A)[..], [ServerMessage::Description { from: ParticipantId(2), .. }]));
    r.input(Input::Disconnected(B));
    let (you, _) = welcome(&r.join(C, "Cy"), C);
    assert!(you > ParticipantId(2), "restored rooms keep handing out fresh ids");
}

#[test]
fn a_newcomer_is_admitted_until_the_room_is_at_capacity() {
    let mut s = Script::with(RoomConfig { capacity: 3, ..RoomConfig::default() });
    assert!(s.room.admits_newcomer());
    s.join(A, "Ada");
    s.join(B, "Bob");
    assert!(s.room.admits_newcomer(), "a third moves the call to a media node");
    s.join(C, "Cy");
    assert!(!s.room.admits_newcomer(), "the one waiting for the node holds the last seat");
    s.input(Input::Disconnected(B));
    assert!(s.room.admits_newcomer());
}

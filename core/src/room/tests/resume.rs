//! Reconnecting: a connection that joins with a participant's resume key takes over their seat.

use super::*;
use std::collections::BTreeMap;

const KEY_A: &str = "resume-key-for-ada-0001";
const KEY_B: &str = "resume-key-for-bob-0002";

fn join_resuming(name: &str, key: &str) -> String {
    serde_json::json!({"type":"join","version":PROTOCOL_VERSION,"display_name":name,
        "media":{"audio":true,"video":false},"resume":key})
    .to_string()
}

fn join_with(s: &mut Script, conn: ConnectionId, name: &str, key: &str) -> Vec<Output> {
    s.input(Input::Connected(conn));
    s.text(conn, &join_resuming(name, key))
}

#[test]
fn a_reconnect_takes_over_the_seat_with_the_same_id_and_the_old_connection_closes() {
    let mut s = Script::with(RoomConfig { capacity: 2, ..RoomConfig::default() });
    let ada_id = welcome(&join_with(&mut s, A, "Ada", KEY_A), A).0;
    let bob_id = welcome(&join_with(&mut s, B, "Bob", KEY_B), B).0;

    // Bob's network blips: his new connection arrives while the old one still looks open. The
    // room is full (capacity 2), yet the takeover is no newcomer.
    let out = join_with(&mut s, C, "Bob", KEY_B);
    let (id, peers) = welcome(&out, C);
    assert_eq!(id, bob_id, "same seat, same id");
    assert_eq!(peers.iter().map(|p| p.id).collect::<Vec<_>>(), vec![ada_id]);
    assert!(out.iter().any(|o| matches!(o, Output::Close(B, frame) if frame.reason == "replaced")));
    let to_ada = sent_to(&out, A);
    assert!(
        matches!(
            to_ada.as_slice(),
            [ServerMessage::ParticipantLeft { id, reason: LeaveReason::Reconnected }, ServerMessage::ParticipantJoined { participant }]
                if *id == bob_id && participant.id == bob_id
        ),
        "{to_ada:?}"
    );
    assert_eq!(s.room.participant_count(), 2, "nobody is counted twice");
    assert!(out.iter().any(|o| matches!(o, Output::Persist(snap) if snap.participants.len() == 2)));

    // The old connection's late close changes nothing; the new one is Bob.
    let out = s.input(Input::Disconnected(B));
    assert!(sent_to(&out, A).is_empty(), "{out:?}");
    s.text(C, &offer(ada_id.0));
    assert_eq!(s.room.participant_names(), vec!["Ada", "Bob"]);
}

#[test]
fn a_key_nobody_holds_is_a_newcomer_and_a_malformed_key_is_refused() {
    let mut s = Script::new();
    let ada_id = welcome(&join_with(&mut s, A, "Ada", KEY_A), A).0;
    let bob_id = welcome(&join_with(&mut s, B, "Bob", KEY_B), B).0;
    assert_ne!(ada_id, bob_id);

    s.input(Input::Connected(C));
    for bad in ["short", "has spaces in it here", &"x".repeat(129)] {
        let out = s.text(C, &join_resuming("Cy", bad));
        assert_eq!(error_codes(&out, C), vec![(ErrorCode::MalformedMessage, false)], "{bad:?}");
    }
    assert_eq!(s.room.participant_count(), 2);
}

#[test]
fn a_room_restored_after_its_host_restarted_gives_seats_back_by_resume_key() {
    let mut s = Script::new();
    let ada_id = welcome(&join_with(&mut s, A, "Ada", KEY_A), A).0;
    let bob_id = welcome(&join_with(&mut s, B, "Bob", KEY_B), B).0;

    // A new host process: the old connections are gone, the seats are not (until liveness).
    let mut r = s.restored();
    let (id, peers) = welcome(&join_with(&mut r, C, "Ada", KEY_A), C);
    assert_eq!(id, ada_id);
    assert_eq!(
        peers.iter().map(|p| (p.id, p.display_name.as_str())).collect::<Vec<_>>(),
        vec![(bob_id, "Bob")]
    );
    let (id, _) = welcome(&join_with(&mut r, D, "Bob", KEY_B), D);
    assert_eq!(id, bob_id);
    assert_eq!(r.room.participant_count(), 2);

    // Someone who never comes back is removed by liveness as usual.
    let mut gone = s.restored();
    welcome(&join_with(&mut gone, C, "Ada", KEY_A), C);
    let mut left = Vec::new();
    for _ in 0..8 {
        gone.text(C, r#"{"type":"ping","nonce":1}"#);
        left.extend(gone.advance(Duration::from_secs(5)));
    }
    assert_eq!(gone.room.participant_names(), vec!["Ada"], "{left:?}");
}

#[test]
fn a_restored_room_counts_a_missing_socket_from_when_the_host_last_knew_of_it() {
    let mut s = Script::new();
    welcome(&join_with(&mut s, A, "Ada", KEY_A), A);
    welcome(&join_with(&mut s, B, "Bob", KEY_B), B);
    // The host lost Bob's socket 25 s ago and has rebuilt the room since; Ada is still here.
    let json = serde_json::to_string(&s.room.snapshot()).expect("serialize");
    let gone_since = BTreeMap::from([(B, Timestamp::from_millis(s.now.as_millis() - 25_000))]);
    let mut r = Script {
        room: Room::restore_with_liveness(
            RoomConfig::default(),
            Arc::new(TestSigner),
            serde_json::from_str(&json).expect("deserialize"),
            s.now,
            &gone_since,
        ),
        now: s.now,
    };
    r.text(A, r#"{"type":"ping","nonce":1}"#);
    let out = r.advance(Duration::from_secs(5));
    assert_eq!(r.room.participant_names(), vec!["Ada"], "30 s after Bob was last known: {out:?}");

    // Without that knowledge Bob would keep his seat for a whole timeout from now.
    let mut plain = s.restored();
    plain.text(A, r#"{"type":"ping","nonce":1}"#);
    plain.advance(Duration::from_secs(5));
    assert_eq!(plain.room.participant_names(), vec!["Ada", "Bob"]);
}

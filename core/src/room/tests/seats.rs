//! Seats belong to people: one seat per verified identity, and a resume key only takes back a
//! seat of the identity it was made for.

use super::*;

#[test]
fn ten_connections_on_one_pass_hold_one_seat_and_the_last_one_holds_it() {
    let mut s = Script::with(RoomConfig { capacity: 3, ..RoomConfig::default() });
    let (first, _) =
        welcome(&s.join_identified(ConnectionId(100), "guest_mallory", "Mallory", None), ConnectionId(100));
    for n in 101..110 {
        let conn = ConnectionId(n);
        let out = s.join_identified(conn, "guest_mallory", "Mallory", None);
        let (id, _) = welcome(&out, conn);
        assert_eq!(id, first, "the same seat");
        let previous = ConnectionId(n - 1);
        assert!(
            out.iter().any(|o| matches!(o, Output::Close(c, f) if *c == previous && f.reason == "replaced"))
        );
        s.input(Input::Disconnected(previous));
    }
    assert_eq!(s.room.participant_count(), 1);
    // The real members still get in.
    welcome(&s.join_identified(A, "u_ada", "Ada", None), A);
    assert_eq!(s.room.participant_names(), ["Mallory", "Ada"]);
}

#[test]
fn a_resume_key_takes_back_only_its_own_identitys_seat() {
    let mut s = Script::new();
    let (bob_id, _) = welcome(&s.join_identified(B, "u_bob", "Bob", Some("bobs-resume-key-0001")), B);
    // Mallory got hold of Bob's key: presenting it gets her a seat of her own, not Bob's.
    let out = s.join_identified(C, "guest_mallory", "Mallory", Some("bobs-resume-key-0001"));
    let (mallory_id, _) = welcome(&out, C);
    assert_ne!(mallory_id, bob_id);
    assert_eq!(closed(&out, B), None, "Bob keeps his connection");
    assert_eq!(s.room.participant_count(), 2);
    // Bob's own reconnect with his key still finds his seat (the key stayed his alone).
    let out = s.join_identified(D, "u_bob", "Bob", Some("bobs-resume-key-0001"));
    assert_eq!(welcome(&out, D).0, bob_id);
    assert_eq!(closed(&out, B), Some(1000));
    assert_eq!(closed(&out, C), None);
}

#[test]
fn a_seat_stays_its_holders_after_the_host_restarts() {
    let mut s = Script::new();
    let (ada_id, _) = welcome(&s.join_identified(A, "u_ada", "Ada", None), A);
    let mut restored = s.restored();
    let out = restored.join_identified(D, "u_ada", "Ada", None);
    assert_eq!(welcome(&out, D).0, ada_id, "the same seat after a rebuild from the snapshot");
    assert_eq!(restored.room.participant_count(), 1);
}

#[test]
fn everyone_sees_who_is_a_guest_and_members_roles_as_their_passes_say() {
    let mut s = Script::new();
    let owner = crate::auth::Ticket { role: Some(crate::groups::Role::Owner), ..ticket("u_ada", "Ada") };
    s.input(Input::Connected(A));
    s.input(Input::Identified { conn: A, ticket: owner });
    welcome(&s.text(A, &join_json("Ada")), A);
    // A guest who calls herself Ada too: the others can tell.
    let guest = crate::auth::Ticket { guest: true, ..ticket("guest_x", "Ada") };
    s.input(Input::Connected(B));
    s.input(Input::Identified { conn: B, ticket: guest });
    let out = s.text(B, &join_json("Ada"));
    let (_, peers) = welcome(&out, B);
    assert_eq!((peers[0].guest, peers[0].role), (false, Some(crate::groups::Role::Owner)));
    let joined = sent_to(&out, A);
    assert!(
        matches!(&joined[..], [ServerMessage::ParticipantJoined { participant }] if participant.guest && participant.role.is_none()),
        "{joined:?}"
    );
    // A rebuilt room still knows.
    let restored = s.restored();
    assert!(restored.room.snapshot().participants.iter().any(|p| p.guest));
}

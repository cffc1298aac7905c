//! Seats belong to people: one seat per verified identity, and a resume key only takes back a
//! seat of the identity it was made for.

use super::*;

fn join_as(
    s: &mut Script,
    conn: ConnectionId,
    identity: &str,
    name: &str,
    resume: Option<&str>,
) -> Vec<Output> {
    s.input(Input::Connected(conn));
    s.input(Input::Identified { conn, ticket: ticket(identity, name) });
    let mut join = serde_json::json!({"type":"join","version":PROTOCOL_VERSION,"display_name":name,
        "media":{"audio":true,"video":true}});
    if let Some(key) = resume {
        join["resume"] = serde_json::json!(key);
    }
    s.text(conn, &join.to_string())
}

#[test]
fn ten_connections_on_one_pass_hold_one_seat_and_the_last_one_holds_it() {
    let mut s = Script::with(RoomConfig { capacity: 3, ..RoomConfig::default() });
    let (first, _) =
        welcome(&join_as(&mut s, ConnectionId(100), "guest_mallory", "Mallory", None), ConnectionId(100));
    for n in 101..110 {
        let conn = ConnectionId(n);
        let out = join_as(&mut s, conn, "guest_mallory", "Mallory", None);
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
    welcome(&join_as(&mut s, A, "u_ada", "Ada", None), A);
    assert_eq!(s.room.participant_names(), ["Mallory", "Ada"]);
}

#[test]
fn a_resume_key_takes_back_only_its_own_identitys_seat() {
    let mut s = Script::new();
    let (bob_id, _) = welcome(&join_as(&mut s, B, "u_bob", "Bob", Some("bobs-resume-key-0001")), B);
    // Mallory got hold of Bob's key: presenting it gets her a seat of her own, not Bob's.
    let out = join_as(&mut s, C, "guest_mallory", "Mallory", Some("bobs-resume-key-0001"));
    let (mallory_id, _) = welcome(&out, C);
    assert_ne!(mallory_id, bob_id);
    assert_eq!(closed(&out, B), None, "Bob keeps his connection");
    assert_eq!(s.room.participant_count(), 2);
    // Bob's own reconnect with his key still finds his seat (the key stayed his alone).
    let out = join_as(&mut s, D, "u_bob", "Bob", Some("bobs-resume-key-0001"));
    assert_eq!(welcome(&out, D).0, bob_id);
    assert_eq!(closed(&out, B), Some(1000));
    assert_eq!(closed(&out, C), None);
}

#[test]
fn a_seat_stays_its_holders_after_the_host_restarts() {
    let mut s = Script::new();
    let (ada_id, _) = welcome(&join_as(&mut s, A, "u_ada", "Ada", None), A);
    let mut restored = s.restored();
    let out = join_as(&mut restored, D, "u_ada", "Ada", None);
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

//! Access that ends when it should: an access change from the API closes the connections of
//! those it shuts out at once, with a typed reason, and their earlier passes stop opening the
//! call; a role change reaches everyone without anyone leaving.

use super::*;
use crate::auth::Ticket;
use crate::groups::Role;

/// A member's ticket issued at `issued` (ms).
fn member(identity: &str, name: &str, role: Role, issued: Timestamp) -> Ticket {
    Ticket { role: Some(role), issued_at: issued, ..ticket(identity, name) }
}

/// A guest's ticket for a stored group's call, issued at `issued`.
fn guest(identity: &str, name: &str, issued: Timestamp) -> Ticket {
    Ticket { guest: true, issued_at: issued, ..ticket(identity, name) }
}

impl Script {
    /// Opens `conn` with `ticket` and joins: everything the room said.
    pub(super) fn join_with(&mut self, conn: ConnectionId, ticket: Ticket) -> Vec<Output> {
        let name = ticket.display_name.clone();
        let mut out = self.input(Input::Connected(conn));
        out.extend(self.input(Input::Identified { conn, ticket }));
        out.extend(self.text(conn, &join_json(&name)));
        out
    }

    fn access(&mut self, change: AccessChange) -> Vec<Output> {
        let at = self.now;
        self.input(Input::AccessChanged(AccessNotice { change, at }))
    }
}

fn revoked(outputs: &[Output], conn: ConnectionId) -> bool {
    error_codes(outputs, conn) == [(ErrorCode::AccessRevoked, true)] && closed(outputs, conn) == Some(4016)
}

#[test]
fn a_removed_member_is_closed_at_once_and_their_earlier_pass_no_longer_opens_the_call() {
    let mut s = Script::new();
    let issued = s.now;
    welcome(&s.join_with(A, member("u_ada", "Ada", Role::Owner, issued)), A);
    let (bob_id, _) = welcome(&s.join_with(B, member("u_bob", "Bob", Role::Member, issued)), B);
    s.now = s.now.plus(Duration::from_secs(1));
    let out = s.access(AccessChange::MemberRemoved { identity: "u_bob".into() });
    assert!(revoked(&out, B), "{out:?}");
    assert!(
        sent_to(&out, A)
            .contains(&ServerMessage::ParticipantLeft { id: bob_id, reason: LeaveReason::ConnectionLost }),
        "Ada sees Bob go"
    );
    assert_eq!(closed(&out, A), None, "Ada stays");
    // Bob's pass, issued before the removal, still verifies at the host; the room says no.
    let out = s.join_with(C, member("u_bob", "Bob", Role::Member, issued));
    assert!(revoked(&out, C), "{out:?}");
    assert_eq!(s.room.participant_names(), ["Ada"]);
    // Added back, Bob gets a new pass, issued after the change: it opens the call.
    let later = s.now.plus(Duration::from_secs(1));
    welcome(&s.join_with(D, member("u_bob", "Bob", Role::Member, later)), D);
}

#[test]
fn switching_guests_off_closes_every_guest_and_only_guests() {
    let mut s = Script::new();
    let issued = s.now;
    welcome(&s.join_with(A, member("u_ada", "Ada", Role::Owner, issued)), A);
    welcome(&s.join_with(B, guest("gst_1", "Visitor", issued)), B);
    s.input(Input::Connected(C));
    s.input(Input::Identified { conn: C, ticket: guest("gst_2", "Late", issued) });
    s.now = s.now.plus(Duration::from_millis(10));
    let out = s.access(AccessChange::GuestsDisallowed);
    assert!(revoked(&out, B), "the guest in the call");
    assert!(revoked(&out, C), "the guest still joining");
    assert_eq!(closed(&out, A), None);
    let out = s.join_with(D, guest("gst_1", "Visitor", issued));
    assert!(revoked(&out, D), "the guest's old pass");
}

#[test]
fn a_deleted_groups_call_ends_for_everyone() {
    let mut s = Script::new();
    let issued = s.now;
    welcome(&s.join_with(A, member("u_ada", "Ada", Role::Owner, issued)), A);
    welcome(&s.join_with(B, member("u_bob", "Bob", Role::Member, issued)), B);
    s.now = s.now.plus(Duration::from_millis(10));
    let out = s.access(AccessChange::GroupDeleted);
    assert!(revoked(&out, A) && revoked(&out, B), "{out:?}");
    assert!(out.iter().any(|o| matches!(o, Output::History(CallEvent::Ended { .. }))), "the call ended");
    assert_eq!(s.room.participant_count(), 0);
}

#[test]
fn a_role_change_reaches_everyone_and_outlives_the_old_pass() {
    let mut s = Script::new();
    let issued = s.now;
    welcome(&s.join_with(A, member("u_ada", "Ada", Role::Owner, issued)), A);
    let (bob_id, _) = welcome(&s.join_with(B, member("u_bob", "Bob", Role::Member, issued)), B);
    s.now = s.now.plus(Duration::from_millis(10));
    let out = s.access(AccessChange::RoleChanged { identity: "u_bob".into(), role: Role::Admin });
    let told = ServerMessage::ParticipantRoleChanged { id: bob_id, role: Role::Admin };
    assert!(sent_to(&out, A).contains(&told) && sent_to(&out, B).contains(&told), "{out:?}");
    assert_eq!((closed(&out, A), closed(&out, B)), (None, None), "nobody leaves");
    // Bob reconnects with his pass from before the change: he is still an admin.
    let out = s.join_with(C, member("u_bob", "Bob", Role::Member, issued));
    let (_, peers) = welcome(&out, C);
    assert_eq!(peers.iter().map(|p| p.role).collect::<Vec<_>>(), [Some(Role::Owner)]);
    assert_eq!(s.room.snapshot().participants[1].role, Some(Role::Admin));
}

#[test]
fn the_room_remembers_a_change_while_a_pass_from_before_it_lives_then_empties() {
    let mut s = Script::new();
    let issued = s.now;
    s.now = s.now.plus(Duration::from_secs(1));
    // Nobody is in the call: the room still keeps the change (a host opened it for this).
    let out = s.access(AccessChange::MemberRemoved { identity: "u_bob".into() });
    assert!(out.iter().any(|o| matches!(o, Output::Persist(p) if !p.access.is_empty())), "stored: {out:?}");
    assert!(!out.contains(&Output::Empty) && !s.room.is_vacant(), "not droppable yet");
    let expiry = s.now.plus(crate::auth::CALL_PASS_TTL);
    assert_eq!(s.room.wakes_at(), Some(expiry));
    // A rebuilt room refuses the pass just as well.
    let mut restored = s.restored();
    assert!(revoked(&restored.join_with(A, member("u_bob", "Bob", Role::Member, issued)), A));
    // Once no pass from before the change can be valid, the room lets go.
    let out = restored.advance(crate::auth::CALL_PASS_TTL);
    assert!(out.contains(&Output::Empty), "{out:?}");
    assert!(restored.room.is_vacant() && restored.room.wakes_at().is_none());
}

#[test]
fn a_room_opened_by_an_access_change_takes_the_groups_limit_from_the_first_pass() {
    let mut s = Script::new();
    s.access(AccessChange::GuestsDisallowed);
    let capped = Ticket { cap: Some(3), ..member("u_ada", "Ada", Role::Owner, s.now) };
    welcome(&s.join_with(A, capped), A);
    assert_eq!(s.room.capacity(), 3);
}

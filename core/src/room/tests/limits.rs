//! What one connection may cost the room: its message rate.

use super::*;

fn relayed_to(outputs: &[Output], conn: ConnectionId) -> usize {
    sent_to(outputs, conn).iter().filter(|m| matches!(m, ServerMessage::Description { .. })).count()
}

#[test]
fn a_flood_is_relayed_up_to_the_burst_then_at_the_rate_and_the_sender_is_told_once() {
    let config = RoomConfig { message_burst: 10, messages_per_second: 5, ..RoomConfig::default() };
    let mut s = Script::with(config);
    s.join(A, "Ada");
    s.join(B, "Bob");
    // Joining spent one message of Bob's burst.
    let mut out = Vec::new();
    for _ in 0..30 {
        out.extend(s.text(B, &offer(1)));
    }
    assert_eq!(relayed_to(&out, A), 9, "the rest of the burst reaches Ada");
    assert_eq!(error_codes(&out, B), vec![(ErrorCode::RateLimited, false)], "one error, not twenty-one");
    assert_eq!(closed(&out, B), None, "being limited is not fatal");

    s.now = s.now.plus(Duration::from_secs(1));
    let mut out = Vec::new();
    for _ in 0..30 {
        out.extend(s.text(B, &offer(1)));
    }
    assert_eq!(relayed_to(&out, A), 5, "five a second once the burst is spent");
    assert_eq!(error_codes(&out, B), vec![(ErrorCode::RateLimited, false)]);
}

#[test]
fn one_flooding_connection_does_not_spend_anyone_elses_budget() {
    let config = RoomConfig { message_burst: 5, messages_per_second: 1, ..RoomConfig::default() };
    let mut s = Script::with(config);
    s.join(A, "Ada");
    s.join(B, "Bob");
    for _ in 0..50 {
        s.text(B, &offer(1));
    }
    let out = s.text(A, &offer(2));
    assert_eq!(relayed_to(&out, B), 1);
    assert!(error_codes(&out, A).is_empty());
}

#[test]
fn binary_frames_and_garbage_count_against_the_budget_too() {
    let config = RoomConfig { message_burst: 3, messages_per_second: 1, ..RoomConfig::default() };
    let mut s = Script::with(config);
    s.input(Input::Connected(C));
    let mut out = Vec::new();
    for _ in 0..10 {
        out.extend(s.input(Input::Binary(C)));
        out.extend(s.text(C, "not json"));
    }
    let codes = error_codes(&out, C);
    assert_eq!(codes.len(), 4, "three answers, then one rate_limited: {codes:?}");
    assert_eq!(codes[3], (ErrorCode::RateLimited, false));
}

#[test]
fn a_reconnect_starts_with_a_fresh_budget_on_its_new_connection() {
    let config = RoomConfig { message_burst: 3, messages_per_second: 1, ..RoomConfig::default() };
    let mut s = Script::with(config);
    s.join(A, "Ada");
    s.join(B, "Bob");
    for _ in 0..10 {
        s.text(B, &offer(1));
    }
    s.input(Input::Disconnected(B));
    s.join(D, "Bob");
    let out = s.text(D, &offer(1));
    assert_eq!(relayed_to(&out, A), 1);
}

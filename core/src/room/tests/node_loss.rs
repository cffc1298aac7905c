//! A media node that is still starting, and one that is lost mid-call: the room tells the
//! participants, asks again, and moves everyone to the next node in their own seats.

use super::*;
use crate::media::{MediaNodeLease, TokenScope};
use crate::protocol::MediaNodeAccess;

fn node(id: &str, call: &str) -> MediaNodeLease {
    MediaNodeLease {
        node_id: id.into(),
        url: format!("http://{id}.test"),
        call_id: call.into(),
        control_url: String::new(),
    }
}

/// A room whose participants never time out while the test waits for nodes.
fn patient() -> Script {
    Script::with(RoomConfig { heartbeat_timeout: Duration::from_secs(3600), ..RoomConfig::default() })
}

/// A and B in peer-to-peer, C waiting for the node the room asked for.
fn three_waiting() -> Script {
    let mut s = patient();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.join(C, "Cy");
    assert!(out.contains(&Output::NeedsMediaNode { participants: 3, replacing: None }));
    s
}

/// A, B and C on node-a.
fn three_on_node_a() -> Script {
    let mut s = three_waiting();
    s.input(Input::MediaNodeAllocated(node("node-a", "call-1")));
    assert_eq!(s.room.media_node(), Some(&node("node-a", "call-1")));
    s
}

fn asks(outputs: &[Output]) -> Vec<(u32, Option<MediaNodeLease>)> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::NeedsMediaNode { participants, replacing } => Some((*participants, replacing.clone())),
            _ => None,
        })
        .collect()
}

fn moved_to(outputs: &[Output], conn: ConnectionId) -> Option<MediaNodeAccess> {
    sent_to(outputs, conn).into_iter().find_map(|m| match m {
        ServerMessage::MoveToMediaNode { media_node } => Some(media_node),
        _ => None,
    })
}

fn failed_link(call: &str) -> String {
    format!(r#"{{"type":"media_node_failed","call_id":"{call}"}}"#)
}

#[test]
fn a_starting_node_is_announced_once_to_those_waiting_and_asked_for_again_after_the_pause() {
    let mut s = three_waiting();
    let out = s.input(Input::MediaNodePending { retry_after: Duration::from_secs(5) });
    assert_eq!(sent_to(&out, C), vec![ServerMessage::MediaNodeStarting]);
    assert!(sent_to(&out, A).is_empty() && sent_to(&out, B).is_empty(), "the pair goes on as it is");
    assert!(asks(&out).is_empty(), "no ask before the pause is over");
    assert_eq!(s.room.wakes_at(), Some(s.now.plus(Duration::from_secs(5))));
    assert_eq!(sent_to(&s.text(A, &offer(2)), B).len(), 1, "the peer-to-peer pair keeps talking");

    assert!(asks(&s.advance(Duration::from_millis(4_999))).is_empty());
    assert_eq!(asks(&s.advance(Duration::from_millis(1))), vec![(3, None)]);
    assert!(asks(&s.advance(Duration::from_secs(10))).is_empty(), "one ask at a time");

    let out = s.input(Input::MediaNodePending { retry_after: Duration::from_secs(5) });
    assert!(sent_to(&out, C).is_empty(), "announced once");
    let out = s.input(Input::MediaNodeAllocated(node("node-a", "call-1")));
    assert!(moved_to(&out, A).is_some() && moved_to(&out, B).is_some());
    assert_eq!(welcome(&out, C).0, ParticipantId(3));
    assert_eq!(s.room.wakes_at().map(|at| at > s.now.plus(Duration::from_secs(600))), Some(true));
}

#[test]
fn someone_arriving_while_a_node_starts_hears_it_too() {
    let mut s = three_waiting();
    s.input(Input::MediaNodePending { retry_after: Duration::from_secs(5) });
    let out = s.join(D, "Dee");
    assert_eq!(sent_to(&out, D), vec![ServerMessage::WaitingForMediaNode, ServerMessage::MediaNodeStarting]);
    assert!(asks(&out).is_empty(), "the outstanding ask covers the newcomer");
}

#[test]
fn no_node_within_the_wait_refuses_those_waiting_and_stops_asking() {
    let mut s = three_waiting();
    let wait = RoomConfig::default().media_node_wait;
    let mut waited = Duration::ZERO;
    while waited + Duration::from_secs(30) < wait {
        s.input(Input::MediaNodePending { retry_after: Duration::from_secs(30) });
        let out = s.advance(Duration::from_secs(30));
        waited += Duration::from_secs(30);
        assert_eq!(asks(&out), vec![(3, None)], "asked again after {waited:?}");
    }
    s.input(Input::MediaNodePending { retry_after: Duration::from_secs(30) });
    let out = s.advance(wait - waited);
    assert_eq!(error_codes(&out, C), vec![(ErrorCode::GroupCallsUnavailable, true)]);
    assert!(error_codes(&out, A).is_empty() && error_codes(&out, B).is_empty(), "the pair stays");
    assert!(asks(&out).is_empty());
    assert!(asks(&s.advance(Duration::from_secs(60))).is_empty(), "no more asks");
    assert_eq!(s.room.participant_count(), 2);
}

#[test]
fn a_failed_link_report_has_the_node_checked_once_per_interval() {
    let mut s = three_on_node_a();
    let lease = node("node-a", "call-1");
    assert_eq!(s.text(A, &failed_link("call-1")), vec![Output::CheckMediaNode(lease.clone())]);
    assert!(s.text(B, &failed_link("call-1")).is_empty(), "one check at a time");
    s.now = s.now.plus(RoomConfig::default().media_node_check_interval);
    assert_eq!(s.text(C, &failed_link("call-1")), vec![Output::CheckMediaNode(lease)]);
    s.now = s.now.plus(Duration::from_secs(60));
    assert!(s.text(A, &failed_link("call-0")).is_empty(), "a report about another session");
}

#[test]
fn a_failed_link_report_outside_a_node_call_changes_nothing() {
    let mut s = three_waiting();
    assert!(s.text(A, &failed_link("call-1")).is_empty(), "peer-to-peer: no node to check");
    let out = s.text(C, &failed_link("call-1"));
    assert_eq!(error_codes(&out, C), vec![(ErrorCode::NotJoined, false)], "waiting: not in the call");
    assert!(!out.iter().any(|o| matches!(o, Output::CheckMediaNode(_))));
}

#[test]
fn a_lost_node_moves_everyone_to_another_in_their_own_seats() {
    let mut s = three_on_node_a();
    let lost = node("node-a", "call-1");
    let out = s.input(Input::MediaNodeLost(lost.clone()));
    assert!(out.contains(&Output::ReleaseMediaNode(lost.clone())), "its reservation is freed");
    for conn in [A, B, C] {
        assert_eq!(sent_to(&out, conn), vec![ServerMessage::MediaNodeLost], "{conn:?}");
    }
    assert_eq!(asks(&out), vec![(3, Some(lost.clone()))], "another node, avoiding the lost one");
    assert_eq!(s.room.participant_count(), 3, "nobody left");
    assert!(s.room.media_node().is_none());
    assert!(
        out.iter().any(
            |o| matches!(o, Output::Persist(snap) if snap.media_node.is_none() && snap.node_request.is_some())
        ),
        "a rebuilt room remembers it is moving"
    );

    let next = node("node-b", "call-2");
    let out = s.input(Input::MediaNodeAllocated(next.clone()));
    for (conn, id) in [(A, 1), (B, 2), (C, 3)] {
        let access = moved_to(&out, conn).expect("told to move");
        assert_eq!(access.url, "http://node-b.test");
        assert_eq!(access.call_id, "call-2");
        let claims: MediaClaims = serde_json::from_str(&access.token).expect("test tokens are JSON");
        assert_eq!(claims.participant, Some(ParticipantId(id)), "the same participant id");
        assert_eq!(claims.aud, "node-b");
        assert_eq!(claims.scope, TokenScope::Participant);
    }
    let leaves_or_joins = out.iter().any(|o| {
        matches!(
            o,
            Output::Broadcast(
                _,
                ServerMessage::ParticipantLeft { .. } | ServerMessage::ParticipantJoined { .. }
            )
        )
    });
    assert!(!leaves_or_joins, "nobody left, nobody duplicated");
    assert_eq!(s.room.media_node(), Some(&next));
    assert_eq!(s.room.participant_count(), 3);

    // The next loss report is about the new session.
    assert_eq!(s.text(A, &failed_link("call-2")), vec![Output::CheckMediaNode(next)]);
}

#[test]
fn news_of_a_session_the_call_left_changes_nothing() {
    let mut s = three_on_node_a();
    assert!(s.input(Input::MediaNodeLost(node("node-a", "call-0"))).is_empty());
    assert!(s.input(Input::MediaNodeLost(node("node-z", "call-1"))).is_empty());
    assert_eq!(s.room.media_node(), Some(&node("node-a", "call-1")));
}

#[test]
fn a_loss_with_no_node_to_be_had_retries_until_the_wait_then_ends_the_call_for_everyone() {
    let mut s = three_on_node_a();
    let lost = node("node-a", "call-1");
    s.input(Input::MediaNodeLost(lost.clone()));
    let out = s.input(Input::MediaNodeUnavailable { reason: "no node has room".into() });
    assert!(error_codes(&out, A).is_empty(), "a failure while moving is retried");
    assert_eq!(asks(&s.advance(Duration::from_secs(1))), vec![(3, Some(lost.clone()))]);
    s.input(Input::MediaNodePending { retry_after: Duration::from_secs(30) });
    let out = s.advance(RoomConfig::default().media_node_wait);
    for conn in [A, B, C] {
        assert_eq!(error_codes(&out, conn), vec![(ErrorCode::GroupCallsUnavailable, true)], "{conn:?}");
    }
    assert_eq!(s.room.participant_count(), 0);
}

#[test]
fn a_late_node_after_everyone_left_is_handed_back() {
    let mut s = three_on_node_a();
    s.input(Input::MediaNodeLost(node("node-a", "call-1")));
    for conn in [A, B, C] {
        s.input(Input::Disconnected(conn));
    }
    assert!(asks(&s.advance(Duration::from_secs(5))).is_empty(), "nobody left to ask for");
    let late = node("node-b", "call-2");
    assert!(s.input(Input::MediaNodeAllocated(late.clone())).contains(&Output::ReleaseMediaNode(late)));
}

#[test]
fn two_left_after_a_loss_still_get_a_node_to_carry_their_media() {
    let mut s = three_on_node_a();
    s.input(Input::MediaNodeLost(node("node-a", "call-1")));
    s.input(Input::Disconnected(C));
    let out = s.input(Input::MediaNodeAllocated(node("node-b", "call-2")));
    assert!(moved_to(&out, A).is_some() && moved_to(&out, B).is_some());
    assert_eq!(s.room.mode(), CallMode::MediaNode);
}

#[test]
fn a_rebuilt_room_asks_again_for_the_node_it_was_moving_to() {
    let mut s = three_on_node_a();
    let lost = node("node-a", "call-1");
    s.input(Input::MediaNodeLost(lost.clone()));
    let mut rebuilt = s.restored();
    assert_eq!(rebuilt.room.wakes_at(), Some(rebuilt.now), "the ask died with the old host");
    let out = rebuilt.input(Input::Timeout);
    assert_eq!(asks(&out), vec![(3, Some(lost))]);
}

#[test]
fn a_node_nobody_needs_any_more_is_no_longer_asked_for() {
    let mut s = three_waiting();
    s.input(Input::MediaNodePending { retry_after: Duration::from_secs(5) });
    s.input(Input::Disconnected(C));
    assert!(asks(&s.advance(Duration::from_secs(5))).is_empty(), "the newcomer left: no more asks");
    assert!(s.room.snapshot().node_request.is_none());
    let late = node("node-a", "call-1");
    assert!(s.input(Input::MediaNodeAllocated(late.clone())).contains(&Output::ReleaseMediaNode(late)));
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
}

#[test]
fn a_pair_left_on_a_lost_node_is_told_when_no_other_node_can_be_had() {
    let mut s = three_on_node_a();
    s.input(Input::MediaNodeLost(node("node-a", "call-1")));
    s.input(Input::Disconnected(C));
    s.input(Input::MediaNodePending { retry_after: Duration::from_secs(30) });
    let out = s.advance(RoomConfig::default().media_node_wait);
    for conn in [A, B] {
        assert_eq!(error_codes(&out, conn), vec![(ErrorCode::GroupCallsUnavailable, true)], "{conn:?}");
    }
}

#[test]
fn someone_arriving_while_the_call_moves_waits_and_comes_in_on_the_next_node() {
    let mut s = three_on_node_a();
    let out = s.input(Input::MediaNodeLost(node("node-a", "call-1")));
    assert_eq!(asks(&out), vec![(3, Some(node("node-a", "call-1")))]);
    let out = s.join(D, "Dee");
    assert_eq!(sent_to(&out, D), vec![ServerMessage::WaitingForMediaNode], "not into a call without media");
    assert!(asks(&out).is_empty(), "the outstanding ask covers the newcomer");
    let out = s.input(Input::MediaNodeAllocated(node("node-b", "call-2")));
    for conn in [A, B, C] {
        assert!(moved_to(&out, conn).is_some(), "{conn:?} moves");
    }
    assert_eq!(welcome(&out, D).0, ParticipantId(4), "and the newcomer is let in on the new node");
}

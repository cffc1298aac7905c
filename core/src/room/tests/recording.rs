//! Recording with everyone's consent: nobody is written before they agree, one "no" ends the
//! question, a newcomer is asked and stays unrecorded until they agree, consent survives a
//! reconnect and a rebuild, and only the asker or an admin or owner stops it.

use super::*;
use crate::auth::Ticket;
use crate::groups::Role;
use crate::media::MediaNodeLease;
use crate::protocol::{RecordingPhase, RecordingRequestEnd, RecordingView};

const P1: ParticipantId = ParticipantId(1);
const P2: ParticipantId = ParticipantId(2);
const P3: ParticipantId = ParticipantId(3);

/// A member of a group in which admins and owners may record.
fn member(identity: &str, name: &str, role: Role) -> Ticket {
    Ticket { role: Some(role), record_role: Some(Role::Admin), ..ticket(identity, name) }
}

fn lease() -> MediaNodeLease {
    MediaNodeLease {
        node_id: "node-a".into(),
        url: "http://node-a.test".into(),
        call_id: "call-1".into(),
        control_url: String::new(),
    }
}

impl Script {
    fn say(&mut self, conn: ConnectionId, message: serde_json::Value) -> Vec<Output> {
        self.text(conn, &message.to_string())
    }

    fn start_recording(&mut self, conn: ConnectionId) -> Vec<Output> {
        self.say(conn, serde_json::json!({"type":"start_recording"}))
    }

    fn stop_recording(&mut self, conn: ConnectionId) -> Vec<Output> {
        self.say(conn, serde_json::json!({"type":"stop_recording"}))
    }

    fn consent(&mut self, conn: ConnectionId, allow: bool) -> Vec<Output> {
        self.say(conn, serde_json::json!({"type":"recording_consent","allow":allow}))
    }
}

/// Ada (owner, p1) and Bob (member, p2) in a peer-to-peer group call.
fn two_members() -> Script {
    let mut s = Script::new();
    s.join_with(A, member("u_ada", "Ada", Role::Owner));
    s.join_with(B, member("u_bob", "Bob", Role::Member));
    s
}

/// Ada, Bob and Cy (member, p3) on a media node.
fn three_on_a_node() -> Script {
    let mut s = two_members();
    let out = s.join_with(C, member("u_cy", "Cy", Role::Member));
    assert!(out.contains(&Output::NeedsMediaNode { participants: 3, replacing: None }));
    s.input(Input::MediaNodeAllocated(lease()));
    assert_eq!(s.room.mode(), CallMode::MediaNode);
    s
}

/// Ada asks and everyone else agrees: the call is recording.
fn recording_three() -> Script {
    let mut s = three_on_a_node();
    s.start_recording(A);
    s.consent(B, true);
    let out = s.consent(C, true);
    assert_eq!(plans(&out), [Some(vec![P1, P2, P3])]);
    s
}

/// The last recording state `conn` was told (`Some(None)`: told there is none).
fn recording_seen(outputs: &[Output], conn: ConnectionId) -> Option<Option<RecordingView>> {
    sent_to(outputs, conn).into_iter().rev().find_map(|m| match m {
        ServerMessage::RecordingChanged { recording } => Some(recording),
        ServerMessage::Welcome { recording, .. } => Some(recording),
        _ => None,
    })
}

fn request_ended(outputs: &[Output], conn: ConnectionId) -> Option<RecordingRequestEnd> {
    sent_to(outputs, conn).into_iter().find_map(|m| match m {
        ServerMessage::RecordingRequestEnded { reason } => Some(reason),
        _ => None,
    })
}

/// The participant lists of the plans the node was sent (`None`: stopped).
fn plans(outputs: &[Output]) -> Vec<Option<Vec<ParticipantId>>> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::RecordOnMediaNode { plan, .. } => {
                Some((!plan.stopped).then(|| plan.participants.clone()))
            }
            _ => None,
        })
        .collect()
}

fn audit(outputs: &[Output]) -> Vec<RecordingEvent> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::History(CallEvent::Recording { event, .. }) => Some(event.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn nothing_is_recorded_until_everyone_present_agreed_and_then_the_call_moves_to_a_node() {
    let mut s = two_members();
    let out = s.start_recording(A);
    let asked = recording_seen(&out, B).flatten().expect("Bob is asked");
    assert_eq!(asked.phase, RecordingPhase::Asking);
    assert_eq!((asked.started_by, asked.recorded.clone(), asked.waiting.clone()), (P1, vec![P1], vec![P2]));
    assert_eq!(recording_seen(&out, A).flatten(), Some(asked), "the asker sees the same question");
    assert!(audit(&out).is_empty() && plans(&out).is_empty(), "nothing starts while someone is asked");
    assert!(!out.iter().any(|o| matches!(o, Output::NeedsMediaNode { .. })));

    let out = s.consent(B, true);
    let started = recording_seen(&out, A).flatten().expect("recording");
    assert_eq!((started.phase, started.recorded.clone()), (RecordingPhase::Recording, vec![P1, P2]));
    assert!(started.waiting.is_empty());
    let events = audit(&out);
    let [RecordingEvent::Started { started_at, started_by, consents, .. }] = events.as_slice() else {
        panic!("one start in the audit trail: {out:?}")
    };
    assert_eq!(*started_at, s.now);
    assert_eq!(started_by.identity.as_deref(), Some("u_ada"));
    let agreed: Vec<_> = consents.iter().map(|c| (c.identity.as_deref(), c.allowed)).collect();
    assert_eq!(agreed, [(Some("u_ada"), true), (Some("u_bob"), true)]);
    assert!(
        out.contains(&Output::NeedsMediaNode { participants: 2, replacing: None }),
        "a recorded call runs on a node"
    );
    assert!(plans(&out).is_empty(), "no node yet, so nothing to tell one");

    let out = s.input(Input::MediaNodeAllocated(lease()));
    assert_eq!(s.room.mode(), CallMode::MediaNode, "the node is kept even though two fit peer-to-peer");
    assert!(sent_to(&out, A).iter().any(|m| matches!(m, ServerMessage::MoveToMediaNode { .. })));
    assert!(sent_to(&out, B).iter().any(|m| matches!(m, ServerMessage::MoveToMediaNode { .. })));
    assert_eq!(plans(&out), [Some(vec![P1, P2])]);
}

#[test]
fn one_decline_ends_the_question_tells_the_asker_and_records_nothing() {
    let mut s = three_on_a_node();
    s.start_recording(A);
    s.consent(B, true);
    let out = s.consent(C, false);
    assert_eq!(
        request_ended(&out, A),
        Some(RecordingRequestEnd::Declined { by: P3, display_name: "Cy".into() })
    );
    assert_eq!(request_ended(&out, B), None, "only the asker is told why");
    for conn in [A, B, C] {
        assert_eq!(recording_seen(&out, conn), Some(None), "everyone's prompt closes");
    }
    assert!(audit(&out).is_empty() && plans(&out).is_empty());
    assert_eq!(
        error_codes(&s.consent(B, true), B),
        [(ErrorCode::RecordingConflict, false)],
        "no question left"
    );
}

#[test]
fn asking_again_at_once_is_refused_and_allowed_after_the_cooldown() {
    let mut s = two_members();
    s.start_recording(A);
    s.consent(B, false);
    let out = s.start_recording(A);
    assert_eq!(error_codes(&out, A), [(ErrorCode::RateLimited, false)]);
    assert_eq!(recording_seen(&out, B), None, "Bob is not asked again");
    s.now = s.now.plus(REQUEST_COOLDOWN);
    let out = s.start_recording(A);
    assert!(recording_seen(&out, B).flatten().is_some_and(|v| v.waiting == [P2]));
}

#[test]
fn a_newcomer_is_asked_and_stays_in_the_call_unrecorded_until_they_agree() {
    let mut s = recording_three();
    let out = s.join_with(D, member("u_dee", "Dee", Role::Member));
    let (dee, _) = welcome(&out, D);
    let view = recording_seen(&out, D).flatten().expect("the welcome shows the recording");
    assert_eq!((view.phase, view.waiting.clone()), (RecordingPhase::Recording, vec![dee]));
    assert!(!view.recorded.contains(&dee));
    assert!(plans(&out).is_empty(), "nothing of Dee's is written before they answer");

    let out = s.consent(D, false);
    assert_eq!(closed(&out, D), None, "declining does not put anyone out of the call");
    let view = recording_seen(&out, A).flatten().expect("still recording");
    assert_eq!((view.phase, view.declined.clone()), (RecordingPhase::Recording, vec![dee]));
    assert!(plans(&out).is_empty(), "who is written did not change");
    let events = audit(&out);
    let [RecordingEvent::Consent { consent, .. }] = events.as_slice() else { panic!("{out:?}") };
    assert_eq!((consent.identity.as_deref(), consent.allowed), (Some("u_dee"), false));

    let out = s.consent(D, true);
    assert_eq!(plans(&out), [Some(vec![P1, P2, P3, dee])], "from their yes on, Dee is written");
}

#[test]
fn anyone_recorded_may_withdraw_and_is_no_longer_written() {
    let mut s = recording_three();
    let out = s.consent(B, false);
    assert_eq!(plans(&out), [Some(vec![P1, P3])]);
    let view = recording_seen(&out, C).flatten().expect("still recording");
    assert_eq!((view.recorded, view.declined), (vec![P1, P3], vec![P2]));
    assert!(s.consent(B, false).is_empty(), "saying it twice changes nothing");
}

#[test]
fn someone_leaving_while_asked_is_no_longer_waited_for_and_the_asker_leaving_withdraws_the_question() {
    let mut s = three_on_a_node();
    s.start_recording(A);
    s.consent(B, true);
    let out = s.input(Input::Disconnected(C));
    let events = audit(&out);
    let [RecordingEvent::Started { consents, .. }] = events.as_slice() else {
        panic!("with Cy gone everyone present agreed: {out:?}")
    };
    assert!(consents.iter().all(|c| c.participant != P3), "Cy agreed to nothing and is not in the trail");
    assert_eq!(plans(&out), [Some(vec![P1, P2])]);

    let mut s = three_on_a_node();
    s.start_recording(A);
    let out = s.text(A, r#"{"type":"leave"}"#);
    assert_eq!(recording_seen(&out, B), Some(None), "the question goes with its asker");
    assert!(audit(&out).is_empty());
}

#[test]
fn a_dropped_connection_that_reconnects_keeps_its_answer() {
    let mut s = Script::new();
    let resume = "resume-key-of-bob-123";
    s.join_with(A, member("u_ada", "Ada", Role::Owner));
    let mut out = s.input(Input::Connected(B));
    out.extend(s.input(Input::Identified { conn: B, ticket: member("u_bob", "Bob", Role::Member) }));
    let join = serde_json::json!({"type":"join","version":PROTOCOL_VERSION,"display_name":"Bob","media":{"audio":true,"video":true},"resume":resume});
    s.text(B, &join.to_string());
    s.start_recording(A);
    s.consent(B, true);
    s.input(Input::MediaNodeAllocated(lease()));

    let mut out = s.input(Input::Connected(D));
    out.extend(s.input(Input::Identified { conn: D, ticket: member("u_bob", "Bob", Role::Member) }));
    out.extend(s.text(D, &join.to_string()));
    let view = recording_seen(&out, D).flatten().expect("the new socket sees the recording");
    assert_eq!((view.recorded, view.waiting), (vec![P1, P2], vec![]), "Bob is not asked again");
    assert!(plans(&out).is_empty() && audit(&out).is_empty(), "a reconnect changes nothing of the recording");
}

#[test]
fn a_rebuilt_room_keeps_the_recording_and_its_consent() {
    let s = recording_three();
    let before = s.room.snapshot().recording;
    let mut restored = s.restored();
    assert_eq!(restored.room.snapshot().recording, before);
    let out = restored.stop_recording(A);
    assert_eq!(plans(&out), [None]);
    assert!(matches!(audit(&out).as_slice(), [RecordingEvent::Stopped { reason: StopReason::Stopped, .. }]));
}

#[test]
fn only_the_asker_or_an_admin_or_owner_stops_it_and_it_can_start_again() {
    let mut s = Script::new();
    s.join_with(A, member("u_ada", "Ada", Role::Admin));
    s.join_with(B, member("u_bob", "Bob", Role::Member));
    s.join_with(C, member("u_ola", "Ola", Role::Owner));
    s.input(Input::MediaNodeAllocated(lease()));
    s.start_recording(A);
    s.consent(B, true);
    s.consent(C, true);

    let out = s.stop_recording(B);
    assert_eq!(error_codes(&out, B), [(ErrorCode::RecordingNotAllowed, false)]);
    assert!(plans(&out).is_empty());
    let out = s.stop_recording(C);
    assert_eq!(plans(&out), [None], "the owner stops the admin's recording");
    let events = audit(&out);
    let [RecordingEvent::Stopped { by: Some(by), reason: StopReason::Stopped, .. }] = events.as_slice()
    else {
        panic!("one stop in the audit trail: {out:?}")
    };
    assert_eq!(by.identity.as_deref(), Some("u_ola"));
    for conn in [A, B, C] {
        assert_eq!(recording_seen(&out, conn), Some(None));
    }
    assert_eq!(
        error_codes(&s.stop_recording(A), A),
        [(ErrorCode::RecordingConflict, false)],
        "nothing to stop"
    );

    let first_start = s.now;
    s.now = s.now.plus(Duration::from_secs(5));
    s.start_recording(A);
    s.consent(B, true);
    let out = s.consent(C, true);
    let events = audit(&out);
    let [RecordingEvent::Started { started_at, .. }] = events.as_slice() else { panic!("{out:?}") };
    assert!(*started_at > first_start, "a second recording of the same call is a new one");
    let out = s.stop_recording(A);
    assert_eq!(plans(&out), [None], "the asker stops their own recording");
}

#[test]
fn who_may_ask_follows_the_group_setting_and_a_link_call_cannot_be_recorded() {
    let mut s = two_members();
    let out = s.start_recording(B);
    assert_eq!(error_codes(&out, B), [(ErrorCode::RecordingNotAllowed, false)]);
    assert!(
        sent_to(&out, B).iter().any(
            |m| matches!(m, ServerMessage::Error { message, .. } if message.contains("admins and owners"))
        )
    );
    assert_eq!(recording_seen(&out, A), None);

    let mut s = Script::new();
    s.join_with(A, Ticket { guest: true, record_role: Some(Role::Member), ..ticket("guest_1", "Gus") });
    assert_eq!(error_codes(&s.start_recording(A), A), [(ErrorCode::RecordingNotAllowed, false)]);

    let mut s = Script::new();
    s.join_identified(A, "guest_2", "Lin", None);
    s.join_identified(B, "guest_3", "Max", None);
    let out = s.start_recording(A);
    assert_eq!(error_codes(&out, A), [(ErrorCode::RecordingUnavailable, false)]);
    assert!(
        sent_to(&out, A)
            .iter()
            .any(|m| matches!(m, ServerMessage::Error { message, .. } if message.contains("group")))
    );

    let mut s = two_members();
    s.start_recording(A);
    assert_eq!(error_codes(&s.start_recording(A), A), [(ErrorCode::RecordingConflict, false)]);
    assert_eq!(error_codes(&s.start_recording(B), B), [(ErrorCode::RecordingNotAllowed, false)]);
}

#[test]
fn an_unanswered_question_ends_at_its_deadline() {
    let mut s = three_on_a_node();
    s.start_recording(A);
    s.consent(B, true);
    let deadline = s.now.plus(CONSENT_TIMEOUT);
    // Heartbeats keep everyone in the call meanwhile.
    for _ in 0..2 {
        s.advance(Duration::from_secs(25));
        for conn in [A, B, C] {
            s.text(conn, r#"{"type":"ping","nonce":1}"#);
        }
    }
    assert_eq!(s.room.wakes_at(), Some(deadline));
    let out = s.advance(Duration::from_millis(9_999));
    assert_eq!(request_ended(&out, A), None);
    let out = s.advance(Duration::from_millis(1));
    assert_eq!(request_ended(&out, A), Some(RecordingRequestEnd::TimedOut { waiting: vec![P3] }));
    assert_eq!(recording_seen(&out, C), Some(None));
    assert!(audit(&out).is_empty());
}

#[test]
fn the_call_ending_stops_the_recording_and_a_missing_node_ends_it_with_a_reason() {
    let mut s = recording_three();
    s.text(A, r#"{"type":"leave"}"#);
    s.text(B, r#"{"type":"leave"}"#);
    let out = s.text(C, r#"{"type":"leave"}"#);
    assert!(matches!(
        audit(&out).as_slice(),
        [RecordingEvent::Stopped { reason: StopReason::CallEnded, by: None, .. }]
    ));

    let mut s = two_members();
    s.start_recording(A);
    s.consent(B, true);
    let out = s.input(Input::MediaNodeUnavailable { reason: "no capacity".into() });
    assert_eq!(
        request_ended(&out, A),
        Some(RecordingRequestEnd::NodeUnavailable { reason: "no capacity".into() })
    );
    assert!(matches!(
        audit(&out).as_slice(),
        [RecordingEvent::Stopped { reason: StopReason::NodeUnavailable, .. }]
    ));
    assert_eq!(recording_seen(&out, B), Some(None));
    assert_eq!(closed(&out, A), None, "the peer-to-peer call goes on unrecorded");
    assert_eq!(s.room.mode(), CallMode::PeerToPeer);
}

#[test]
fn recording_messages_before_joining_or_while_waiting_are_refused() {
    let mut s = Script::new();
    s.input(Input::Connected(A));
    let out = s.start_recording(A);
    assert_eq!(error_codes(&out, A), [(ErrorCode::NotJoined, false)]);
}

/// The revisions of the plans the node was sent.
fn revisions(outputs: &[Output]) -> Vec<u32> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::RecordOnMediaNode { plan, .. } => Some(plan.revision),
            _ => None,
        })
        .collect()
}

#[test]
fn plans_are_numbered_so_a_node_keeps_the_newest_and_a_stop_is_final() {
    let mut s = recording_three();
    let first = s.room.snapshot().recording;
    let out = s.consent(B, false);
    let out2 = s.consent(B, true);
    let stop = s.stop_recording(A);
    let all: Vec<u32> = [revisions(&out), revisions(&out2), revisions(&stop)].concat();
    assert!(all.windows(2).all(|w| w[0] < w[1]), "every plan is newer than the one before: {all:?}");
    assert!(stop.iter().any(|o| matches!(o, Output::RecordOnMediaNode { plan, .. } if plan.stopped)));
    assert_ne!(first, s.room.snapshot().recording);
}

#[test]
fn a_node_that_refuses_the_plan_stops_the_recording_and_the_asker_hears_why() {
    let mut s = recording_three();
    let out = s.input(Input::RecordingFailed { reason: "this media node has no recording storage".into() });
    assert_eq!(
        request_ended(&out, A),
        Some(RecordingRequestEnd::NodeUnavailable {
            reason: "this media node has no recording storage".into()
        })
    );
    assert_eq!(recording_seen(&out, B), Some(None), "nobody is shown a recording that is not happening");
    let events = audit(&out);
    assert!(matches!(
        events.as_slice(),
        [RecordingEvent::Stopped { reason: StopReason::NodeUnavailable, .. }]
    ));
}

#[test]
fn withdrawing_a_question_or_leaving_with_it_counts_for_the_cooldown() {
    let mut s = two_members();
    s.start_recording(A);
    s.stop_recording(A);
    assert_eq!(
        error_codes(&s.start_recording(A), A),
        [(ErrorCode::RateLimited, false)],
        "ask, withdraw, ask"
    );
    s.now = s.now.plus(REQUEST_COOLDOWN);
    let out = s.start_recording(A);
    assert!(recording_seen(&out, B).flatten().is_some());
}

#[test]
fn who_may_record_follows_the_newest_setting_and_never_an_older_pass() {
    let mut s = two_members();
    // The group opens recording to members: Bob may ask.
    let at = s.now;
    s.input(Input::AccessChanged(AccessNotice {
        change: AccessChange::RecordRoleChanged { role: Role::Member },
        at,
    }));
    let out = s.start_recording(B);
    assert!(recording_seen(&out, A).flatten().is_some(), "Bob asks");
    s.stop_recording(B);
    // Someone joins with a pass issued before the change: it says admins only, and is older.
    let old = Ticket {
        issued_at: Timestamp::from_millis(at.as_millis() - 60_000),
        ..member("u_cy", "Cy", Role::Member)
    };
    s.join_with(C, old);
    s.now = s.now.plus(REQUEST_COOLDOWN);
    let out = s.start_recording(B);
    assert!(error_codes(&out, B).is_empty(), "an older pass does not take the setting back: {out:?}");
}

#[test]
fn junk_and_floods_of_recording_messages_get_typed_errors_and_change_nothing() {
    let mut s = two_members();
    let out = s.say(A, serde_json::json!({"type":"recording_consent","allow":"yes"}));
    assert_eq!(error_codes(&out, A), [(ErrorCode::MalformedMessage, false)]);
    let out = s.say(B, serde_json::json!({"type":"start_recording","participants":[1,2]}));
    assert_eq!(error_codes(&out, B), [(ErrorCode::RecordingNotAllowed, false)], "extra fields buy no rights");
    // Asking over and over: one question, then conflicts and the rate limit; Bob sees one prompt.
    let mut prompts = 0;
    for _ in 0..300 {
        let out = s.start_recording(A);
        prompts +=
            sent_to(&out, B).iter().filter(|m| matches!(m, ServerMessage::RecordingChanged { .. })).count();
    }
    assert_eq!(prompts, 1);
    let view = s.room.snapshot().recording;
    assert_eq!(
        serde_json::to_value(&view).expect("json")["state"]["state"],
        "asking",
        "the one question still stands"
    );
}

#[test]
fn a_recording_goes_on_on_the_node_that_replaces_a_lost_one() {
    let mut s = recording_three();
    let out = s.input(Input::MediaNodeLost(lease()));
    assert!(plans(&out).is_empty(), "no node to tell while the call moves");
    assert!(audit(&out).is_empty(), "the recording did not stop");
    let next = MediaNodeLease {
        node_id: "node-b".into(),
        url: "http://node-b.test".into(),
        call_id: "call-2".into(),
        control_url: String::new(),
    };
    let out = s.input(Input::MediaNodeAllocated(next.clone()));
    let sent: Vec<_> = out
        .iter()
        .filter_map(|o| match o {
            Output::RecordOnMediaNode { lease, plan } => {
                Some((lease.clone(), plan.participants.clone(), plan.part))
            }
            _ => None,
        })
        .collect();
    assert_eq!(sent, vec![(next, vec![P1, P2, P3], 1)], "the new node writes everyone who agreed, as part 1");
    let stop = s.stop_recording(A);
    assert!(
        stop.iter()
            .any(|o| matches!(o, Output::RecordOnMediaNode { plan, .. } if plan.stopped && plan.part == 1))
    );
}

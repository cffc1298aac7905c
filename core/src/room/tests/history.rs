//! The call's history, as the room emits it: who was in the call and when.

use super::*;
use crate::media::MediaNodeLease;

fn history(outputs: &[Output]) -> Vec<CallEvent> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::History(event) => Some(event.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_first_join_starts_the_call_each_join_and_leave_is_a_stint_and_the_last_one_out_ends_it() {
    let mut s = Script::new();
    let t0 = s.now;
    let out = s.join_identified(A, "u_ada", "Ada", None);
    assert_eq!(
        history(&out),
        vec![
            CallEvent::Started { at: t0 },
            CallEvent::Joined {
                call_started_at: t0,
                participant: ParticipantId(1),
                identity: Some("u_ada".into()),
                display_name: "Ada".into(),
                at: t0
            },
        ]
    );
    s.now = s.now.plus(Duration::from_secs(60));
    let t1 = s.now;
    let out = s.join_identified(B, "guest_bob", "Bob", None);
    assert_eq!(history(&out).len(), 1, "a second join is a stint, not a call");
    s.now = s.now.plus(Duration::from_secs(60));
    let out = s.text(B, r#"{"type":"leave"}"#);
    assert_eq!(
        history(&out),
        vec![CallEvent::Left {
            call_started_at: t0,
            participant: ParticipantId(2),
            identity: Some("guest_bob".into()),
            joined_at: t1,
            at: s.now
        }]
    );
    s.now = s.now.plus(Duration::from_secs(60));
    let out = s.input(Input::Disconnected(A));
    assert_eq!(
        history(&out),
        vec![
            CallEvent::Left {
                call_started_at: t0,
                participant: ParticipantId(1),
                identity: Some("u_ada".into()),
                joined_at: t0,
                at: s.now
            },
            CallEvent::Ended { started_at: t0, at: s.now },
        ]
    );
    // The next person to come starts a new call.
    let out = s.join_identified(C, "u_ada", "Ada", None);
    assert_eq!(history(&out)[0], CallEvent::Started { at: s.now });
}

#[test]
fn a_reconnect_with_the_resume_key_continues_the_stint() {
    let mut s = Script::new();
    s.join_identified(A, "u_ada", "Ada", Some("ada-resume-key-00000001"));
    s.join_identified(B, "u_bob", "Bob", None);
    s.now = s.now.plus(Duration::from_secs(5));
    let out = s.join_identified(C, "u_ada", "Ada", Some("ada-resume-key-00000001"));
    assert_eq!(history(&out), vec![], "the same seat: no leave, no join");
    let out = s.input(Input::Disconnected(A));
    assert_eq!(history(&out), vec![], "the replaced connection's close is not a departure");
}

#[test]
fn timing_out_and_being_dropped_end_the_stint_too() {
    let mut s = Script::new();
    s.join_identified(A, "u_ada", "Ada", None);
    s.join_identified(B, "u_bob", "Bob", None);
    s.now = s.now.plus(Duration::from_secs(20));
    s.text(A, r#"{"type":"ping","nonce":1}"#);
    let out = s.advance(Duration::from_secs(10));
    assert!(
        matches!(history(&out).as_slice(), [CallEvent::Left { participant: ParticipantId(2), .. }]),
        "{:?}",
        history(&out)
    );
}

#[test]
fn moving_onto_a_media_node_is_not_history_and_waiting_is_not_a_stint() {
    let mut s = Script::new();
    s.join_identified(A, "u_ada", "Ada", None);
    s.join_identified(B, "u_bob", "Bob", None);
    let out = s.join_identified(C, "u_cy", "Cy", None);
    assert_eq!(history(&out), vec![], "Cy waits for the node: not in the call yet");
    let lease = MediaNodeLease {
        node_id: "n".into(),
        url: "http://n.test".into(),
        call_id: "c".into(),
        control_url: String::new(),
    };
    let out = s.input(Input::MediaNodeAllocated(lease));
    assert!(
        matches!(history(&out).as_slice(), [CallEvent::Joined { participant: ParticipantId(3), .. }]),
        "only Cy's stint begins: {:?}",
        history(&out)
    );
}

#[test]
fn a_room_rebuilt_from_its_snapshot_emits_nothing_twice_and_ends_the_same_call() {
    let mut s = Script::new();
    let t0 = s.now;
    s.join_identified(A, "u_ada", "Ada", None);
    let mut restored = s.restored();
    restored.now = restored.now.plus(Duration::from_secs(20));
    let out = restored.input(Input::Timeout);
    assert_eq!(history(&out), vec![]);
    let out = restored.text(A, r#"{"type":"leave"}"#);
    assert_eq!(
        history(&out).last(),
        Some(&CallEvent::Ended { started_at: t0, at: restored.now }),
        "the call that started before the rebuild is the one that ends"
    );
}

#[test]
fn every_event_names_its_call_and_the_call_id_is_the_same_on_every_host() {
    let mut s = Script::new();
    let t0 = s.now;
    let mut events = history(&s.join_identified(A, "u_ada", "Ada", None));
    s.now = s.now.plus(Duration::from_secs(3));
    events.extend(history(&s.text(A, r#"{"type":"leave"}"#)));
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e.call_started_at() == t0), "{events:?}");
    let group = crate::GroupId::parse("g_team").expect("id");
    assert_eq!(call_id(&group, t0), format!("c_g_team_{}", t0.as_millis()));
    // Events travel as JSON (the Worker delivers them to the API).
    let json = serde_json::to_string(&events).expect("serialize");
    assert_eq!(serde_json::from_str::<Vec<CallEvent>>(&json).expect("parse"), events);
}

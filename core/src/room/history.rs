//! A call's history as events, derived from consecutive room snapshots: the call starts with
//! its first participant, each participant's stint starts and ends, and the call ends when the
//! last one leaves. Hosts write these rows (call history); the rule is the same in every host.

use super::{ConnectionId, RoomSnapshot};
use crate::protocol::ParticipantId;
use crate::time::Timestamp;

/// Something that happened to the call, for its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// The first participant joined an empty room: a new call.
    Started {
        /// When.
        at: Timestamp,
    },
    /// A participant joined.
    Joined {
        /// Their connection (the host knows who holds it).
        connection: ConnectionId,
        /// Their participant id in the room.
        participant: ParticipantId,
        /// Their name in the call.
        display_name: String,
        /// When they joined.
        at: Timestamp,
    },
    /// A participant left (or was dropped).
    Left {
        /// Their connection.
        connection: ConnectionId,
        /// Their participant id in the room.
        participant: ParticipantId,
        /// When they had joined (which of a person's stints ends).
        joined_at: Timestamp,
        /// When the host noticed.
        at: Timestamp,
    },
    /// The last participant left: the call is over.
    Ended {
        /// When.
        at: Timestamp,
    },
}

/// The events between snapshot `before` and snapshot `after`, noticed at `now`: starts first,
/// then departures, then arrivals, then the end.
pub fn call_events(before: &RoomSnapshot, after: &RoomSnapshot, now: Timestamp) -> Vec<CallEvent> {
    let mut events = Vec::new();
    if before.participants.is_empty() && !after.participants.is_empty() {
        let first = after.participants.iter().map(|p| p.joined_at).min().unwrap_or(now);
        events.push(CallEvent::Started { at: first });
    }
    for gone in before.participants.iter().filter(|p| !after.participants.iter().any(|q| q.id == p.id)) {
        events.push(CallEvent::Left {
            connection: gone.connection,
            participant: gone.id,
            joined_at: gone.joined_at,
            at: now,
        });
    }
    for new in after.participants.iter().filter(|p| !before.participants.iter().any(|q| q.id == p.id)) {
        events.push(CallEvent::Joined {
            connection: new.connection,
            participant: new.id,
            display_name: new.display_name.clone(),
            at: new.joined_at,
        });
    }
    if !before.participants.is_empty() && after.participants.is_empty() {
        events.push(CallEvent::Ended { at: now });
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::MediaState;
    use crate::room::ParticipantSnapshot;

    fn person(id: u32, joined_ms: u64) -> ParticipantSnapshot {
        ParticipantSnapshot {
            connection: ConnectionId(u64::from(id) + 100),
            id: ParticipantId(id),
            display_name: format!("P{id}"),
            media: MediaState { audio: true, video: true },
            joined_at: Timestamp::from_millis(joined_ms),
            resume: None,
            identity: None,
        }
    }

    fn room(people: &[ParticipantSnapshot]) -> RoomSnapshot {
        RoomSnapshot { participants: people.to_vec(), ..RoomSnapshot::default() }
    }

    const NOW: Timestamp = Timestamp::from_millis(9_000);

    #[test]
    fn the_first_join_starts_the_call_and_the_last_leave_ends_it() {
        let events = call_events(&room(&[]), &room(&[person(1, 1_000)]), NOW);
        assert_eq!(
            events,
            vec![
                CallEvent::Started { at: Timestamp::from_millis(1_000) },
                CallEvent::Joined {
                    connection: ConnectionId(101),
                    participant: ParticipantId(1),
                    display_name: "P1".into(),
                    at: Timestamp::from_millis(1_000),
                },
            ]
        );
        let events = call_events(&room(&[person(1, 1_000)]), &room(&[]), NOW);
        assert_eq!(
            events,
            vec![
                CallEvent::Left {
                    connection: ConnectionId(101),
                    participant: ParticipantId(1),
                    joined_at: Timestamp::from_millis(1_000),
                    at: NOW,
                },
                CallEvent::Ended { at: NOW },
            ]
        );
    }

    #[test]
    fn changes_in_a_running_call_are_stints_only() {
        let before = room(&[person(1, 1_000), person(2, 2_000)]);
        let after = room(&[person(1, 1_000), person(3, 8_000)]);
        let events = call_events(&before, &after, NOW);
        assert_eq!(events.len(), 2);
        assert!(matches!(events[0], CallEvent::Left { participant: ParticipantId(2), .. }));
        assert!(matches!(events[1], CallEvent::Joined { participant: ParticipantId(3), .. }));
        assert_eq!(call_events(&before, &before, NOW), vec![], "media changes are not history");
    }
}

//! What a recording leaves behind, decided by the room: the audit trail of consent that is kept
//! with the recording ([`RecordingEvent`]), and which participants the media node writes
//! ([`RecordingPlan`]). Hosts store the first and hand the second to the node; neither decides.

use crate::GroupId;
use crate::protocol::ParticipantId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The id of the recording of `group`'s call that began at `started_at`: the same on every
/// host and in every delivery of its events.
pub fn recording_id(group: &GroupId, started_at: Timestamp) -> String {
    format!("r_{}_{}", group.as_str(), started_at.as_millis())
}

/// One participant's answer, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// Their participant id in the room.
    pub participant: ParticipantId,
    /// Who holds their pass (account or guest id), if the host said.
    pub identity: Option<String>,
    /// Their name in the call.
    pub display_name: String,
    /// Agreed (`true`), or declined or withdrew (`false`).
    pub allowed: bool,
    /// When they answered.
    pub at: Timestamp,
}

/// Why a recording ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Someone allowed to stopped it.
    Stopped,
    /// Everyone left: the call ended.
    CallEnded,
    /// No media node could be had to record on.
    NodeUnavailable,
}

impl StopReason {
    const ALL: [StopReason; 3] = [Self::Stopped, Self::CallEnded, Self::NodeUnavailable];

    /// Its name as stores write it (the same as its JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "stopped",
            Self::CallEnded => "call_ended",
            Self::NodeUnavailable => "node_unavailable",
        }
    }

    /// The reason a store wrote as `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// Something for a recording's audit trail: write it, in order, with the recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecordingEvent {
    /// Everyone present agreed: the recording began.
    Started {
        /// When (the recording's id, with the group's).
        started_at: Timestamp,
        /// Who asked.
        started_by: ConsentRecord,
        /// When they asked.
        asked_at: Timestamp,
        /// Everyone's answer (the asker's included), in participant order.
        consents: Vec<ConsentRecord>,
    },
    /// Someone answered while it ran: a newcomer, or a change of mind.
    Consent {
        /// Which recording.
        started_at: Timestamp,
        /// The answer.
        consent: ConsentRecord,
    },
    /// The recording ended.
    Stopped {
        /// Which recording.
        started_at: Timestamp,
        /// When.
        at: Timestamp,
        /// Who stopped it, when someone did.
        by: Option<ConsentRecord>,
        /// Why.
        reason: StopReason,
    },
}

impl RecordingEvent {
    /// When the recording this event belongs to began.
    pub fn started_at(&self) -> Timestamp {
        match self {
            Self::Started { started_at, .. }
            | Self::Consent { started_at, .. }
            | Self::Stopped { started_at, .. } => *started_at,
        }
    }
}

/// What the media node writes: the tracks of these participants, for this recording. The room
/// sends the whole plan on every change, numbered, so a node that missed one catches up with the
/// next and one that gets two out of order keeps the newer; a stopped recording never starts
/// again on the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingPlan {
    /// When the recording began (its id, with the group's).
    pub started_at: Timestamp,
    /// Counts this recording's plans: a node ignores a plan older than one it has.
    pub revision: u32,
    /// Participants in the call who agreed, in id order: only their media is written.
    pub participants: Vec<ParticipantId>,
    /// The recording ended: write nothing more of it.
    pub stopped: bool,
    /// Which of the call's node sessions writes it: 0 on the first node, one more after each
    /// lost node, so a new node's tracks never take the names of an earlier one's.
    #[serde(default)]
    pub part: u32,
}

#[cfg(test)]
mod tests {
    use super::StopReason;

    #[test]
    fn stop_reasons_are_named_as_in_json_and_read_back() {
        for reason in StopReason::ALL {
            assert_eq!(serde_json::to_value(reason).expect("json"), reason.as_str());
            assert_eq!(StopReason::parse(reason.as_str()), Some(reason));
        }
        assert_eq!(StopReason::parse("exploded"), None);
    }
}

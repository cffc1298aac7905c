//! A call's history as the room decides it: the call starts with its first participant, each
//! participant's stint starts and ends, and the call ends when nobody is in it or waiting for
//! it. The room emits these as [`super::Output::History`]; hosts only store them. A reconnect,
//! a second device taking over a seat, the move onto a media node and a rebuild from a snapshot
//! are not history: they emit nothing.

use crate::GroupId;
use crate::protocol::ParticipantId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The id of the call of `group` that started at `started_at`: the same on every host and in
/// every delivery of its events, so writing an event twice writes one row.
pub fn call_id(group: &GroupId, started_at: Timestamp) -> String {
    format!("c_{}_{}", group.as_str(), started_at.as_millis())
}

/// Something that happened to the call, for its history. Each event names its call (by when it
/// started), so a batch of them can be delivered, and delivered again, on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CallEvent {
    /// The first participant was admitted to an empty room: a new call, identified by when it
    /// started (one room never starts two calls in the same millisecond).
    Started {
        /// When.
        at: Timestamp,
    },
    /// A participant's stint began.
    Joined {
        /// When the call started.
        call_started_at: Timestamp,
        /// Their participant id in the room.
        participant: ParticipantId,
        /// Who holds their pass (the host's verified identity), if the host said.
        identity: Option<String>,
        /// Their name in the call.
        display_name: String,
        /// When they joined.
        at: Timestamp,
    },
    /// A participant's stint ended (they left, were dropped or timed out).
    Left {
        /// When the call started.
        call_started_at: Timestamp,
        /// Their participant id in the room.
        participant: ParticipantId,
        /// Who holds their pass, if the host said.
        identity: Option<String>,
        /// When the stint began (which of a person's stints ends).
        joined_at: Timestamp,
        /// When it ended.
        at: Timestamp,
    },
    /// Something for the audit trail of a recording of this call (who asked, who agreed, when
    /// it stopped): stored with the recording.
    Recording {
        /// When the call started.
        call_started_at: Timestamp,
        /// What happened.
        event: super::RecordingEvent,
    },
    /// Nobody is in the call or waiting for it any more: the call started at `started_at` is over.
    Ended {
        /// When the call started.
        started_at: Timestamp,
        /// When it ended.
        at: Timestamp,
    },
}

impl CallEvent {
    /// When the call this event belongs to started.
    pub fn call_started_at(&self) -> Timestamp {
        match self {
            Self::Started { at } => *at,
            Self::Joined { call_started_at, .. }
            | Self::Left { call_started_at, .. }
            | Self::Recording { call_started_at, .. } => *call_started_at,
            Self::Ended { started_at, .. } => *started_at,
        }
    }
}

//! A call's history as the room decides it: the call starts with its first participant, each
//! participant's stint starts and ends, and the call ends when nobody is in it or waiting for
//! it. The room emits these as [`super::Output::History`]; hosts only store them. A reconnect,
//! a second device taking over a seat, the move onto a media node and a rebuild from a snapshot
//! are not history: they emit nothing.

use crate::protocol::ParticipantId;
use crate::time::Timestamp;

/// Something that happened to the call, for its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// The first participant was admitted to an empty room: a new call, identified by when it
    /// started (one room never starts two calls in the same millisecond).
    Started {
        /// When.
        at: Timestamp,
    },
    /// A participant's stint began.
    Joined {
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
        /// Their participant id in the room.
        participant: ParticipantId,
        /// Who holds their pass, if the host said.
        identity: Option<String>,
        /// When the stint began (which of a person's stints ends).
        joined_at: Timestamp,
        /// When it ended.
        at: Timestamp,
    },
    /// Nobody is in the call or waiting for it any more: the call started at `started_at` is over.
    Ended {
        /// When the call started.
        started_at: Timestamp,
        /// When it ended.
        at: Timestamp,
    },
}

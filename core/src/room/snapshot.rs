//! The persistent part of a room, so a host can evict it and rebuild it (Durable Objects).

use super::ConnectionId;
use crate::media::MediaNodeLease;
use crate::protocol::{MediaState, ParticipantId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Everything needed to rebuild a room after its host was evicted.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoomSnapshot {
    /// Next participant id to hand out (ids are never reused within a room).
    pub next_participant_id: u32,
    /// Everyone in the call, in join order.
    pub participants: Vec<ParticipantSnapshot>,
    /// The media node carrying the call, once it moved to one.
    #[serde(default)]
    pub media_node: Option<MediaNodeLease>,
    /// A media node asked for and not had yet (the room asks again after a rebuild).
    #[serde(default)]
    pub node_request: Option<super::NodeRequest>,
    /// Node sessions the call lost (a recording's part on the next node).
    #[serde(default)]
    pub node_part: u32,
    /// When the call under way started (its history's id), if one is.
    #[serde(default)]
    pub call_started_at: Option<Timestamp>,
    /// Access changes the room still enforces on passes issued before them.
    #[serde(default)]
    pub access: super::AccessLedger,
    /// Who may record, and the consent of everyone present to a recording asked for or running.
    #[serde(default)]
    pub recording: super::RecordingDesk,
    /// The call's chat so far (boxed: most snapshots are written while nobody chats).
    #[serde(default)]
    pub chat: Box<super::ChatLog>,
}

/// One participant in a [`RoomSnapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantSnapshot {
    /// The host's connection handle.
    pub connection: ConnectionId,
    /// Participant id.
    pub id: ParticipantId,
    /// Display name.
    pub display_name: String,
    /// Microphone and camera state.
    pub media: MediaState,
    /// When they joined.
    pub joined_at: Timestamp,
    /// Their resume key, so they can take their seat back after the host restarted.
    #[serde(default)]
    pub resume: Option<String>,
    /// Who holds the seat's pass, so the seat stays theirs after the host restarted.
    #[serde(default)]
    pub identity: Option<String>,
    /// A guest in a group's call.
    #[serde(default)]
    pub guest: bool,
    /// Their role in the group.
    #[serde(default)]
    pub role: Option<crate::groups::Role>,
}

//! Messages a call room sends to a browser.

use super::{
    ChatMessage, ErrorCategory, ErrorCode, IceCandidate, MediaNodeAccess, MediaState, ParticipantId,
    RecordingRequestEnd, RecordingView, SessionDescription,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How media flows in the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CallMode {
    /// Browsers connect directly to each other (two participants).
    PeerToPeer,
    /// Every browser sends to and receives from the call's media node (an SFU). Once a call
    /// is on a node it stays there until it ends.
    MediaNode,
}

/// Why a participant left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// They pressed leave.
    Left,
    /// Their connection closed without a goodbye.
    ConnectionLost,
    /// They stopped sending heartbeats.
    TimedOut,
    /// They reconnected: a new connection took over their seat (they rejoin at once, same id).
    Reconnected,
}

/// Another participant, as seen by the recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Peer {
    /// Their id.
    pub id: ParticipantId,
    /// Their display name.
    pub display_name: String,
    /// Their microphone and camera state.
    pub media: MediaState,
    /// Perfect-negotiation role of the *recipient* towards this peer: a polite peer rolls back
    /// its own offer on collision, an impolite one ignores the incoming offer.
    pub polite: bool,
    /// They are a guest in a group's call (not one of its members), as their pass says: anyone
    /// may pick any name, so clients mark guests.
    #[serde(default)]
    pub guest: bool,
    /// Their role in the group whose call this is, as their pass says (members only).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub role: Option<crate::groups::Role>,
}

/// A message from the room to a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The join succeeded: who you are and who is already here.
    Welcome {
        /// Protocol version of the room.
        version: u32,
        /// Your participant id.
        you: ParticipantId,
        /// Everyone else in the call.
        participants: Vec<Peer>,
        /// How media flows.
        mode: CallMode,
        /// Most participants the room admits.
        capacity: u32,
        /// Send a `ping` at least this often (milliseconds) or be removed.
        heartbeat_interval_ms: u32,
        /// The media node to connect to, when `mode` is `media_node`.
        #[ts(optional = nullable)]
        media_node: Option<MediaNodeAccess>,
        /// The call's recording, when someone asked to record or it is being recorded: a
        /// newcomer who is asked gets a prompt; nothing of theirs is written before they agree.
        #[serde(default)]
        #[ts(optional = nullable)]
        recording: Option<RecordingView>,
        /// The call's chat so far (its latest messages), oldest first.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(as = "Option<Vec<ChatMessage>>", optional)]
        chat: Vec<ChatMessage>,
    },
    /// A message of the call's chat, to everyone in it (its sender too).
    Chat {
        /// The message, numbered by the room.
        message: ChatMessage,
    },
    /// The call is moving to a media node to make room for you; `welcome` follows (or an
    /// error if no node can be had).
    WaitingForMediaNode,
    /// No media node had room, so one is starting (in the cloud this takes up to a minute or
    /// two): those in the call stay connected as they are, and those waiting get `welcome`
    /// once it is up (or an error if none starts in time).
    MediaNodeStarting,
    /// The media node carrying the call stopped: drop its connection and stay; a
    /// `move_to_media_node` to another node follows (or an error if none can be had).
    MediaNodeLost,
    /// The call moved to a media node: connect to it, keep the peer link until the node's
    /// tracks play, then close the peer link. On a node already (after `media_node_lost`),
    /// replace the node connection.
    MoveToMediaNode {
        /// Where and how to connect.
        media_node: MediaNodeAccess,
    },
    /// Someone joined.
    ParticipantJoined {
        /// The newcomer.
        participant: Peer,
    },
    /// Someone left.
    ParticipantLeft {
        /// Who.
        id: ParticipantId,
        /// Why.
        reason: LeaveReason,
    },
    /// Someone's microphone or camera changed.
    ParticipantUpdated {
        /// Who.
        id: ParticipantId,
        /// Their new state.
        media: MediaState,
    },
    /// Someone's role in the group changed (yours too): the call shows it from now on.
    ParticipantRoleChanged {
        /// Who.
        id: ParticipantId,
        /// Their role now.
        role: crate::groups::Role,
    },
    /// The call's recording changed (asked, answered, started, stopped): everyone gets the
    /// whole state, `null` when there is no recording and no question.
    RecordingChanged {
        /// The recording now.
        #[ts(optional = nullable)]
        recording: Option<RecordingView>,
    },
    /// Your request to record ended without a recording.
    RecordingRequestEnded {
        /// Why.
        reason: RecordingRequestEnd,
    },
    /// An SDP offer or answer from another participant.
    Description {
        /// Sender.
        from: ParticipantId,
        /// The description.
        description: SessionDescription,
    },
    /// A trickled ICE candidate from another participant; `null` ends the candidates.
    IceCandidate {
        /// Sender.
        from: ParticipantId,
        /// The candidate, or `null` for end-of-candidates.
        candidate: Option<IceCandidate>,
    },
    /// Answer to `ping`.
    Pong {
        /// The nonce from the ping.
        nonce: u32,
    },
    /// Something the client sent or asked for could not be done.
    Error {
        /// Machine-readable code.
        code: ErrorCode,
        /// Broad class of the error.
        category: ErrorCategory,
        /// Human-readable detail.
        message: String,
        /// The room closes the connection after this error.
        fatal: bool,
    },
}

impl ServerMessage {
    /// An error message for `code`.
    pub fn error(code: ErrorCode, message: impl Into<String>, fatal: bool) -> Self {
        ServerMessage::Error { code, category: code.category(), message: message.into(), fatal }
    }

    /// The JSON text of this message.
    pub fn to_json(&self) -> String {
        // Serializing these plain data types cannot fail: no maps with non-string keys, no
        // custom serializers that error.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"type":"error","code":"malformed_message","category":"invalid_request","message":"server could not encode a message: {e}","fatal":false}}"#)
        })
    }
}

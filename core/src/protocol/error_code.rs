//! Typed, categorised errors the room sends to a participant.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What went wrong, as a stable machine-readable code. The web client maps each code to a
/// message and a suggested action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame was not a JSON object with a string `type`, or its fields did not match.
    MalformedMessage,
    /// The `type` names no message of this protocol version.
    UnknownMessageType,
    /// The frame exceeded [`super::MAX_MESSAGE_BYTES`].
    MessageTooLarge,
    /// A binary frame arrived; the protocol is text-only.
    BinaryNotSupported,
    /// The client speaks a protocol version this server does not.
    UnsupportedVersion,
    /// A message other than `join`/`ping` arrived before `join`.
    NotJoined,
    /// A second `join` arrived on the same connection.
    AlreadyJoined,
    /// The display name is empty, too long, or contains control characters.
    InvalidDisplayName,
    /// The addressed participant is not in this room.
    UnknownParticipant,
    /// A participant addressed a signal to itself.
    CannotSignalSelf,
    /// The room has reached its capacity.
    RoomFull,
    /// A third participant needs a media node and none can be had.
    GroupCallsUnavailable,
    /// The connection did not send `join` in time.
    JoinTimeout,
    /// The participant stopped sending heartbeats.
    HeartbeatTimeout,
    /// The connection sent messages faster than the room relays them; the excess was dropped.
    RateLimited,
    /// The connection did not read what the room sent it: more than
    /// [`super::MAX_OUTBOX_BYTES`] waited for it, so it was closed.
    SlowConsumer,
    /// The participant may no longer be in this call: removed from the group, guests switched
    /// off, the group deleted, or a pass issued before one of those.
    AccessRevoked,
    /// The participant may not start or stop this recording: their role is below the group's
    /// "who may record", they are a guest, or they neither started it nor administer the group.
    RecordingNotAllowed,
    /// This call cannot be recorded: only a stored group's call can (its members download
    /// the recording later); a link call cannot.
    RecordingUnavailable,
    /// The recording is not in a state that allows this: already asking or recording,
    /// nothing to stop, or no question to answer.
    RecordingConflict,
    /// A chat message that is empty, too long or holds control characters.
    InvalidChatMessage,
}

/// Broad class of an error, so clients can react without knowing every code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    /// The client sent something this server cannot accept; retrying unchanged will not help.
    InvalidRequest,
    /// The call has no room for this participant.
    Capacity,
    /// A capability the call needs is not available right now.
    Unavailable,
    /// The connection was idle for too long.
    Timeout,
    /// The connection sent more, or read less, than a call allows.
    Overload,
    /// The participant's right to be in the call ended; a new call pass may tell why.
    Access,
}

impl ErrorCode {
    /// The class of this error.
    pub fn category(self) -> ErrorCategory {
        use ErrorCode::*;
        match self {
            MalformedMessage | UnknownMessageType | MessageTooLarge | BinaryNotSupported
            | UnsupportedVersion | NotJoined | AlreadyJoined | InvalidDisplayName | UnknownParticipant
            | CannotSignalSelf => ErrorCategory::InvalidRequest,
            RoomFull => ErrorCategory::Capacity,
            GroupCallsUnavailable => ErrorCategory::Unavailable,
            JoinTimeout | HeartbeatTimeout => ErrorCategory::Timeout,
            RateLimited | SlowConsumer => ErrorCategory::Overload,
            AccessRevoked => ErrorCategory::Access,
            RecordingNotAllowed | RecordingConflict | InvalidChatMessage => ErrorCategory::InvalidRequest,
            RecordingUnavailable => ErrorCategory::Unavailable,
        }
    }

    /// WebSocket close code used when this error ends the connection (4000–4999 is the
    /// application range).
    pub fn close_code(self) -> u16 {
        use ErrorCode::*;
        match self {
            MalformedMessage => 4000,
            UnknownMessageType => 4001,
            MessageTooLarge => 4002,
            BinaryNotSupported => 4003,
            UnsupportedVersion => 4004,
            NotJoined => 4005,
            AlreadyJoined => 4006,
            InvalidDisplayName => 4007,
            UnknownParticipant => 4008,
            CannotSignalSelf => 4009,
            RoomFull => 4010,
            GroupCallsUnavailable => 4011,
            JoinTimeout => 4012,
            HeartbeatTimeout => 4013,
            RateLimited => 4014,
            SlowConsumer => 4015,
            AccessRevoked => 4016,
            RecordingNotAllowed => 4017,
            RecordingUnavailable => 4018,
            RecordingConflict => 4019,
            InvalidChatMessage => 4020,
        }
    }

    /// The snake_case wire name of this code.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MalformedMessage => "malformed_message",
            UnknownMessageType => "unknown_message_type",
            MessageTooLarge => "message_too_large",
            BinaryNotSupported => "binary_not_supported",
            UnsupportedVersion => "unsupported_version",
            NotJoined => "not_joined",
            AlreadyJoined => "already_joined",
            InvalidDisplayName => "invalid_display_name",
            UnknownParticipant => "unknown_participant",
            CannotSignalSelf => "cannot_signal_self",
            RoomFull => "room_full",
            GroupCallsUnavailable => "group_calls_unavailable",
            JoinTimeout => "join_timeout",
            HeartbeatTimeout => "heartbeat_timeout",
            RateLimited => "rate_limited",
            SlowConsumer => "slow_consumer",
            AccessRevoked => "access_revoked",
            RecordingNotAllowed => "recording_not_allowed",
            RecordingUnavailable => "recording_unavailable",
            RecordingConflict => "recording_conflict",
            InvalidChatMessage => "invalid_chat_message",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_name_matches_serde() {
        for code in [
            ErrorCode::MalformedMessage,
            ErrorCode::RoomFull,
            ErrorCode::GroupCallsUnavailable,
            ErrorCode::HeartbeatTimeout,
            ErrorCode::RateLimited,
            ErrorCode::SlowConsumer,
            ErrorCode::AccessRevoked,
            ErrorCode::RecordingNotAllowed,
            ErrorCode::RecordingUnavailable,
            ErrorCode::RecordingConflict,
            ErrorCode::InvalidChatMessage,
        ] {
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn close_codes_are_application_range() {
        assert!((4000..5000).contains(&ErrorCode::MalformedMessage.close_code()));
        assert!((4000..5000).contains(&ErrorCode::HeartbeatTimeout.close_code()));
        assert!((4000..5000).contains(&ErrorCode::SlowConsumer.close_code()));
    }
}

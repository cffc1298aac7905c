//! Messages a browser sends to its call room, and how raw frames are parsed into them.

use super::{ErrorCode, IceCandidate, MAX_MESSAGE_BYTES, MediaState, ParticipantId, SessionDescription};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A message from a client to the room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Enter the call. Must be the first message on a connection.
    Join {
        /// Protocol version the client speaks.
        version: u32,
        /// Name shown to the other participants.
        display_name: String,
        /// Initial microphone and camera state.
        media: MediaState,
        /// A secret the client picks once per call session (16 to 128 letters, digits, `-` or
        /// `_`) and sends on every reconnect: a connection that joins with the key of a
        /// participant still in the room takes over their seat (same id) instead of adding a
        /// second one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        resume: Option<String>,
    },
    /// An SDP offer or answer for one other participant (peer-to-peer mode).
    Description {
        /// Recipient.
        to: ParticipantId,
        /// The description.
        description: SessionDescription,
    },
    /// A trickled ICE candidate for one other participant; `null` ends the candidates.
    IceCandidate {
        /// Recipient.
        to: ParticipantId,
        /// The candidate, or `null` for end-of-candidates.
        candidate: Option<IceCandidate>,
    },
    /// The sender's microphone or camera changed.
    MediaState {
        /// New state.
        media: MediaState,
    },
    /// Heartbeat; the room answers with `pong` carrying the same nonce.
    Ping {
        /// Echoed back in `pong`.
        nonce: u32,
    },
    /// Leave the call on purpose.
    Leave,
    /// Ask everyone to agree to record the call (a role the group's "who may record" allows,
    /// in a stored group's call). Asking counts as the asker's own consent.
    StartRecording,
    /// Stop the recording, or withdraw the question (the asker, or an admin or owner).
    StopRecording,
    /// Answer the question to record, or change one's answer while it runs: `false` while
    /// recorded withdraws consent (from then on, one's media is not written).
    RecordingConsent {
        /// Whether the sender agrees to be recorded.
        allow: bool,
    },
    /// A message to everyone in the call's chat (plain text, at most
    /// [`super::MAX_CHAT_CHARS`] characters); everyone, the sender too, gets it back as `chat`.
    Chat {
        /// What it says.
        text: String,
    },
    /// My connection to the call's media node failed (it stopped answering, or refused
    /// the join): the room checks the node and, if it is gone, moves the call to another.
    MediaNodeFailed {
        /// The call session on the node (from `MediaNodeAccess`), so a report about a node
        /// the call already left changes nothing.
        call_id: String,
    },
    /// Any `type` this version does not know. Never sent; only produced by parsing.
    #[serde(other)]
    #[ts(skip)]
    Unknown,
}

/// Why a frame is not a valid client message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The frame is larger than [`MAX_MESSAGE_BYTES`].
    #[error("message is {0} bytes; the limit is {MAX_MESSAGE_BYTES}")]
    TooLarge(usize),
    /// Not JSON, not an object with a string `type`, or fields that do not match the type.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// A well-formed message of a type this version does not know.
    #[error("unknown message type {0:?}")]
    UnknownType(String),
}

impl ParseError {
    /// The protocol error code for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            ParseError::TooLarge(_) => ErrorCode::MessageTooLarge,
            ParseError::Malformed(_) => ErrorCode::MalformedMessage,
            ParseError::UnknownType(_) => ErrorCode::UnknownMessageType,
        }
    }
}

impl ClientMessage {
    /// Parses one text frame.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(ParseError::TooLarge(text.len()));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ParseError::Malformed(e.to_string()))?;
        let type_name =
            value.get("type").and_then(serde_json::Value::as_str).map(str::to_owned).ok_or_else(|| {
                ParseError::Malformed("expected an object with a string field \"type\"".into())
            })?;
        match serde_json::from_value::<ClientMessage>(value) {
            Ok(ClientMessage::Unknown) => Err(ParseError::UnknownType(type_name)),
            Ok(message) => Ok(message),
            Err(e) => Err(ParseError::Malformed(format!("{type_name}: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_join() {
        let m = ClientMessage::parse(
            r#"{"type":"join","version":1,"display_name":"Ada","media":{"audio":true,"video":false}}"#,
        );
        assert_eq!(
            m,
            Ok(ClientMessage::Join {
                version: 1,
                display_name: "Ada".into(),
                media: MediaState { audio: true, video: false },
                resume: None,
            })
        );
    }

    #[test]
    fn parses_browser_shaped_candidate() {
        let m = ClientMessage::parse(
            r#"{"type":"ice_candidate","to":2,"candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":"abcd"}}"#,
        )
        .expect("valid");
        let ClientMessage::IceCandidate { to, candidate: Some(c) } = m else {
            panic!("wrong variant: {m:?}")
        };
        assert_eq!(to, ParticipantId(2));
        assert_eq!(c.sdp_m_line_index, Some(0));
        assert_eq!(c.username_fragment.as_deref(), Some("abcd"));
    }

    #[test]
    fn classifies_bad_frames() {
        assert!(matches!(ClientMessage::parse("{not json"), Err(ParseError::Malformed(_))));
        assert!(matches!(ClientMessage::parse("[1,2]"), Err(ParseError::Malformed(_))));
        assert!(matches!(ClientMessage::parse(r#"{"type":7}"#), Err(ParseError::Malformed(_))));
        assert_eq!(
            ClientMessage::parse(r#"{"type":"teleport"}"#),
            Err(ParseError::UnknownType("teleport".into()))
        );
        assert!(matches!(
            ClientMessage::parse(r#"{"type":"description","to":"x"}"#),
            Err(ParseError::Malformed(_))
        ));
        let big = format!(r#"{{"type":"ping","nonce":1,"pad":"{}"}}"#, "x".repeat(MAX_MESSAGE_BYTES));
        assert_eq!(ClientMessage::parse(&big), Err(ParseError::TooLarge(big.len())));
    }
}

//! Small value types shared by client and server messages.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A participant's id, unique within one room for the room's lifetime (never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct ParticipantId(pub u32);

impl std::fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// Whether a participant's microphone and camera are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct MediaState {
    /// Microphone is on (not muted).
    pub audio: bool,
    /// Camera is on.
    pub video: bool,
}

/// Kind of an SDP description, as in `RTCSdpType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SdpType {
    /// An offer.
    Offer,
    /// An answer.
    Answer,
}

/// An SDP offer or answer, shaped like `RTCSessionDescriptionInit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionDescription {
    /// Offer or answer.
    #[serde(rename = "type")]
    pub kind: SdpType,
    /// The SDP text.
    pub sdp: String,
}

/// An ICE candidate, shaped like `RTCIceCandidateInit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IceCandidate {
    /// The `candidate:` attribute line.
    pub candidate: String,
    /// Media stream id the candidate belongs to.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sdp_mid: Option<String>,
    /// Index of the m-line the candidate belongs to.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub sdp_m_line_index: Option<u16>,
    /// ICE username fragment, identifying the ICE generation.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub username_fragment: Option<String>,
}

/// Where and how a participant reaches the call's media node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MediaNodeAccess {
    /// Base URL of the node's control API.
    pub url: String,
    /// The call session on the node.
    pub call_id: String,
    /// Bearer token for the node, bound to this participant, call and node; short-lived.
    pub token: String,
}

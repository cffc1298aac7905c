//! Messages between a browser and its media node, over the WebRTC data channel
//! [`NODE_CHANNEL_LABEL`]. The node renegotiates over this channel itself, so it never has to
//! call back through the signaling room.

use super::ParticipantId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Label of the data channel the browser opens towards the node.
pub const NODE_CHANNEL_LABEL: &str = "peershare";

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TrackKind {
    /// An audio track.
    Audio,
    /// A video track.
    Video,
}

/// What a published track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TrackSource {
    /// A camera or microphone (the default for a published track).
    #[default]
    Camera,
    /// A shared screen or window.
    Screen,
}

/// One track the node forwards to this client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ForwardedTrack {
    /// The m-line (transceiver) it arrives on.
    pub mid: String,
    /// Who publishes it.
    pub participant: ParticipantId,
    /// Audio or video.
    pub kind: TrackKind,
    /// Camera or screen.
    pub source: TrackSource,
}

/// A message from the node to a browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NodeMessage {
    /// The node added or removed tracks for this client: answer with [`ClientNodeMessage::Answer`].
    Offer {
        /// SDP offer text.
        sdp: String,
    },
    /// The node's answer to a [`ClientNodeMessage::Offer`].
    Answer {
        /// SDP answer text.
        sdp: String,
    },
    /// Every track this client receives, by mid. Sent whenever the set changes.
    Tracks {
        /// The tracks.
        tracks: Vec<ForwardedTrack>,
    },
    /// The simulcast layer the node now forwards on a video mid (`q`, `h` or `f`; `null`
    /// without simulcast).
    Layer {
        /// The receiving mid.
        mid: String,
        /// The layer's rid.
        rid: Option<String>,
    },
    /// Send only these simulcast layers of your `mid`: no subscriber needs the others now
    /// (pausing them saves your CPU and uplink). Sent whenever the set changes.
    Layers {
        /// Your sending mid.
        mid: String,
        /// The rids to keep sending; every other layer may be paused.
        rids: Vec<String>,
    },
    /// A message from the client could not be used.
    Error {
        /// Human-readable detail.
        message: String,
    },
}

/// A message from a browser to the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientNodeMessage {
    /// The client changed what it sends (e.g. started a screen share).
    Offer {
        /// SDP offer text.
        sdp: String,
    },
    /// The client's answer to a [`NodeMessage::Offer`].
    Answer {
        /// SDP answer text.
        sdp: String,
    },
    /// Describes one of the client's own sending transceivers.
    Publish {
        /// The client's sending mid.
        mid: String,
        /// Camera or screen.
        source: TrackSource,
        /// Width of the full-resolution layer, in pixels.
        #[serde(default)]
        #[ts(optional = nullable)]
        width: Option<u32>,
        /// Height of the full-resolution layer, in pixels.
        #[serde(default)]
        #[ts(optional = nullable)]
        height: Option<u32>,
    },
    /// How large the client renders a received video, in CSS pixels times the device pixel
    /// ratio; `0×0` means not shown.
    Viewport {
        /// The receiving mid.
        mid: String,
        /// Rendered width.
        width: u32,
        /// Rendered height.
        height: u32,
    },
}

impl ClientNodeMessage {
    /// Parses one data-channel message from a browser (UTF-8 JSON bytes), as the node does.
    pub fn parse(data: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_browsers_send() {
        assert_eq!(
            ClientNodeMessage::parse(br#"{"type":"viewport","mid":"3","width":640,"height":360}"#).ok(),
            Some(ClientNodeMessage::Viewport { mid: "3".into(), width: 640, height: 360 })
        );
        assert_eq!(
            ClientNodeMessage::parse(br#"{"type":"publish","mid":"1","source":"screen"}"#).ok(),
            Some(ClientNodeMessage::Publish {
                mid: "1".into(),
                source: TrackSource::Screen,
                width: None,
                height: None
            })
        );
    }

    #[test]
    fn rejects_malformed_messages() {
        assert!(ClientNodeMessage::parse(b"").is_err());
        assert!(ClientNodeMessage::parse(b"\xff{}").is_err());
        assert!(ClientNodeMessage::parse(br#"{"type":"offer"}"#).is_err());
        assert!(ClientNodeMessage::parse(br#"{"type":"viewport","mid":"3","width":-1,"height":0}"#).is_err());
        assert!(ClientNodeMessage::parse(br#"{"type":"teleport"}"#).is_err());
    }
}

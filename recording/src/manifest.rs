//! What each track file of a recording is: whose, which source, which codec, and where it
//! starts on the recording's clock. The node writes one per track when the track starts (so a
//! crash leaves it behind) and again when it ends; the composer reads them all.

use crate::container::TrackCodec;
use crate::layout::TrackSource;
use serde::{Deserialize, Serialize};

/// One track file of a recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackManifest {
    /// The recording.
    pub recording: String,
    /// The participant's id in the room.
    pub participant: u32,
    /// Microphone, camera or screen.
    pub source: TrackSource,
    /// Which take of this participant's source (a new one after a reconnect).
    pub take: u32,
    /// The codec in the file.
    pub codec: TrackCodec,
    /// The file's key in recording storage.
    pub key: String,
    /// When the file's first frame arrived, in milliseconds after the recording began.
    pub offset_ms: u64,
    /// When the file's last frame arrived, once it ended cleanly (absent after a crash: the
    /// composer reads the file's own length).
    #[serde(default)]
    pub end_ms: Option<u64>,
    /// Width and height of the first video frame (0 for audio).
    pub width: u32,
    /// See `width`.
    pub height: u32,
}

//! The codecs a track file can hold, and what their headers need from the media itself.

use serde::{Deserialize, Serialize};

/// A recorded track's codec. Video in WebM is VP8, VP9 or AV1; audio is Opus. (H.264 has no
/// WebM codec id: a call whose browsers picked H.264 is not recorded, see docs/recording.md.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackCodec {
    /// VP8 video.
    Vp8,
    /// VP9 video.
    Vp9,
    /// AV1 video.
    Av1,
    /// Opus audio at 48 kHz.
    Opus,
}

impl TrackCodec {
    /// The codec of an SDP codec name (`VP8`, `opus`, …), when a track file can hold it.
    pub fn from_sdp_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "vp8" => Some(Self::Vp8),
            "vp9" => Some(Self::Vp9),
            "av1" => Some(Self::Av1),
            "opus" => Some(Self::Opus),
            _ => None,
        }
    }

    /// Whether this is a video codec.
    pub fn is_video(self) -> bool {
        !matches!(self, Self::Opus)
    }
}

/// The width and height a VP8 keyframe declares (RFC 6386 9.1), or `None` when `frame` is not
/// a VP8 keyframe.
pub fn vp8_keyframe_size(frame: &[u8]) -> Option<(u32, u32)> {
    let keyframe = frame.first().is_some_and(|b| b & 1 == 0);
    if !keyframe || frame.len() < 10 || frame[3..6] != [0x9d, 0x01, 0x2a] {
        return None;
    }
    let width = u32::from(u16::from_le_bytes([frame[6], frame[7]]) & 0x3fff);
    let height = u32::from(u16::from_le_bytes([frame[8], frame[9]]) & 0x3fff);
    (width > 0 && height > 0).then_some((width, height))
}

/// The Opus identification header a WebM Opus track carries as its codec private data
/// (RFC 7845 5.1): `channels` channels at 48 kHz, no pre-skip, no gain, mapping family 0.
pub fn opus_head(channels: u8) -> Vec<u8> {
    let mut head = Vec::with_capacity(19);
    head.extend_from_slice(b"OpusHead");
    head.push(1);
    head.push(channels);
    head.extend_from_slice(&0u16.to_le_bytes());
    head.extend_from_slice(&48_000u32.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes());
    head.push(0);
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vp8_keyframe_names_its_size_and_an_interframe_does_not() {
        let mut key = vec![0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a];
        key.extend_from_slice(&640u16.to_le_bytes());
        key.extend_from_slice(&(360u16 | 0x4000).to_le_bytes()); // scaling bits are not size
        key.extend_from_slice(&[0; 8]);
        assert_eq!(vp8_keyframe_size(&key), Some((640, 360)));
        let mut inter = key.clone();
        inter[0] |= 1;
        assert_eq!(vp8_keyframe_size(&inter), None);
        assert_eq!(vp8_keyframe_size(&key[..8]), None, "too short");
        assert_eq!(vp8_keyframe_size(&[0x50, 0x42, 0x00, 0, 0, 0, 1, 1, 1, 1]), None, "no start code");
    }

    #[test]
    fn the_opus_head_is_nineteen_bytes_as_rfc_7845_lays_out() {
        let head = opus_head(2);
        assert_eq!(head.len(), 19);
        assert_eq!(&head[..8], b"OpusHead");
        assert_eq!((head[8], head[9]), (1, 2));
        assert_eq!(u32::from_le_bytes([head[12], head[13], head[14], head[15]]), 48_000);
    }

    #[test]
    fn sdp_names_map_to_codecs_case_blind() {
        assert_eq!(TrackCodec::from_sdp_name("VP8"), Some(TrackCodec::Vp8));
        assert_eq!(TrackCodec::from_sdp_name("opus"), Some(TrackCodec::Opus));
        assert_eq!(TrackCodec::from_sdp_name("H264"), None);
        assert!(TrackCodec::Vp9.is_video() && !TrackCodec::Opus.is_video());
    }
}

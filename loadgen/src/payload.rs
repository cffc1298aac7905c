//! Synthetic media frames: sized like Opus and VP8 frames, and carrying who sent them, their
//! sequence number and when they were written, so receivers can measure latency and loss.

use std::sync::OnceLock;
use std::time::Instant;

/// Bytes of an Opus frame at about 32 kbit/s (20 ms).
pub const AUDIO_BYTES: usize = 80;

/// Bytes of a VP8 delta frame at about 600 kbit/s and 30 frames/s: three RTP packets.
pub const VIDEO_DELTA_BYTES: usize = 2_500;

/// Bytes of a VP8 keyframe: about ten RTP packets.
pub const VIDEO_KEYFRAME_BYTES: usize = 12_000;

/// Length of the VP8 payload descriptor in front of video frames (RFC 7741 §4.2).
const VP8_DESCRIPTOR: usize = 3;

/// What a frame says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The publishing client's index.
    pub publisher: u32,
    /// The frame's number in its stream.
    pub seq: u64,
    /// When the publisher wrote it, in nanoseconds since [`epoch`].
    pub sent_ns: u64,
}

/// The clock all clients of this process share.
pub fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Nanoseconds since [`epoch`].
pub fn now_ns() -> u64 {
    epoch().elapsed().as_nanos() as u64
}

/// An audio frame carrying `stamp`.
pub fn audio_frame(stamp: Stamp) -> Vec<u8> {
    let mut frame = Vec::with_capacity(AUDIO_BYTES);
    write_stamp(&mut frame, stamp);
    frame.resize(AUDIO_BYTES, 0xA5);
    frame
}

/// A VP8 frame carrying `stamp`. Its first byte is the VP8 payload header, whose `P` bit is 0
/// for a keyframe: all str0m's depacketizer reads to flag keyframes.
pub fn video_frame(stamp: Stamp, keyframe: bool) -> Vec<u8> {
    let size = if keyframe { VIDEO_KEYFRAME_BYTES } else { VIDEO_DELTA_BYTES };
    let mut frame = Vec::with_capacity(size);
    frame.extend_from_slice(&[if keyframe { 0x10 } else { 0x11 }, 0x02, 0x00]);
    write_stamp(&mut frame, stamp);
    frame.resize(size, 0x44);
    frame
}

/// Reads the stamp of a received audio (`video == false`) or video frame.
pub fn read_stamp(frame: &[u8], video: bool) -> Option<Stamp> {
    let offset = if video { VP8_DESCRIPTOR } else { 0 };
    let field = |at: usize, len: usize| frame.get(offset + at..offset + at + len);
    Some(Stamp {
        publisher: u32::from_be_bytes(field(0, 4)?.try_into().ok()?),
        seq: u64::from_be_bytes(field(4, 8)?.try_into().ok()?),
        sent_ns: u64::from_be_bytes(field(12, 8)?.try_into().ok()?),
    })
}

fn write_stamp(frame: &mut Vec<u8>, stamp: Stamp) {
    frame.extend_from_slice(&stamp.publisher.to_be_bytes());
    frame.extend_from_slice(&stamp.seq.to_be_bytes());
    frame.extend_from_slice(&stamp.sent_ns.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_survive_a_round_trip_in_both_kinds() {
        let stamp = Stamp { publisher: 7, seq: 123_456, sent_ns: 987_654_321 };
        let audio = audio_frame(stamp);
        assert_eq!(audio.len(), AUDIO_BYTES);
        assert_eq!(read_stamp(&audio, false), Some(stamp));
        let key = video_frame(stamp, true);
        assert_eq!((key.len(), key[0] & 1), (VIDEO_KEYFRAME_BYTES, 0));
        assert_eq!(read_stamp(&key, true), Some(stamp));
        let delta = video_frame(stamp, false);
        assert_eq!((delta.len(), delta[0] & 1), (VIDEO_DELTA_BYTES, 1));
        assert_eq!(read_stamp(&delta, true), Some(stamp));
    }

    #[test]
    fn a_truncated_frame_has_no_stamp() {
        let stamp = Stamp { publisher: 1, seq: 2, sent_ns: 3 };
        assert_eq!(read_stamp(&video_frame(stamp, false)[..10], true), None);
        assert_eq!(read_stamp(&[], false), None);
    }
}

//! Synthetic media frames: sized like Opus and VP8 frames, and carrying who sent them, their
//! sequence number and when they were written, so receivers can attribute them and measure
//! latency and loss.

use peershare_core::protocol::TrackKind;
use std::sync::OnceLock;
use std::time::Instant;

/// Length of the VP8 payload descriptor in front of video frames (RFC 7741 §4.2).
const VP8_DESCRIPTOR: usize = 3;

/// What a frame says about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The publishing participant's id.
    pub publisher: u32,
    /// The frame's number in its stream.
    pub seq: u64,
    /// When the publisher wrote it, in nanoseconds since the process's first stamp.
    pub sent_ns: u64,
}

/// Nanoseconds since the clock all clients of this process share started.
pub fn now_ns() -> u64 {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// An audio frame of `size` bytes (at least the stamp's) carrying `stamp`.
pub fn audio_frame(stamp: Stamp, size: usize) -> Vec<u8> {
    let mut frame = Vec::with_capacity(size);
    write_stamp(&mut frame, stamp);
    frame.resize(size.max(frame.len()), 0xA5);
    frame
}

/// A VP8 frame of `size` bytes (at least the descriptor's and the stamp's) carrying `stamp`.
/// Its first byte is the VP8 payload header (RFC 7741 §4.3), whose `P` bit is 0 for a keyframe
/// and 1 for an interframe: all str0m's depacketizer reads to set `MediaData::is_keyframe`.
pub fn video_frame(stamp: Stamp, keyframe: bool, size: usize) -> Vec<u8> {
    let mut frame = Vec::with_capacity(size);
    frame.extend_from_slice(&[if keyframe { 0x10 } else { 0x11 }, 0x02, 0x00]);
    write_stamp(&mut frame, stamp);
    frame.resize(size.max(frame.len()), 0x44);
    frame
}

/// Reads the stamp of a received frame of `kind`.
pub fn read_stamp(frame: &[u8], kind: TrackKind) -> Option<Stamp> {
    let offset = match kind {
        TrackKind::Audio => 0,
        TrackKind::Video => VP8_DESCRIPTOR,
    };
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
        let audio = audio_frame(stamp, 80);
        assert_eq!(audio.len(), 80);
        assert_eq!(read_stamp(&audio, TrackKind::Audio), Some(stamp));
        let key = video_frame(stamp, true, 12_000);
        assert_eq!((key.len(), key[0] & 1), (12_000, 0));
        assert_eq!(read_stamp(&key, TrackKind::Video), Some(stamp));
        let delta = video_frame(stamp, false, 2_500);
        assert_eq!((delta.len(), delta[0] & 1), (2_500, 1));
        assert_eq!(read_stamp(&delta, TrackKind::Video), Some(stamp));
    }

    #[test]
    fn a_truncated_frame_has_no_stamp() {
        let stamp = Stamp { publisher: 1, seq: 2, sent_ns: 3 };
        assert_eq!(read_stamp(&video_frame(stamp, false, 700)[..10], TrackKind::Video), None);
        assert_eq!(read_stamp(&[], TrackKind::Audio), None);
    }

    #[test]
    fn frames_smaller_than_their_stamp_still_carry_it() {
        let stamp = Stamp { publisher: 4, seq: 5, sent_ns: 6 };
        assert_eq!(read_stamp(&audio_frame(stamp, 0), TrackKind::Audio), Some(stamp));
        assert_eq!(read_stamp(&video_frame(stamp, true, 0), TrackKind::Video), Some(stamp));
    }
}

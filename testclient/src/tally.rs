//! What one client received during a measurement window: latency histograms per kind and,
//! per incoming stream, how many frames arrived out of how many were sent.

use crate::frame::Stamp;
use hdrhistogram::Histogram;
use peershare_core::protocol::TrackKind;
use std::collections::HashMap;
use std::fmt;

/// Highest latency recorded, in microseconds; anything above is clamped.
const MAX_LATENCY_US: u64 = 60_000_000;

/// Frames of one incoming stream seen in the window.
#[derive(Debug, Clone, Copy)]
struct StreamSeen {
    first: u64,
    last: u64,
    received: u64,
}

/// One client's receive figures from the frames' stamps since the last [`Tally::reset`].
pub struct Tally {
    /// Send → receive latency of audio frames, microseconds.
    pub audio_us: Histogram<u64>,
    /// Send → receive latency of whole video frames, microseconds.
    pub video_us: Histogram<u64>,
    streams: HashMap<(u32, TrackKind), StreamSeen>,
    /// Frames whose payload carried no stamp.
    pub unstamped: u64,
}

impl Default for Tally {
    fn default() -> Self {
        let histogram = || Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid histogram bounds");
        Self { audio_us: histogram(), video_us: histogram(), streams: HashMap::new(), unstamped: 0 }
    }
}

/// Counts only: the histograms' buckets would drown a test's failure message.
impl fmt::Debug for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tally")
            .field("audio_frames", &self.audio_us.len())
            .field("video_frames", &self.video_us.len())
            .field("streams", &self.streams.len())
            .field("unstamped", &self.unstamped)
            .finish()
    }
}

impl Tally {
    /// Records one received frame of `kind`.
    pub(crate) fn record(&mut self, stamp: Stamp, kind: TrackKind, now_ns: u64) {
        let latency_us = (now_ns.saturating_sub(stamp.sent_ns) / 1_000).clamp(1, MAX_LATENCY_US);
        let histogram = match kind {
            TrackKind::Audio => &mut self.audio_us,
            TrackKind::Video => &mut self.video_us,
        };
        histogram.saturating_record(latency_us);
        let seen = self.streams.entry((stamp.publisher, kind)).or_insert(StreamSeen {
            first: stamp.seq,
            last: stamp.seq,
            received: 0,
        });
        seen.first = seen.first.min(stamp.seq);
        seen.last = seen.last.max(stamp.seq);
        seen.received += 1;
    }

    /// Frames expected (from the sequence numbers seen) and received, over all streams.
    pub fn expected_and_received(&self) -> (u64, u64) {
        self.streams.values().fold((0, 0), |(expected, received), s| {
            (expected + (s.last - s.first + 1), received + s.received.min(s.last - s.first + 1))
        })
    }

    /// Incoming streams seen.
    pub fn streams(&self) -> usize {
        self.streams.len()
    }

    /// Starts a new window.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(publisher: u32, seq: u64, sent_ns: u64) -> Stamp {
        Stamp { publisher, seq, sent_ns }
    }

    #[test]
    fn gaps_in_sequence_numbers_count_as_loss_per_stream() {
        let mut t = Tally::default();
        for seq in [10, 11, 13, 14] {
            t.record(stamp(1, seq, 0), TrackKind::Audio, 1_000_000);
        }
        for seq in [5, 6] {
            t.record(stamp(2, seq, 0), TrackKind::Video, 1_000_000);
        }
        assert_eq!(t.expected_and_received(), (7, 6));
        assert_eq!(t.streams(), 2);
    }

    #[test]
    fn latency_is_receive_time_minus_send_time_per_kind() {
        let mut t = Tally::default();
        t.record(stamp(1, 1, 2_000_000), TrackKind::Audio, 3_500_000);
        t.record(stamp(1, 1, 2_000_000), TrackKind::Video, 12_000_000);
        assert_eq!(t.audio_us.len(), 1);
        assert!((1_499..=1_501).contains(&t.audio_us.max()));
        assert!((9_990..=10_010).contains(&t.video_us.max()));
        t.reset();
        assert_eq!((t.audio_us.len(), t.streams()), (0, 0));
    }
}

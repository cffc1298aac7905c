//! One recorded track as a live (streamable) WebM: frames go in as they arrive, bytes come out
//! as soon as the muxer writes them, and the file is playable up to wherever it was cut.

use super::codec::{TrackCodec, opus_head};
use super::sink::SharedSink;
use std::time::Duration;
use webm::mux::{AudioCodecId, Segment, SegmentBuilder, SegmentMode, VideoCodecId, Writer};

/// Most bytes a track may hold that nobody has taken: a writer whose bytes are not shipped
/// (storage down for minutes) fails instead of growing without bound.
pub const MAX_BUFFERED_BYTES: usize = 32 * 1024 * 1024;

/// Why a frame could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// More than [`MAX_BUFFERED_BYTES`] wait to be shipped.
    #[error("{0} bytes of this track wait to be shipped; the limit is {MAX_BUFFERED_BYTES}")]
    Backlog(usize),
    /// The muxer refused (a bad size, a codec it cannot hold).
    #[error("the WebM muxer refused: {0}")]
    Mux(String),
}

fn mux_error(e: webm::mux::Error) -> WriteError {
    WriteError::Mux(e.to_string())
}

/// A single-track WebM being written. Timestamps count from the track's first frame.
pub struct TrackWriter {
    segment: Segment<SharedSink>,
    track: u64,
    sink: SharedSink,
    codec: TrackCodec,
    last: Option<Duration>,
    frames: u64,
}

impl std::fmt::Debug for TrackWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrackWriter")
            .field("codec", &self.codec)
            .field("frames", &self.frames)
            .field("buffered", &self.sink.len())
            .finish()
    }
}

impl TrackWriter {
    /// A video track of `codec` whose first keyframe is `width` × `height`.
    pub fn video(codec: TrackCodec, width: u32, height: u32) -> Result<Self, WriteError> {
        let id = match codec {
            TrackCodec::Vp8 => VideoCodecId::VP8,
            TrackCodec::Vp9 => VideoCodecId::VP9,
            TrackCodec::Av1 => VideoCodecId::AV1,
            TrackCodec::Opus => return Err(WriteError::Mux("opus is not a video codec".into())),
        };
        let sink = SharedSink::default();
        let builder = live_builder(&sink)?;
        let (builder, track) = builder.add_video_track(width, height, id, None).map_err(mux_error)?;
        Ok(Self::started(builder.build(), track.into(), sink, codec))
    }

    /// An Opus track of `channels` channels at 48 kHz.
    pub fn opus(channels: u8) -> Result<Self, WriteError> {
        let sink = SharedSink::default();
        let builder = live_builder(&sink)?;
        let (builder, track) = builder
            .add_audio_track(48_000, u32::from(channels), AudioCodecId::Opus, None)
            .map_err(mux_error)?;
        let builder = builder.set_codec_private(track, &opus_head(channels)).map_err(mux_error)?;
        Ok(Self::started(builder.build(), track.into(), sink, TrackCodec::Opus))
    }

    fn started(segment: Segment<SharedSink>, track: u64, sink: SharedSink, codec: TrackCodec) -> Self {
        Self { segment, track, sink, codec, last: None, frames: 0 }
    }

    /// The track's codec.
    pub fn codec(&self) -> TrackCodec {
        self.codec
    }

    /// Frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Writes one frame at `at` (from the track's first frame). A frame older than the last
    /// written one is dropped (`Ok(false)`): a file's timestamps only go forward.
    pub fn write(&mut self, frame: &[u8], at: Duration, keyframe: bool) -> Result<bool, WriteError> {
        let buffered = self.sink.len();
        if buffered > MAX_BUFFERED_BYTES {
            return Err(WriteError::Backlog(buffered));
        }
        if self.last.is_some_and(|last| at < last) {
            return Ok(false);
        }
        let ns = u64::try_from(at.as_nanos()).unwrap_or(u64::MAX);
        self.segment.add_frame(self.track, frame, ns, keyframe).map_err(mux_error)?;
        self.last = Some(at);
        self.frames += 1;
        Ok(true)
    }

    /// Takes the bytes written since the last take.
    pub fn take(&self) -> Vec<u8> {
        self.sink.take()
    }

    /// Bytes waiting to be taken.
    pub fn buffered(&self) -> usize {
        self.sink.len()
    }

    /// Ends the file and returns its last bytes. A file that was never finished (a crash) still
    /// plays up to its last whole frame.
    pub fn finish(self) -> Vec<u8> {
        let Self { segment, sink, frames, .. } = self;
        // libwebm cannot finalize a segment without frames; its header bytes are all there is.
        if frames > 0 && segment.finalize(None).is_err() {
            tracing::warn!("the WebM muxer could not finalize a track; it stays playable as written");
        }
        sink.take()
    }
}

fn live_builder(sink: &SharedSink) -> Result<SegmentBuilder<SharedSink>, WriteError> {
    SegmentBuilder::new(Writer::new_non_seek(sink.clone()))
        .and_then(|b| b.set_mode(SegmentMode::Live))
        .and_then(|b| b.set_writing_app("PeerShare"))
        .map_err(mux_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_out_while_frames_go_in_and_a_late_frame_is_dropped() {
        let mut w = TrackWriter::opus(2).expect("opus track");
        let mut file = Vec::new();
        let mut takes_with_bytes = 0;
        for i in 0..200u64 {
            assert_eq!(w.write(&[0xfc, i as u8, 1, 2, 3], Duration::from_millis(i * 20), true), Ok(true));
            let bytes = w.take();
            takes_with_bytes += usize::from(!bytes.is_empty());
            file.extend(bytes);
        }
        assert!(file.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]), "an EBML header first");
        assert!(
            takes_with_bytes > 100,
            "frames come out as they go in ({takes_with_bytes} of 200 takes had bytes)"
        );
        assert_eq!(w.write(&[0xfc], Duration::from_millis(100), true), Ok(false), "older than the last");
        assert_eq!(w.frames(), 200);
        let before = file.len();
        file.extend(w.finish());
        assert!(file.len() >= before);
    }

    #[test]
    fn a_writer_that_is_never_drained_fails_at_its_byte_limit() {
        let mut w = TrackWriter::video(TrackCodec::Vp8, 640, 360).expect("vp8 track");
        let frame = vec![0u8; 256 * 1024];
        let mut at = Duration::ZERO;
        let error = loop {
            match w.write(&frame, at, true) {
                Ok(_) => at += Duration::from_millis(33),
                Err(e) => break e,
            }
        };
        assert!(matches!(error, WriteError::Backlog(n) if n > MAX_BUFFERED_BYTES));
        assert!(w.buffered() <= MAX_BUFFERED_BYTES + frame.len() + 1024);
    }

    #[test]
    fn opus_is_not_a_video_codec() {
        assert!(TrackWriter::video(TrackCodec::Opus, 1, 1).is_err());
        assert!(TrackWriter::video(TrackCodec::Vp8, 0, 360).is_err(), "a size of zero");
    }
}

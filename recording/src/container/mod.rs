//! Streamable containers for recorded tracks: one WebM file per track, so every track keeps its
//! own clock and a file needs no knowledge of the others (audio and video of one person are
//! aligned by their start offsets in the [`crate::manifest`]).

mod codec;
mod sink;
mod track_writer;

pub use codec::{TrackCodec, opus_head, vp8_keyframe_size};
pub use track_writer::{MAX_BUFFERED_BYTES, TrackWriter, WriteError};

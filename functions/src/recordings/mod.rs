//! Recordings beyond the room: their files in recording storage with expiring download links
//! ([`RecordingFiles`]), and the composer that turns stopped recordings into MP4s
//! ([`composer`]).

pub mod composer;
mod files;

pub use files::{DownloadLink, RecordingFiles};

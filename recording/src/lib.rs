//! Recordings of PeerShare calls, after consent (which the room in `peershare-core` decides).
//!
//! - [`container`]: each recorded track written as it arrives into a streamable single-track
//!   WebM (no re-encoding; a file cut short at any byte still plays up to there).
//! - [`layout`] and [`manifest`]: where a recording's objects live and what each track file is.
//!
//! Everything here is sans-IO: bytes in, bytes out. Shipping them to storage is the `storage`
//! and `upload` modules' job ([`recover`] reads back what a crash left).

#[cfg(feature = "storage")]
pub mod compose;
pub mod container;
pub mod layout;
pub mod manifest;
#[cfg(feature = "storage")]
pub mod probe;
#[cfg(feature = "storage")]
pub mod recover;
#[cfg(feature = "storage")]
pub mod sample;
#[cfg(feature = "storage")]
pub mod storage;
#[cfg(feature = "storage")]
pub mod upload;

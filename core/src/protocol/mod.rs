//! The signaling protocol between browsers and a call room: tagged JSON, versioned.
//!
//! Every message is a JSON object whose `type` field names the variant. TypeScript types for
//! the web client are generated from these definitions (see [`crate::typescript`]).

mod call_status;
mod chat;
mod client_message;
mod error_code;
mod node_channel;
mod recording;
mod server_message;
mod types;

pub use call_status::{CallAccess, CallStatus};
pub use chat::{ChatMessage, MAX_CHAT_CHARS};
pub use client_message::{ClientMessage, ParseError};
pub use error_code::{ErrorCategory, ErrorCode};
pub use node_channel::{
    ClientNodeMessage, ForwardedTrack, NODE_CHANNEL_LABEL, NodeMessage, TrackKind, TrackSource,
};
pub use recording::{RecordingPhase, RecordingRequestEnd, RecordingView};
pub use server_message::{CallMode, LeaveReason, Peer, ServerMessage};
pub use types::{IceCandidate, MediaNodeAccess, MediaState, ParticipantId, SdpType, SessionDescription};

/// The protocol version this build speaks. A client announces its version in `join`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest text message the room accepts, in bytes. Larger ones get `message_too_large`.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Largest frame a host lets through to the room at all, in bytes: a larger one ends its
/// connection at the transport (WebSocket close 1009), as a flood rather than a mistake. Frames
/// between [`MAX_MESSAGE_BYTES`] and this reach the room, which answers `message_too_large`.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// Most bytes of frames a host keeps queued for one connection. A connection with more waiting
/// does not read what the call sends it; the host closes it (`slow_consumer`, close 4015)
/// instead of holding its backlog, so a reader that stalls costs the server at most this much.
pub const MAX_OUTBOX_BYTES: usize = 1024 * 1024;

/// Longest display name, in characters (after trimming).
pub const MAX_DISPLAY_NAME_CHARS: usize = 64;

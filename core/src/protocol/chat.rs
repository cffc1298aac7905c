//! Chat messages in a call, as the room relays and keeps them.

use super::ParticipantId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest chat message, in characters (after trimming).
pub const MAX_CHAT_CHARS: usize = 2000;

/// One message of the call's chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChatMessage {
    /// Its number in this call's chat, from 1: messages are shown in this order.
    pub seq: u32,
    /// Who sent it.
    pub from: ParticipantId,
    /// Their display name when they sent it.
    pub name: String,
    /// The text: plain text, never markup (clients render it as text).
    pub text: String,
    /// When the room received it (milliseconds since the Unix epoch).
    #[ts(type = "number")]
    pub sent_at_ms: u64,
}

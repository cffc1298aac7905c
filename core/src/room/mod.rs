//! The call room as a sans-IO state machine.
//!
//! A host feeds [`Input`]s with the current time through [`Room::handle`] and then drains
//! [`Output`]s with [`Room::poll_output`] until it returns `None`, exactly like str0m's `Rtc`.
//! The room never touches a socket or a clock: the same sequence of inputs always yields the
//! same outputs, whether the host is a tokio task, a Durable Object or a unit test.

mod access;
mod chat;
mod config;
mod history;
mod io;
mod node_request;
mod participant;
mod rate_limit;
mod recording;
mod recording_log;
mod snapshot;
mod state;

pub use access::{AccessChange, AccessLedger, AccessNotice, MAX_LEDGER_ENTRIES, Refusal};
pub use chat::{
    ChatError, ChatLog, MAX_KEPT_BYTES as MAX_CHAT_KEPT_BYTES, MAX_KEPT_MESSAGES as MAX_CHAT_KEPT_MESSAGES,
};
pub use config::RoomConfig;
pub use history::{CallEvent, call_id};
pub use io::{CloseFrame, ConnectionId, Input, Output};
pub use node_request::NodeRequest;
pub use recording::{CONSENT_TIMEOUT, REQUEST_COOLDOWN, RecordingDesk};
pub use recording_log::{ConsentRecord, RecordingEvent, RecordingPlan, StopReason, recording_id};
pub use snapshot::{ParticipantSnapshot, RoomSnapshot};
pub use state::Room;

#[cfg(test)]
mod tests;

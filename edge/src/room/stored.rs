//! What a call room keeps in Durable Object storage: everything that matters survives
//! eviction and hibernation; what is only in memory can be rebuilt from it.

use peershare_core::room::{ConnectionId, RoomSnapshot};
use serde::{Deserialize, Serialize};

/// Storage key of the room.
pub const ROOM_KEY: &str = "room";

/// Storage key of the next connection number.
pub const NEXT_CONNECTION_KEY: &str = "next_connection";

/// Storage key of the call's id (its room is asked for by it, and told under it when its media
/// node is lost).
pub const CALL_KEY: &str = "call";

/// Storage key of the participants whose sockets are gone ([`MissingSeat`]s).
pub const MISSING_KEY: &str = "missing";

/// The room as stored after every change that matters (core's `Output::Persist`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRoom {
    /// Most participants, fixed when the room opened (the group's limit from the first pass).
    pub capacity: u32,
    /// Core's snapshot: participants, ids, the media node.
    pub snapshot: RoomSnapshot,
}

/// A participant whose socket was gone when the room was rebuilt (the runtime restarted): the
/// seat is kept for one heartbeat timeout from `since`, for the client to take back with its
/// resume key. Kept in storage because each rebuild would otherwise restart that timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingSeat {
    /// The connection the participant had.
    pub conn: ConnectionId,
    /// When a rebuild first found its socket gone (Unix ms).
    pub since: u64,
}

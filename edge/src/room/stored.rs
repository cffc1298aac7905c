//! What a call room keeps in Durable Object storage: everything that matters survives
//! eviction and hibernation; what is only in memory can be rebuilt from it.

use peershare_core::room::RoomSnapshot;
use serde::{Deserialize, Serialize};

/// Storage key of the room.
pub const ROOM_KEY: &str = "room";

/// Storage key of the next connection number.
pub const NEXT_CONNECTION_KEY: &str = "next_connection";

/// Storage key prefix of "this participant's socket was found gone at" (Unix ms), per connection.
pub const MISSING_PREFIX: &str = "missing:";

/// The room as stored after every change that matters (core's `Output::Persist`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRoom {
    /// Most participants, fixed when the room opened (the group's limit from the first pass).
    pub capacity: u32,
    /// Core's snapshot: participants, ids, the media node.
    pub snapshot: RoomSnapshot,
}

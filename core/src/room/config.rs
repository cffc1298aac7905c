//! Limits and timings of a room.

use std::time::Duration;

/// Limits and timings of a room; hosts build it from their configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomConfig {
    /// Most participants admitted at once.
    pub capacity: u32,
    /// A connection that has not sent `join` within this time is closed.
    pub join_timeout: Duration,
    /// Clients are asked to `ping` this often.
    pub heartbeat_interval: Duration,
    /// A participant silent for this long is removed.
    pub heartbeat_timeout: Duration,
}

impl Default for RoomConfig {
    fn default() -> Self {
        Self {
            capacity: 8,
            join_timeout: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(10),
            heartbeat_timeout: Duration::from_secs(30),
        }
    }
}

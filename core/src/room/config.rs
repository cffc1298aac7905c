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
    /// Messages a connection may send at once before the rate limit applies.
    pub message_burst: u32,
    /// Messages a connection may send per second once its burst is spent; the excess is
    /// dropped (`rate_limited`).
    pub messages_per_second: u32,
    /// Longest wait for a media node (one starting from zero included): after it, those
    /// waiting are refused and a call whose node was lost stops asking.
    pub media_node_wait: Duration,
    /// Reports that a node link failed lead to at most one node check per this interval.
    pub media_node_check_interval: Duration,
}

impl Default for RoomConfig {
    fn default() -> Self {
        Self {
            capacity: 8,
            join_timeout: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(10),
            heartbeat_timeout: Duration::from_secs(30),
            // A browser sends a few dozen ICE candidates and two descriptions at once when it
            // connects, a ping every ten seconds and a media change now and then; the signaling
            // benchmark sends 20 a second per socket.
            message_burst: 200,
            messages_per_second: 50,
            // An EC2 instance takes about a minute to boot and the node a second to register;
            // three minutes leave room for a slow start without leaving anyone waiting forever.
            media_node_wait: Duration::from_secs(180),
            media_node_check_interval: Duration::from_secs(3),
        }
    }
}

impl RoomConfig {
    /// This configuration for a room whose call allows at most `cap` participants (a group's
    /// setting): the lower of the two limits, and never below two.
    pub fn capped(&self, cap: Option<u32>) -> Self {
        let capacity = cap.map_or(self.capacity, |cap| self.capacity.min(cap.max(2)));
        Self { capacity, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_limit_lowers_the_capacity_but_never_raises_it() {
        let host = RoomConfig { capacity: 8, ..RoomConfig::default() };
        assert_eq!(host.capped(None).capacity, 8);
        assert_eq!(host.capped(Some(3)).capacity, 3);
        assert_eq!(host.capped(Some(50)).capacity, 8, "the host's own limit stays the ceiling");
        assert_eq!(host.capped(Some(0)).capacity, 2, "a call needs room for two");
        assert_eq!(host.capped(Some(3)).join_timeout, host.join_timeout);
    }
}

//! Time as a value: hosts pass the current time in, the core never reads a clock.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Milliseconds on a host-chosen clock (Unix epoch for persisted rooms, any monotonic origin
/// otherwise). Only differences between timestamps of the same host are meaningful.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub u64);

impl Timestamp {
    /// A timestamp from milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// Milliseconds since the host's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// This timestamp moved forward by `d` (saturating).
    pub fn plus(self, d: Duration) -> Self {
        Self(self.0.saturating_add(d.as_millis().min(u128::from(u64::MAX)) as u64))
    }

    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_and_since_are_inverse() {
        let t = Timestamp::from_millis(1_000);
        let later = t.plus(Duration::from_millis(250));
        assert_eq!(later.as_millis(), 1_250);
        assert_eq!(later.since(t), Duration::from_millis(250));
        assert_eq!(t.since(later), Duration::ZERO);
    }
}

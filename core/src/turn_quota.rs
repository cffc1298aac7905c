//! How often a pass holder may ask for TURN credentials. Each answer is a new TURN username
//! (the expiry time and the holder), and coturn counts its per-user quota by username: without
//! a limit, asking again and again would multiply a holder's allocations. A holder may ask
//! [`TURN_BURST`] times at once, then once every [`TURN_INTERVAL`] (a client asks when it joins
//! and renews minutes later). Both hosts keep one [`TurnQuota`] and refuse with
//! [`TurnRateLimited`] (429 `rate_limited`).

use crate::http_error::HttpError;
use crate::time::Timestamp;
use std::collections::HashMap;
use std::time::Duration;

/// Requests a holder may make at once.
pub const TURN_BURST: u32 = 10;

/// Once the burst is spent, one more request per this long.
pub const TURN_INTERVAL: Duration = Duration::from_secs(10);

/// Most holders remembered; past it the one that asked least recently is forgotten.
pub const MAX_HOLDERS: usize = 10_000;

/// Too many requests for TURN credentials from one pass holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many requests for TURN credentials: at most {TURN_BURST} at once, then one every {} s; try again in {} s", TURN_INTERVAL.as_secs(), .retry_after.as_secs().max(1))]
pub struct TurnRateLimited {
    /// How long until the next request is allowed.
    pub retry_after: Duration,
}

impl HttpError for TurnRateLimited {
    fn status_and_code(&self) -> (u16, &'static str) {
        (429, "rate_limited")
    }
}

/// Each holder's budget, as the time their budget is next full again (a virtual scheduling
/// time: every request pushes it [`TURN_INTERVAL`] later).
#[derive(Debug, Default)]
pub struct TurnQuota {
    full_at: HashMap<String, Timestamp>,
}

impl TurnQuota {
    /// Spends one request of `holder`'s at `now`, or says when they may ask again.
    pub fn admit(&mut self, holder: &str, now: Timestamp) -> Result<(), TurnRateLimited> {
        let full_at = self.full_at.get(holder).copied().unwrap_or(now).max(now);
        let window = TURN_INTERVAL * (TURN_BURST - 1);
        let ahead = full_at.since(now);
        if ahead > window {
            return Err(TurnRateLimited { retry_after: ahead - window });
        }
        if !self.full_at.contains_key(holder) && self.full_at.len() >= MAX_HOLDERS {
            self.make_room(now);
        }
        self.full_at.insert(holder.to_owned(), full_at.plus(TURN_INTERVAL));
        Ok(())
    }

    /// Forgets holders whose budget is full again, or else the one that asked least recently.
    fn make_room(&mut self, now: Timestamp) {
        self.full_at.retain(|_, full_at| *full_at > now);
        if self.full_at.len() >= MAX_HOLDERS
            && let Some(oldest) = self.full_at.iter().min_by_key(|(_, at)| **at).map(|(k, _)| k.clone())
        {
            self.full_at.remove(&oldest);
        }
    }

    /// Holders remembered.
    pub fn len(&self) -> usize {
        self.full_at.len()
    }

    /// Whether no holder is remembered.
    pub fn is_empty(&self) -> bool {
        self.full_at.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    #[test]
    fn a_burst_passes_then_one_request_per_interval() {
        let mut quota = TurnQuota::default();
        for _ in 0..TURN_BURST {
            assert_eq!(quota.admit("ada", T0), Ok(()));
        }
        let refused = quota.admit("ada", T0).expect_err("over the burst");
        assert_eq!(refused.retry_after, TURN_INTERVAL);
        assert_eq!(refused.status_and_code(), (429, "rate_limited"));
        assert_eq!(quota.admit("bob", T0), Ok(()), "each holder has their own budget");
        let later = T0.plus(TURN_INTERVAL);
        assert_eq!(quota.admit("ada", later), Ok(()));
        assert!(quota.admit("ada", later).is_err(), "one per interval");
        // Idle long enough, the whole burst is back.
        let rested = later.plus(TURN_INTERVAL * TURN_BURST);
        for _ in 0..TURN_BURST {
            assert_eq!(quota.admit("ada", rested), Ok(()));
        }
        assert!(quota.admit("ada", rested).is_err());
    }

    #[test]
    fn memory_is_bounded_and_rested_holders_go_first() {
        let mut quota = TurnQuota::default();
        for i in 0..MAX_HOLDERS {
            quota.admit(&format!("h{i}"), T0).expect("first request");
        }
        quota.admit("busy", T0).expect("a full table makes room");
        assert_eq!(quota.len(), MAX_HOLDERS);
        // Once everyone's budget is full again, they are all forgotten at the next new holder.
        quota.admit("late", T0.plus(TURN_INTERVAL * 2)).expect("admitted");
        assert_eq!(quota.len(), 1);
    }
}

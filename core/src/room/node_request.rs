//! A media node the room asked for and has not got yet: since when it waits, when to ask
//! again (the allocator said a node is starting), and the lost call session it replaces.

use crate::media::MediaNodeLease;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Shortest and longest pause before asking the allocator again.
const MIN_RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);

/// An outstanding request for a media node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRequest {
    /// When the room first asked.
    pub since: Timestamp,
    /// When to ask again; `None` while an ask is with the host.
    pub retry_at: Option<Timestamp>,
    /// The lost call session this one replaces (its node is to be avoided).
    pub replacing: Option<MediaNodeLease>,
    /// Whether the participants were told that a node is starting.
    pub starting_announced: bool,
}

impl NodeRequest {
    /// A request asked at `now`, with the host from then on.
    pub fn new(now: Timestamp, replacing: Option<MediaNodeLease>) -> Self {
        Self { since: now, retry_at: None, replacing, starting_announced: false }
    }

    /// The allocator answered "pending" (a node is starting): ask again after `retry_after`,
    /// clamped to 1–30 s. Whether the participants are to hear it now (the first time).
    pub fn pending(&mut self, retry_after: Duration, now: Timestamp) -> bool {
        self.retry_at = Some(now.plus(retry_after.clamp(MIN_RETRY, MAX_RETRY)));
        !std::mem::replace(&mut self.starting_announced, true)
    }

    /// The host could not allocate for now (it may later): ask again after the shortest pause.
    pub fn failed(&mut self, now: Timestamp) {
        self.retry_at = Some(now.plus(MIN_RETRY));
    }

    /// Whether to ask again now; if so, the ask is with the host from now on.
    pub fn take_due(&mut self, now: Timestamp) -> bool {
        let due = self.retry_at.is_some_and(|at| at <= now);
        if due {
            self.retry_at = None;
        }
        due
    }

    /// Whether `wait` has passed since the room first asked.
    pub fn expired(&self, wait: Duration, now: Timestamp) -> bool {
        now.since(self.since) >= wait
    }

    /// When the room must look at it again: the next ask or the end of the wait.
    pub fn wakes_at(&self, wait: Duration) -> Timestamp {
        let deadline = self.since.plus(wait);
        self.retry_at.map_or(deadline, |at| at.min(deadline))
    }

    /// The room was rebuilt from a snapshot: an ask that was with the host died with it, so
    /// it is asked again now.
    pub fn restored(&mut self, now: Timestamp) {
        self.retry_at.get_or_insert(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_000_000);

    fn at(secs: u64) -> Timestamp {
        T0.plus(Duration::from_secs(secs))
    }

    #[test]
    fn pending_schedules_the_next_ask_within_bounds_and_announces_once() {
        let mut request = NodeRequest::new(T0, None);
        assert!(request.pending(Duration::from_millis(10), T0), "the first pending is announced");
        assert_eq!(request.retry_at, Some(at(1)), "never sooner than a second");
        assert!(!request.pending(Duration::from_secs(600), at(1)), "announced once");
        assert_eq!(request.retry_at, Some(at(31)), "never later than 30 s");
    }

    #[test]
    fn a_due_ask_is_taken_once() {
        let mut request = NodeRequest::new(T0, None);
        assert!(!request.take_due(at(100)), "an ask with the host is not due again");
        request.pending(Duration::from_secs(5), T0);
        assert!(!request.take_due(at(4)));
        assert!(request.take_due(at(5)));
        assert!(!request.take_due(at(6)), "taken");
        request.failed(at(6));
        assert!(request.take_due(at(7)));
    }

    #[test]
    fn the_wait_ends_at_its_deadline_and_wakes_for_what_comes_first() {
        let wait = Duration::from_secs(180);
        let mut request = NodeRequest::new(T0, None);
        assert_eq!(request.wakes_at(wait), at(180));
        assert!(!request.expired(wait, at(179)));
        assert!(request.expired(wait, at(180)));
        request.pending(Duration::from_secs(5), at(10));
        assert_eq!(request.wakes_at(wait), at(15));
        request.pending(Duration::from_secs(30), at(170));
        assert_eq!(request.wakes_at(wait), at(180), "the deadline comes before the retry");
    }

    #[test]
    fn a_restored_request_asks_again_unless_an_ask_was_already_scheduled() {
        let mut with_host = NodeRequest::new(T0, None);
        with_host.restored(at(3));
        assert_eq!(with_host.retry_at, Some(at(3)));
        let mut scheduled = NodeRequest::new(T0, None);
        scheduled.pending(Duration::from_secs(10), T0);
        scheduled.restored(at(3));
        assert_eq!(scheduled.retry_at, Some(at(10)));
    }
}

//! How fast a connection may send: a token bucket per connection, refilled with time. A client
//! that floods the room (relaying to a peer, changing its media state) has the excess dropped
//! with at most one `rate_limited` error a second, instead of the room relaying everything it
//! sends.

use crate::time::Timestamp;

/// A connection's sending budget, in thousandths of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RateBudget {
    millis_of_messages: u64,
    updated: Timestamp,
    /// When the client was last told it is over its budget.
    told_at: Option<Timestamp>,
}

/// How often a client over its budget is told so.
const TELL_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// What the budget says about one more message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Within the budget.
    Allowed,
    /// Over the budget, and the client was not told so in the last second: tell it.
    FirstRefusal,
    /// Over the budget again: drop it silently.
    Refused,
}

impl RateBudget {
    /// A full budget of `burst` messages at `now`.
    pub(super) fn full(burst: u32, now: Timestamp) -> Self {
        Self { millis_of_messages: u64::from(burst) * 1000, updated: now, told_at: None }
    }

    /// Spends one message at `now`, after refilling `per_second` messages a second up to
    /// `burst`.
    pub(super) fn spend(&mut self, burst: u32, per_second: u32, now: Timestamp) -> Verdict {
        let elapsed_ms = now.since(self.updated).as_millis().min(u128::from(u32::MAX)) as u64;
        let refill = elapsed_ms.saturating_mul(u64::from(per_second));
        self.millis_of_messages = self.millis_of_messages.saturating_add(refill).min(u64::from(burst) * 1000);
        self.updated = self.updated.max(now);
        if self.millis_of_messages >= 1000 {
            self.millis_of_messages -= 1000;
            Verdict::Allowed
        } else if self.told_at.is_some_and(|told| now.since(told) < TELL_EVERY) {
            Verdict::Refused
        } else {
            self.told_at = Some(now);
            Verdict::FirstRefusal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_000_000);

    #[test]
    fn a_burst_passes_then_the_rate_holds_and_the_client_is_told_once_a_second() {
        let ms = |n| T0.plus(std::time::Duration::from_millis(n));
        let mut budget = RateBudget::full(3, T0);
        let verdicts: Vec<_> = (0..5).map(|_| budget.spend(3, 10, T0)).collect();
        assert_eq!(
            verdicts,
            [Verdict::Allowed, Verdict::Allowed, Verdict::Allowed, Verdict::FirstRefusal, Verdict::Refused]
        );
        // 10 a second: one more message every 100 ms.
        assert_eq!(budget.spend(3, 10, ms(99)), Verdict::Refused);
        assert_eq!(budget.spend(3, 10, ms(100)), Verdict::Allowed);
        assert_eq!(budget.spend(3, 10, ms(100)), Verdict::Refused, "told 100 ms ago");
        for _ in 0..3 {
            assert_eq!(budget.spend(3, 10, ms(1_000)), Verdict::Allowed, "refilled to the burst");
        }
        assert_eq!(budget.spend(3, 10, ms(1_000)), Verdict::FirstRefusal, "told a second ago");
    }

    #[test]
    fn an_idle_connection_refills_to_the_burst_and_no_further() {
        let mut budget = RateBudget::full(3, T0);
        for _ in 0..3 {
            assert_eq!(budget.spend(3, 10, T0), Verdict::Allowed);
        }
        let later = T0.plus(std::time::Duration::from_secs(3600));
        let allowed = (0..10).filter(|_| budget.spend(3, 10, later) == Verdict::Allowed).count();
        assert_eq!(allowed, 3);
    }

    #[test]
    fn time_going_backwards_refills_nothing() {
        let mut budget = RateBudget::full(1, T0);
        assert_eq!(budget.spend(1, 10, T0), Verdict::Allowed);
        assert_eq!(budget.spend(1, 10, Timestamp::from_millis(0)), Verdict::FirstRefusal);
    }
}

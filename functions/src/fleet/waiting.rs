//! The calls this process told to wait for a node, so growing the fleet counts all of them, not
//! only the one asking now: two calls from zero ask for two nodes' worth, not one each time. A
//! waiting room asks again every `retry_after`; one that has not for a few of those (it got a
//! node elsewhere, or emptied) no longer counts. Per process: in the cloud each function
//! instance counts the calls it answered, which under-counts but never over-counts.

use peershare_core::Timestamp;
use peershare_core::fleet::AllocationRequest;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Most calls remembered; beyond it the longest-waiting is forgotten.
const MAX_WAITING: usize = 10_000;

/// Calls waiting for a node, by room.
#[derive(Debug, Default)]
pub struct WaitingCalls {
    calls: Mutex<BTreeMap<String, (AllocationRequest, Timestamp)>>,
}

impl WaitingCalls {
    /// `room` was told to wait for a node with `request` at `now`.
    pub fn wait(&self, room: &str, request: AllocationRequest, now: Timestamp) {
        let Ok(mut calls) = self.calls.lock() else { return };
        calls.insert(room.to_owned(), (request, now));
        while calls.len() > MAX_WAITING {
            let oldest = calls.iter().min_by_key(|(_, (_, at))| *at).map(|(room, _)| room.clone());
            match oldest {
                Some(room) => calls.remove(&room),
                None => break,
            };
        }
    }

    /// `room` got a node (or asks no more).
    pub fn served(&self, room: &str) {
        if let Ok(mut calls) = self.calls.lock() {
            calls.remove(room);
        }
    }

    /// What waits at `now` if `room` waits with `request`: the other rooms heard within
    /// `fresh_for`, and this one (those heard earlier are forgotten).
    pub fn with(
        &self,
        room: &str,
        request: &AllocationRequest,
        now: Timestamp,
        fresh_for: Duration,
    ) -> Vec<AllocationRequest> {
        let mut waiting = vec![request.clone()];
        let Ok(mut calls) = self.calls.lock() else { return waiting };
        calls.retain(|_, (_, at)| now.since(*at) < fresh_for);
        waiting.extend(calls.iter().filter(|(other, _)| other.as_str() != room).map(|(_, (r, _))| r.clone()));
        waiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    fn ask(participants: u32) -> AllocationRequest {
        AllocationRequest { participants, region: "eu".into() }
    }

    fn later(secs: u64) -> Timestamp {
        Timestamp::from_millis(NOW.as_millis() + secs * 1000)
    }

    #[test]
    fn other_waiting_rooms_count_until_they_are_served_or_go_quiet() {
        let waiting = WaitingCalls::default();
        let fresh = Duration::from_secs(6);
        assert_eq!(waiting.with("a", &ask(3), NOW, fresh), [ask(3)]);
        waiting.wait("a", ask(3), NOW);
        assert_eq!(waiting.with("b", &ask(5), NOW, fresh), [ask(5), ask(3)], "a still waits");
        assert_eq!(waiting.with("a", &ask(4), NOW, fresh), [ask(4)], "a asking again counts once");
        waiting.wait("b", ask(5), NOW);
        waiting.served("a");
        assert_eq!(waiting.with("c", &ask(2), later(1), fresh), [ask(2), ask(5)], "a got its node");
        assert_eq!(waiting.with("c", &ask(2), later(6), fresh), [ask(2)], "b went quiet");
    }

    #[test]
    fn the_longest_waiting_is_forgotten_beyond_the_limit() {
        let waiting = WaitingCalls::default();
        for i in 0..=MAX_WAITING as u64 {
            waiting.wait(&format!("room-{i}"), ask(1), later(i));
        }
        let counted =
            waiting.with("new", &ask(1), later(MAX_WAITING as u64), Duration::from_secs(u64::MAX / 4_000));
        assert_eq!(counted.len(), MAX_WAITING + 1, "the limit, plus the one asking");
    }
}

//! The event queue: what happens next in simulated time. Events at the same millisecond come
//! out in the order they were scheduled, so a run is deterministic.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Something that happens at a simulated time. Call arrivals are not queued: they come from
/// the population, already in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// A call's participants hang up (ignored unless `epoch` is still the call's: a failure
    /// moves its end).
    CallEnds {
        /// Index of the call in the population.
        call: u32,
        /// The call's epoch when this end was scheduled.
        epoch: u32,
    },
    /// A launched node finished booting and registers.
    NodeReady {
        /// The node's number.
        node: u32,
    },
    /// A node dies: it stops forwarding and heartbeating.
    NodeFails {
        /// The node's number.
        node: u32,
    },
    /// Live nodes heartbeat; nodes whose heartbeats stopped are found dead.
    Heartbeat,
    /// The periodic scaler run.
    ScalerTick,
    /// A scaler run asked for at once by a call no node could take.
    UrgentScale,
}

/// Events by time, first in first out among equals.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<(u64, u64, Event)>>,
    scheduled: u64,
}

impl EventQueue {
    /// Schedules `event` at `at_ms`.
    pub fn push(&mut self, at_ms: u64, event: Event) {
        self.heap.push(Reverse((at_ms, self.scheduled, event)));
        self.scheduled += 1;
    }

    /// When the next event happens.
    pub fn next_time(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse((at, _, _))| *at)
    }

    /// Takes the next event.
    pub fn pop(&mut self) -> Option<(u64, Event)> {
        self.heap.pop().map(|Reverse((at, _, event))| (at, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_by_time_then_in_scheduling_order() {
        let mut queue = EventQueue::default();
        queue.push(20, Event::Heartbeat);
        queue.push(10, Event::ScalerTick);
        queue.push(10, Event::NodeReady { node: 1 });
        queue.push(10, Event::Heartbeat);
        assert_eq!(queue.next_time(), Some(10));
        let order: Vec<(u64, Event)> = std::iter::from_fn(|| queue.pop()).collect();
        assert_eq!(
            order,
            [
                (10, Event::ScalerTick),
                (10, Event::NodeReady { node: 1 }),
                (10, Event::Heartbeat),
                (20, Event::Heartbeat)
            ]
        );
    }
}

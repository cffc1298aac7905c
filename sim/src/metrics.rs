//! What a run measures over the measured day: time integrals of piecewise-constant levels
//! (nodes paid for, participants talking), peaks, and counts of what happened to calls.

/// The levels that hold between two events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    /// Nodes paid for: booting, or registered (a dead node until the registry drops it).
    pub billed_nodes: u32,
    /// Participants in calls: talking, or waiting for a node.
    pub in_calls: u32,
    /// Participants talking (peer to peer or through a node).
    pub talking: u32,
    /// Participants talking through a node.
    pub talking_on_nodes: u32,
}

/// Counts of what happened. Counts of calls ("calls that …") are over the calls that arrived
/// inside the window, each counted once; counts of events ("cuts", "placements", nodes) are
/// over the events inside the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Calls that arrived.
    pub calls: u32,
    /// Of those, two-person calls (peer to peer, no node).
    pub peer_to_peer: u32,
    /// Of those, calls of three or more, which need a node.
    pub node_calls: u32,
    /// Node calls that talked through a live node at least once.
    pub placed: u32,
    /// Of `placed`, calls whose first live node was in another region than theirs.
    pub placed_elsewhere: u32,
    /// Node calls that found no node with room at least once (on arrival, or when placed again
    /// after a cut) and waited in the queue for capacity: for a node to boot, or a call to end.
    pub waited_for_capacity: u32,
    /// Nodes launched.
    pub launched: u32,
    /// Nodes that died.
    pub node_failures: u32,
    /// Cuts by a failure: a call talking through a node when it died (a call cut twice counts
    /// twice). A call placed on a node already dead is not cut: see `placed_on_dead_nodes`.
    pub disrupted_by_failures: u32,
    /// Cuts by a drain: a call talking through a node when it left after draining (core's
    /// policy drains only empty nodes, so this counts books that disagree).
    pub disrupted_by_drains: u32,
    /// Of the cuts counted above, those whose call talked through a live node again.
    pub replaced: u32,
    /// Placements on a node that had died but that the registry still listed: the call, with
    /// no media, waits on until the registry drops the node, then is placed again.
    pub placed_on_dead_nodes: u32,
    /// Nodes that left after draining.
    pub drained_nodes: u32,
}

/// The accumulators of one run.
#[derive(Debug, Clone)]
pub struct Metrics {
    window: (u64, u64),
    last_ms: u64,
    /// Node-milliseconds paid for.
    pub billed_node_ms: u128,
    /// Participant-milliseconds talking.
    pub talk_participant_ms: u128,
    /// Participant-milliseconds talking through nodes.
    pub node_talk_participant_ms: u128,
    /// Most nodes paid for at once.
    pub peak_billed_nodes: u32,
    /// Most participants in calls at once.
    pub peak_participants: u32,
    /// Counts.
    pub counts: Counts,
    /// Fewest nodes taking calls in each region at any scaler run.
    pub fewest_running: Vec<u32>,
}

impl Metrics {
    /// Measures over `window` (simulated milliseconds, `[start, end)`) for `regions` regions.
    pub fn new(window: (u64, u64), regions: usize) -> Self {
        Self {
            window,
            last_ms: 0,
            billed_node_ms: 0,
            talk_participant_ms: 0,
            node_talk_participant_ms: 0,
            peak_billed_nodes: 0,
            peak_participants: 0,
            counts: Counts::default(),
            fewest_running: vec![u32::MAX; regions],
        }
    }

    /// Whether `at_ms` is inside the measured window.
    pub fn counts_at(&self, at_ms: u64) -> bool {
        (self.window.0..self.window.1).contains(&at_ms)
    }

    /// The levels held from the previous event until `now_ms`: adds their share inside the window.
    pub fn advance(&mut self, now_ms: u64, levels: &Levels) {
        let from = self.last_ms.max(self.window.0);
        let to = now_ms.min(self.window.1);
        self.last_ms = self.last_ms.max(now_ms);
        if to <= from {
            return;
        }
        let dt = u128::from(to - from);
        self.billed_node_ms += u128::from(levels.billed_nodes) * dt;
        self.talk_participant_ms += u128::from(levels.talking) * dt;
        self.node_talk_participant_ms += u128::from(levels.talking_on_nodes) * dt;
        self.peak_billed_nodes = self.peak_billed_nodes.max(levels.billed_nodes);
        self.peak_participants = self.peak_participants.max(levels.in_calls);
    }

    /// Notes, at a scaler run at `now_ms`, how many nodes take calls in each region.
    pub fn sample_running(&mut self, now_ms: u64, running: &[u32]) {
        if self.counts_at(now_ms) {
            for (fewest, now) in self.fewest_running.iter_mut().zip(running) {
                *fewest = (*fewest).min(*now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_window_is_integrated() {
        let mut metrics = Metrics::new((1_000, 3_000), 1);
        let levels = Levels { billed_nodes: 2, in_calls: 9, talking: 6, talking_on_nodes: 3 };
        metrics.advance(1_500, &levels); // 500 ms inside
        metrics.advance(4_000, &Levels { billed_nodes: 1, ..levels }); // 1,500 ms inside
        assert_eq!(metrics.billed_node_ms, 2 * 500 + 1_500);
        assert_eq!(metrics.talk_participant_ms, 6 * 2_000);
        assert_eq!(metrics.node_talk_participant_ms, 3 * 2_000);
        assert_eq!(metrics.peak_participants, 9);
        metrics.advance(5_000, &Levels { billed_nodes: 50, ..levels });
        assert_eq!(metrics.peak_billed_nodes, 2, "after the window nothing counts");
    }
}

//! The figures of one simulated day under one setting, as `bench/results/fleet.json` records
//! them.

pub use crate::assumptions::Assumptions;
use crate::config::{Setting, SimConfig};
use crate::fleet_state::Violations;
use crate::metrics::Metrics;
use crate::simulation::AtEnd;
use serde::Serialize;
use std::collections::BTreeMap;

/// A whole run: what it assumed, and a row per setting. (`cargo xtask simulate` adds the date
/// and the machine it ran on.)
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetReport {
    /// Seed of the population and the failures.
    pub seed: u64,
    /// The model's assumptions.
    pub assumptions: Assumptions,
    /// One row per setting, on the same calls.
    pub rows: Vec<RowReport>,
    /// Wall time of the whole run (population and every setting), seconds.
    pub wall_seconds_total: f64,
}

/// One setting's day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowReport {
    /// The setting.
    pub label: String,
    /// Its target utilisation.
    pub target_utilisation: f64,
    /// Its warm nodes per region.
    pub warm_per_region: u32,
    /// Its quiet period, in seconds.
    pub quiet_period_s: u32,
    /// Most nodes paid for at once (booting ones included).
    pub peak_nodes: u32,
    /// Node-hours paid for.
    pub node_hours: f64,
    /// Participant-seconds on nodes ÷ capacity-seconds of the nodes paid for.
    pub mean_utilisation: f64,
    /// Median over node calls (calls of three or more that arrived in the window) of the time
    /// each spent without media for want of a node: waiting for capacity, stranded on a dead
    /// node, or cut off until placed again; seconds (0 for most).
    pub wait_p50_s: f64,
    /// 99th percentile of that wait.
    pub wait_p99_s: f64,
    /// Longest wait.
    pub wait_max_s: f64,
    /// Calls that arrived.
    pub calls: u32,
    /// Two-person calls (peer to peer).
    pub peer_to_peer_calls: u32,
    /// Calls of three or more.
    pub node_calls: u32,
    /// Node calls that talked through a live node at least once.
    pub placed_calls: u32,
    /// Of those, calls whose first live node was in another region (core's allocation lends
    /// capacity across regions while the callers' region is full).
    pub calls_placed_in_another_region: u32,
    /// Node calls that found no node with room at least once and waited in the queue for
    /// capacity (a node's boot, or a call's end).
    pub calls_that_waited_for_capacity: u32,
    /// Node calls that never talked through a live node by the end of the day (their wait so
    /// far is counted).
    pub calls_waiting_at_end: u32,
    /// Nodes launched in the day.
    pub nodes_launched: u32,
    /// Nodes that died in the day.
    pub node_failures: u32,
    /// Cuts by failures in the day: a call talking through a node when it died.
    pub calls_disrupted_by_failures: u32,
    /// Of the cuts (by failures and drains), those whose call talked through a live node again.
    pub calls_replaced: u32,
    /// Of the cuts, those whose call had not talked through a live node again at the end of the
    /// day: with `calls_replaced`, every cut.
    pub cut_off_calls_waiting_at_end: u32,
    /// Placements on a dead node the registry still listed (not cuts: the call never had media
    /// there; it waits on until the node is dropped).
    pub placements_on_dead_nodes: u32,
    /// Nodes that drained and left in the day.
    pub drained_nodes: u32,
    /// Cuts by drains: a call talking through a node when it left after draining.
    pub calls_disrupted_by_drains: u32,
    /// Placements that passed a node's capacity.
    pub placements_over_capacity: u32,
    /// Placements on a draining node.
    pub placements_on_draining_nodes: u32,
    /// Releases that matched no reservation (a release skipped or done twice); 0 unless the
    /// host's bookkeeping is wrong.
    pub unmatched_releases: u32,
    /// Nodes whose reservations or call lists disagreed with the calls on them at the end of
    /// the day; 0 unless the host's bookkeeping is wrong.
    pub unbalanced_nodes_at_end: u32,
    /// Fewest nodes taking calls in each region at any scaler run.
    pub fewest_nodes_by_region: BTreeMap<String, u32>,
    /// Most participants in calls at once.
    pub peak_concurrent_participants: u32,
    /// Participant-minutes of all calls.
    pub participant_minutes: f64,
    /// Participant-minutes through nodes.
    pub participant_minutes_on_nodes: f64,
    /// What the nodes cost over the day, in US dollars.
    pub node_cost_usd: f64,
    /// Node cost ÷ all participant-minutes (peer-to-peer calls included).
    pub cost_per_participant_minute_usd: f64,
    /// Node cost ÷ participant-minutes through nodes.
    pub cost_per_node_participant_minute_usd: f64,
    /// Seconds of wall time the simulation of this day took (set by the binary).
    pub wall_seconds: f64,
}

impl RowReport {
    /// The report of `setting` from what a run measured and how its calls ended.
    pub fn new(
        setting: &Setting,
        config: &SimConfig,
        regions: &[String],
        metrics: &Metrics,
        violations: Violations,
        end: &mut AtEnd,
    ) -> Self {
        end.waits_ms.sort_unstable();
        let waits_ms = &end.waits_ms;
        let wait = |q: f64| percentile(waits_ms, q) as f64 / 1000.0;
        let ms_per_hour = 3_600_000.0;
        let node_hours = metrics.billed_node_ms as f64 / ms_per_hour;
        let minutes = |participant_ms: u128| participant_ms as f64 / 60_000.0;
        let (all, on_nodes) =
            (minutes(metrics.talk_participant_ms), minutes(metrics.node_talk_participant_ms));
        let cost = node_hours * config.price_per_node_hour_usd;
        let per = |m: f64| if m > 0.0 { cost / m } else { 0.0 };
        let c = metrics.counts;
        Self {
            label: setting.label.clone(),
            target_utilisation: setting.target_utilisation,
            warm_per_region: setting.warm_per_region,
            quiet_period_s: setting.quiet_period_s,
            peak_nodes: metrics.peak_billed_nodes,
            node_hours,
            mean_utilisation: if metrics.billed_node_ms == 0 {
                0.0
            } else {
                metrics.node_talk_participant_ms as f64
                    / (metrics.billed_node_ms as f64 * f64::from(config.node_capacity))
            },
            wait_p50_s: wait(0.5),
            wait_p99_s: wait(0.99),
            wait_max_s: waits_ms.last().map_or(0.0, |w| *w as f64 / 1000.0),
            calls: c.calls,
            peer_to_peer_calls: c.peer_to_peer,
            node_calls: c.node_calls,
            placed_calls: c.placed,
            calls_placed_in_another_region: c.placed_elsewhere,
            calls_that_waited_for_capacity: c.waited_for_capacity,
            calls_waiting_at_end: end.never_placed,
            nodes_launched: c.launched,
            node_failures: c.node_failures,
            calls_disrupted_by_failures: c.disrupted_by_failures,
            calls_replaced: c.replaced,
            cut_off_calls_waiting_at_end: end.cut_off_waiting,
            placements_on_dead_nodes: c.placed_on_dead_nodes,
            drained_nodes: c.drained_nodes,
            calls_disrupted_by_drains: c.disrupted_by_drains,
            placements_over_capacity: violations.over_capacity,
            placements_on_draining_nodes: violations.on_draining,
            unmatched_releases: violations.unmatched_releases,
            unbalanced_nodes_at_end: end.unbalanced_nodes,
            fewest_nodes_by_region: regions
                .iter()
                .cloned()
                .zip(metrics.fewest_running.iter().map(|n| if *n == u32::MAX { 0 } else { *n }))
                .collect(),
            peak_concurrent_participants: metrics.peak_participants,
            participant_minutes: all,
            participant_minutes_on_nodes: on_nodes,
            node_cost_usd: cost,
            cost_per_participant_minute_usd: per(all),
            cost_per_node_participant_minute_usd: per(on_nodes),
            wall_seconds: 0.0,
        }
    }
}

/// The nearest-rank `q` quantile of `sorted` (0 when empty).
pub fn percentile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let waits: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&waits, 0.5), 50);
        assert_eq!(percentile(&waits, 0.99), 99);
        assert_eq!(percentile(&[0, 0, 0, 7], 0.5), 0);
        assert_eq!(percentile(&[], 0.99), 0);
    }
}

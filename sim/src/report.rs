//! The figures of one simulated day under one setting, as `bench/results/fleet.json` records
//! them.

pub use crate::assumptions::Assumptions;
use crate::config::{Setting, SimConfig};
use crate::fleet_state::Violations;
use crate::metrics::Metrics;
use crate::simulation::AtEnd;
use serde::Serialize;
use std::collections::BTreeMap;

/// A whole run: where and when it ran, what it assumed, and a row per setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FleetReport {
    /// The day it ran (UTC).
    pub date: String,
    /// CPUs of the machine it ran on.
    pub machine_cpus: usize,
    /// That machine's CPU model.
    pub machine: String,
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
    /// Median wait for a node over calls of three or more, seconds (0 for most).
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
    /// Node calls that got a node.
    pub placed_calls: u32,
    /// Node calls whose first node was in another region (core's allocation lends capacity
    /// across regions while the callers' region is full).
    pub calls_placed_in_another_region: u32,
    /// Node calls that waited at all for their first node.
    pub calls_that_waited: u32,
    /// Node calls still without a node at the end of the day (their wait so far is counted).
    pub calls_waiting_at_end: u32,
    /// Nodes launched.
    pub nodes_launched: u32,
    /// Node failures.
    pub node_failures: u32,
    /// Calls cut off by failures.
    pub calls_disrupted_by_failures: u32,
    /// Cut-off calls given a node again.
    pub calls_replaced: u32,
    /// Calls cut off (by a failure or a drain) still waiting for a node at the end of the day.
    pub cut_off_calls_waiting_at_end: u32,
    /// Nodes that drained and left.
    pub drained_nodes: u32,
    /// Calls on a node when it left after draining (cut off).
    pub calls_disrupted_by_drains: u32,
    /// Placements that passed a node's capacity.
    pub placements_over_capacity: u32,
    /// Placements on a draining node.
    pub placements_on_draining_nodes: u32,
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
            calls_that_waited: c.waited,
            calls_waiting_at_end: end.never_placed,
            nodes_launched: c.launched,
            node_failures: c.node_failures,
            calls_disrupted_by_failures: c.disrupted_by_failures,
            calls_replaced: c.replaced,
            cut_off_calls_waiting_at_end: end.cut_off_waiting,
            drained_nodes: c.drained_nodes,
            calls_disrupted_by_drains: c.disrupted_by_drains,
            placements_over_capacity: violations.over_capacity,
            placements_on_draining_nodes: violations.on_draining,
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

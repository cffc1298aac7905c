//! How big the fleet should be, pure: per region, enough nodes for what is reserved and what
//! waits, filled to the target utilisation, never below the operator's warm minimum at that
//! moment ([`WarmCapacity`], which may follow a schedule); and which
//! idle nodes leave (drained first, so no call is cut), once they have been idle for the quiet
//! period and the region has more nodes than it needs.

use super::{AllocationRequest, FleetPolicy, NodeRecord, WarmCapacity};
use crate::time::Timestamp;
use std::collections::BTreeMap;
use std::time::Duration;

/// The fleet's size settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePolicy {
    /// Participants a node carries (new nodes are of one size).
    pub node_capacity: u32,
    /// Nodes kept running in each region even when idle (instant group calls), by region and
    /// time of week.
    pub warm_minimum: WarmCapacity,
    /// How long a node must have been idle before it may leave.
    pub quiet_period: Duration,
}

/// A node as scaling sees it: its record and since when it carries nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLoad<'a> {
    /// The registry's record.
    pub node: &'a NodeRecord,
    /// Since when nothing is reserved on it (`None` while something is).
    pub idle_since: Option<Timestamp>,
}

/// What the fleet should do now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScaleDecision {
    /// Nodes each region should have running (live and not draining), by region.
    pub desired: BTreeMap<String, u32>,
    /// Nodes to mark draining: they take no new calls and leave once empty.
    pub drain: Vec<String>,
}

/// What recordings waiting to be composed ask of a fleet whose nodes run the composers (the
/// cloud's): room for one participant in `region`, so that region keeps a node, or starts
/// one, until they are composed. Passed to [`scale`] with the calls waiting.
pub fn composition_demand(region: &str) -> AllocationRequest {
    AllocationRequest { participants: 1, region: region.to_owned() }
}

/// The fleet's target at `now`, from its live nodes and the calls `waiting` for one.
pub fn scale(
    nodes: &[NodeLoad<'_>],
    waiting: &[AllocationRequest],
    fleet: &FleetPolicy,
    policy: &ScalePolicy,
    now: Timestamp,
) -> ScaleDecision {
    let per_node =
        ((f64::from(policy.node_capacity) * fleet.target_utilisation.clamp(0.05, 1.0)).floor() as u32).max(1);
    let live: Vec<&NodeLoad<'_>> =
        nodes.iter().filter(|n| fleet.alive(n.node, now) && !n.node.draining).collect();
    let mut demand: BTreeMap<String, u32> = BTreeMap::new();
    for n in &live {
        *demand.entry(n.node.region.clone()).or_default() += n.node.reserved;
    }
    for w in waiting {
        *demand.entry(w.region.clone()).or_default() += w.participants.max(1);
    }
    for region in policy.warm_minimum.regions() {
        demand.entry(region.to_owned()).or_default();
    }
    let mut decision = ScaleDecision::default();
    for (region, participants) in demand {
        let warm = policy.warm_minimum.minimum_at(&region, now);
        let needed = participants.div_ceil(per_node).max(warm);
        decision.desired.insert(region.clone(), needed);
        // Idle nodes beyond what the region needs leave, the longest idle first.
        let running = live.iter().filter(|n| n.node.region == region).count() as u32;
        let mut idle: Vec<&&NodeLoad<'_>> = live
            .iter()
            .filter(|n| n.node.region == region && n.node.reserved == 0)
            .filter(|n| n.idle_since.is_some_and(|at| now.since(at) >= policy.quiet_period))
            .collect();
        idle.sort_by_key(|n| (n.idle_since, n.node.id.clone()));
        let surplus = running.saturating_sub(needed) as usize;
        decision.drain.extend(idle.into_iter().take(surplus).map(|n| n.node.id.clone()));
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{NOW, ask, node as record};
    use super::*;

    fn ago(secs: u64) -> Option<Timestamp> {
        Some(Timestamp::from_millis(NOW.as_millis() - secs * 1000))
    }

    fn policy(warm: &[(&str, u32)]) -> ScalePolicy {
        ScalePolicy {
            node_capacity: 100,
            warm_minimum: warm.iter().map(|(r, n)| ((*r).to_owned(), *n)).collect(),
            quiet_period: Duration::from_secs(300),
        }
    }

    #[test]
    fn from_zero_a_waiting_call_asks_for_one_node_in_its_region() {
        let decision = scale(&[], &[ask(3, "eu")], &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(decision.desired, BTreeMap::from([("eu".to_owned(), 1)]));
        assert!(decision.drain.is_empty());
        let idle = scale(&[], &[], &FleetPolicy::default(), &policy(&[]), NOW);
        assert!(idle.desired.is_empty(), "nothing runs while nobody calls");
    }

    #[test]
    fn recordings_waiting_for_a_composer_keep_one_idle_node_or_start_one() {
        let demand = [composition_demand("eu")];
        let from_zero = scale(&[], &demand, &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(from_zero.desired, BTreeMap::from([("eu".to_owned(), 1)]), "a node starts to compose");
        let (a, b) = (record("a", "eu", 0), record("b", "eu", 0));
        let idle = [NodeLoad { node: &a, idle_since: ago(900) }, NodeLoad { node: &b, idle_since: ago(600) }];
        let kept = scale(&idle, &demand, &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(
            (kept.desired["eu"], kept.drain.clone()),
            (1, vec!["a".to_owned()]),
            "one idle node stays"
        );
        let done = scale(&idle, &[], &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(done.drain, ["a", "b"], "once composed, idle nodes leave");
    }

    #[test]
    fn the_fleet_grows_with_what_is_reserved_filled_to_the_target() {
        let (a, b) = (record("a", "eu", 80), record("b", "eu", 70));
        let nodes = [NodeLoad { node: &a, idle_since: None }, NodeLoad { node: &b, idle_since: None }];
        // 150 reserved + 20 waiting, 80 per node: 3 nodes.
        let decision = scale(&nodes, &[ask(20, "eu")], &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(decision.desired["eu"], 3);
    }

    #[test]
    fn idle_nodes_drain_after_the_quiet_period_and_never_below_the_warm_minimum() {
        let (a, b, c) = (record("a", "eu", 10), record("b", "eu", 0), record("c", "eu", 0));
        let nodes = [
            NodeLoad { node: &a, idle_since: None },
            NodeLoad { node: &b, idle_since: ago(600) },
            NodeLoad { node: &c, idle_since: ago(60) },
        ];
        let decision = scale(&nodes, &[], &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(decision.desired["eu"], 1);
        assert_eq!(decision.drain, ["b"], "c has been idle for a minute only; a carries a call");
        let warm = scale(&nodes, &[], &FleetPolicy::default(), &policy(&[("eu", 2)]), NOW);
        assert_eq!(warm.drain, ["b"], "two stay: a and c");
        let warm = scale(&nodes, &[], &FleetPolicy::default(), &policy(&[("eu", 3)]), NOW);
        assert!(warm.drain.is_empty(), "three nodes stay warm: {warm:?}");
        let asia = scale(&[], &[], &FleetPolicy::default(), &policy(&[("ap", 1)]), NOW);
        assert_eq!(asia.desired["ap"], 1, "a warm region runs a node with nobody calling");
    }

    #[test]
    fn the_warm_minimum_follows_its_schedule() {
        // NOW is a Friday, 08:00 UTC: the office-hours window has just opened.
        let (a, b) = (record("a", "eu", 0), record("b", "eu", 0));
        let nodes =
            [NodeLoad { node: &a, idle_since: ago(600) }, NodeLoad { node: &b, idle_since: ago(600) }];
        let office =
            ScalePolicy { warm_minimum: "eu@mon-fri/08-18=2".parse().expect("valid"), ..policy(&[]) };
        let open = scale(&nodes, &[], &FleetPolicy::default(), &office, NOW);
        assert_eq!(open.desired["eu"], 2);
        assert!(open.drain.is_empty(), "both stay warm: {open:?}");
        let before = Timestamp::from_millis(NOW.as_millis() - 1);
        let closed = scale(&nodes, &[], &FleetPolicy::default(), &office, before);
        assert_eq!(closed.desired["eu"], 0, "a named region is looked at, and needs nothing");
        assert_eq!(closed.drain, ["a", "b"]);
        let cold = scale(&[], &[], &FleetPolicy::default(), &office, before);
        assert_eq!(cold.desired, BTreeMap::from([("eu".to_owned(), 0)]));
    }

    #[test]
    fn dead_and_draining_nodes_do_not_count_as_capacity() {
        let dead = NodeRecord {
            last_heartbeat: Timestamp::from_millis(NOW.as_millis() - 60_000),
            ..record("a", "eu", 50)
        };
        let leaving = NodeRecord { draining: true, ..record("b", "eu", 50) };
        let nodes =
            [NodeLoad { node: &dead, idle_since: None }, NodeLoad { node: &leaving, idle_since: None }];
        let decision = scale(&nodes, &[ask(4, "eu")], &FleetPolicy::default(), &policy(&[]), NOW);
        assert_eq!(decision.desired["eu"], 1, "only the waiting call counts: its calls move elsewhere");
        assert!(decision.drain.is_empty());
    }
}

//! Allocation of a call to a media node: a call never spans nodes; nodes fill to a target
//! utilisation, fullest first (so idle ones can drain and scale in); the callers' region is
//! preferred; a draining node or one whose heartbeats stopped never takes a call. When nothing
//! fits, the answer asks for capacity.

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A media node as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRecord {
    /// Its id (the audience of its tokens).
    pub id: String,
    /// Where it runs (`eu-west-1`, `local`, …).
    pub region: String,
    /// Most participants it carries.
    pub capacity: u32,
    /// Participants reserved on it now (calls' expected sizes).
    pub reserved: u32,
    /// It takes no new calls (it leaves the fleet once empty).
    pub draining: bool,
    /// When it last said it is alive.
    pub last_heartbeat: Timestamp,
}

/// A call that needs a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationRequest {
    /// How many participants to reserve for it.
    pub participants: u32,
    /// Where its callers are.
    pub region: String,
}

/// The fleet's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetPolicy {
    /// How full a node is filled before the next one is used (0–1): the rest absorbs calls that
    /// grow, and the load peaks of the ones it has.
    pub target_utilisation: f64,
    /// How often nodes heartbeat; a node missing two is dead.
    pub heartbeat_interval: Duration,
}

impl Default for FleetPolicy {
    fn default() -> Self {
        Self { target_utilisation: 0.8, heartbeat_interval: Duration::from_secs(5) }
    }
}

impl FleetPolicy {
    /// Whether `node` is alive at `now`: it heartbeat within two intervals.
    pub fn alive(&self, node: &NodeRecord, now: Timestamp) -> bool {
        now.since(node.last_heartbeat) < self.heartbeat_interval * 2
    }

    /// Participants `node` takes before it passes the target utilisation.
    fn target_of(&self, node: &NodeRecord) -> u32 {
        (f64::from(node.capacity) * self.target_utilisation.clamp(0.0, 1.0)).floor() as u32
    }
}

/// Which node takes the call, and whether the fleet should grow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The node to reserve on, when one has room.
    pub node: Option<String>,
    /// The region whose capacity should grow: nothing there fits under the target.
    pub scale_up: Option<String>,
}

/// Picks a node for `request` among `nodes` at `now`:
/// 1. in the callers' region, a node with room under its target, the fullest first;
/// 2. else in the callers' region a node with room up to its capacity (and ask for more);
/// 3. else another region's node with room under its target, the fullest first (and ask for
///    more in the callers' region);
/// 4. else none (ask for more).
pub fn allocate(
    nodes: &[NodeRecord],
    request: &AllocationRequest,
    policy: &FleetPolicy,
    now: Timestamp,
) -> Allocation {
    let usable: Vec<&NodeRecord> = nodes.iter().filter(|n| !n.draining && policy.alive(n, now)).collect();
    let need = request.participants.max(1);
    let fits_target = |n: &&NodeRecord| n.reserved.saturating_add(need) <= policy.target_of(n);
    let fits_capacity = |n: &&NodeRecord| n.reserved.saturating_add(need) <= n.capacity;
    // Fullest first; ties broken by id, so every host picks the same.
    let fullest = |candidates: Vec<&NodeRecord>| {
        candidates
            .into_iter()
            .max_by(|a, b| a.reserved.cmp(&b.reserved).then_with(|| b.id.cmp(&a.id)))
            .map(|n| n.id.clone())
    };
    let local: Vec<&NodeRecord> = usable.iter().copied().filter(|n| n.region == request.region).collect();
    if let Some(node) = fullest(local.iter().copied().filter(fits_target).collect()) {
        return Allocation { node: Some(node), scale_up: None };
    }
    let scale_up = Some(request.region.clone());
    if let Some(node) = fullest(local.into_iter().filter(fits_capacity).collect()) {
        return Allocation { node: Some(node), scale_up };
    }
    let elsewhere = usable.into_iter().filter(|n| n.region != request.region).filter(fits_target).collect();
    Allocation { node: fullest(elsewhere), scale_up }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{NOW, ask, node};
    use super::*;

    fn earlier(d: Duration) -> Timestamp {
        Timestamp::from_millis(NOW.as_millis() - d.as_millis() as u64)
    }

    fn picked(nodes: &[NodeRecord], request: &AllocationRequest) -> Allocation {
        allocate(nodes, request, &FleetPolicy::default(), NOW)
    }

    #[test]
    fn nodes_fill_fullest_first_up_to_the_target() {
        let nodes = [node("a", "eu", 10), node("b", "eu", 60), node("c", "eu", 0)];
        assert_eq!(picked(&nodes, &ask(4, "eu")), Allocation { node: Some("b".into()), scale_up: None });
        // b would pass 80 of 100 with 30 more: the next fullest that stays under its target.
        assert_eq!(picked(&nodes, &ask(30, "eu")).node.as_deref(), Some("a"));
    }

    #[test]
    fn the_callers_region_comes_first_and_other_regions_help_while_it_grows() {
        let nodes = [node("eu-1", "eu", 0), node("us-1", "us", 50)];
        assert_eq!(picked(&nodes, &ask(3, "eu")).node.as_deref(), Some("eu-1"));
        let full_eu = [node("eu-1", "eu", 100), node("us-1", "us", 50)];
        assert_eq!(
            picked(&full_eu, &ask(3, "eu")),
            Allocation { node: Some("us-1".into()), scale_up: Some("eu".into()) }
        );
    }

    #[test]
    fn past_the_target_a_local_node_still_takes_the_call_and_more_capacity_is_asked_for() {
        let nodes = [node("eu-1", "eu", 79)];
        assert_eq!(
            picked(&nodes, &ask(5, "eu")),
            Allocation { node: Some("eu-1".into()), scale_up: Some("eu".into()) }
        );
    }

    #[test]
    fn draining_and_dead_nodes_never_take_a_call() {
        let draining = NodeRecord { draining: true, ..node("a", "eu", 0) };
        let policy = FleetPolicy::default();
        let dead =
            NodeRecord { last_heartbeat: earlier(policy.heartbeat_interval * 2), ..node("b", "eu", 0) };
        let late = NodeRecord { last_heartbeat: earlier(policy.heartbeat_interval), ..node("c", "eu", 50) };
        assert!(!policy.alive(&dead, NOW) && policy.alive(&late, NOW), "two missed heartbeats is dead");
        assert_eq!(picked(&[draining.clone(), dead.clone(), late], &ask(2, "eu")).node.as_deref(), Some("c"));
        assert_eq!(
            picked(&[draining, dead], &ask(2, "eu")),
            Allocation { node: None, scale_up: Some("eu".into()) }
        );
    }

    #[test]
    fn a_call_never_spans_nodes_and_no_node_is_oversubscribed() {
        // Two nodes with 30 free each cannot take a call of 40 between them.
        let nodes = [node("a", "eu", 70), node("b", "eu", 70)];
        assert_eq!(picked(&nodes, &ask(40, "eu")), Allocation { node: None, scale_up: Some("eu".into()) });
        assert_eq!(picked(&nodes, &ask(30, "eu")).node.as_deref(), Some("a"), "exactly full is allowed");
        let overfull = [node("a", "eu", 120)];
        assert_eq!(
            picked(&overfull, &ask(1, "eu")).node,
            None,
            "a node reported over capacity takes nothing"
        );
    }

    #[test]
    fn an_empty_fleet_asks_for_capacity_in_the_callers_region() {
        assert_eq!(picked(&[], &ask(3, "ap")), Allocation { node: None, scale_up: Some("ap".into()) });
        assert_eq!(
            picked(&[node("a", "eu", 0)], &ask(0, "eu")).node.as_deref(),
            Some("a"),
            "an empty call still reserves one"
        );
    }

    #[test]
    fn every_host_picks_the_same_node_among_equals() {
        let nodes = [node("b", "eu", 10), node("a", "eu", 10)];
        assert_eq!(picked(&nodes, &ask(2, "eu")).node.as_deref(), Some("a"));
        let reversed = [node("a", "eu", 10), node("b", "eu", 10)];
        assert_eq!(picked(&reversed, &ask(2, "eu")).node.as_deref(), Some("a"));
    }
}

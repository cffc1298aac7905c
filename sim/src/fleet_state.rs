//! The host's side of the fleet: the registry core's policy reads (one `NodeRecord` per
//! registered node), the calls each node carries, the nodes still booting, and the node
//! lifecycle: launch → boot → register → (fail | drain → exit when empty). Every placement is
//! core's `allocate` over the registry and every scaling decision core's `scale`; this module
//! only applies them and keeps the books.

use peershare_core::fleet::{
    Allocation, AllocationRequest, FleetPolicy, NodeLoad, NodeRecord, ScaleDecision, ScalePolicy, allocate,
    scale,
};
use peershare_core::time::Timestamp;
use std::collections::HashMap;

/// Host-side facts about a registered node, beside its record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    number: u32,
    region: u8,
    /// Calls placed on it (indices into the population), with the participants reserved for each.
    calls: Vec<(u32, u32)>,
    /// Since when nothing is reserved on it.
    idle_since: Option<Timestamp>,
    /// It died: no heartbeat, no media; the registry still lists it until found dead.
    failed: bool,
}

/// Where a node is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Booting,
    /// At this index of the registry.
    Registered(usize),
    Gone,
}

/// Where a call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The node's number.
    pub node: u32,
    /// The node's region (index into the fleet's regions).
    pub region: u8,
    /// The node had died without the registry knowing yet: the call has no media.
    pub on_dead_node: bool,
}

/// A node that left the registry, with the calls it still carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departure {
    /// The node's number.
    pub node: u32,
    /// Calls on it when it left: cut off.
    pub calls: Vec<u32>,
}

/// What the policy's decisions would have broken had core got them wrong, and what the host's
/// own books would show had they gone wrong: counted, not assumed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Violations {
    /// Placements that took a node past its capacity.
    pub over_capacity: u32,
    /// Placements on a node marked draining.
    pub on_draining: u32,
    /// Releases that did not match a reservation: the call was not on the node, or its
    /// participants were more than the node had reserved (a release skipped or done twice).
    pub unmatched_releases: u32,
}

/// The registry and the nodes behind it.
#[derive(Debug)]
pub struct Fleet {
    records: Vec<NodeRecord>,
    nodes: Vec<Node>,
    /// By node number.
    slots: Vec<(u8, Slot)>,
    numbers: HashMap<String, u32>,
    regions: Vec<String>,
    booting: Vec<u32>,
    failed_unnoticed: Vec<u32>,
    capacity: u32,
    billed: u32,
    violations: Violations,
}

impl Fleet {
    /// An empty fleet of nodes of `capacity` over `regions`.
    pub fn new(regions: &[String], capacity: u32) -> Self {
        Self {
            records: Vec::new(),
            nodes: Vec::new(),
            slots: Vec::new(),
            numbers: HashMap::new(),
            regions: regions.to_vec(),
            booting: vec![0; regions.len()],
            failed_unnoticed: Vec::new(),
            capacity,
            billed: 0,
            violations: Violations::default(),
        }
    }

    /// The registry as core sees it.
    pub fn records(&self) -> &[NodeRecord] {
        &self.records
    }

    /// Nodes paid for: booting or registered. A dead node is paid for until the registry drops
    /// it (it is terminated then; until then the instance runs).
    pub fn billed(&self) -> u32 {
        self.billed
    }

    /// What went wrong so far.
    pub fn violations(&self) -> Violations {
        self.violations
    }

    /// Starts a node in `region`; it registers when [`Fleet::ready`] is called. Returns its number.
    pub fn launch(&mut self, region: u8) -> u32 {
        let number = self.slots.len() as u32;
        self.slots.push((region, Slot::Booting));
        self.booting[usize::from(region)] += 1;
        self.billed += 1;
        number
    }

    /// Node `number` finished booting: it joins the registry, empty, heartbeating from `now`.
    pub fn ready(&mut self, number: u32, now: Timestamp) {
        let Some((region, slot)) = self.slots.get_mut(number as usize) else { return };
        if *slot != Slot::Booting {
            return;
        }
        let region = *region;
        *slot = Slot::Registered(self.records.len());
        self.booting[usize::from(region)] -= 1;
        let id = format!("{}-{number}", self.regions[usize::from(region)]);
        self.numbers.insert(id.clone(), number);
        self.records.push(NodeRecord {
            id,
            region: self.regions[usize::from(region)].clone(),
            capacity: self.capacity,
            reserved: 0,
            draining: false,
            last_heartbeat: now,
        });
        self.nodes.push(Node { number, region, calls: Vec::new(), idle_since: Some(now), failed: false });
    }

    /// Every node that is alive heartbeats at `now`.
    pub fn heartbeat(&mut self, now: Timestamp) {
        for (record, node) in self.records.iter_mut().zip(&self.nodes) {
            if !node.failed {
                record.last_heartbeat = now;
            }
        }
    }

    /// Node `number` dies: it stops heartbeating and carrying media. Returns the calls it
    /// carried, or `None` if it is not a live registered node.
    pub fn fail(&mut self, number: u32) -> Option<Vec<u32>> {
        let index = self.index(number)?;
        let node = &mut self.nodes[index];
        if node.failed {
            return None;
        }
        node.failed = true;
        self.failed_unnoticed.push(number);
        Some(node.calls.iter().map(|(call, _)| *call).collect())
    }

    /// Dead nodes the registry now sees as dead (two heartbeats missed under `policy`) leave it,
    /// with the calls that were placed on them.
    pub fn remove_dead(&mut self, policy: &FleetPolicy, now: Timestamp) -> Vec<Departure> {
        let mut gone = Vec::new();
        let mut still = Vec::new();
        for number in std::mem::take(&mut self.failed_unnoticed) {
            match self.index(number) {
                Some(i) if !policy.alive(&self.records[i], now) => gone.push(self.remove(number)),
                Some(_) => still.push(number),
                None => {}
            }
        }
        self.failed_unnoticed = still;
        gone.into_iter().flatten().collect()
    }

    /// Places call `call` by core's [`allocate`] and reserves its participants on the node
    /// chosen. `None` when no node has room.
    pub fn place(
        &mut self,
        call: u32,
        request: &AllocationRequest,
        policy: &FleetPolicy,
        now: Timestamp,
    ) -> Option<Placement> {
        let Allocation { node, .. } = allocate(&self.records, request, policy, now);
        let number = *self.numbers.get(&node?)?;
        let index = self.index(number)?;
        let record = &mut self.records[index];
        let reserved = request.participants.max(1);
        record.reserved += reserved;
        if record.reserved > record.capacity {
            self.violations.over_capacity += 1;
        }
        if record.draining {
            self.violations.on_draining += 1;
        }
        let node = &mut self.nodes[index];
        node.calls.push((call, reserved));
        node.idle_since = None;
        Some(Placement { node: number, region: node.region, on_dead_node: node.failed })
    }

    /// Call `call` of `participants` left node `number` at `now`. Returns the node if that
    /// emptied a draining node, which then leaves. A release that matches no reservation (the
    /// call is not on the node, or the node has fewer participants reserved) is counted in
    /// [`Violations::unmatched_releases`] and changes nothing.
    pub fn release(
        &mut self,
        number: u32,
        call: u32,
        participants: u32,
        now: Timestamp,
    ) -> Option<Departure> {
        let index = self.index(number)?;
        let record = &mut self.records[index];
        let node = &mut self.nodes[index];
        let released = participants.max(1);
        let at = node.calls.iter().position(|c| *c == (call, released));
        let (Some(at), Some(left)) = (at, record.reserved.checked_sub(released)) else {
            self.violations.unmatched_releases += 1;
            return None;
        };
        node.calls.swap_remove(at);
        record.reserved = left;
        if record.reserved == 0 {
            node.idle_since = Some(now);
        }
        (record.draining && record.reserved == 0).then(|| self.remove(number)).flatten()
    }

    /// Core's [`scale`] over the registry and the calls `waiting` for a node.
    pub fn scale(
        &self,
        waiting: &[AllocationRequest],
        fleet: &FleetPolicy,
        policy: &ScalePolicy,
        now: Timestamp,
    ) -> ScaleDecision {
        let loads: Vec<NodeLoad<'_>> = self
            .records
            .iter()
            .zip(&self.nodes)
            .map(|(node, host)| NodeLoad { node, idle_since: host.idle_since })
            .collect();
        scale(&loads, waiting, fleet, policy, now)
    }

    /// Marks the nodes `ids` draining; those with nothing reserved leave at once. Returns the
    /// nodes that left, with any call they still carried.
    pub fn drain(&mut self, ids: &[String]) -> Vec<Departure> {
        let mut left = Vec::new();
        for id in ids {
            let Some(&number) = self.numbers.get(id) else { continue };
            let Some(index) = self.index(number) else { continue };
            self.records[index].draining = true;
            if self.records[index].reserved == 0 {
                left.extend(self.remove(number));
            }
        }
        left
    }

    /// Registered nodes' books: each node's number, what its record says is reserved, and the
    /// calls placed on it with the participants reserved for each.
    pub fn books(&self) -> impl Iterator<Item = (u32, u32, &[(u32, u32)])> {
        self.records
            .iter()
            .zip(&self.nodes)
            .map(|(record, node)| (node.number, record.reserved, &node.calls[..]))
    }

    /// Nodes per region that take calls at `now`: registered, alive by `policy` (as the
    /// registry sees it), not draining; plus, separately, those booting.
    pub fn running_and_booting(&self, policy: &FleetPolicy, now: Timestamp) -> (Vec<u32>, &[u32]) {
        let mut running = vec![0; self.regions.len()];
        for (record, node) in self.records.iter().zip(&self.nodes) {
            if !record.draining && policy.alive(record, now) {
                running[usize::from(node.region)] += 1;
            }
        }
        (running, &self.booting)
    }

    fn index(&self, number: u32) -> Option<usize> {
        match self.slots.get(number as usize)?.1 {
            Slot::Registered(index) => Some(index),
            Slot::Booting | Slot::Gone => None,
        }
    }

    /// Takes node `number` out of the registry.
    fn remove(&mut self, number: u32) -> Option<Departure> {
        let index = self.index(number)?;
        let record = self.records.swap_remove(index);
        let node = self.nodes.swap_remove(index);
        if let Some(moved) = self.nodes.get(index) {
            self.slots[moved.number as usize].1 = Slot::Registered(index);
        }
        self.slots[number as usize].1 = Slot::Gone;
        self.numbers.remove(&record.id);
        self.billed -= 1;
        Some(Departure { node: number, calls: node.calls.into_iter().map(|(call, _)| call).collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const T0: Timestamp = Timestamp::from_millis(1_000_000);

    fn at(seconds: u64) -> Timestamp {
        T0.plus(Duration::from_secs(seconds))
    }

    fn eu(participants: u32) -> AllocationRequest {
        AllocationRequest { participants, region: "eu".into() }
    }

    fn fleet_of(nodes: u32) -> Fleet {
        let mut fleet = Fleet::new(&["eu".into(), "us".into()], 20);
        for _ in 0..nodes {
            let n = fleet.launch(0);
            fleet.ready(n, T0);
        }
        fleet
    }

    #[test]
    fn a_booting_node_is_billed_but_takes_no_call_until_it_registers() {
        let mut fleet = Fleet::new(&["eu".into()], 20);
        let n = fleet.launch(0);
        assert_eq!(fleet.billed(), 1);
        assert_eq!(fleet.place(1, &eu(3), &FleetPolicy::default(), T0), None);
        fleet.ready(n, T0);
        assert_eq!(fleet.place(1, &eu(3), &FleetPolicy::default(), T0).map(|p| p.node), Some(n));
        assert_eq!(fleet.records()[0].reserved, 3);
    }

    #[test]
    fn a_draining_node_takes_no_call_and_leaves_only_once_its_calls_end() {
        let mut fleet = fleet_of(2);
        let policy = FleetPolicy::default();
        let busy = fleet.place(7, &eu(5), &policy, T0).expect("room").node;
        let id = format!("eu-{busy}");
        assert!(fleet.drain(std::slice::from_ref(&id)).is_empty(), "it carries a call: it stays");
        for call in 10..14 {
            let placed = fleet.place(call, &eu(3), &policy, T0).expect("the other node has room");
            assert_ne!(placed.node, busy, "the draining node took call {call}");
        }
        assert_eq!(fleet.violations(), Violations::default());
        let left = fleet.release(busy, 7, 5, at(60)).expect("emptied while draining: it leaves");
        assert_eq!(left, Departure { node: busy, calls: vec![] });
        assert_eq!(fleet.records().len(), 1);
        assert_eq!(fleet.billed(), 1);
    }

    #[test]
    fn a_node_leaving_with_calls_on_it_hands_them_back() {
        // Reservations and the call list are separate books: a node the registry shows empty
        // but that still lists a call must report the call, not drop it.
        let mut fleet = fleet_of(1);
        let policy = FleetPolicy::default();
        let node = fleet.place(3, &eu(4), &policy, T0).expect("room").node;
        fleet.records[0].reserved = 0;
        let left = fleet.drain(&[format!("eu-{node}")]);
        assert_eq!(left, [Departure { node, calls: vec![3] }]);
    }

    #[test]
    fn a_dead_node_leaves_the_registry_after_two_missed_heartbeats_with_its_calls() {
        let mut fleet = fleet_of(2);
        let policy = FleetPolicy::default(); // heartbeats every 5 s
        let node = fleet.place(1, &eu(4), &policy, T0).expect("room").node;
        assert_eq!(fleet.fail(node), Some(vec![1]));
        assert_eq!(fleet.billed(), 2, "a dead node runs, and is paid for, until it is dropped");
        // Until the registry notices, core may still pick it.
        let again = fleet.place(2, &eu(4), &policy, at(1)).expect("room");
        assert_eq!(again, Placement { node, region: 0, on_dead_node: true });
        fleet.heartbeat(at(5));
        assert!(fleet.remove_dead(&policy, at(5)).is_empty(), "one heartbeat missed");
        fleet.heartbeat(at(10));
        let gone = fleet.remove_dead(&policy, at(10));
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].node, node);
        assert_eq!(gone[0].calls.len(), 2);
        assert_eq!(fleet.records().len(), 1);
        assert_eq!(fleet.billed(), 1, "dropped, and terminated");
        assert!(fleet.place(3, &eu(4), &policy, at(10)).is_some_and(|p| p.node != node && !p.on_dead_node));
    }

    #[test]
    fn placements_never_pass_a_nodes_capacity() {
        let mut fleet = fleet_of(1);
        let policy = FleetPolicy { target_utilisation: 1.0, ..FleetPolicy::default() };
        let placed = (0..10).filter(|c| fleet.place(*c, &eu(3), &policy, T0).is_some()).count();
        assert_eq!(placed, 6, "six calls of three fill a node of twenty");
        assert_eq!(fleet.records()[0].reserved, 18);
        assert_eq!(fleet.violations().over_capacity, 0);
    }

    #[test]
    fn idle_nodes_past_the_quiet_period_are_drained_by_cores_decision() {
        let mut fleet = fleet_of(3);
        let policy = FleetPolicy::default();
        let scale_policy = ScalePolicy {
            node_capacity: 20,
            warm_minimum: [("eu".to_owned(), 1)].into(),
            quiet_period: Duration::from_secs(300),
        };
        fleet.heartbeat(at(301));
        let decision = fleet.scale(&[], &policy, &scale_policy, at(301));
        assert_eq!(decision.drain.len(), 2, "{decision:?}");
        assert_eq!(fleet.drain(&decision.drain).len(), 2);
        assert_eq!(fleet.running_and_booting(&policy, at(301)).0, [1, 0]);
    }

    #[test]
    fn a_release_that_matches_no_reservation_is_counted_and_changes_nothing() {
        let mut fleet = fleet_of(1);
        let policy = FleetPolicy::default();
        let node = fleet.place(1, &eu(4), &policy, T0).expect("room").node;
        fleet.place(2, &eu(3), &policy, T0).expect("room");
        assert!(fleet.release(node, 1, 4, at(1)).is_none());
        assert_eq!(fleet.violations(), Violations::default());
        fleet.release(node, 1, 4, at(2)); // twice
        fleet.release(node, 9, 3, at(2)); // a call never placed here
        assert_eq!(fleet.violations().unmatched_releases, 2);
        let books: Vec<_> = fleet.books().map(|(n, reserved, calls)| (n, reserved, calls.to_vec())).collect();
        assert_eq!(books, [(node, 3, vec![(2, 3)])], "the second call's reservation stands");
    }
}

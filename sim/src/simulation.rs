//! The discrete-event loop of one setting's day: calls arrive from the population, two-person
//! calls talk peer to peer, larger ones are placed by core's `allocate` (or wait), the scaler
//! runs core's `scale` every tick and launches or drains what it decides, nodes boot, heartbeat,
//! fail and are found dead, and cut-off calls are placed again. Time is the events' own: no
//! clock, no sleep.

use crate::config::{Setting, SimConfig};
use crate::error::SimError;
use crate::events::{Event, EventQueue};
use crate::fleet_state::{Departure, Fleet};
use crate::metrics::{Levels, Metrics};
use crate::population::Population;
use crate::report::RowReport;
use peershare_core::fleet::{AllocationRequest, FleetPolicy, ScalePolicy};
use peershare_core::time::Timestamp;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    NotYet,
    PeerToPeer,
    /// In the queue for a node.
    Waiting,
    /// Talking through this node.
    OnNode(u32),
    /// On a dead node the registry has not dropped yet (cut off when it died, or placed on it
    /// since): no media; it waits for the node to be dropped.
    Stranded(u32),
    Ended,
}

/// A call's state during the run.
#[derive(Debug, Clone, Copy)]
struct CallState {
    status: Status,
    /// Bumped whenever a scheduled end stops being valid.
    epoch: u32,
    /// Talking time left, in milliseconds.
    remaining_ms: u64,
    /// When its current talk ends (while on a node or peer to peer).
    ends_ms: u64,
    /// Since when it waits (while waiting or stranded).
    wait_since_ms: u64,
    /// Waiting finished so far.
    waited_ms: u64,
    /// It was cut off and has not talked through a live node since; `true` if the cut was
    /// counted.
    awaiting_replacement: Option<bool>,
    /// It talked through a live node at least once.
    placed: bool,
    /// It found no node with room at least once and waited for capacity.
    waited_for_capacity: bool,
}

/// The calls' state when the window closes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AtEnd {
    /// Each node call's total wait for a node (arrived in the window; a wait still running is
    /// counted up to the end).
    pub waits_ms: Vec<u64>,
    /// Node calls that arrived in the window and never talked through a live node.
    pub never_placed: u32,
    /// Calls cut off inside the window that have not talked through a live node since.
    pub cut_off_waiting: u32,
    /// Registered nodes whose books disagree with the calls at the end (see
    /// `Simulation::unbalanced_books`); 0 unless the host's bookkeeping is wrong.
    pub unbalanced_nodes: u32,
}

/// How far a run has got, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Simulated hours done, warm-up included.
    pub simulated_hours: u32,
    /// Simulated hours in all.
    pub hours: u32,
}

/// One setting's day in progress.
struct Simulation<'a> {
    population: &'a Population,
    config: &'a SimConfig,
    fleet_policy: FleetPolicy,
    scale_policy: ScalePolicy,
    fleet: Fleet,
    queue: EventQueue,
    calls: Vec<CallState>,
    waiting: Vec<u32>,
    levels: Levels,
    metrics: Metrics,
    failures: StdRng,
    urgent_scale_pending: bool,
}

/// Simulates `setting` over `population`; `seed` draws node failures. Calls `progress` every
/// simulated hour.
pub fn simulate(
    population: &Population,
    config: &SimConfig,
    setting: &Setting,
    seed: u64,
    progress: &mut dyn FnMut(Progress),
) -> Result<RowReport, SimError> {
    let mut sim = Simulation::new(population, config, setting, seed)?;
    sim.run(progress);
    let mut end = sim.at_end();
    Ok(RowReport::new(setting, config, &population.regions, &sim.metrics, sim.fleet.violations(), &mut end))
}

impl<'a> Simulation<'a> {
    /// The day before anything happens.
    fn new(
        population: &'a Population,
        config: &'a SimConfig,
        setting: &Setting,
        seed: u64,
    ) -> Result<Self, SimError> {
        setting.validate()?;
        let largest = population.calls.iter().map(|c| c.size).max().unwrap_or(2);
        config.validate(largest)?;
        Ok(Simulation {
            population,
            config,
            fleet_policy: setting.fleet_policy(config),
            scale_policy: setting.scale_policy(config, &population.regions),
            fleet: Fleet::new(&population.regions, config.node_capacity),
            queue: EventQueue::default(),
            calls: population
                .calls
                .iter()
                .map(|c| CallState {
                    status: Status::NotYet,
                    epoch: 0,
                    remaining_ms: c.duration_ms,
                    ends_ms: 0,
                    wait_since_ms: 0,
                    waited_ms: 0,
                    awaiting_replacement: None,
                    placed: false,
                    waited_for_capacity: false,
                })
                .collect(),
            waiting: Vec::new(),
            levels: Levels::default(),
            metrics: Metrics::new(population.window_ms, population.regions.len()),
            failures: StdRng::seed_from_u64(seed ^ 0x6661_696c_7572_6573),
            urgent_scale_pending: false,
        })
    }
}

impl Simulation<'_> {
    fn run(&mut self, progress: &mut dyn FnMut(Progress)) {
        let end = self.population.window_ms.1;
        let hours = end.div_ceil(3_600_000) as u32;
        let mut next_hour = 0;
        self.queue.push(0, Event::Heartbeat);
        self.queue.push(0, Event::ScalerTick);
        let mut arrivals = self.population.calls.iter().enumerate().peekable();
        loop {
            let next_arrival = arrivals.peek().map(|(_, c)| c.arrival_ms);
            let next_event = self.queue.next_time();
            let now = match (next_arrival, next_event) {
                (Some(a), Some(e)) => a.min(e),
                (Some(a), None) => a,
                (None, Some(e)) => e,
                (None, None) => break,
            };
            if now >= end {
                break;
            }
            while u64::from(next_hour) * 3_600_000 <= now {
                progress(Progress { simulated_hours: next_hour, hours });
                #[cfg(debug_assertions)]
                {
                    let problems = self.unbalanced_books();
                    assert!(
                        problems.is_empty(),
                        "hour {next_hour}: the fleet's books disagree with the calls: {problems:?}"
                    );
                }
                next_hour += 1;
            }
            self.levels.billed_nodes = self.fleet.billed();
            self.metrics.advance(now, &self.levels);
            if next_event.is_some_and(|e| e <= now) {
                if let Some((at, event)) = self.queue.pop() {
                    self.handle(at, event);
                }
            } else if let Some((index, _)) = arrivals.next() {
                self.arrive(index as u32, now);
            }
        }
        self.levels.billed_nodes = self.fleet.billed();
        self.metrics.advance(end, &self.levels);
        progress(Progress { simulated_hours: hours, hours });
    }

    fn handle(&mut self, now: u64, event: Event) {
        match event {
            Event::CallEnds { call, epoch } => self.end(call, epoch, now),
            Event::NodeReady { node } => {
                self.fleet.ready(node, Timestamp::from_millis(now));
                if let Some(mtbf_hours) = self.config.mtbf_hours {
                    // Exponential time to failure: failures are memoryless.
                    let hours = -(1.0 - self.failures.random::<f64>()).ln() * mtbf_hours;
                    let at = now.saturating_add((hours * 3_600_000.0) as u64);
                    self.queue.push(at, Event::NodeFails { node });
                }
                self.retry_waiting(now);
            }
            Event::NodeFails { node } => self.fail(node, now),
            Event::Heartbeat => {
                let interval = u64::from(self.config.heartbeat_interval_s) * 1000;
                self.queue.push(now + interval, Event::Heartbeat);
                let at = Timestamp::from_millis(now);
                let dead = self.fleet.remove_dead(&self.fleet_policy, at);
                self.fleet.heartbeat(at);
                for departure in dead {
                    self.requeue(departure, now, false);
                }
                self.retry_waiting(now);
            }
            Event::ScalerTick => {
                self.queue.push(now + u64::from(self.config.scaler_tick_s) * 1000, Event::ScalerTick);
                self.scale(now);
                let (running, _) =
                    self.fleet.running_and_booting(&self.fleet_policy, Timestamp::from_millis(now));
                self.metrics.sample_running(now, &running);
            }
            Event::UrgentScale => {
                self.urgent_scale_pending = false;
                self.scale(now);
            }
        }
    }

    fn arrive(&mut self, call: u32, now: u64) {
        let spec = self.population.calls[call as usize];
        let counted = self.metrics.counts_at(now);
        self.levels.in_calls += spec.size;
        let counts = &mut self.metrics.counts;
        if counted {
            counts.calls += 1;
        }
        if spec.size <= 2 {
            if counted {
                counts.peer_to_peer += 1;
            }
            self.levels.talking += spec.size;
            let state = &mut self.calls[call as usize];
            state.status = Status::PeerToPeer;
            state.ends_ms = now + spec.duration_ms;
            self.queue.push(state.ends_ms, Event::CallEnds { call, epoch: state.epoch });
            return;
        }
        if counted {
            counts.node_calls += 1;
        }
        self.calls[call as usize].wait_since_ms = now;
        self.seek_node(call, now);
    }

    /// `call` needs a node (it arrived, or it was cut off and its node left the registry): it
    /// is placed at once if a node has room; else it joins the queue and the scaler is asked
    /// for capacity at once.
    fn seek_node(&mut self, call: u32, now: u64) {
        if self.try_place(call, now) {
            return;
        }
        let arrived_in_window = self.metrics.counts_at(self.population.calls[call as usize].arrival_ms);
        let state = &mut self.calls[call as usize];
        state.status = Status::Waiting;
        if !state.waited_for_capacity {
            state.waited_for_capacity = true;
            if arrived_in_window {
                self.metrics.counts.waited_for_capacity += 1;
            }
        }
        self.waiting.push(call);
        self.ask_for_capacity(now);
    }

    /// Asks core's allocation for a node for `call`; on success the call talks, or, on a node
    /// that died without the registry knowing yet, waits on without media.
    fn try_place(&mut self, call: u32, now: u64) -> bool {
        let spec = self.population.calls[call as usize];
        let request = AllocationRequest {
            participants: spec.size,
            region: self.population.regions[usize::from(spec.region)].clone(),
        };
        let at = Timestamp::from_millis(now);
        let Some(placement) = self.fleet.place(call, &request, &self.fleet_policy, at) else {
            return false;
        };
        let arrived_in_window = self.metrics.counts_at(spec.arrival_ms);
        let placed_in_window = self.metrics.counts_at(now);
        let counts = &mut self.metrics.counts;
        let state = &mut self.calls[call as usize];
        state.waited_ms += now - state.wait_since_ms;
        state.wait_since_ms = now;
        if placement.on_dead_node {
            // Not a cut (it never had media there) and not a replacement: it waits on.
            state.status = Status::Stranded(placement.node);
            if placed_in_window {
                counts.placed_on_dead_nodes += 1;
            }
            return true;
        }
        if !state.placed {
            state.placed = true;
            if arrived_in_window {
                counts.placed += 1;
                if placement.region != spec.region {
                    counts.placed_elsewhere += 1;
                }
            }
        }
        if state.awaiting_replacement.take() == Some(true) {
            counts.replaced += 1;
        }
        state.status = Status::OnNode(placement.node);
        state.ends_ms = now + state.remaining_ms;
        self.queue.push(state.ends_ms, Event::CallEnds { call, epoch: state.epoch });
        self.levels.talking += spec.size;
        self.levels.talking_on_nodes += spec.size;
        true
    }

    fn retry_waiting(&mut self, now: u64) {
        if self.waiting.is_empty() {
            return;
        }
        let queue = std::mem::take(&mut self.waiting);
        for call in queue {
            if !self.try_place(call, now) {
                self.waiting.push(call);
            }
        }
    }

    fn ask_for_capacity(&mut self, now: u64) {
        if !self.urgent_scale_pending {
            self.urgent_scale_pending = true;
            self.queue.push(now, Event::UrgentScale);
        }
    }

    fn end(&mut self, call: u32, epoch: u32, now: u64) {
        let spec = self.population.calls[call as usize];
        let state = &mut self.calls[call as usize];
        if state.epoch != epoch {
            return;
        }
        let status = state.status;
        state.status = Status::Ended;
        self.levels.in_calls -= spec.size;
        self.levels.talking -= spec.size;
        match status {
            Status::PeerToPeer => {}
            Status::OnNode(node) => {
                self.levels.talking_on_nodes -= spec.size;
                if let Some(left) = self.fleet.release(node, call, spec.size, Timestamp::from_millis(now)) {
                    self.drained(left, now);
                }
                self.retry_waiting(now);
            }
            Status::NotYet | Status::Waiting | Status::Stranded(_) | Status::Ended => {
                unreachable!("call {call} ended while {status:?} with a current epoch")
            }
        }
    }

    /// Node `node` dies: the calls talking through it are cut off (each counted as a cut), and
    /// wait without media for the registry to drop it, to be placed again.
    fn fail(&mut self, node: u32, now: u64) {
        let Some(calls) = self.fleet.fail(node) else { return };
        let counted = self.metrics.counts_at(now);
        if counted {
            self.metrics.counts.node_failures += 1;
        }
        for call in calls {
            if self.calls[call as usize].status != Status::OnNode(node) {
                continue;
            }
            self.cut_off(call, now);
            if counted {
                self.metrics.counts.disrupted_by_failures += 1;
            }
            self.calls[call as usize].status = Status::Stranded(node);
        }
    }

    /// `call`, talking through a node, loses it at `now`: its talk stops, and it waits from now
    /// until it talks through a live node again.
    fn cut_off(&mut self, call: u32, now: u64) {
        let spec = self.population.calls[call as usize];
        self.levels.talking -= spec.size;
        self.levels.talking_on_nodes -= spec.size;
        let state = &mut self.calls[call as usize];
        state.remaining_ms = state.ends_ms.saturating_sub(now);
        state.epoch += 1;
        state.wait_since_ms = now;
        state.awaiting_replacement = Some(self.metrics.counts_at(now));
    }

    /// A node left the registry: the calls it still listed need a node again, at once. A dead
    /// node's calls were cut when it died (or never had media on it); a drained node's are cut
    /// now, and counted.
    fn requeue(&mut self, departure: Departure, now: u64, drained: bool) {
        for call in departure.calls {
            match self.calls[call as usize].status {
                Status::Stranded(_) => {}
                Status::OnNode(_) if drained => {
                    self.cut_off(call, now);
                    if self.metrics.counts_at(now) {
                        self.metrics.counts.disrupted_by_drains += 1;
                    }
                }
                _ => continue,
            }
            self.seek_node(call, now);
        }
    }

    fn drained(&mut self, departure: Departure, now: u64) {
        if self.metrics.counts_at(now) {
            self.metrics.counts.drained_nodes += 1;
        }
        self.requeue(departure, now, true);
    }

    /// Core's `scale`: drains what it names, launches what each region lacks.
    fn scale(&mut self, now: u64) {
        let at = Timestamp::from_millis(now);
        let waiting: Vec<AllocationRequest> = self
            .waiting
            .iter()
            .map(|call| {
                let spec = self.population.calls[*call as usize];
                AllocationRequest {
                    participants: spec.size,
                    region: self.population.regions[usize::from(spec.region)].clone(),
                }
            })
            .collect();
        let decision = self.fleet.scale(&waiting, &self.fleet_policy, &self.scale_policy, at);
        for left in self.fleet.drain(&decision.drain) {
            self.drained(left, now);
        }
        let (running, booting) = self.fleet.running_and_booting(&self.fleet_policy, at);
        let booting = booting.to_vec();
        let boot_ms = u64::from(self.config.boot_delay_s) * 1000;
        for (name, desired) in &decision.desired {
            let Some(region) = self.population.regions.iter().position(|r| r == name) else { continue };
            let have = running[region] + booting[region];
            for _ in have..*desired {
                let node = self.fleet.launch(region as u8);
                if self.metrics.counts_at(now) {
                    self.metrics.counts.launched += 1;
                }
                self.queue.push(now + boot_ms, Event::NodeReady { node });
            }
        }
        self.retry_waiting(now);
    }

    /// Where the fleet's books disagree with the calls: a registered node whose reservations are
    /// not the participants of the calls on it (talking through it, or stranded on it), or
    /// whose list of calls is not those calls; or calls on a node that is not registered.
    /// Empty when the books balance.
    fn unbalanced_books(&self) -> Vec<String> {
        let mut on: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        for (index, (spec, state)) in self.population.calls.iter().zip(&self.calls).enumerate() {
            if let Status::OnNode(node) | Status::Stranded(node) = state.status {
                on.entry(node).or_default().push((index as u32, spec.size.max(1)));
            }
        }
        let mut problems = Vec::new();
        for (node, reserved, listed) in self.fleet.books() {
            let mut expected = on.remove(&node).unwrap_or_default();
            let mut listed = listed.to_vec();
            expected.sort_unstable();
            listed.sort_unstable();
            let participants: u32 = expected.iter().map(|(_, size)| size).sum();
            if reserved != participants || listed != expected {
                problems.push(format!(
                    "node {node}: {reserved} reserved and {} calls listed; {} calls of {participants} participants on it",
                    listed.len(),
                    expected.len()
                ));
            }
        }
        problems.extend(
            on.into_iter()
                .map(|(node, calls)| format!("{} calls on node {node}, not registered", calls.len())),
        );
        problems
    }

    /// What the calls' states say at the end of the window.
    fn at_end(&self) -> AtEnd {
        let end = self.population.window_ms.1;
        let mut at_end = AtEnd { unbalanced_nodes: self.unbalanced_books().len() as u32, ..AtEnd::default() };
        for (spec, state) in self.population.calls.iter().zip(&self.calls) {
            if state.awaiting_replacement == Some(true) {
                at_end.cut_off_waiting += 1;
            }
            if spec.size <= 2 || !self.metrics.counts_at(spec.arrival_ms) {
                continue;
            }
            let mut wait = state.waited_ms;
            if matches!(state.status, Status::Waiting | Status::Stranded(_)) {
                wait += end - state.wait_since_ms;
                if !state.placed {
                    at_end.never_placed += 1;
                }
            }
            at_end.waits_ms.push(wait);
        }
        at_end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::population::CallSpec;

    fn call(arrival_s: u64, size: u32, duration_s: u64) -> CallSpec {
        CallSpec { arrival_ms: arrival_s * 1000, duration_ms: duration_s * 1000, size, region: 0 }
    }

    /// An hour in one region with a scaler that runs on its own only every ten minutes:
    /// anything placed within that knows to ask for capacity at once.
    fn hour(calls: Vec<CallSpec>) -> (Population, SimConfig) {
        let population =
            Population { calls, regions: vec!["eu".into()], window_ms: (0, 3_600_000), peak_call_rate: 0.0 };
        let config =
            SimConfig { mtbf_hours: None, scaler_tick_s: 600, ..crate::Model::default().sim_config() };
        (population, config)
    }

    #[test]
    fn a_call_cut_off_by_a_failure_asks_for_a_node_at_once_and_a_dead_node_taking_it_is_not_a_second_cut() {
        // Nodes of 200 filled to 160: call 0 (120) gets node 0, call 1 (120) node 1 and ends
        // at 162 s. Node 0 dies at 200 s, node 1 (empty) at 203 s. The registry drops node 0
        // at 205 s: call 0 goes to node 1, dead but still listed; node 1 is dropped at 210 s,
        // and call 0 asks at once for a node, which boots in 60 s.
        let (population, config) = hour(vec![call(1, 120, 3_000), call(2, 120, 100)]);
        let mut sim = Simulation::new(&population, &config, &Setting::new(0.8, 0, 300), 1).expect("valid");
        sim.queue.push(200_000, Event::NodeFails { node: 0 });
        sim.queue.push(203_000, Event::NodeFails { node: 1 });
        sim.run(&mut |_| {});
        let counts = sim.metrics.counts;
        assert_eq!(counts.node_failures, 2);
        assert_eq!(counts.disrupted_by_failures, 1, "only call 0 was talking through a node that died");
        assert_eq!(counts.placed_on_dead_nodes, 1);
        assert_eq!(counts.replaced, 1);
        assert_eq!(counts.launched, 3);
        let end = sim.at_end();
        assert_eq!((end.cut_off_waiting, end.never_placed, end.unbalanced_nodes), (0, 0, 0));
        // Call 0: 60 s for the first boot, then 200 s → 270 s (found dead, then a boot), not
        // until the scaler's next run at 600 s. Call 1: 2 s → 62 s.
        let mut waits = end.waits_ms;
        waits.sort_unstable();
        assert_eq!(waits, [60_000, 130_000]);
        assert_eq!(sim.fleet.violations(), Default::default());
    }
}

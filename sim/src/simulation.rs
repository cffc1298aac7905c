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

/// Where a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    NotYet,
    PeerToPeer,
    /// In the queue for a node.
    Waiting,
    /// Talking through this node.
    OnNode(u32),
    /// Placed on (or left on) a dead node the registry has not dropped yet: no media.
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
    /// It was cut off and has no node yet; `true` if the cut was counted.
    awaiting_replacement: Option<bool>,
    /// It got a node at least once.
    placed: bool,
}

/// The calls' state when the window closes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AtEnd {
    /// Each node call's total wait for a node (arrived in the window; a wait still running is
    /// counted up to the end).
    pub waits_ms: Vec<u64>,
    /// Node calls that arrived in the window and never got a node.
    pub never_placed: u32,
    /// Calls cut off inside the window still waiting to be placed again.
    pub cut_off_waiting: u32,
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
    setting.validate()?;
    let largest = population.calls.iter().map(|c| c.size).max().unwrap_or(2);
    config.validate(largest)?;
    let mut sim = Simulation {
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
            })
            .collect(),
        waiting: Vec::new(),
        levels: Levels::default(),
        metrics: Metrics::new(population.window_ms, population.regions.len()),
        failures: StdRng::seed_from_u64(seed ^ 0x6661_696c_7572_6573),
        urgent_scale_pending: false,
    };
    sim.run(progress);
    let mut end = sim.at_end();
    Ok(RowReport::new(setting, config, &population.regions, &sim.metrics, sim.fleet.violations(), &mut end))
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
        if !self.try_place(call, now) {
            if counted {
                self.metrics.counts.waited += 1;
            }
            self.calls[call as usize].status = Status::Waiting;
            self.waiting.push(call);
            self.ask_for_capacity(now);
        }
    }

    /// Asks core's allocation for a node for `call`; on success the call talks (or is stranded
    /// on a node that died unnoticed).
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
        let counted = self.metrics.counts_at(spec.arrival_ms);
        let state = &mut self.calls[call as usize];
        state.waited_ms += now - state.wait_since_ms;
        if !state.placed {
            state.placed = true;
            if counted {
                self.metrics.counts.placed += 1;
                if placement.region != spec.region {
                    self.metrics.counts.placed_elsewhere += 1;
                }
            }
        }
        if let Some(cut_counted) = state.awaiting_replacement.take()
            && cut_counted
        {
            self.metrics.counts.replaced += 1;
        }
        if placement.on_dead_node {
            self.strand(call, placement.node, now);
            return true;
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

    /// Node `node` dies: the calls talking through it are cut off, and wait for the registry
    /// to drop it to be placed again.
    fn fail(&mut self, node: u32, now: u64) {
        let Some(calls) = self.fleet.fail(node) else { return };
        if self.metrics.counts_at(now) {
            self.metrics.counts.node_failures += 1;
        }
        for call in calls {
            if self.calls[call as usize].status == Status::OnNode(node) {
                let spec = self.population.calls[call as usize];
                self.levels.talking -= spec.size;
                self.levels.talking_on_nodes -= spec.size;
                let state = &mut self.calls[call as usize];
                state.remaining_ms = state.ends_ms.saturating_sub(now);
                state.epoch += 1;
                self.strand(call, node, now);
            }
        }
    }

    /// `call` is on dead `node` without media: it is cut off and waits from `now`.
    fn strand(&mut self, call: u32, node: u32, now: u64) {
        let counted = self.metrics.counts_at(now);
        if counted {
            self.metrics.counts.disrupted_by_failures += 1;
        }
        let state = &mut self.calls[call as usize];
        state.status = Status::Stranded(node);
        state.wait_since_ms = now;
        state.awaiting_replacement = Some(counted);
    }

    /// A node left the registry: the calls it still listed go back to the queue. A dead
    /// node's calls were cut when it died; a drained node's are cut now, and counted.
    fn requeue(&mut self, departure: Departure, now: u64, drained: bool) {
        for call in departure.calls {
            let spec = self.population.calls[call as usize];
            let state = &mut self.calls[call as usize];
            match state.status {
                Status::Stranded(_) => {}
                Status::OnNode(_) if drained => {
                    self.levels.talking -= spec.size;
                    self.levels.talking_on_nodes -= spec.size;
                    state.remaining_ms = state.ends_ms.saturating_sub(now);
                    state.epoch += 1;
                    state.wait_since_ms = now;
                    let counted = self.metrics.counts_at(now);
                    state.awaiting_replacement = Some(counted);
                    if counted {
                        self.metrics.counts.disrupted_by_drains += 1;
                    }
                }
                _ => continue,
            }
            state.status = Status::Waiting;
            self.waiting.push(call);
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

    /// What the calls' states say at the end of the window.
    fn at_end(&self) -> AtEnd {
        let end = self.population.window_ms.1;
        let mut at_end = AtEnd::default();
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

//! What the model assumes, stated in the report beside the figures it produced: the node (size,
//! boot, failures, price and where the price comes from), the callers (regions, daily rhythm,
//! sizes, lengths) and the scale they were drawn at.

use crate::config::SimConfig;
use crate::population::{Population, PopulationConfig};
use serde::Serialize;

/// The node model, the population model and what was drawn from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumptions {
    /// The node model and the host's rhythm.
    pub node: SimConfig,
    /// What the price is.
    pub instance: &'static str,
    /// What the boot delay stands for.
    pub boot_delay_note: &'static str,
    /// Participants in calls at the global peak the call rate was scaled to.
    pub peak_participants_target: u32,
    /// The regions: name, weight, hour of the UTC day their calls peak.
    pub regions: Vec<(String, f64, f64)>,
    /// The night's call rate as a fraction of a region's peak.
    pub night_floor: f64,
    /// Call sizes: (smallest, largest, share).
    pub call_sizes: Vec<(u32, u32, f64)>,
    /// Median call length, minutes.
    pub median_call_minutes: f64,
    /// σ of the log-normal call length.
    pub call_length_sigma: f64,
    /// Longest call, hours.
    pub max_call_hours: f64,
    /// Expected participants per call.
    pub mean_call_size: f64,
    /// Expected call length, minutes (cap included).
    pub mean_call_minutes: f64,
    /// Calls per second at the global peak, by Little's law.
    pub peak_calls_per_second: f64,
    /// Calls drawn (warm-up and measured day).
    pub calls_drawn: usize,
    /// Simulated hours before the measured day (not counted).
    pub warm_up_hours: f64,
    /// Hours measured.
    pub measured_hours: f64,
    /// How often the scaler runs: every tick, and at once when a call finds no node.
    pub scaler: String,
}

impl Assumptions {
    /// The assumptions behind a run of `config` over `population`, drawn from `drawn_from`.
    pub fn new(config: &SimConfig, drawn_from: &PopulationConfig, population: &Population) -> Self {
        let mix = &drawn_from.mix;
        Self {
            node: config.clone(),
            instance: "c7g.xlarge (4 vCPU Graviton3), on demand, us-east-1, Linux: $0.1445 per hour \
                       (AWS price list; an assumption, not a quote: other regions cost more, \
                       savings plans and spot less)",
            boot_delay_note: "from launch to the node's first heartbeat: the instance's pending → running \
                              (AWS: 'It can take a few minutes to launch an EC2 instance', depending on \
                              instance size and startup scripts) plus the node's own start; 60 s is the \
                              optimistic end",
            peak_participants_target: drawn_from.peak_participants,
            regions: drawn_from.regions.iter().map(|r| (r.name.clone(), r.weight, r.peak_hour_utc)).collect(),
            night_floor: drawn_from.curve.night_floor,
            call_sizes: mix.sizes.iter().map(|b| (b.min, b.max, b.share)).collect(),
            median_call_minutes: mix.median_duration_s / 60.0,
            call_length_sigma: mix.duration_sigma,
            max_call_hours: mix.max_duration_s / 3600.0,
            mean_call_size: mix.mean_size(),
            mean_call_minutes: mix.mean_duration_s() / 60.0,
            peak_calls_per_second: population.peak_call_rate,
            calls_drawn: population.calls.len(),
            warm_up_hours: f64::from(drawn_from.warm_up_s) / 3600.0,
            measured_hours: f64::from(drawn_from.day_s) / 3600.0,
            scaler: format!(
                "core's scale every {} s and at once when a call finds no node; heartbeats every {} s",
                config.scaler_tick_s, config.heartbeat_interval_s
            ),
        }
    }
}

//! What the model assumes, stated in the report beside the figures it produced: the node (size,
//! boot, failures, price and what it is the price of), the callers (regions, daily rhythm,
//! sizes, lengths) and the scale they were drawn at. The notes are written from the values the
//! run used.

use crate::config::SimConfig;
use crate::population::{Population, PopulationConfig};
use serde::Serialize;

/// The node model, the population model and what was drawn from it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumptions {
    /// The node model and the host's rhythm.
    pub node: SimConfig,
    /// What the price is.
    pub price_note: String,
    /// What the boot delay stands for.
    pub boot_delay_note: String,
    /// What the node capacity stands for.
    pub node_capacity_note: String,
    /// What happens to a node that dies.
    pub failure_note: String,
    /// Participants in calls at the global peak the call rate was scaled to.
    pub peak_participants_target: u32,
    /// The regions: name, weight, hour of the UTC day their calls peak.
    pub regions: Vec<(String, f64, f64)>,
    /// The night's call rate as a fraction of a region's peak.
    pub night_floor: f64,
    /// Call sizes: (smallest, largest, share). A call keeps its size for its life.
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
        let heartbeat = config.heartbeat_interval_s;
        Self {
            node: config.clone(),
            price_note: format!(
                "${} per node-hour: {} (assumed: prices differ by region; savings plans and spot cost less)",
                config.price_per_node_hour_usd, config.instance
            ),
            boot_delay_note: format!(
                "{} s from launch to the node's first heartbeat (assumed): an EC2 instance's launch to a \
                 running, registered node; AWS documents that launches can take minutes",
                config.boot_delay_s
            ),
            node_capacity_note: format!(
                "{} participants per node whatever the call sizes (assumed; a node's forwarding cost grows \
                 with call size)",
                config.node_capacity
            ),
            failure_note: format!(
                "a dead node's calls have no media until the registry misses two {heartbeat} s heartbeats \
                 and drops it; then they are placed again. The node is billed until it is dropped"
            ),
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
                "core's scale every {} s and at once when a call finds no node; heartbeats every {heartbeat} s",
                config.scaler_tick_s
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    #[test]
    fn the_notes_are_written_from_the_values_used() {
        let model = Model {
            price_per_node_hour: 0.5,
            instance: "m7g.2xlarge".into(),
            boot_delay_seconds: 240,
            node_capacity: 300,
            peak_participants: 100,
            measured_hours: 1,
            ..Model::default()
        };
        let drawn_from = model.population_config();
        let population = Population::generate(&drawn_from, 1).expect("valid");
        let a = Assumptions::new(&model.sim_config(), &drawn_from, &population);
        assert!(a.price_note.starts_with("$0.5 per node-hour: m7g.2xlarge"), "{}", a.price_note);
        assert!(a.boot_delay_note.starts_with("240 s from launch"), "{}", a.boot_delay_note);
        assert!(a.node_capacity_note.starts_with("300 participants"), "{}", a.node_capacity_note);
    }
}

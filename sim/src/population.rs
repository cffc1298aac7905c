//! The synthetic population: every call of a simulated day (and of a warm-up before it, so the
//! day starts with a fleet already running), drawn once from a seed and shared by every policy
//! setting, so the settings are compared on the same calls.

use crate::call_mix::CallMix;
use crate::diurnal::{DiurnalCurve, RegionDemand};
use crate::error::SimError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationConfig {
    /// Participants in calls at the global peak the arrival rate is scaled to (Little's law).
    pub peak_participants: u32,
    /// Simulated seconds before the measured day (calls arrive, nodes run, nothing is counted).
    pub warm_up_s: u32,
    /// Length of the measured day in seconds.
    pub day_s: u32,
    /// The regions and their shares.
    pub regions: Vec<RegionDemand>,
    /// Each region's daily rhythm.
    pub curve: DiurnalCurve,
    /// Call sizes and lengths.
    pub mix: CallMix,
}

impl PopulationConfig {
    /// Refuses what cannot be drawn: no region or more than 255, a region named twice, weights
    /// that sum to nothing, call sizes below 2 or shares that do not sum to 1, lengths that are
    /// not positive, no participants at the peak, no measured time.
    pub fn validate(&self) -> Result<(), SimError> {
        let refuse = |why: &str| Err(SimError::Config(why.to_owned()));
        if self.regions.is_empty() || self.regions.len() > usize::from(u8::MAX) {
            return refuse("between 1 and 255 regions");
        }
        let names: std::collections::BTreeSet<&str> = self.regions.iter().map(|r| r.name.as_str()).collect();
        if names.len() != self.regions.len() {
            return refuse("a region is named twice");
        }
        if self.regions.iter().any(|r| !(r.weight.is_finite() && r.weight >= 0.0))
            || self.regions.iter().map(|r| r.weight).sum::<f64>() <= 0.0
        {
            return refuse("region weights must be numbers from 0, not all 0");
        }
        if !(0.0..=1.0).contains(&self.curve.night_floor) {
            return refuse("the night floor must be from 0 to 1");
        }
        let share_sum: f64 = self.mix.sizes.iter().map(|b| b.share).sum();
        if (share_sum - 1.0).abs() > 1e-6 || self.mix.sizes.iter().any(|b| b.min < 2 || b.max < b.min) {
            return refuse("call size shares must sum to 1, sizes from 2");
        }
        let mix = &self.mix;
        let positive = |v: f64| v.is_finite() && v > 0.0;
        let spread = mix.duration_sigma.is_finite() && mix.duration_sigma >= 0.0;
        if !(positive(mix.median_duration_s) && positive(mix.max_duration_s) && spread) {
            return refuse("call lengths: a median and a longest above 0, a spread from 0");
        }
        if self.peak_participants == 0 || self.day_s == 0 {
            return refuse("participants at the peak and a measured day above 0");
        }
        Ok(())
    }
}

/// One call of the population.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSpec {
    /// When it starts, in simulated milliseconds (0 is the start of the warm-up).
    pub arrival_ms: u64,
    /// How long its participants talk, in milliseconds.
    pub duration_ms: u64,
    /// Participants.
    pub size: u32,
    /// Index of its region in [`Population::regions`].
    pub region: u8,
}

/// Every call, in arrival order.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// The calls, sorted by arrival.
    pub calls: Vec<CallSpec>,
    /// Region names, indexed by [`CallSpec::region`].
    pub regions: Vec<String>,
    /// The measured window `[start, end)` in simulated milliseconds.
    pub window_ms: (u64, u64),
    /// Calls per second across all regions at the global peak.
    pub peak_call_rate: f64,
}

impl Population {
    /// Draws the calls of `config` from `seed`. Each region's arrivals are a Poisson process
    /// whose rate follows its diurnal curve (drawn by thinning), scaled so that expected
    /// participants in calls at the global peak, rate × mean size × mean length, equal
    /// `peak_participants`.
    pub fn generate(config: &PopulationConfig, seed: u64) -> Result<Self, SimError> {
        config.validate()?;
        let per_call = config.mix.mean_size() * config.mix.mean_duration_s();
        let peak_shape = config.curve.global_peak(&config.regions);
        // Calls per second at a region's own peak, per unit of weight.
        let scale = f64::from(config.peak_participants) / per_call / peak_shape;
        let mut rng = StdRng::seed_from_u64(seed);
        let mut calls = Vec::new();
        let (start, end) = (-f64::from(config.warm_up_s), f64::from(config.day_s));
        for (index, region) in config.regions.iter().enumerate() {
            let max_rate = scale * region.weight;
            if max_rate <= 0.0 {
                continue;
            }
            let mut t = start;
            loop {
                t += -(1.0 - rng.random::<f64>()).ln() / max_rate;
                if t >= end {
                    break;
                }
                if rng.random::<f64>() >= config.curve.relative_rate(t, region.peak_hour_utc) {
                    continue;
                }
                calls.push(CallSpec {
                    arrival_ms: ((t - start) * 1000.0) as u64,
                    duration_ms: config.mix.duration_ms(&mut rng),
                    size: config.mix.size(&mut rng),
                    region: index as u8,
                });
            }
        }
        calls.sort_by_key(|c| (c.arrival_ms, c.region));
        let warm_up_ms = u64::from(config.warm_up_s) * 1000;
        Ok(Self {
            calls,
            regions: config.regions.iter().map(|r| r.name.clone()).collect(),
            window_ms: (warm_up_ms, warm_up_ms + u64::from(config.day_s) * 1000),
            peak_call_rate: scale * peak_shape,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn day(peak_participants: u32) -> PopulationConfig {
        Model { peak_participants, ..Model::default() }.population_config()
    }

    #[test]
    fn the_same_seed_draws_the_same_calls_in_arrival_order() {
        let config = PopulationConfig { day_s: 6 * 3600, ..day(2_000) };
        let a = Population::generate(&config, 3).expect("valid config");
        assert_eq!(a, Population::generate(&config, 3).expect("valid config"));
        assert_ne!(a.calls, Population::generate(&config, 4).expect("valid config").calls);
        assert!(a.calls.windows(2).all(|w| w[0].arrival_ms <= w[1].arrival_ms));
        assert!(a.calls.iter().all(|c| c.arrival_ms < a.window_ms.1));
    }

    #[test]
    fn arrivals_follow_each_regions_day() {
        let config = PopulationConfig { warm_up_s: 0, ..day(5_000) };
        let population = Population::generate(&config, 1).expect("valid config");
        let eu = population.regions.iter().position(|r| r == "eu").expect("eu") as u8;
        let in_hour = |hour: u64| {
            let range = hour * 3_600_000..(hour + 1) * 3_600_000;
            population.calls.iter().filter(|c| c.region == eu && range.contains(&c.arrival_ms)).count()
        };
        // eu peaks at 13:00 UTC and is at its floor at 01:00.
        assert!(in_hour(13) > 10 * in_hour(1).max(1), "{} vs {}", in_hour(13), in_hour(1));
    }

    #[test]
    fn a_mix_whose_shares_do_not_sum_to_one_is_refused() {
        let mut config = day(100);
        config.mix.sizes[0].share = 0.9;
        assert!(matches!(Population::generate(&config, 1), Err(SimError::Config(_))));
    }
}

//! What a simulation assumes about nodes (size, boot delay, failures, price) and the policy
//! settings it compares. The settings become core's `FleetPolicy` and `ScalePolicy`; nothing
//! here decides anything itself.

use crate::error::SimError;
use crate::model::flag_value;
use peershare_core::fleet::{FleetPolicy, ScalePolicy};
use serde::Serialize;
use std::str::FromStr;
use std::time::Duration;

/// The node model and the host's rhythm, shared by every setting of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimConfig {
    /// Participants a node carries.
    pub node_capacity: u32,
    /// Seconds from launching a node to its first heartbeat.
    pub boot_delay_s: u32,
    /// Mean hours between failures of one node (failures are a Poisson process per node);
    /// `None`: nodes never fail.
    pub mtbf_hours: Option<f64>,
    /// What a node costs per hour, in US dollars.
    pub price_per_node_hour_usd: f64,
    /// What that price is of.
    pub instance: String,
    /// Seconds between the scaler's periodic runs.
    pub scaler_tick_s: u32,
    /// Seconds between heartbeats (a node missing two is dead).
    pub heartbeat_interval_s: u32,
}

impl SimConfig {
    /// Refuses what cannot be simulated: a node too small for the largest call (it would wait
    /// for ever), no boot delay, a non-positive rhythm, failure rate or price.
    pub fn validate(&self, largest_call: u32) -> Result<(), SimError> {
        if self.node_capacity < largest_call {
            return Err(SimError::Config(format!(
                "node capacity {} is below the largest call ({largest_call})",
                self.node_capacity
            )));
        }
        if self.node_capacity == 0 || self.boot_delay_s == 0 {
            return Err(SimError::Config("the node capacity and the boot delay must be above 0".into()));
        }
        if self.scaler_tick_s == 0 || self.heartbeat_interval_s == 0 {
            return Err(SimError::Config("the scaler tick and heartbeat interval must be positive".into()));
        }
        if self.mtbf_hours.is_some_and(|h| h.is_nan() || h <= 0.0) {
            return Err(SimError::Config("the mean time between failures must be positive".into()));
        }
        if !self.price_per_node_hour_usd.is_finite() || self.price_per_node_hour_usd <= 0.0 {
            return Err(SimError::Config("the price per node-hour must be a number above 0".into()));
        }
        Ok(())
    }
}

/// One policy setting to simulate a day of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// How the row is named in the report.
    pub label: String,
    /// Core's `FleetPolicy::target_utilisation`.
    pub target_utilisation: f64,
    /// Nodes kept running in every region even when idle.
    pub warm_per_region: u32,
    /// Seconds a node must be idle before it may drain.
    pub quiet_period_s: u32,
}

impl Setting {
    /// A setting labelled from its values.
    pub fn new(target_utilisation: f64, warm_per_region: u32, quiet_period_s: u32) -> Self {
        let label = format!(
            "target {target_utilisation}, warm {warm_per_region}/region, quiet {} min",
            quiet_period_s / 60
        );
        Self { label, target_utilisation, warm_per_region, quiet_period_s }
    }

    /// Refuses a target outside (0, 1].
    pub fn validate(&self) -> Result<(), SimError> {
        let target = self.target_utilisation;
        if target.is_nan() || target <= 0.0 || target > 1.0 {
            return Err(SimError::Config(format!(
                "target utilisation {} not in (0, 1]",
                self.target_utilisation
            )));
        }
        Ok(())
    }

    /// Core's allocation policy for this setting.
    pub fn fleet_policy(&self, config: &SimConfig) -> FleetPolicy {
        FleetPolicy {
            target_utilisation: self.target_utilisation,
            heartbeat_interval: Duration::from_secs(u64::from(config.heartbeat_interval_s)),
        }
    }

    /// Core's scaling policy for this setting over `regions`.
    pub fn scale_policy(&self, config: &SimConfig, regions: &[String]) -> ScalePolicy {
        ScalePolicy {
            node_capacity: config.node_capacity,
            warm_minimum: if self.warm_per_region == 0 {
                Default::default()
            } else {
                regions.iter().map(|r| (r.clone(), self.warm_per_region)).collect()
            },
            quiet_period: Duration::from_secs(u64::from(self.quiet_period_s)),
        }
    }
}

impl FromStr for Setting {
    type Err = String;

    /// `TARGET:WARM_PER_REGION:QUIET_SECONDS`.
    fn from_str(text: &str) -> Result<Self, String> {
        let form = "TARGET:WARM_PER_REGION:QUIET_SECONDS (a target above 0 up to 1, whole numbers)";
        flag_value(text, form, |[target, warm, quiet]| {
            let setting = Self::new(target.parse().ok()?, warm.parse().ok()?, quiet.parse().ok()?);
            setting.validate().is_ok().then_some(setting)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    #[test]
    fn settings_become_cores_policies() {
        let setting = Setting::new(0.9, 1, 1200);
        let config = Model::default().sim_config();
        assert_eq!(setting.fleet_policy(&config).target_utilisation, 0.9);
        let scale = setting.scale_policy(&config, &["eu".into(), "us".into()]);
        assert_eq!(scale.warm_minimum.minimum_at("us", peershare_core::Timestamp::default()), 1);
        assert_eq!(scale.quiet_period, Duration::from_secs(1200));
        assert!(Setting::new(0.8, 0, 300).scale_policy(&config, &["eu".into()]).warm_minimum.is_empty());
    }

    #[test]
    fn what_cannot_run_is_refused() {
        assert!(Setting::new(1.2, 0, 300).validate().is_err());
        assert!(Setting::new(0.0, 0, 300).validate().is_err());
        let config = Model::default().sim_config();
        assert!(SimConfig { node_capacity: 40, ..config.clone() }.validate(50).is_err());
        assert!(SimConfig { mtbf_hours: Some(0.0), ..config.clone() }.validate(50).is_err());
        assert!(SimConfig { price_per_node_hour_usd: 0.0, ..config.clone() }.validate(50).is_err());
        assert!(SimConfig { boot_delay_s: 0, ..config.clone() }.validate(50).is_err());
        assert!(config.validate(50).is_ok());
    }
}

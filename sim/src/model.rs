//! Every parameter of the model in one place, as the binary's flags: the scale, the node (size,
//! boot, failures, price), the host's rhythm, the callers (regions, daily rhythm, call sizes and
//! lengths) and the policy settings compared. The defaults below are the ones the README's
//! table was produced with; each says whether it is measured, quoted or assumed.

use crate::call_mix::{CallMix, SizeBucket};
use crate::config::{Setting, SimConfig};
use crate::diurnal::{DiurnalCurve, RegionDemand};
use crate::error::SimError;
use crate::population::PopulationConfig;
use clap::{Args, Parser};

/// The simulator's model parameters.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct Model {
    /// Participants in calls at the global peak; the call rate is scaled to it (Little's law).
    #[arg(long, allow_negative_numbers = true, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(10..))]
    pub peak_participants: u32,

    /// Participants a media node carries, whatever the size of its calls. Assumed: forwarding
    /// cost grows with call size (`cargo xtask bench --only sfu` measures about 100 people per
    /// core in 5-person calls), so this stands for a mix of sizes on a 4-vCPU node.
    #[arg(long, allow_negative_numbers = true, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub node_capacity: u32,
    /// Seconds from launching a node to its first heartbeat. Assumed: an EC2 instance's launch
    /// to a running, registered node; AWS documents that launches can take minutes.
    #[arg(long, allow_negative_numbers = true, default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub boot_delay_seconds: u32,
    /// Mean hours between failures of one node (exponential lifetimes); `inf`: nodes never
    /// fail. Assumed.
    #[arg(long, allow_negative_numbers = true, default_value_t = 2_000.0, value_parser = positive)]
    pub mtbf_hours: f64,
    /// What a node costs per hour, in US dollars. Default: the on-demand price of the default
    /// `--instance`, from AWS's price list.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.1445, value_parser = positive_finite)]
    pub price_per_node_hour: f64,
    /// What the price is of (named in the report beside it).
    #[arg(long, default_value = "c7g.xlarge (4 vCPU Graviton3), on demand, us-east-1, Linux", value_parser = not_blank)]
    pub instance: String,

    /// Seconds between the scaler's periodic runs (it also runs at once when a call finds no
    /// node with room).
    #[arg(long, allow_negative_numbers = true, default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..))]
    pub scaler_tick_seconds: u32,
    /// Seconds between a node's heartbeats; core's registry finds a node dead after two missed.
    #[arg(long, allow_negative_numbers = true, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub heartbeat_interval_seconds: u32,

    /// The regions, as NAME:WEIGHT:PEAK_HOUR_UTC: each one's share of the calls at its own peak
    /// and the hour its calls peak (about 14:00 local time). Assumed.
    #[arg(long = "region", value_delimiter = ',', default_values = ["eu:0.4:13", "us:0.4:21", "ap:0.2:5"])]
    pub regions: Vec<RegionDemand>,
    /// A region's call rate at night as a fraction of its peak's (0–1). Assumed.
    #[arg(long, allow_negative_numbers = true, default_value_t = 0.05, value_parser = fraction)]
    pub night_floor: f64,
    /// Call sizes, as SIZE:SHARE or MIN-MAX:SHARE (uniform within); the shares sum to 1.
    /// Assumed: most calls of 2–4, a few large meetings. Fixed for a call's life.
    #[arg(long, value_delimiter = ',', default_values = ["2:0.55", "3:0.18", "4:0.10", "5-8:0.10", "9-20:0.05", "21-50:0.02"])]
    pub call_sizes: Vec<SizeBucket>,
    /// Median call length, minutes (lengths are log-normal). Assumed.
    #[arg(long, allow_negative_numbers = true, default_value_t = 20.0, value_parser = positive_finite)]
    pub median_call_minutes: f64,
    /// σ of the log of the call length: 1.0 puts the mean at about 1.65× the median. Assumed.
    #[arg(long, allow_negative_numbers = true, default_value_t = 1.0, value_parser = non_negative_finite)]
    pub call_length_sigma: f64,
    /// Longest call, hours.
    #[arg(long, allow_negative_numbers = true, default_value_t = 8.0, value_parser = positive_finite)]
    pub max_call_hours: f64,
    /// Simulated hours before the measured day, so that it starts with a fleet running.
    #[arg(long, default_value_t = 6)]
    pub warm_up_hours: u32,
    /// Hours measured.
    #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=240))]
    pub measured_hours: u32,

    /// A policy setting to simulate a day of, as TARGET_UTILISATION:WARM_NODES_PER_REGION:
    /// QUIET_PERIOD_SECONDS; one row each. The defaults compare the target (1.0: no headroom),
    /// then, at 0.8, a warm minimum large enough to bind at night at the default peak (the
    /// fewest nodes a region keeps without it is 11–25) and a longer quiet period.
    #[arg(long = "setting", value_delimiter = ',', default_values = ["0.6:0:300", "0.8:0:300", "0.9:0:300", "1.0:0:300", "0.8:30:300", "0.8:0:1200"])]
    pub settings: Vec<Setting>,
}

impl Default for Model {
    /// The flags' defaults.
    fn default() -> Self {
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            model: Model,
        }
        Defaults::parse_from(["defaults"]).model
    }
}

impl Model {
    /// Refuses what the flags allow one by one but cannot run together.
    pub fn validate(&self) -> Result<(), SimError> {
        self.population_config().validate()?;
        if self.settings.is_empty() {
            return Err(SimError::Config("no setting to simulate".into()));
        }
        for setting in &self.settings {
            setting.validate()?;
        }
        self.sim_config().validate(self.call_mix().max_size())
    }

    /// The node model and the host's rhythm.
    pub fn sim_config(&self) -> SimConfig {
        SimConfig {
            node_capacity: self.node_capacity,
            boot_delay_s: self.boot_delay_seconds,
            mtbf_hours: self.mtbf_hours.is_finite().then_some(self.mtbf_hours),
            price_per_node_hour_usd: self.price_per_node_hour,
            instance: self.instance.clone(),
            scaler_tick_s: self.scaler_tick_seconds,
            heartbeat_interval_s: self.heartbeat_interval_seconds,
        }
    }

    /// Call sizes and lengths.
    pub fn call_mix(&self) -> CallMix {
        CallMix {
            sizes: self.call_sizes.clone(),
            median_duration_s: self.median_call_minutes * 60.0,
            duration_sigma: self.call_length_sigma,
            max_duration_s: self.max_call_hours * 3600.0,
        }
    }

    /// Each region's daily rhythm.
    pub fn curve(&self) -> DiurnalCurve {
        DiurnalCurve { night_floor: self.night_floor }
    }

    /// What to draw the calls from.
    pub fn population_config(&self) -> PopulationConfig {
        PopulationConfig {
            peak_participants: self.peak_participants,
            warm_up_s: self.warm_up_hours * 3600,
            day_s: self.measured_hours * 3600,
            regions: self.regions.clone(),
            curve: self.curve(),
            mix: self.call_mix(),
        }
    }
}

/// A flag value of `N` fields written `A:B:…`, trimmed, made into a `T` by `build`; if there
/// are more or fewer fields, or `build` refuses them, an error saying the value is not `form`.
pub(crate) fn flag_value<const N: usize, T>(
    text: &str,
    form: &str,
    build: impl FnOnce([&str; N]) -> Option<T>,
) -> Result<T, String> {
    let fields: Vec<&str> = text.split(':').map(str::trim).collect();
    fields.try_into().ok().and_then(build).ok_or_else(|| format!("`{text}` is not {form}"))
}

fn number(text: &str) -> Result<f64, String> {
    text.trim().parse::<f64>().map_err(|_| format!("`{text}` is not a number"))
}

/// A number above zero (`inf` allowed).
fn positive(text: &str) -> Result<f64, String> {
    let value = number(text)?;
    if value.is_nan() || value <= 0.0 {
        return Err(format!("must be above zero, not {value}"));
    }
    Ok(value)
}

/// A finite number above zero.
fn positive_finite(text: &str) -> Result<f64, String> {
    let value = positive(text)?;
    if value.is_infinite() {
        return Err("must be finite".into());
    }
    Ok(value)
}

/// A finite number, zero or more.
fn non_negative_finite(text: &str) -> Result<f64, String> {
    let value = number(text)?;
    if !value.is_finite() || value < 0.0 {
        return Err(format!("must be zero or more, not {value}"));
    }
    Ok(value)
}

/// A number from 0 to 1.
fn fraction(text: &str) -> Result<f64, String> {
    let value = non_negative_finite(text)?;
    if value > 1.0 {
        return Err(format!("must be from 0 to 1, not {value}"));
    }
    Ok(value)
}

fn not_blank(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("must not be blank".into());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Parser)]
    struct Flags {
        #[command(flatten)]
        model: Model,
    }

    fn parse(args: &[&str]) -> Result<Model, String> {
        Flags::try_parse_from(std::iter::once("sim").chain(args.iter().copied()))
            .map(|f| f.model)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_defaults_are_the_flags_defaults_and_they_run() {
        let model = Model::default();
        assert_eq!(parse(&[]), Ok(model.clone()));
        assert!(model.validate().is_ok());
        assert_eq!(model.regions.len(), 3);
        assert!((model.call_sizes.iter().map(|b| b.share).sum::<f64>() - 1.0).abs() < 1e-9);
        assert_eq!(model.sim_config().mtbf_hours, Some(2_000.0));
    }

    #[test]
    fn flags_set_the_model() {
        let model = parse(&[
            "--mtbf-hours",
            "inf",
            "--region",
            "eu:1:12",
            "--call-sizes",
            "3:0.5,4-6:0.5",
            "--setting",
            "0.7:2:600",
            "--setting",
            "1:0:60",
        ])
        .expect("valid flags");
        assert_eq!(model.sim_config().mtbf_hours, None, "inf: nodes never fail");
        assert_eq!(model.regions, [RegionDemand::new("eu", 1.0, 12.0)]);
        assert_eq!(model.call_sizes[1], SizeBucket { min: 4, max: 6, share: 0.5 });
        assert_eq!(model.settings, [Setting::new(0.7, 2, 600), Setting::new(1.0, 0, 60)]);
        assert_eq!(Model::default().settings[4], Setting::new(0.8, 30, 300));
    }

    #[test]
    fn meaningless_values_are_refused_with_the_flag_named() {
        for (flag, value) in [
            ("--mtbf-hours", "0"),
            ("--mtbf-hours", "-5"),
            ("--mtbf-hours", "NaN"),
            ("--price-per-node-hour", "0"),
            ("--price-per-node-hour", "-0.1"),
            ("--price-per-node-hour", "inf"),
            ("--node-capacity", "0"),
            ("--boot-delay-seconds", "0"),
            ("--boot-delay-seconds", "-60"),
            ("--peak-participants", "0"),
            ("--night-floor", "1.5"),
            ("--median-call-minutes", "NaN"),
            ("--call-sizes", "2:x"),
            ("--region", "eu:0.4"),
            ("--setting", "1.2:0"),
            ("--instance", " "),
        ] {
            let error = parse(&[flag, value]).expect_err(&format!("{flag} {value} accepted"));
            assert!(error.contains(flag), "{flag} {value}: {error}");
        }
    }

    #[test]
    fn what_the_flags_allow_alone_but_not_together_is_refused() {
        let small = Model { node_capacity: 40, ..Model::default() };
        assert!(small.validate().expect_err("largest call 50").to_string().contains("node capacity 40"));
        let shares = parse(&["--call-sizes", "3:0.5,4:0.4"]).expect("each value is valid");
        assert!(shares.validate().is_err(), "shares sum to 0.9");
        assert!(parse(&["--setting", "1.5:0:300"]).is_err(), "a target above 1");
    }
}

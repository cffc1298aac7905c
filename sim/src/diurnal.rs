//! When people call: each region's call rate follows its local working day, peaking in the
//! early afternoon and falling to a night floor. The regions' peaks are eight hours apart, so
//! the fleet's load moves around the globe and the regions' weights set the global peak.

use crate::model::flag_value;
use std::f64::consts::TAU;
use std::str::FromStr;

/// Seconds in a day.
pub const DAY_SECONDS: f64 = 86_400.0;

/// One region's share of the calls and when its day peaks.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionDemand {
    /// The region's name, as nodes and requests carry it.
    pub name: String,
    /// Its share of the global call rate at its own peak, relative to the other regions.
    pub weight: f64,
    /// Hour of the UTC day (0–24) at which its call rate peaks.
    pub peak_hour_utc: f64,
}

impl RegionDemand {
    /// A region named `name`.
    pub fn new(name: &str, weight: f64, peak_hour_utc: f64) -> Self {
        Self { name: name.to_owned(), weight, peak_hour_utc }
    }
}

impl FromStr for RegionDemand {
    type Err = String;

    /// `NAME:WEIGHT:PEAK_HOUR_UTC`.
    fn from_str(text: &str) -> Result<Self, String> {
        let form = "NAME:WEIGHT:PEAK_HOUR_UTC (a weight above 0, an hour from 0 to 24)";
        flag_value(text, form, |[name, weight, hour]| {
            let (weight, hour): (f64, f64) = (weight.parse().ok()?, hour.parse().ok()?);
            let valid =
                !name.is_empty() && weight.is_finite() && weight > 0.0 && (0.0..=24.0).contains(&hour);
            valid.then(|| Self::new(name, weight, hour))
        })
    }
}

/// The shape of a region's day: `floor + (1 − floor) · ((1 + cos φ) / 2)²`, where φ is the
/// phase from the region's peak. Squaring narrows the busy hours to a working day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiurnalCurve {
    /// The night's rate as a fraction of the peak's (0–1).
    pub night_floor: f64,
}

impl DiurnalCurve {
    /// The rate at `utc_seconds` (any real, the curve repeats daily) relative to the peak, in
    /// `[night_floor, 1]`.
    pub fn relative_rate(&self, utc_seconds: f64, peak_hour_utc: f64) -> f64 {
        let phase = TAU * (utc_seconds / DAY_SECONDS - peak_hour_utc / 24.0);
        let day = ((1.0 + phase.cos()) / 2.0).powi(2);
        self.night_floor + (1.0 - self.night_floor) * day
    }

    /// The highest value over the day of `Σ weight · relative_rate`: the global peak in units
    /// of a region's peak rate (searched minute by minute).
    pub fn global_peak(&self, regions: &[RegionDemand]) -> f64 {
        (0..1440)
            .map(|minute| {
                let t = f64::from(minute) * 60.0;
                regions.iter().map(|r| r.weight * self.relative_rate(t, r.peak_hour_utc)).sum::<f64>()
            })
            .fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    #[test]
    fn a_region_peaks_at_its_hour_and_bottoms_out_at_the_floor_twelve_hours_later() {
        let curve = DiurnalCurve { night_floor: 0.1 };
        assert!((curve.relative_rate(13.0 * 3600.0, 13.0) - 1.0).abs() < 1e-9);
        assert!((curve.relative_rate(1.0 * 3600.0, 13.0) - 0.1).abs() < 1e-9);
        assert!((curve.relative_rate(-23.0 * 3600.0, 13.0) - 0.1).abs() < 1e-9, "the curve repeats daily");
    }

    #[test]
    fn the_global_peak_is_below_the_sum_of_the_regions_peaks_because_they_are_hours_apart() {
        let model = Model::default();
        let (curve, regions) = (model.curve(), model.regions);
        let peak = curve.global_peak(&regions);
        let sum: f64 = regions.iter().map(|r| r.weight).sum();
        assert!(peak < sum * 0.8, "{peak} vs {sum}");
        assert!(peak >= 0.4, "at least one region's own peak: {peak}");
    }
}

//! What a call looks like: how many take part (2–50, most 2–4) and how long it lasts (a
//! log-normal: a median of minutes and a long tail of hours, capped).

use crate::model::flag_value;
use rand::Rng;
use std::f64::consts::TAU;
use std::str::FromStr;

/// Call sizes from `min` to `max` participants (uniform within), drawn with probability `share`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeBucket {
    /// Smallest size in the bucket.
    pub min: u32,
    /// Largest size in the bucket.
    pub max: u32,
    /// Probability of the bucket (the buckets' shares sum to 1).
    pub share: f64,
}

impl FromStr for SizeBucket {
    type Err = String;

    /// `SIZE:SHARE` or `MIN-MAX:SHARE`.
    fn from_str(text: &str) -> Result<Self, String> {
        flag_value(
            text,
            "SIZE:SHARE or MIN-MAX:SHARE (sizes from 2, a share from 0 to 1)",
            |[sizes, share]| {
                let (min, max) = sizes.split_once('-').unwrap_or((sizes, sizes));
                let (min, max) = (min.trim().parse().ok()?, max.trim().parse().ok()?);
                let share: f64 = share.parse().ok()?;
                (min >= 2 && max >= min && (0.0..=1.0).contains(&share)).then_some(Self { min, max, share })
            },
        )
    }
}

/// The distributions calls are drawn from.
#[derive(Debug, Clone, PartialEq)]
pub struct CallMix {
    /// Call sizes.
    pub sizes: Vec<SizeBucket>,
    /// Median call length in seconds.
    pub median_duration_s: f64,
    /// Spread of the log-normal (σ of the log of the length): 1.0 gives a mean 1.65× the median.
    pub duration_sigma: f64,
    /// Longest call, in seconds.
    pub max_duration_s: f64,
}

impl CallMix {
    /// Draws a call size.
    pub fn size(&self, rng: &mut impl Rng) -> u32 {
        let mut u: f64 = rng.random();
        for b in &self.sizes {
            if u < b.share {
                return rng.random_range(b.min..=b.max);
            }
            u -= b.share;
        }
        self.sizes.last().map_or(2, |b| b.max)
    }

    /// Draws a call length in milliseconds (at least one second).
    pub fn duration_ms(&self, rng: &mut impl Rng) -> u64 {
        let seconds = (self.median_duration_s.ln() + self.duration_sigma * standard_normal(rng)).exp();
        (seconds.clamp(1.0, self.max_duration_s) * 1000.0) as u64
    }

    /// The expected call size.
    pub fn mean_size(&self) -> f64 {
        self.sizes.iter().map(|b| b.share * f64::from(b.min + b.max) / 2.0).sum()
    }

    /// The largest call size.
    pub fn max_size(&self) -> u32 {
        self.sizes.iter().map(|b| b.max).max().unwrap_or(2)
    }

    /// The expected call length in seconds, cap included: `E[min(X, cap)]` for the log-normal
    /// `X`, integrated numerically over the standard normal.
    pub fn mean_duration_s(&self) -> f64 {
        const STEPS: u32 = 20_000;
        const Z: f64 = 9.0;
        let dz = 2.0 * Z / f64::from(STEPS);
        let density = |z: f64| (-z * z / 2.0).exp() / TAU.sqrt();
        (0..=STEPS)
            .map(|i| {
                let z = -Z + f64::from(i) * dz;
                let length = (self.median_duration_s.ln() + self.duration_sigma * z).exp();
                let weight = if i == 0 || i == STEPS { 0.5 } else { 1.0 };
                weight * length.min(self.max_duration_s) * density(z) * dz
            })
            .sum()
    }
}

/// A standard normal sample (Box–Muller).
fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]: its log is finite
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn sizes_stay_in_range_and_most_calls_are_small() {
        let mix = Model::default().call_mix();
        let mut rng = StdRng::seed_from_u64(7);
        let sizes: Vec<u32> = (0..20_000).map(|_| mix.size(&mut rng)).collect();
        assert!(sizes.iter().all(|s| (2..=50).contains(s)));
        let small = sizes.iter().filter(|s| **s <= 4).count() as f64 / sizes.len() as f64;
        assert!((small - 0.83).abs() < 0.02, "share of calls of 2–4: {small}");
        let mean = sizes.iter().map(|s| f64::from(*s)).sum::<f64>() / sizes.len() as f64;
        assert!((mean - mix.mean_size()).abs() < 0.15, "{mean} vs {}", mix.mean_size());
    }

    #[test]
    fn durations_have_the_median_the_cap_and_the_mean_the_integral_predicts() {
        let mix = Model::default().call_mix();
        let mut rng = StdRng::seed_from_u64(9);
        let mut ms: Vec<u64> = (0..40_000).map(|_| mix.duration_ms(&mut rng)).collect();
        ms.sort_unstable();
        let median = ms[ms.len() / 2] as f64 / 1000.0;
        assert!((median / mix.median_duration_s - 1.0).abs() < 0.05, "median {median}");
        assert!(ms.last().is_some_and(|m| *m as f64 <= mix.max_duration_s * 1000.0));
        let mean = ms.iter().map(|m| *m as f64 / 1000.0).sum::<f64>() / ms.len() as f64;
        assert!((mean / mix.mean_duration_s() - 1.0).abs() < 0.03, "{mean} vs {}", mix.mean_duration_s());
        // The tail is heavy: the mean sits well above the median.
        assert!(mix.mean_duration_s() > 1.5 * mix.median_duration_s);
    }
}

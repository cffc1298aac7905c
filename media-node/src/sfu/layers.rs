//! Which simulcast layer each subscriber receives: the highest layer that its bandwidth
//! estimate can carry and that its rendered tile size can use.
//!
//! Publishers send their layers lowest first (`q`, `h`, `f`), each half the height of the next.

/// Bitrates assumed for a layer before the node has measured it, lowest first (bits/s).
const DEFAULT_RATES: [u64; 3] = [150_000, 500_000, 1_500_000];

/// Share of the estimate the node spends on video; the rest is headroom for audio and noise.
const BUDGET_SHARE: f64 = 0.85;

/// One forwarded video track as the layer chooser sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoDemand {
    /// Measured bitrate of each layer the publisher sends, lowest first (`None` until measured).
    pub layer_rates: Vec<Option<u64>>,
    /// Whether each layer is arriving now (browsers stop sending top layers when their own
    /// uplink is short).
    pub active: Vec<bool>,
    /// Height of the publisher's top layer in pixels (0 if unknown).
    pub full_height: u32,
    /// Height the subscriber renders the tile at (0 = not shown).
    pub viewport_height: u32,
}

impl VideoDemand {
    fn layers(&self) -> usize {
        self.layer_rates.len()
    }

    fn rate(&self, layer: usize) -> u64 {
        self.layer_rates[layer].unwrap_or(DEFAULT_RATES[layer.min(DEFAULT_RATES.len() - 1)])
    }

    fn is_active(&self, layer: usize) -> bool {
        self.active.get(layer).copied().unwrap_or(true)
    }

    /// The lowest layer that is arriving (0 if none is).
    fn lowest_active(&self) -> usize {
        (0..self.layers()).find(|&l| self.is_active(l)).unwrap_or(0)
    }

    /// The next arriving layer above `layer`, up to the useful cap.
    fn step_up(&self, layer: usize) -> Option<usize> {
        (layer + 1..=self.useful_cap()).find(|&l| self.is_active(l))
    }

    /// The bitrate worth probing for when `chosen` is forwarded: that of the next useful layer
    /// up, or of `chosen` when it is the top.
    pub fn desired_rate(&self, chosen: usize) -> u64 {
        if self.layers() == 0 {
            return 0;
        }
        self.rate(self.step_up(chosen).unwrap_or(chosen))
    }

    /// The highest layer worth sending: the smallest one at least as tall as the tile.
    fn useful_cap(&self) -> usize {
        let top = self.layers().saturating_sub(1);
        if self.viewport_height == 0 {
            return 0;
        }
        let full = if self.full_height == 0 { 720 } else { self.full_height };
        (0..=top)
            .find(|&layer| {
                let height = full >> (top - layer);
                // A layer within 10% of the tile's height looks the same once scaled.
                u64::from(height) * 10 >= u64::from(self.viewport_height) * 9
            })
            .unwrap_or(top)
    }
}

/// The layer (index, lowest = 0) to forward for each demand, given the subscriber's estimated
/// downlink in bits/s. Every track gets at least its lowest layer; the budget left is spent one
/// step at a time, largest tiles first.
pub fn choose_layers(estimate_bps: u64, demands: &[VideoDemand]) -> Vec<usize> {
    let mut chosen: Vec<usize> = demands.iter().map(VideoDemand::lowest_active).collect();
    let budget = (estimate_bps as f64 * BUDGET_SHARE) as u64;
    let mut spent: u64 =
        demands.iter().zip(&chosen).filter(|(d, _)| d.layers() > 0).map(|(d, &l)| d.rate(l)).sum();
    let mut order: Vec<usize> = (0..demands.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(demands[i].viewport_height));
    loop {
        let mut stepped = false;
        for &i in &order {
            let d = &demands[i];
            let Some(next) = d.step_up(chosen[i]) else { continue };
            let extra = d.rate(next).saturating_sub(d.rate(chosen[i]));
            if spent + extra <= budget {
                spent += extra;
                chosen[i] = next;
                stepped = true;
            }
        }
        if !stepped {
            return chosen;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(viewport_height: u32) -> VideoDemand {
        VideoDemand {
            layer_rates: vec![Some(150_000), Some(500_000), Some(1_500_000)],
            active: vec![true; 3],
            full_height: 720,
            viewport_height,
        }
    }

    #[test]
    fn a_large_tile_with_plenty_of_bandwidth_gets_the_top_layer() {
        assert_eq!(choose_layers(10_000_000, &[demand(720)]), vec![2]);
    }

    #[test]
    fn a_small_tile_gets_the_layer_that_fits_it_however_much_bandwidth_there_is() {
        assert_eq!(choose_layers(10_000_000, &[demand(180)]), vec![0], "180 px: the quarter layer");
        assert_eq!(choose_layers(10_000_000, &[demand(300)]), vec![1], "300 px: the half layer (360)");
        assert_eq!(choose_layers(10_000_000, &[demand(0)]), vec![0], "hidden tiles get the lowest");
    }

    #[test]
    fn little_bandwidth_keeps_everyone_on_the_lowest_layer() {
        assert_eq!(choose_layers(300_000, &[demand(720), demand(720)]), vec![0, 0]);
    }

    #[test]
    fn the_budget_goes_to_the_largest_tile_first() {
        // 0.85 × 2.2 Mb/s = 1.87 Mb/s: the big tile can reach `f` (1.5) with the small one at `q`.
        let chosen = choose_layers(2_200_000, &[demand(180), demand(720)]);
        assert_eq!(chosen, vec![0, 2]);
    }

    #[test]
    fn unmeasured_layers_use_default_rates_and_single_layer_tracks_stay_at_zero() {
        let unmeasured = VideoDemand {
            layer_rates: vec![None, None, None],
            active: vec![],
            full_height: 0,
            viewport_height: 720,
        };
        assert_eq!(choose_layers(3_000_000, &[unmeasured]), vec![2]);
        let single = VideoDemand {
            layer_rates: vec![None],
            active: vec![true],
            full_height: 360,
            viewport_height: 720,
        };
        assert_eq!(choose_layers(3_000_000, &[single]), vec![0]);
        let none = VideoDemand { layer_rates: vec![], active: vec![], full_height: 0, viewport_height: 720 };
        assert_eq!(choose_layers(3_000_000, &[none]), vec![0]);
    }

    #[test]
    fn layers_that_stopped_arriving_are_skipped() {
        let mut top_missing = demand(720);
        top_missing.active = vec![true, true, false];
        assert_eq!(choose_layers(10_000_000, &[top_missing]), vec![1], "the best layer still arriving");
        let mut only_top = demand(720);
        only_top.active = vec![false, false, true];
        assert_eq!(choose_layers(100_000, &[only_top]), vec![2], "the only layer there is, however tight");
    }
}

//! Published tracks (what a participant sends to the node) and forwarded tracks (what the node
//! sends to a subscriber), with the small bookkeeping each needs.

use peershare_core::protocol::{ParticipantId, TrackSource};
use std::time::{Duration, Instant};
use str0m::media::{MediaKind, MediaTime, Mid, Rid};

/// Shortest time between two keyframe requests for the same layer of a published track.
pub const KEYFRAME_REQUEST_INTERVAL: Duration = Duration::from_millis(300);

/// A layer with no media for this long counts as stopped.
pub const LAYER_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a simulcast layer must go unwanted before the publisher is asked to pause it.
pub const PAUSE_AFTER: Duration = Duration::from_secs(2);

/// A track a participant publishes to the node.
#[derive(Debug)]
pub struct PublishedTrack {
    /// The publisher's mid.
    pub mid: Mid,
    /// Audio or video.
    pub kind: MediaKind,
    /// Camera or screen, as the publisher describes it.
    pub source: TrackSource,
    /// Simulcast layers, lowest first; empty without simulcast.
    pub rids: Vec<Rid>,
    /// Height of the top layer, when the publisher said.
    pub full_height: u32,
    /// Measured bitrate per layer (one entry without simulcast).
    pub rates: Vec<RateMeter>,
    /// When a keyframe was last requested, per layer.
    pub last_keyframe_request: Vec<Option<Instant>>,
    /// When media last arrived, per layer.
    pub last_seen: Vec<Option<Instant>>,
    /// Layers the node asked the publisher to pause because no subscriber wants them.
    pub paused: Vec<bool>,
    /// Since when nobody has wanted each layer (`None` while someone does).
    pub unwanted_since: Vec<Option<Instant>>,
    /// Whether each paused layer was still arriving when the node paused it: only those count
    /// as available, so a layer the browser dropped itself is not resumed over and over.
    pub arriving_when_paused: Vec<bool>,
}

impl PublishedTrack {
    /// A newly negotiated track.
    pub fn new(mid: Mid, kind: MediaKind, rids: Vec<Rid>) -> Self {
        let layers = rids.len().max(1);
        Self {
            mid,
            kind,
            source: TrackSource::Camera,
            rids,
            full_height: 0,
            rates: vec![RateMeter::default(); layers],
            last_keyframe_request: vec![None; layers],
            last_seen: vec![None; layers],
            paused: vec![false; layers],
            unwanted_since: vec![None; layers],
            arriving_when_paused: vec![false; layers],
        }
    }

    /// Records that the publisher was told to pause exactly the `paused` layers at `now`.
    pub fn set_paused(&mut self, paused: Vec<bool>, now: Instant) {
        let arriving = self.recently_seen(now);
        for (layer, (&now_paused, &was_paused)) in paused.iter().zip(&self.paused).enumerate() {
            if now_paused && !was_paused {
                self.arriving_when_paused[layer] = arriving[layer];
            }
        }
        self.paused = paused;
    }

    fn recently_seen(&self, now: Instant) -> Vec<bool> {
        self.last_seen
            .iter()
            .map(|s| s.is_some_and(|t| now.saturating_duration_since(t) < LAYER_TIMEOUT))
            .collect()
    }

    /// Which layers should be paused given which are `wanted` now: a wanted layer resumes at
    /// once, an unwanted one pauses only after [`PAUSE_AFTER`] without anyone wanting it, so
    /// layer choices that settle over the first seconds of a call do not flap the encoder.
    pub fn pauses_for(&mut self, wanted: &[bool], now: Instant) -> Vec<bool> {
        self.unwanted_since
            .iter_mut()
            .zip(wanted)
            .map(|(since, &wanted)| {
                if wanted {
                    *since = None;
                    false
                } else {
                    now.saturating_duration_since(*since.get_or_insert(now)) >= PAUSE_AFTER
                }
            })
            .collect()
    }

    /// Counts a frame of `bytes` on `layer` arriving at `now`.
    pub fn record(&mut self, layer: usize, now: Instant, bytes: usize) {
        if let (Some(rate), Some(seen)) = (self.rates.get_mut(layer), self.last_seen.get_mut(layer)) {
            rate.add(now, bytes);
            *seen = Some(now);
        }
    }

    /// Which layers can be chosen: those that arrived within the last [`LAYER_TIMEOUT`], and
    /// those the node paused itself (they resume once a subscriber wants them).
    pub fn available_layers(&self, now: Instant) -> Vec<bool> {
        self.recently_seen(now)
            .into_iter()
            .zip(self.paused.iter().zip(&self.arriving_when_paused))
            .map(|(seen, (&paused, &was_arriving))| seen || (paused && was_arriving))
            .collect()
    }

    /// Index of a packet's layer (0 without simulcast); `None` for an unknown rid.
    pub fn layer_of(&self, rid: Option<Rid>) -> Option<usize> {
        match rid {
            None if self.rids.is_empty() => Some(0),
            None => None,
            Some(rid) => self.rids.iter().position(|r| *r == rid),
        }
    }

    /// The rid of a layer (`None` without simulcast).
    pub fn rid_of(&self, layer: usize) -> Option<Rid> {
        self.rids.get(layer).copied()
    }

    /// Whether a keyframe may be requested for `layer` now; records the request if so.
    pub fn may_request_keyframe(&mut self, layer: usize, now: Instant) -> bool {
        let Some(last) = self.last_keyframe_request.get_mut(layer) else { return false };
        if last.is_some_and(|t| now.saturating_duration_since(t) < KEYFRAME_REQUEST_INTERVAL) {
            return false;
        }
        *last = Some(now);
        true
    }

    /// Measured bitrates per layer in bits/s.
    pub fn layer_rates(&self) -> Vec<Option<u64>> {
        self.rates.iter().map(RateMeter::bps).collect()
    }
}

/// Where a forwarded track is in the node's negotiation with the subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negotiation {
    /// Needs an m-line in the next offer.
    ToOpen,
    /// Offered on this mid; waiting for the answer.
    Opening(Mid),
    /// Flowing on this mid.
    Open(Mid),
    /// Must be stopped in the next offer.
    ToStop(Mid),
    /// Stop offered; waiting for the answer.
    Stopping(Mid),
}

impl Negotiation {
    /// The subscriber-side mid, once one was offered.
    pub fn mid(self) -> Option<Mid> {
        match self {
            Negotiation::ToOpen => None,
            Negotiation::Opening(m)
            | Negotiation::Open(m)
            | Negotiation::ToStop(m)
            | Negotiation::Stopping(m) => Some(m),
        }
    }
}

/// A published track as forwarded to one subscriber.
#[derive(Debug)]
pub struct ForwardedTrack {
    /// Who publishes it.
    pub publisher: ParticipantId,
    /// The publisher's mid.
    pub mid_in: Mid,
    /// Audio or video.
    pub kind: MediaKind,
    /// Camera or screen.
    pub source: TrackSource,
    /// Negotiation with the subscriber.
    pub state: Negotiation,
    /// The publisher left while the m-line was being offered: stop it once answered.
    pub publisher_gone: bool,
    /// The layer being forwarded (`None` until the first keyframe of the target arrives).
    pub current: Option<usize>,
    /// The layer the node wants to forward.
    pub target: usize,
    /// Rendered height at the subscriber (starts large so the first choice is by bandwidth).
    pub viewport_height: u32,
    /// Keeps the outgoing RTP clock continuous across layer switches.
    pub rebase: TimeRebase,
}

impl ForwardedTrack {
    /// A track to offer to a subscriber.
    pub fn new(publisher: ParticipantId, track: &PublishedTrack) -> Self {
        Self {
            publisher,
            mid_in: track.mid,
            kind: track.kind,
            source: track.source,
            state: Negotiation::ToOpen,
            publisher_gone: false,
            current: None,
            // Start low: a first picture arrives sooner, and bandwidth estimation raises it.
            target: 0,
            viewport_height: 360,
            rebase: TimeRebase::default(),
        }
    }
}

impl ForwardedTrack {
    /// The layer the subscriber is getting: the current one, or the target before the first.
    pub fn sending_layer(&self) -> usize {
        self.current.unwrap_or(self.target)
    }
}

/// A bitrate measured over one-second windows, smoothed.
#[derive(Debug, Clone, Default)]
pub struct RateMeter {
    window_start: Option<Instant>,
    window_bytes: u64,
    bps: Option<u64>,
}

impl RateMeter {
    const WINDOW: Duration = Duration::from_secs(1);

    /// Counts `bytes` received at `now`.
    pub fn add(&mut self, now: Instant, bytes: usize) {
        let start = *self.window_start.get_or_insert(now);
        self.window_bytes += bytes as u64;
        let elapsed = now.saturating_duration_since(start);
        if elapsed >= Self::WINDOW {
            let sample = self.window_bytes * 8 * 1000 / (elapsed.as_millis() as u64).max(1);
            self.bps = Some(match self.bps {
                Some(prev) => (prev * 3 + sample) / 4,
                None => sample,
            });
            self.window_start = Some(now);
            self.window_bytes = 0;
        }
    }

    /// The smoothed rate, once a window has completed.
    pub fn bps(&self) -> Option<u64> {
        self.bps
    }
}

/// Maps incoming media times onto one continuous outgoing clock. Simulcast layers have
/// unrelated RTP clocks, so a switch must not make the subscriber's clock jump.
#[derive(Debug, Default)]
pub struct TimeRebase {
    offset: i64,
    last: Option<(u64, Instant)>,
}

impl TimeRebase {
    /// The outgoing time for a frame with media time `time` that arrived at `at`. On `rebase`
    /// (a switch to another layer) the new layer's clock is aligned to continue where the
    /// previous one left off.
    pub fn map(&mut self, time: MediaTime, at: Instant, rebase: bool) -> MediaTime {
        let hz = u64::from(time.frequency().get());
        if rebase && let Some((last_out, last_at)) = self.last {
            let elapsed = at.saturating_duration_since(last_at);
            let expected = last_out + (elapsed.as_micros() as u64 * hz / 1_000_000).max(1);
            self.offset = expected as i64 - time.numer() as i64;
        }
        let out = (time.numer() as i64 + self.offset).max(0) as u64;
        if self.last.is_none_or(|(last_out, _)| out > last_out) {
            self.last = Some((out, at));
        }
        MediaTime::new(out, time.frequency())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use str0m::media::Frequency;

    #[test]
    fn rebase_keeps_the_clock_continuous_across_a_switch() {
        let t0 = Instant::now();
        let mut rebase = TimeRebase::default();
        let at = |ms| t0 + Duration::from_millis(ms);
        let ninety = |ticks| MediaTime::new(ticks, Frequency::NINETY_KHZ);
        assert_eq!(rebase.map(ninety(1_000), at(0), true).numer(), 1_000, "first frame passes through");
        assert_eq!(rebase.map(ninety(4_000), at(33), false).numer(), 4_000);
        // The other layer's clock is somewhere else entirely.
        let switched = rebase.map(ninety(900_000), at(66), true).numer();
        assert_eq!(switched, 4_000 + 33 * 90, "continues 33 ms after the last frame");
        assert_eq!(rebase.map(ninety(903_000), at(99), false).numer(), switched + 3_000);
    }

    #[test]
    fn an_unwanted_layer_pauses_only_after_a_while_and_resumes_at_once() {
        let t0 = Instant::now();
        let rid = |r: &str| Rid::from(r);
        let mut track =
            PublishedTrack::new(Mid::from("1"), MediaKind::Video, vec![rid("q"), rid("h"), rid("f")]);
        let top_unwanted = [true, true, false];
        assert_eq!(track.pauses_for(&top_unwanted, t0), [false; 3], "not at once");
        assert_eq!(track.pauses_for(&top_unwanted, t0 + PAUSE_AFTER / 2), [false; 3]);
        assert_eq!(track.pauses_for(&top_unwanted, t0 + PAUSE_AFTER), [false, false, true]);
        assert_eq!(track.pauses_for(&[true; 3], t0 + PAUSE_AFTER * 2), [false; 3], "wanted again: resumes");
        // Wanted for a moment in between: the clock starts over.
        assert_eq!(track.pauses_for(&top_unwanted, t0 + PAUSE_AFTER * 3), [false; 3]);
        assert_eq!(track.pauses_for(&top_unwanted, t0 + PAUSE_AFTER * 4), [false, false, true]);
    }

    #[test]
    fn only_a_layer_that_was_arriving_stays_available_while_paused() {
        let t0 = Instant::now();
        let rid = |r: &str| Rid::from(r);
        let mut track =
            PublishedTrack::new(Mid::from("1"), MediaKind::Video, vec![rid("q"), rid("h"), rid("f")]);
        track.record(0, t0, 100);
        track.record(2, t0, 100);
        // h never arrived (the browser dropped it); f did.
        let later = t0 + LAYER_TIMEOUT * 3;
        track.set_paused(vec![false, true, true], t0);
        track.record(0, later, 100);
        assert_eq!(track.available_layers(later), [true, false, true]);
        track.set_paused(vec![false; 3], later);
        assert_eq!(
            track.available_layers(later),
            [true, false, false],
            "resumed: available once it arrives again"
        );
    }

    #[test]
    fn rate_meter_reports_after_a_full_window() {
        let t0 = Instant::now();
        let mut meter = RateMeter::default();
        meter.add(t0, 1_000);
        assert_eq!(meter.bps(), None);
        meter.add(t0 + Duration::from_millis(500), 1_000);
        meter.add(t0 + Duration::from_millis(1_000), 500);
        assert_eq!(meter.bps(), Some(2_500 * 8));
    }

    #[test]
    fn keyframe_requests_are_throttled_per_layer() {
        let now = Instant::now();
        let mut track =
            PublishedTrack::new(Mid::from("0"), MediaKind::Video, vec![Rid::from("q"), Rid::from("f")]);
        assert!(track.may_request_keyframe(0, now));
        assert!(!track.may_request_keyframe(0, now + Duration::from_millis(100)));
        assert!(track.may_request_keyframe(1, now), "another layer is independent");
        assert!(track.may_request_keyframe(0, now + KEYFRAME_REQUEST_INTERVAL));
        assert!(!track.may_request_keyframe(5, now), "no such layer");
        assert_eq!(track.layer_of(Some(Rid::from("f"))), Some(1));
        assert_eq!(track.layer_of(None), None, "simulcast packets carry a rid");
    }
}

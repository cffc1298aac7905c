//! Streams on the wire: the bits and packets a second of one audio or video stream, from the
//! bitrates the web client configures and the packet sizes WebRTC uses. Pure arithmetic.

use super::inputs::{Layer, MediaAssumptions};

/// One stream's rate on the wire.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stream {
    /// Bits a second, headers included.
    pub bps: f64,
    /// Packets a second.
    pub pps: f64,
}

impl Stream {
    /// Both streams together.
    pub fn plus(self, o: Stream) -> Stream {
        Stream { bps: self.bps + o.bps, pps: self.pps + o.pps }
    }

    /// This stream `k` times.
    pub fn times(self, k: f64) -> Stream {
        Stream { bps: self.bps * k, pps: self.pps * k }
    }

    /// With `bytes` more on every packet (a TURN header).
    pub fn with_overhead(self, bytes: f64) -> Stream {
        Stream { bps: self.bps + self.pps * bytes * 8.0, pps: self.pps }
    }

    /// Gigabytes (10⁹ bytes) in a minute.
    pub fn gb_per_minute(self) -> f64 {
        self.bps * 60.0 / 8.0 / 1e9
    }
}

/// Audio: `audio_bps` of payload in `audio_packets_per_s` packets, each with the headers.
pub fn audio(m: &MediaAssumptions) -> Stream {
    let pps = m.audio_packets_per_s.value;
    Stream { bps: m.audio_bps.value + pps * m.packet_overhead_bytes.value * 8.0, pps }
}

/// Video at `payload_bps` and the camera's frame rate: each frame is cut into packets of at
/// most `max_payload_bytes`, each with the headers.
pub fn video(m: &MediaAssumptions, payload_bps: f64) -> Stream {
    let fps = m.video_fps.value;
    let frame_bytes = payload_bps / 8.0 / fps;
    let pps = fps * (frame_bytes / m.max_payload_bytes.value).ceil();
    Stream { bps: payload_bps + pps * m.packet_overhead_bytes.value * 8.0, pps }
}

/// A simulcast layer's payload bitrate.
pub fn layer_bps(m: &MediaAssumptions, layer: Layer) -> f64 {
    match layer {
        Layer::Q => m.layer_q_bps.value,
        Layer::H => m.layer_h_bps.value,
        Layer::F => m.layer_f_bps.value,
    }
}

/// The layers, lowest first.
pub const LAYERS: [Layer; 3] = [Layer::Q, Layer::H, Layer::F];

/// What a publisher sends a node: audio and the simulcast layers it keeps on (the lowest
/// `always_sent_layers`, and the top one when someone watches it or a recording takes it).
pub fn published(m: &MediaAssumptions, top_wanted: bool) -> Stream {
    let always = m.always_sent_layers.value as usize;
    LAYERS
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < always || top_wanted)
        .fold(audio(m), |sum, (_, &layer)| sum.plus(video(m, layer_bps(m, layer))))
}

/// What one subscriber receives in a call of `participants` on a node: everyone else's audio,
/// the `visible` layer of the tiles a page shows, and the lowest layer of everyone off it.
pub fn received_on_node(m: &MediaAssumptions, participants: u32, visible: Layer) -> Stream {
    let others = f64::from(participants.saturating_sub(1));
    let shown = others.min(m.tiles_per_page.value - 1.0);
    let voices = audio(m).times(others);
    let shown_video = video(m, layer_bps(m, visible)).times(shown);
    let hidden_video = video(m, layer_bps(m, Layer::Q)).times(others - shown);
    voices.plus(shown_video).plus(hidden_video)
}

/// What one participant of a two-person call receives from the other, directly or relayed:
/// audio and one unlayered video stream at the browser's peer-to-peer rate.
pub fn received_peer_to_peer(m: &MediaAssumptions) -> Stream {
    audio(m).plus(video(m, m.p2p_video_bps.value))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cost::inputs::Assumed;

    fn v(value: f64) -> Assumed<f64> {
        Assumed { value, basis: "assumed".into(), why: String::new(), file: None, quote: None }
    }

    /// Round media figures whose streams are easy to check by hand.
    pub(crate) fn media() -> MediaAssumptions {
        MediaAssumptions {
            audio_bps: v(32_000.0),
            audio_packets_per_s: v(50.0),
            video_fps: v(30.0),
            max_payload_bytes: v(1200.0),
            packet_overhead_bytes: v(50.0),
            turn_overhead_bytes: v(4.0),
            layer_q_bps: v(144_000.0),
            layer_h_bps: v(576_000.0),
            layer_f_bps: v(1_440_000.0),
            always_sent_layers: v(2.0),
            tiles_per_page: v(9.0),
            p2p_video_bps: v(2_880_000.0),
        }
    }

    #[test]
    fn audio_carries_its_headers_on_every_packet() {
        // 32 kbit/s + 50 packets × 50 bytes × 8 = 52 kbit/s.
        assert_eq!(audio(&media()), Stream { bps: 52_000.0, pps: 50.0 });
    }

    #[test]
    fn video_frames_are_cut_into_packets_of_the_largest_payload() {
        let m = media();
        // 144 kbit/s at 30 fps: 600-byte frames, one packet each: 30 packets, 12 kbit/s of headers.
        assert_eq!(video(&m, 144_000.0), Stream { bps: 156_000.0, pps: 30.0 });
        // 576 kbit/s: 2,400-byte frames, two packets each.
        assert_eq!(video(&m, 576_000.0), Stream { bps: 600_000.0, pps: 60.0 });
        // 1,440 kbit/s: 6,000-byte frames, five packets each.
        assert_eq!(video(&m, 1_440_000.0).pps, 150.0);
    }

    #[test]
    fn publishers_send_the_top_layer_only_when_it_is_wanted() {
        let m = media();
        let lower = audio(&m).plus(video(&m, 144_000.0)).plus(video(&m, 576_000.0));
        assert_eq!(published(&m, false), lower);
        assert_eq!(published(&m, true), lower.plus(video(&m, 1_440_000.0)));
    }

    #[test]
    fn a_subscriber_gets_the_shown_layer_of_a_page_and_the_lowest_of_everyone_else() {
        let m = media();
        // Five people: four others, all shown.
        assert_eq!(
            received_on_node(&m, 5, Layer::H),
            audio(&m).times(4.0).plus(video(&m, 576_000.0).times(4.0))
        );
        // Fifty: 49 others, 8 shown in the middle layer, 41 off the page in the lowest.
        let fifty = received_on_node(&m, 50, Layer::H);
        let expected = audio(&m)
            .times(49.0)
            .plus(video(&m, 576_000.0).times(8.0))
            .plus(video(&m, 144_000.0).times(41.0));
        assert!((fifty.bps - expected.bps).abs() < 1e-6 && (fifty.pps - expected.pps).abs() < 1e-9);
    }

    #[test]
    fn gigabytes_a_minute() {
        // 1 Mbit/s for a minute: 7.5 MB.
        assert!((Stream { bps: 1e6, pps: 0.0 }.gb_per_minute() - 0.0075).abs() < 1e-12);
        assert_eq!(Stream { bps: 0.0, pps: 10.0 }.with_overhead(4.0).bps, 320.0);
    }
}

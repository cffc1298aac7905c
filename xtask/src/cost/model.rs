//! The cost model: from the measurements, the assumptions and the prices to what one
//! participant-minute of each call costs, split into compute, egress, edge, API and storage,
//! beside what LiveKit Cloud and Cloudflare Realtime publish for the same media. Pure: no I/O.

use super::inputs::{AssumptionFile, Layer, Measured, MediaPath, PriceTable, ScenarioSpec, Usage};
use super::media::{self, Stream};
use anyhow::Context;
use serde::Serialize;

/// Everything the model reads.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The price table.
    pub prices: &'a PriceTable,
    /// The assumptions.
    pub assumptions: &'a AssumptionFile,
    /// The project's measurements.
    pub measured: &'a Measured,
}

/// US dollars per participant-minute, by where the money goes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Breakdown {
    /// Media node (and coturn) CPU, recording and composition included.
    pub compute: f64,
    /// Bytes leaving AWS for the internet: media, relayed media, recording downloads.
    pub egress: f64,
    /// Cloudflare: the Worker and the call's Durable Object.
    pub edge: f64,
    /// AWS: API Gateway, Lambda and DynamoDB.
    pub api: f64,
    /// S3: recordings kept and their uploads.
    pub storage: f64,
    /// All of it.
    pub total: f64,
}

impl Breakdown {
    fn new(compute: f64, egress: f64, edge: f64, api: f64, storage: f64) -> Self {
        Self { compute, egress, edge, api, storage, total: compute + egress + edge + api + storage }
    }
}

/// What a participant-minute uses, per participant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantities {
    /// GB of media the participant receives, whatever path it takes.
    pub received_gb: f64,
    /// GB that leave AWS for the participant (zero when media goes directly between browsers).
    pub egress_gb: f64,
    /// Packets a second the media node (or coturn) handles for the participant, in and out.
    pub node_packets_per_s: f64,
    /// Core-seconds of a node the participant uses a minute (media path, recording, composing).
    pub node_core_seconds: f64,
    /// People a node carries in calls like this one at the CPU ceiling (calls on a node).
    pub participants_per_node: Option<f64>,
    /// Billed edge and API units.
    pub usage: Usage,
    /// GB-months of S3 the participant-minute leaves behind.
    pub s3_gb_months: f64,
    /// S3 PUT requests.
    pub s3_puts: f64,
}

/// The same call priced at the competitors' published rates (marginal, per participant-minute).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetitorCosts {
    /// LiveKit Cloud: connection minutes and the bytes sent to participants.
    pub livekit: f64,
    /// Cloudflare Realtime: the bytes sent to participants (media only: no signaling, no API).
    pub cloudflare_realtime: f64,
    /// What the comparison leaves out for this call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One call, priced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioCost {
    /// The call as the assumptions describe it.
    #[serde(flatten)]
    pub spec: ScenarioSpecView,
    /// USD per participant-minute.
    pub usd_per_participant_minute: Breakdown,
    /// The quantities behind it.
    pub quantities: Quantities,
    /// The competitors for the same media.
    pub competitors: CompetitorCosts,
}

/// The scenario's description as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioSpecView {
    /// Its name.
    pub name: String,
    /// How its media travels.
    pub path: MediaPath,
    /// People in it.
    pub participants: u32,
    /// The layer of the tiles shown (calls on a node).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_layer: Option<Layer>,
    /// Recorded.
    pub recorded: bool,
    /// A variation of another row.
    pub sensitivity: bool,
    /// Why it looks like this.
    pub why: String,
}

impl Inputs<'_> {
    /// One vCPU-second of a node, at the instance's price.
    pub fn vcpu_second_usd(&self) -> f64 {
        let n = &self.assumptions.node;
        self.prices.prices.ec2_node_hour.each() / n.vcpus.value / 3600.0 / n.bench_core_per_vcpu.value
    }

    /// One core-second the media path uses, paid for at the fleet's mean utilisation and with
    /// the CPU kept below its ceiling: what the fleet pays per core-second actually used.
    pub fn media_core_second_usd(&self) -> f64 {
        self.vcpu_second_usd()
            / (self.assumptions.node.cpu_ceiling.value * self.measured.fleet_utilisation.value)
    }

    /// Prices `spec`.
    pub fn price(&self, spec: &ScenarioSpec) -> anyhow::Result<ScenarioCost> {
        let a = self.assumptions;
        let p = &self.prices.prices;
        let m = &a.media;
        let n = f64::from(spec.participants.max(2));
        let (received, egress, handled) = match spec.path {
            MediaPath::P2p => (media::received_peer_to_peer(m), Stream { bps: 0.0, pps: 0.0 }, 0.0),
            MediaPath::Turn => {
                let received = media::received_peer_to_peer(m);
                let relayed = received.with_overhead(m.turn_overhead_bytes.value);
                // coturn receives each packet from one peer and sends it to the other.
                (received, relayed, 2.0 * relayed.pps)
            }
            MediaPath::Node => {
                let layer = spec
                    .visible_layer
                    .with_context(|| format!("{}: a call on a node needs a visible_layer", spec.name))?;
                let received = media::received_on_node(m, spec.participants, layer);
                let sent = media::published(m, layer == Layer::F || spec.recorded);
                (received, received, received.pps + sent.pps)
            }
        };
        let media_core_seconds = handled * 60.0 / self.measured.packets_per_core_second.value;
        let mut compute = media_core_seconds * self.media_core_second_usd();
        let mut core_seconds = media_core_seconds;
        let mut egress_gb = egress.gb_per_minute();
        let (mut s3_gb_months, mut s3_puts) = (0.0, 0.0);
        if spec.recorded {
            let r = self.recording(n);
            compute += r.writing_core_seconds * self.media_core_second_usd()
                + r.composing_core_seconds * self.vcpu_second_usd();
            core_seconds += r.writing_core_seconds + r.composing_core_seconds;
            egress_gb += r.download_gb;
            s3_gb_months = r.gb_months;
            s3_puts = r.puts;
        }
        let usage = self.usage(spec.path, n);
        let participants_per_node = (spec.path == MediaPath::Node && handled > 0.0).then(|| {
            a.node.vcpus.value
                * a.node.bench_core_per_vcpu.value
                * a.node.cpu_ceiling.value
                * self.measured.packets_per_core_second.value
                / handled
        });
        let usd = Breakdown::new(
            compute,
            egress_gb * p.egress_gb.each(),
            self.edge_usd(&usage),
            self.api_usd(&usage),
            s3_gb_months * p.s3_gb_month.each() + s3_puts * p.s3_put.each(),
        );
        Ok(ScenarioCost {
            spec: ScenarioSpecView {
                name: spec.name.clone(),
                path: spec.path,
                participants: spec.participants,
                visible_layer: spec.visible_layer,
                recorded: spec.recorded,
                sensitivity: spec.sensitivity,
                why: spec.why.clone(),
            },
            usd_per_participant_minute: usd,
            quantities: Quantities {
                received_gb: received.gb_per_minute(),
                egress_gb,
                node_packets_per_s: handled,
                node_core_seconds: core_seconds,
                participants_per_node,
                usage,
                s3_gb_months,
                s3_puts,
            },
            competitors: self.competitors(received.gb_per_minute(), spec.recorded),
        })
    }

    /// A recorded participant-minute in a call of `n`.
    fn recording(&self, n: f64) -> Recording {
        let a = self.assumptions;
        let (m, r, measured) = (&a.media, &a.recording, self.measured);
        // The node records the best layer arriving (the top one, kept on while recording); the
        // benchmark's bytes and CPU were measured at its clients' rate, so both scale with it.
        let scale = (m.audio_bps.value + m.layer_f_bps.value) / measured.recording_client_bps.value;
        let tracks_mb = measured.stored_mb_per_participant_minute.value * scale;
        let composed_mb = measured.composed_mb_per_minute.value / n;
        Recording {
            writing_core_seconds: measured.recording_cores_per_participant.value * scale * 60.0,
            composing_core_seconds: measured.composition_cpu_per_participant_second.value * 60.0,
            gb_months: (tracks_mb + composed_mb) / 1000.0 * r.retention_months.value,
            puts: r.tracks_per_participant.value * 60.0 / r.checkpoint_s.value
                + tracks_mb / r.part_mb.value * r.puts_per_part.value
                + composed_mb / r.part_mb.value,
            download_gb: composed_mb / 1000.0 * r.downloads_per_recording.value,
        }
    }

    /// Edge and API units of one participant-minute in a call of `n` whose media takes `path`:
    /// what recurs each minute, plus a share of what happens once per participant and once
    /// per call, over the fleet's mean call length.
    pub fn usage(&self, path: MediaPath, n: f64) -> Usage {
        let a = self.assumptions;
        let (e, act) = (&a.edge, &a.actions);
        let on_node = path == MediaPath::Node;
        let polls = e.prejoin_seconds.value / e.status_poll_s.value + 1.0;
        let messages = if on_node { e.node_signaling_messages.value } else { e.p2p_signaling_messages.value };
        let once = act.status_poll.counts * polls
            + act.call_pass.counts
            + act.turn_credentials.counts
            + act.call_socket.counts
            + act.room_message.counts * messages
            + act.room_persist.counts * 2.0
            + act.history_delivery.counts * 2.0
            + act.history_joined.counts
            + act.history_left.counts;
        let mut per_call = act.call_history.counts;
        let mut per_minute = act.room_message.counts * (60.0 / e.heartbeat_s.value)
            + (act.call_pass.counts + act.turn_credentials.counts) * (60.0 / e.pass_refresh_s.value)
            + act.token_refresh.counts * (60.0 / e.token_refresh_s.value);
        if on_node {
            let node_list = Usage {
                rru: (self.measured.mean_nodes.value * a.node.node_item_bytes.value / 4096.0).ceil(),
                ..Usage::default()
            };
            per_call = per_call + act.node_allocation.counts + node_list + act.node_release.counts;
            per_minute = per_minute
                + act.node_heartbeat.counts * self.measured.heartbeats_per_node_participant_minute.value;
        }
        let minutes = self.measured.mean_call_minutes.value;
        per_minute + once * (1.0 / minutes) + per_call * (1.0 / (n * minutes))
    }

    /// Cloudflare's price of `u`: Worker requests and CPU, the Durable Object's requests
    /// (incoming WebSocket messages at 20 to one), its running time and its storage writes.
    pub fn edge_usd(&self, u: &Usage) -> f64 {
        let (p, b, e) = (&self.prices.prices, &self.prices.billing, &self.assumptions.edge);
        u.worker * (p.workers_request.each() + e.worker_cpu_ms.value * p.workers_cpu_ms.each())
            + (u.do_requests + u.do_ws_in / b.do_ws_messages_per_request.value) * p.do_request.each()
            + u.do_events * e.do_active_ms_per_event.value / 1000.0
                * b.do_billed_gb.value
                * p.do_gb_second.each()
            + u.do_rows_written * p.do_row_written.each()
    }

    /// AWS's price of `u`: API Gateway and Lambda per invocation, Lambda's running time,
    /// DynamoDB's read and write units.
    pub fn api_usd(&self, u: &Usage) -> f64 {
        let (p, e) = (&self.prices.prices, &self.assumptions.edge);
        let invocation = p.lambda_request.each()
            + p.api_gateway_request.each()
            + e.lambda_memory_gb.value * e.lambda_ms.value / 1000.0 * p.lambda_gb_second.each();
        u.lambda * invocation + u.rru * p.dynamodb_read_unit.each() + u.wru * p.dynamodb_write_unit.each()
    }

    /// The competitors' prices for a participant-minute receiving `received_gb`.
    fn competitors(&self, received_gb: f64, recorded: bool) -> CompetitorCosts {
        let c = &self.prices.competitors;
        let price = |x: &super::inputs::Competitor| {
            x.per_participant_minute.as_ref().map_or(0.0, super::inputs::Price::each)
                + received_gb * x.per_gb.each()
        };
        CompetitorCosts {
            livekit: price(&c.livekit),
            cloudflare_realtime: price(&c.cloudflare_realtime),
            note: recorded.then(|| {
                "recording not included: LiveKit bills recording (egress) separately; Cloudflare Realtime has none".into()
            }),
        }
    }
}

/// A recorded participant-minute's extra use.
struct Recording {
    /// Node core-seconds writing and shipping the tracks.
    writing_core_seconds: f64,
    /// Core-seconds composing the MP4 after the call.
    composing_core_seconds: f64,
    /// GB-months of tracks and MP4 kept.
    gb_months: f64,
    /// S3 PUTs: checkpoints, parts and their ledgers, the MP4's parts.
    puts: f64,
    /// GB of MP4 downloaded.
    download_gb: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::inputs::{Figure, read_json};

    fn fixture() -> (PriceTable, AssumptionFile, Measured) {
        let root = crate::steps::workspace_root();
        let prices: PriceTable = read_json(&root.join("bench/prices.json")).expect("prices");
        let mut p: PriceTable = prices;
        let mut a: AssumptionFile =
            read_json(&root.join("bench/cost-assumptions.json")).expect("assumptions");
        // The figures the tests check by hand, whatever the checked-in files say today.
        a.media = crate::cost::media::tests::media();
        (a.node.vcpus.value, a.node.bench_core_per_vcpu.value, a.node.cpu_ceiling.value) = (4.0, 1.0, 0.7);
        (a.edge.heartbeat_s.value, a.edge.p2p_signaling_messages.value) = (10.0, 26.0);
        a.node.node_item_bytes.value = 300.0;
        let r = &mut a.recording;
        (r.retention_months.value, r.tracks_per_participant.value, r.checkpoint_s.value) = (1.0, 2.0, 2.0);
        (r.part_mb.value, r.puts_per_part.value, r.downloads_per_recording.value) = (5.24288, 2.0, 1.0);
        a.actions.call_history.counts = Usage { rru: 2.0, wru: 7.0, ..Usage::default() };
        a.actions.room_message.counts = Usage { do_ws_in: 1.0, do_events: 1.0, ..Usage::default() };
        a.actions.node_allocation.counts = Usage { lambda: 1.0, wru: 4.0, ..Usage::default() };
        a.actions.node_release.counts = Usage { lambda: 1.0, rru: 1.0, wru: 4.0, ..Usage::default() };
        a.actions.node_heartbeat.counts = Usage { lambda: 1.0, wru: 1.0, ..Usage::default() };
        let set =
            |price: &mut crate::cost::inputs::Price, usd: f64, per: f64| (price.usd, price.per) = (usd, per);
        set(&mut p.prices.ec2_node_hour, 0.1445, 1.0);
        set(&mut p.prices.egress_gb, 0.09, 1.0);
        set(&mut p.prices.do_request, 0.15, 1e6);
        p.billing.do_ws_messages_per_request.value = 20.0;
        if let Some(minute) = p.competitors.livekit.per_participant_minute.as_mut() {
            set(minute, 0.0005, 1.0);
        }
        set(&mut p.competitors.livekit.per_gb, 0.12, 1.0);
        set(&mut p.competitors.cloudflare_realtime.per_gb, 0.05, 1.0);
        let figure = |value: f64| Figure { value, unit: "", source: String::new() };
        let measured = Measured {
            packets_per_core_second: figure(60_000.0),
            fleet_utilisation: figure(0.5),
            mean_call_minutes: figure(30.0),
            heartbeats_per_node_participant_minute: figure(0.1),
            mean_nodes: figure(100.0),
            recording_cores_per_participant: figure(0.001),
            stored_mb_per_participant_minute: figure(5.0),
            recording_client_bps: figure(736_000.0),
            composition_cpu_per_participant_second: figure(0.1),
            composed_mb_per_minute: figure(10.0),
            fleet_node_hour_usd: figure(0.1445),
        };
        (p, a, measured)
    }

    fn spec(path: MediaPath, participants: u32, layer: Option<Layer>, recorded: bool) -> ScenarioSpec {
        ScenarioSpec {
            name: format!("{participants}"),
            path,
            participants,
            visible_layer: layer,
            recorded,
            sensitivity: false,
            why: String::new(),
        }
    }

    fn price(p: &PriceTable, a: &AssumptionFile, m: &Measured, s: &ScenarioSpec) -> ScenarioCost {
        Inputs { prices: p, assumptions: a, measured: m }.price(s).expect("priced")
    }

    #[test]
    fn peer_to_peer_calls_pay_no_media_and_no_node() {
        let (p, a, m) = fixture();
        let c = price(&p, &a, &m, &spec(MediaPath::P2p, 2, None, false));
        assert_eq!((c.usd_per_participant_minute.compute, c.usd_per_participant_minute.egress), (0.0, 0.0));
        assert_eq!(c.usd_per_participant_minute.storage, 0.0);
        assert!(c.usd_per_participant_minute.edge > 0.0 && c.usd_per_participant_minute.api > 0.0);
        assert!(c.quantities.received_gb > 0.0, "the browsers still exchange media, for the comparison");
        assert_eq!(c.quantities.participants_per_node, None);
    }

    #[test]
    fn turn_pays_egress_for_the_one_stream_each_receives_plus_the_channel_header() {
        let (p, a, m) = fixture();
        let c = price(&p, &a, &m, &spec(MediaPath::Turn, 2, None, false));
        // Audio 52 kbit/s (50 pps) + 2,880 kbit/s video: 12,000-byte frames, 10 packets each,
        // 300 pps × 50 bytes = 120 kbit/s of headers; 350 pps × 4 bytes of TURN = 11.2 kbit/s.
        let bps = 52_000.0 + 2_880_000.0 + 120_000.0 + 11_200.0;
        let gb = bps * 60.0 / 8.0 / 1e9;
        assert!((c.quantities.egress_gb - gb).abs() < 1e-12, "{} vs {gb}", c.quantities.egress_gb);
        assert!((c.usd_per_participant_minute.egress - gb * 0.09).abs() < 1e-12);
        assert_eq!(c.quantities.node_packets_per_s, 700.0, "350 in and 350 out");
    }

    #[test]
    fn node_cpu_is_the_packets_handled_at_the_measured_rate_and_the_fleets_utilisation() {
        let (p, a, m) = fixture();
        let c = price(&p, &a, &m, &spec(MediaPath::Node, 5, Some(Layer::H), false));
        // In: audio 50 + q 30 + h 60 = 140 packets; out: 4 × (50 + 60) = 440.
        assert_eq!(c.quantities.node_packets_per_s, 580.0);
        // 580 × 60 ÷ 60,000 = 0.58 core-seconds a minute, at $0.1445 ÷ 4 ÷ 3600 a vCPU-second,
        // ÷ (0.7 ceiling × 0.5 utilisation).
        let expected = 0.58 * 0.1445 / 4.0 / 3600.0 / (0.7 * 0.5);
        assert!((c.usd_per_participant_minute.compute - expected).abs() < 1e-15);
        // 4 vCPUs × 0.7 × 60,000 ÷ 580 people.
        let per_node = c.quantities.participants_per_node.expect("on a node");
        assert!((per_node - 4.0 * 0.7 * 60_000.0 / 580.0).abs() < 1e-9);
    }

    #[test]
    fn half_the_utilisation_doubles_compute_and_nothing_else() {
        let (p, a, mut m) = fixture();
        let s = spec(MediaPath::Node, 5, Some(Layer::H), false);
        let before = price(&p, &a, &m, &s).usd_per_participant_minute;
        m.fleet_utilisation.value /= 2.0;
        let after = price(&p, &a, &m, &s).usd_per_participant_minute;
        assert!((after.compute - 2.0 * before.compute).abs() < 1e-15);
        assert_eq!((after.egress, after.edge, after.api), (before.egress, before.edge, before.api));
    }

    #[test]
    fn a_doubled_egress_price_doubles_egress_only() {
        let (mut p, a, m) = fixture();
        let s = spec(MediaPath::Node, 5, Some(Layer::H), false);
        let before = price(&p, &a, &m, &s).usd_per_participant_minute;
        p.prices.egress_gb.usd *= 2.0;
        let after = price(&p, &a, &m, &s).usd_per_participant_minute;
        assert!((after.egress - 2.0 * before.egress).abs() < 1e-15);
        assert_eq!((after.compute, after.edge, after.api), (before.compute, before.edge, before.api));
    }

    #[test]
    fn fifty_people_cost_more_egress_and_cpu_a_minute_than_five_each_receiving_more_streams() {
        let (p, a, m) = fixture();
        let five = price(&p, &a, &m, &spec(MediaPath::Node, 5, Some(Layer::Q), false));
        let fifty = price(&p, &a, &m, &spec(MediaPath::Node, 50, Some(Layer::Q), false));
        assert!(fifty.usd_per_participant_minute.egress > 10.0 * five.usd_per_participant_minute.egress);
        assert!(fifty.usd_per_participant_minute.compute > five.usd_per_participant_minute.compute);
        assert!(fifty.quantities.participants_per_node < five.quantities.participants_per_node);
    }

    #[test]
    fn recording_adds_cpu_storage_and_a_download_and_leaves_signaling_alone() {
        let (p, a, m) = fixture();
        let plain = price(&p, &a, &m, &spec(MediaPath::Node, 5, Some(Layer::H), false));
        let recorded = price(&p, &a, &m, &spec(MediaPath::Node, 5, Some(Layer::H), true));
        let (u, r) = (&plain.usd_per_participant_minute, &recorded.usd_per_participant_minute);
        assert!(r.compute > u.compute && r.egress > u.egress && r.storage > 0.0);
        assert_eq!((r.edge, r.api), (u.edge, u.api));
        // The top layer is recorded: 32 + 1,440 kbit/s against the benchmark's 736, twice the
        // bytes: 10 MB of tracks, plus 10 MB of MP4 a call-minute shared by five: 12 MB a month.
        assert!(
            (recorded.quantities.s3_gb_months - 0.012).abs() < 1e-12,
            "{}",
            recorded.quantities.s3_gb_months
        );
        // Two tracks checkpointed every 2 s (60), 10 MB in 5 MiB parts with a ledger each
        // (3.815), the MP4's 2 MB in parts (0.381).
        let puts = 60.0 + 10.0 / 5.24288 * 2.0 + 2.0 / 5.24288;
        assert!((recorded.quantities.s3_puts - puts).abs() < 1e-9);
        assert!(recorded.competitors.note.is_some() && plain.competitors.note.is_none());
    }

    #[test]
    fn one_off_actions_are_shared_over_the_mean_call_and_per_call_ones_over_its_people() {
        let (p, a, m) = fixture();
        let inputs = Inputs { prices: &p, assumptions: &a, measured: &m };
        let two = inputs.usage(MediaPath::P2p, 2.0);
        let four = inputs.usage(MediaPath::P2p, 4.0);
        // The call's history (2 read units) is shared by everyone in it, over 30 minutes.
        assert!((two.rru - four.rru - 2.0 / 30.0 * (1.0 / 2.0 - 1.0 / 4.0)).abs() < 1e-12);
        // Pings every 10 s: 6 messages a minute, plus the signaling shared over the call.
        assert!((two.do_ws_in - (6.0 + 26.0 / 30.0)).abs() < 1e-12, "{}", two.do_ws_in);
        // Calls on a node add the allocation's read of the node list (100 nodes × 300 bytes:
        // 8 units of 4 KB) and the release's one, shared by the call's two people over 30 minutes.
        let node = inputs.usage(MediaPath::Node, 2.0);
        let extra_rru = node.rru - two.rru;
        assert!(node.lambda > two.lambda && node.wru > two.wru);
        assert!((extra_rru - 9.0 / 60.0).abs() < 1e-12, "{extra_rru}");
    }

    #[test]
    fn the_edge_bills_incoming_websocket_messages_twenty_to_a_request() {
        let (p, a, m) = fixture();
        let inputs = Inputs { prices: &p, assumptions: &a, measured: &m };
        let messages = Usage { do_ws_in: 20.0, ..Usage::default() };
        let request = Usage { do_requests: 1.0, ..Usage::default() };
        assert!((inputs.edge_usd(&messages) - inputs.edge_usd(&request)).abs() < 1e-18);
        assert!((inputs.edge_usd(&request) - 0.15e-6).abs() < 1e-18);
    }

    #[test]
    fn competitors_price_the_bytes_received() {
        let (p, a, m) = fixture();
        let c = price(&p, &a, &m, &spec(MediaPath::Node, 5, Some(Layer::H), false));
        let gb = c.quantities.received_gb;
        assert!((c.competitors.livekit - (0.0005 + gb * 0.12)).abs() < 1e-15);
        assert!((c.competitors.cloudflare_realtime - gb * 0.05).abs() < 1e-15);
    }
}

//! One synthetic participant: a str0m `Rtc` on its own UDP socket that joins a call through the
//! node's control API the way the web client does (SDP offer with send-only audio and video and
//! the `peershare` data channel), answers the node's renegotiations, publishes stamped frames
//! at audio and video rates, and tallies what it receives.

use crate::node_api::NodeApi;
use crate::payload::{self, Stamp};
use crate::tally::Tally;
use peershare_core::protocol::{ClientNodeMessage, NODE_CHANNEL_LABEL, NodeMessage, SessionDescription};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::channel::ChannelId;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, KeyframeRequest, MediaData, MediaKind, MediaTime, Mid, Pt, Rid};
use str0m::net::{DatagramRecv, Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;

/// Time between two audio frames (Opus, 20 ms).
const AUDIO_INTERVAL: Duration = Duration::from_millis(20);

/// Time between two video frames (30 frames/s).
const VIDEO_INTERVAL: Duration = Duration::from_micros(33_333);

/// How often str0m reports per-stream packet counts.
const STATS_INTERVAL: Duration = Duration::from_secs(1);

/// Datagrams read in one wake-up before the client's timers get a turn.
const READ_BATCH: usize = 32;

/// What a client did; the load generator reads it while the client runs.
#[derive(Debug, Default)]
pub struct ClientState {
    /// ICE and DTLS are up.
    pub connected: bool,
    /// Audio and video frames written.
    pub frames_sent: u64,
    /// Keyframe requests the node sent this publisher.
    pub keyframe_requests: u64,
    /// What arrived since the last reset.
    pub tally: Tally,
    /// Problems (node errors, refused offers); a healthy run has none.
    pub errors: Vec<String>,
    /// RTP packets received so far per incoming mid and rid, from str0m's ingress stats.
    pub packets_received: HashMap<(Mid, Option<Rid>), u64>,
}

impl ClientState {
    /// RTP media packets received so far (refreshed every [`STATS_INTERVAL`]).
    pub fn media_packets_received(&self) -> u64 {
        self.packets_received.values().sum()
    }
}

/// A running client.
#[derive(Debug, Clone)]
pub struct Client {
    state: Arc<Mutex<ClientState>>,
}

impl Client {
    /// The client's state now.
    pub fn state(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Joins `call` as participant `id` and starts the client's task.
    pub async fn join(api: &NodeApi, call: &str, id: u32) -> anyhow::Result<Client> {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let local = socket.local_addr()?;
        let now = Instant::now();
        let mut rtc = Rtc::builder().set_stats_interval(Some(STATS_INTERVAL)).build(now);
        rtc.add_local_candidate(Candidate::host(local, "udp")?);
        let mut change = rtc.sdp_api();
        let stream = format!("load-{id}");
        let audio = change.add_media(MediaKind::Audio, Direction::SendOnly, Some(stream.clone()), None, None);
        let video = change.add_media(MediaKind::Video, Direction::SendOnly, Some(stream), None, None);
        change.add_channel(NODE_CHANNEL_LABEL.to_owned());
        let (offer, pending) = change.apply().ok_or_else(|| anyhow::anyhow!("no offer to make"))?;
        let answer: SessionDescription = api.add_participant(call, id, offer.to_sdp_string()).await?;
        rtc.sdp_api().accept_answer(pending, SdpAnswer::from_sdp_string(&answer.sdp)?)?;

        let state = Arc::new(Mutex::new(ClientState::default()));
        let runner = Runner {
            id,
            rtc,
            socket,
            local,
            state: state.clone(),
            audio: Track::new(audio),
            video: Track::new(video),
            channel: None,
            keyframe_due: true,
        };
        tokio::spawn(runner.run());
        Ok(Client { state })
    }
}

/// One published track's writer state.
struct Track {
    mid: Mid,
    pt: Option<Pt>,
    seq: u64,
    next: Option<Instant>,
}

impl Track {
    fn new(mid: Mid) -> Self {
        Self { mid, pt: None, seq: 0, next: None }
    }

    /// Whether a frame is due at `now`; schedules the next one (skipping ahead if far behind).
    fn due(&mut self, now: Instant, interval: Duration) -> bool {
        let Some(due) = self.next.filter(|t| *t <= now) else { return false };
        let next = due + interval;
        self.next = Some(if next + 10 * interval < now { now + interval } else { next });
        true
    }
}

/// The client's task: drives its `Rtc` from its socket and the clock.
struct Runner {
    id: u32,
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    state: Arc<Mutex<ClientState>>,
    audio: Track,
    video: Track,
    channel: Option<ChannelId>,
    keyframe_due: bool,
}

impl Runner {
    async fn run(mut self) {
        let mut buf = vec![0u8; 2048];
        loop {
            let Some(timeout) = self.poll() else { return };
            let wake = [Some(timeout), self.audio.next, self.video.next].into_iter().flatten().min();
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => {
                    if let Ok((n, source)) = received {
                        self.receive(&buf[..n], source);
                        for _ in 1..READ_BATCH {
                            match self.socket.try_recv_from(&mut buf) {
                                Ok((n, source)) => self.receive(&buf[..n], source),
                                Err(_) => break,
                            }
                        }
                    }
                }
                () = tokio::time::sleep_until(wake.unwrap_or(timeout).into()) => {}
            }
            let now = Instant::now();
            if let Err(e) = self.rtc.handle_input(Input::Timeout(now)) {
                self.error(format!("timeout: {e}"));
            }
            self.send_due_media(now);
        }
    }

    fn state(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn error(&self, message: String) {
        self.state().errors.push(message);
    }

    fn receive(&mut self, datagram: &[u8], source: SocketAddr) {
        let Ok(contents) = DatagramRecv::try_from(datagram) else { return };
        let input = Input::Receive(
            Instant::now(),
            Receive { proto: Protocol::Udp, source, destination: self.local, contents },
        );
        if let Err(e) = self.rtc.handle_input(input) {
            self.error(format!("input: {e}"));
        }
        // Drain events (media) promptly so latency is measured when the frame is complete.
        let _ = self.poll();
    }

    /// Handles all output; returns when the `Rtc` next needs time, or `None` once it is dead.
    fn poll(&mut self) -> Option<Instant> {
        loop {
            if !self.rtc.is_alive() {
                return None;
            }
            match self.rtc.poll_output() {
                Ok(Output::Transmit(t)) => {
                    let _ = self.socket.try_send_to(&t.contents, t.destination);
                }
                Ok(Output::Timeout(t)) => return Some(t),
                Ok(Output::Event(e)) => self.on_event(e),
                Err(e) => {
                    self.error(format!("poll: {e}"));
                    return None;
                }
            }
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Connected => {
                self.state().connected = true;
                let now = Instant::now();
                // Spread publishers over the frame interval, as real cameras are.
                let offset_us = u64::from(self.id) * 7_919;
                self.audio.next = Some(now + Duration::from_micros(offset_us % 20_000));
                self.video.next = Some(now + Duration::from_micros(offset_us % 33_333));
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => self.rtc.disconnect(),
            Event::ChannelOpen(id, label) if label == NODE_CHANNEL_LABEL => self.channel = Some(id),
            Event::ChannelData(data) if Some(data.id) == self.channel => self.on_node_message(&data.data),
            Event::MediaData(data) => self.on_media(&data),
            Event::MediaIngressStats(stats) => {
                self.state().packets_received.insert((stats.mid, stats.rid), stats.packets);
            }
            Event::KeyframeRequest(KeyframeRequest { mid, .. }) if mid == self.video.mid => {
                self.keyframe_due = true;
                self.state().keyframe_requests += 1;
            }
            _ => {}
        }
    }

    fn on_node_message(&mut self, bytes: &[u8]) {
        match serde_json::from_slice::<NodeMessage>(bytes) {
            Ok(NodeMessage::Offer { sdp }) => self.on_offer(&sdp),
            Ok(NodeMessage::Error { message }) => self.error(format!("node error: {message}")),
            Ok(_) => {}
            Err(e) => self.error(format!("unparsable node message: {e}")),
        }
    }

    fn on_offer(&mut self, sdp: &str) {
        let answer = match SdpOffer::from_sdp_string(sdp).map(|o| self.rtc.sdp_api().accept_offer(o)) {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => return self.error(format!("node offer refused: {e}")),
            Err(e) => return self.error(format!("node offer does not parse: {e}")),
        };
        let reply = ClientNodeMessage::Answer { sdp: answer.to_sdp_string() };
        let Ok(bytes) = serde_json::to_vec(&reply) else { return };
        let written = self.channel.and_then(|id| self.rtc.channel(id)).map(|mut c| c.write(false, &bytes));
        if !matches!(written, Some(Ok(_))) {
            self.error("could not send the answer".into());
        }
    }

    fn on_media(&mut self, data: &MediaData) {
        let video = data.params.spec().codec == Codec::Vp8;
        let now = payload::now_ns();
        let mut state = self.state();
        match payload::read_stamp(&data.data, video) {
            Some(stamp) => state.tally.record(stamp, video, now),
            None => state.tally.unstamped += 1,
        }
    }

    fn send_due_media(&mut self, now: Instant) {
        if self.audio.due(now, AUDIO_INTERVAL) {
            self.write(false, now);
        }
        if self.video.due(now, VIDEO_INTERVAL) {
            self.write(true, now);
        }
    }

    fn write(&mut self, video: bool, now: Instant) {
        let keyframe = video && self.keyframe_due;
        let track = if video { &mut self.video } else { &mut self.audio };
        let Some(writer) = self.rtc.writer(track.mid) else { return };
        let codec = if video { Codec::Vp8 } else { Codec::Opus };
        let Some(pt) =
            track.pt.or_else(|| writer.payload_params().find(|p| p.spec().codec == codec).map(|p| p.pt()))
        else {
            return;
        };
        track.pt = Some(pt);
        let stamp = Stamp { publisher: self.id, seq: track.seq, sent_ns: payload::now_ns() };
        let (time, frame) = if video {
            (MediaTime::new(track.seq * 3_000, Frequency::NINETY_KHZ), payload::video_frame(stamp, keyframe))
        } else {
            (MediaTime::new(track.seq * 960, Frequency::FORTY_EIGHT_KHZ), payload::audio_frame(stamp))
        };
        match writer.write(pt, now, time, frame) {
            Ok(()) => {
                track.seq += 1;
                if keyframe {
                    self.keyframe_due = false;
                }
                self.state().frames_sent += 1;
            }
            Err(e) => self.error(format!("write: {e}")),
        }
    }
}

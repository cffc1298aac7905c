//! A client's task: drives its `Rtc` from its UDP socket, the clock and its owner's requests.

use crate::Publish;
use crate::frame::{self, Stamp};
use crate::state::{ClientState, lock};
use peershare_core::protocol::{ClientNodeMessage, NODE_CHANNEL_LABEL, NodeMessage, TrackKind};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use str0m::change::SdpOffer;
use str0m::channel::ChannelId;
use str0m::format::Codec;
use str0m::media::{Frequency, MediaData, MediaTime, Mid, Pt};
use str0m::net::{DatagramRecv, Protocol, Receive};
use str0m::{Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// Datagrams read in one wake-up before the client's timers get a turn.
const READ_BATCH: usize = 32;

/// Raw datagrams to send to the node from the client's socket; the reply says how many went.
pub(crate) struct SendRaw {
    pub datagrams: Vec<Vec<u8>>,
    pub reply: oneshot::Sender<usize>,
}

/// One published track's writer state.
struct Track {
    kind: TrackKind,
    mid: Mid,
    interval: Duration,
    pt: Option<Pt>,
    seq: u64,
    /// When the next frame is due; `None` until connected, or once it cannot be written.
    next: Option<Instant>,
}

impl Track {
    fn new(kind: TrackKind, mid: Mid, interval: Duration) -> Self {
        Self { kind, mid, interval, pt: None, seq: 0, next: None }
    }

    /// Whether a frame is due at `now`; schedules the next one (skipping ahead if far behind).
    fn due(&mut self, now: Instant) -> bool {
        let Some(due) = self.next.filter(|t| *t <= now) else { return false };
        let next = due + self.interval;
        self.next = Some(if next + 10 * self.interval < now { now + self.interval } else { next });
        true
    }

    /// The codec its frames are in.
    fn codec(&self) -> Codec {
        match self.kind {
            TrackKind::Audio => Codec::Opus,
            TrackKind::Video => Codec::Vp8,
        }
    }

    /// The RTP time of the next frame, in the codec's clock.
    fn media_time(&self) -> MediaTime {
        let rate = match self.kind {
            TrackKind::Audio => Frequency::FORTY_EIGHT_KHZ,
            TrackKind::Video => Frequency::NINETY_KHZ,
        };
        let ticks = u128::from(self.seq) * self.interval.as_nanos() * u128::from(rate.get()) / 1_000_000_000;
        MediaTime::new(ticks as u64, rate)
    }
}

/// The kind a received codec carries, for the two the clients publish.
fn kind_of(codec: Codec) -> Option<TrackKind> {
    match codec {
        Codec::Opus => Some(TrackKind::Audio),
        Codec::Vp8 => Some(TrackKind::Video),
        _ => None,
    }
}

/// The client's task.
pub(crate) struct Runner {
    id: u32,
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    /// Where the client's `Rtc` last sent to: the node.
    node: Option<SocketAddr>,
    state: Arc<Mutex<ClientState>>,
    publish: Publish,
    audio: Track,
    video: Track,
    channel: Option<ChannelId>,
    keyframe_due: bool,
}

impl Runner {
    /// A task for participant `id`'s `rtc`, which has negotiated send-only `audio` and `video`.
    pub fn new(
        id: u32,
        rtc: Rtc,
        socket: UdpSocket,
        (audio, video): (Mid, Mid),
        publish: Publish,
        state: Arc<Mutex<ClientState>>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            id,
            rtc,
            local: socket.local_addr()?,
            socket,
            node: None,
            state,
            publish,
            audio: Track::new(TrackKind::Audio, audio, publish.audio_interval),
            video: Track::new(TrackKind::Video, video, publish.video_interval),
            channel: None,
            keyframe_due: true,
        })
    }

    /// Runs until the `Rtc` stops or the client is dropped.
    pub async fn run(mut self, mut requests: mpsc::UnboundedReceiver<SendRaw>) {
        let mut buf = vec![0u8; 2048];
        loop {
            let Some(timeout) = self.poll() else {
                self.state().stopped = true;
                return;
            };
            let wake = [self.audio.next, self.video.next].into_iter().flatten().fold(timeout, Instant::min);
            tokio::select! {
                request = requests.recv() => match request {
                    Some(request) => self.send_raw(request).await,
                    None => return,
                },
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
                () = tokio::time::sleep_until(wake.into()) => {}
            }
            let now = Instant::now();
            if let Err(e) = self.rtc.handle_input(Input::Timeout(now)) {
                self.error(format!("timeout: {e}"));
            }
            self.send_due_media(now);
        }
    }

    fn state(&self) -> MutexGuard<'_, ClientState> {
        lock(&self.state)
    }

    fn error(&self, message: String) {
        self.state().errors.push(message);
    }

    async fn send_raw(&self, SendRaw { datagrams, reply }: SendRaw) {
        let mut sent = 0;
        if let Some(node) = self.node {
            for (i, d) in datagrams.iter().enumerate() {
                if self.socket.send_to(d, node).await.is_ok() {
                    sent += 1;
                }
                if i % 32 == 31 {
                    // Let the node read: a burst larger than its receive buffer would be
                    // dropped by the kernel, not refused by the node.
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
        }
        let _ = reply.send(sent);
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
                    self.node = Some(t.destination);
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
                let offset = Duration::from_micros(u64::from(self.id) * 7_919).as_nanos();
                for track in [&mut self.audio, &mut self.video] {
                    let start = Duration::from_nanos((offset % track.interval.as_nanos()) as u64);
                    track.next = Some(now + start);
                }
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => self.rtc.disconnect(),
            Event::ChannelOpen(id, label) if label == NODE_CHANNEL_LABEL => {
                self.channel = Some(id);
                self.state().channel_open = true;
            }
            Event::ChannelData(data) if Some(data.id) == self.channel => self.on_node_message(&data.data),
            Event::MediaAdded(added) => {
                self.state().directions.insert(added.mid.to_string(), added.direction);
            }
            Event::MediaChanged(changed) => {
                self.state().directions.insert(changed.mid.to_string(), changed.direction);
            }
            Event::MediaData(data) => self.on_media(&data),
            Event::MediaIngressStats(stats) => {
                self.state().packets_received.insert((stats.mid, stats.rid), stats.packets);
            }
            Event::KeyframeRequest(request) if request.mid == self.video.mid => {
                self.keyframe_due = true;
                self.state().keyframe_requests += 1;
            }
            _ => {}
        }
    }

    fn on_node_message(&mut self, bytes: &[u8]) {
        let message = match serde_json::from_slice::<NodeMessage>(bytes) {
            Ok(m) => m,
            Err(e) => {
                let text = String::from_utf8_lossy(bytes);
                return self.error(format!("unparsable node message {text}: {e}"));
            }
        };
        match message {
            NodeMessage::Offer { sdp } => self.on_offer(&sdp),
            NodeMessage::Tracks { tracks } => {
                let mut s = self.state();
                s.tracks = tracks.into_iter().map(|t| (t.mid.clone(), t)).collect();
                s.tracks_messages += 1;
            }
            NodeMessage::Error { message } => self.error(format!("node error: {message}")),
            NodeMessage::Answer { .. } => self.error("an answer to no offer".into()),
            // Simulcast hints: these clients send a single layer.
            _ => {}
        }
    }

    fn on_offer(&mut self, sdp: &str) {
        {
            let mut s = self.state();
            if s.drop_offers > 0 {
                s.drop_offers -= 1;
                s.offers_dropped += 1;
                return;
            }
        }
        let offer = match SdpOffer::from_sdp_string(sdp) {
            Ok(o) => o,
            Err(e) => return self.error(format!("node offer does not parse: {e}")),
        };
        let answer = match self.rtc.sdp_api().accept_offer(offer) {
            Ok(a) => a,
            Err(e) => return self.error(format!("node offer refused: {e}")),
        };
        let reply = ClientNodeMessage::Answer { sdp: answer.to_sdp_string() };
        let bytes = serde_json::to_vec(&reply).expect("an answer serializes");
        let written = self.channel.and_then(|id| self.rtc.channel(id)).map(|mut c| c.write(false, &bytes));
        let mids: Vec<String> = self.state().directions.keys().cloned().collect();
        let directions: Vec<_> = mids
            .into_iter()
            .filter_map(|mid| {
                let direction = self.rtc.media(Mid::from(mid.as_str()))?.direction();
                Some((mid, direction))
            })
            .collect();
        let mut s = self.state();
        s.directions.extend(directions);
        match written {
            Some(Ok(true)) => s.offers_answered += 1,
            other => s.errors.push(format!("could not send the answer: {other:?}")),
        }
    }

    fn on_media(&mut self, data: &MediaData) {
        let now_ns = frame::now_ns();
        let mid = data.mid.to_string();
        let codec = data.params.spec().codec;
        let kind = kind_of(codec);
        let mut s = self.state();
        match kind.and_then(|k| Some((frame::read_stamp(&data.data, k)?, k))) {
            Some((stamp, k)) => s.tally.record(stamp, k, now_ns),
            None => s.tally.unstamped += 1,
        }
        let Some(track) = s.tracks.get(&mid).cloned() else {
            s.unattributed += 1;
            return;
        };
        if kind != Some(track.kind) {
            s.mismatches.push(format!("{mid}: {codec:?} on a {:?} track", track.kind));
        }
        match frame::read_stamp(&data.data, track.kind).map(|stamp| stamp.publisher) {
            Some(p) if p == track.participant.0 => {}
            other => s
                .mismatches
                .push(format!("{mid}: `tracks` says {} but the frame says {other:?}", track.participant)),
        }
        let entry = s.received.entry((track.participant, track.kind)).or_default();
        entry.frames += 1;
        if data.is_keyframe() {
            entry.keyframes += 1;
        }
    }

    fn send_due_media(&mut self, now: Instant) {
        if self.audio.due(now) {
            self.write(TrackKind::Audio, now);
        }
        if self.video.due(now) {
            self.write(TrackKind::Video, now);
        }
    }

    fn write(&mut self, kind: TrackKind, now: Instant) {
        let keyframe = kind == TrackKind::Video && self.keyframe_due;
        let track = match kind {
            TrackKind::Audio => &mut self.audio,
            TrackKind::Video => &mut self.video,
        };
        let Some(writer) = self.rtc.writer(track.mid) else { return };
        let codec = track.codec();
        let Some(pt) =
            track.pt.or_else(|| writer.payload_params().find(|p| p.spec().codec == codec).map(|p| p.pt()))
        else {
            track.next = None;
            return lock(&self.state).errors.push(format!("{codec:?} was not negotiated"));
        };
        track.pt = Some(pt);
        let stamp = Stamp { publisher: self.id, seq: track.seq, sent_ns: frame::now_ns() };
        let payload = match kind {
            TrackKind::Audio => frame::audio_frame(stamp, self.publish.audio_bytes),
            TrackKind::Video => {
                let size =
                    if keyframe { self.publish.video_keyframe_bytes } else { self.publish.video_delta_bytes };
                frame::video_frame(stamp, keyframe, size)
            }
        };
        let written = writer.write(pt, now, track.media_time(), payload);
        let mut s = lock(&self.state);
        if let Err(e) = written {
            return s.errors.push(format!("{kind:?} write: {e}"));
        }
        track.seq += 1;
        match kind {
            TrackKind::Audio => s.audio_sent += 1,
            TrackKind::Video => {
                s.video_sent += 1;
                if keyframe {
                    self.keyframe_due = false;
                    s.keyframes_sent += 1;
                    s.deltas_since_keyframe = 0;
                } else {
                    s.deltas_since_keyframe += 1;
                }
            }
        }
    }
}

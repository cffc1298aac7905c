//! A real media node on loopback ports (its UDP socket and its control API over HTTP), and
//! WebRTC clients written with str0m that join it the way browsers do: an SDP offer with
//! send-only audio and video plus the `peershare` data channel, POSTed with a participant
//! token; then ICE, DTLS-SRTP and RTP over their own UDP socket, renegotiation over the data
//! channel, and synthetic Opus and VP8 frames.

#![allow(dead_code)]

use peershare_core::Timestamp;
use peershare_core::media::{MediaClaims, MediaTokenSigner};
use peershare_core::protocol::{
    ClientNodeMessage, ForwardedTrack, NODE_CHANNEL_LABEL, NodeMessage, ParticipantId, SdpType,
    SessionDescription, TrackKind,
};
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::sfu::SfuStats;
use peershare_media_node::token::{MediaTokenKeys, TokenVerifier};
use peershare_media_node::udp_host::{self, NodeHandle};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::channel::ChannelId;
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaData, MediaKind, MediaTime, Mid, Pt};
use str0m::net::{DatagramRecv, Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// Generous: the machine may be busy building something else.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// The node's id: the audience of its tokens.
pub const NODE_ID: &str = "node-under-test";

/// Time between two audio frames (Opus, 20 ms).
pub const AUDIO_INTERVAL: Duration = Duration::from_millis(20);

/// Time between two video frames (about 30 frames a second).
pub const VIDEO_INTERVAL: Duration = Duration::from_millis(33);

/// Size of a synthetic VP8 keyframe: several RTP packets.
const KEYFRAME_BYTES: usize = 3_500;

/// Size of a synthetic VP8 delta frame: one RTP packet.
const DELTA_BYTES: usize = 700;

/// Logs to the test's output when `RUST_LOG` is set.
pub fn init_logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

/// The wall clock as a token timestamp.
pub fn now_timestamp() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_millis();
    Timestamp::from_millis(ms as u64)
}

/// A running node: `udp_host` on 127.0.0.1 and its control API on a loopback TCP port.
pub struct Node {
    /// The node's task.
    pub handle: NodeHandle,
    /// Where the control API listens.
    pub http_addr: SocketAddr,
    /// Where the operators' routes (`/health`, `/metrics`) listen.
    pub ops_addr: SocketAddr,
    /// The key pair whose public half the node trusts.
    pub keys: MediaTokenKeys,
    /// An HTTP client.
    pub http: reqwest::Client,
    _shutdown: oneshot::Sender<()>,
}

impl Node {
    /// A node for 50 participants.
    pub async fn start() -> Node {
        Self::start_with_capacity(50).await
    }

    /// A node for `capacity` participants.
    pub async fn start_with_capacity(capacity: usize) -> Node {
        init_logs();
        let keys = MediaTokenKeys::generate().expect("an Ed25519 key pair");
        let verifier = TokenVerifier::new(&keys.public_key(), NODE_ID).expect("a verifier");
        let bind: SocketAddr = "127.0.0.1:0".parse().expect("address");
        let handle = udp_host::start(bind, None, capacity).await.expect("the node binds its UDP socket");
        let state = ControlState::new(handle.clone(), verifier, NODE_ID, capacity);
        let app = control_api::router(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the control API");
        let http_addr = listener.local_addr().expect("control API address");
        let ops = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the operators' routes");
        let ops_addr = ops.local_addr().expect("operators' address");
        tokio::spawn(async move { axum::serve(ops, control_api::ops_router(state)).await });
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await
                .expect("the control API serves");
        });
        Node { handle, http_addr, ops_addr, keys, http: reqwest::Client::new(), _shutdown: shutdown }
    }

    /// The control API's URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.http_addr)
    }

    /// The operators' URL for `path` (`/health`, `/metrics`).
    pub fn ops_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.ops_addr)
    }

    /// Where the node receives media.
    pub fn media_addr(&self) -> SocketAddr {
        self.handle.media_addr()
    }

    /// A room token for `call`, signed by the trusted key.
    pub fn room_token(&self, call: &str) -> String {
        self.sign(&MediaClaims::room(NODE_ID, call, now_timestamp()))
    }

    /// A participant token for `participant` in `call`, signed by the trusted key.
    pub fn participant_token(&self, call: &str, participant: u32) -> String {
        self.sign(&MediaClaims::participant(NODE_ID, call, ParticipantId(participant), now_timestamp()))
    }

    /// Signs any claims with the trusted key.
    pub fn sign(&self, claims: &MediaClaims) -> String {
        self.keys.signer().sign(claims).expect("sign a media token")
    }

    /// Opens `call` through the control API.
    pub async fn create_call(&self, call: &str) {
        let response = self
            .http
            .post(self.url(&format!("/v1/calls/{call}")))
            .bearer_auth(self.room_token(call))
            .send()
            .await
            .expect("create-call request");
        assert_eq!(response.status(), reqwest::StatusCode::CREATED, "creating call {call}");
    }

    /// Removes a participant through the control API.
    pub async fn remove_participant(&self, call: &str, participant: u32) {
        let response = self
            .http
            .delete(self.url(&format!("/v1/calls/{call}/participants/{participant}")))
            .bearer_auth(self.room_token(call))
            .send()
            .await
            .expect("remove-participant request");
        assert_eq!(response.status(), reqwest::StatusCode::NO_CONTENT, "removing participant {participant}");
    }

    /// Joins `call` as `participant` with a new str0m client that publishes audio and video.
    pub async fn join(&self, call: &str, participant: u32) -> Client {
        Client::join(self, call, participant).await
    }

    /// Waits until the node's statistics satisfy `check` (they refresh every second).
    pub async fn wait_stats(&self, what: &str, mut check: impl FnMut(&SfuStats) -> bool) -> SfuStats {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let stats = self.handle.stats();
            if check(&stats) {
                return stats;
            }
            assert!(
                Instant::now() < deadline,
                "timed out after {DEADLINE:?} waiting for {what}; stats: {stats:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Frames one client received from one publisher's track of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Frames (`MediaData` events).
    pub frames: u64,
    /// Of which keyframes (`MediaData::is_keyframe`).
    pub keyframes: u64,
}

/// What a client saw and did; the test reads it while the client runs.
#[derive(Debug, Default)]
pub struct ClientState {
    /// ICE and DTLS are up.
    pub connected: bool,
    /// The `peershare` data channel is open.
    pub channel_open: bool,
    /// The latest `tracks` message from the node, by mid.
    pub tracks: BTreeMap<String, ForwardedTrack>,
    /// How many `tracks` messages arrived.
    pub tracks_messages: u64,
    /// Offers from the node that the client answered.
    pub offers_answered: u64,
    /// Direction of every m-line the node added, as the client's `Rtc` has it now.
    pub directions: BTreeMap<String, Direction>,
    /// Frames received, by publisher and kind (attributed through `tracks`).
    pub received: HashMap<(ParticipantId, TrackKind), Received>,
    /// Frames on a mid no `tracks` message had described.
    pub unattributed: u64,
    /// Frames whose content or codec contradicts what `tracks` said (wrong publisher, kind).
    pub mismatches: Vec<String>,
    /// `error` messages from the node and the client's own failures.
    pub errors: Vec<String>,
    /// Keyframe requests (PLI/FIR) the node sent for this client's video.
    pub keyframe_requests: u64,
    /// Audio frames written.
    pub audio_sent: u64,
    /// Video frames written.
    pub video_sent: u64,
    /// Of which keyframes.
    pub keyframes_sent: u64,
    /// Video frames written since the last keyframe.
    pub deltas_since_keyframe: u64,
    /// The client's `Rtc` stopped (ICE disconnected or closed).
    pub stopped: bool,
}

impl ClientState {
    /// Frames received from `publisher`'s track of `kind`.
    pub fn from(&self, publisher: u32, kind: TrackKind) -> Received {
        self.received.get(&(ParticipantId(publisher), kind)).copied().unwrap_or_default()
    }

    /// Participants the latest `tracks` message lists.
    pub fn listed_publishers(&self) -> Vec<ParticipantId> {
        let mut ids: Vec<_> = self.tracks.values().map(|t| t.participant).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

enum Command {
    /// Sends raw datagrams to the node from the client's own socket.
    SendRaw(Vec<Vec<u8>>, oneshot::Sender<usize>),
}

/// A WebRTC participant written with str0m, running in its own task.
pub struct Client {
    /// Its participant id.
    pub id: u32,
    /// Its UDP socket's address.
    pub addr: SocketAddr,
    /// The node's ICE ufrag for this client (from the SDP answer).
    pub node_ufrag: String,
    state: Arc<Mutex<ClientState>>,
    commands: mpsc::UnboundedSender<Command>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Client {
    async fn join(node: &Node, call: &str, id: u32) -> Client {
        str0m::crypto::from_feature_flags().install_process_default();
        let socket = UdpSocket::bind("127.0.0.1:0").await.expect("bind the client's UDP socket");
        let addr = socket.local_addr().expect("client address");
        let mut rtc = Rtc::builder().build(Instant::now());
        rtc.add_local_candidate(Candidate::host(addr, "udp").expect("a host candidate"));
        let mut change = rtc.sdp_api();
        let stream = format!("client-{id}");
        let audio = change.add_media(
            MediaKind::Audio,
            Direction::SendOnly,
            Some(stream.clone()),
            Some(format!("{stream}-audio")),
            None,
        );
        let video = change.add_media(
            MediaKind::Video,
            Direction::SendOnly,
            Some(stream.clone()),
            Some(format!("{stream}-video")),
            None,
        );
        change.add_channel(NODE_CHANNEL_LABEL.to_owned());
        let (offer, pending) = change.apply().expect("the first offer has changes");

        let response = node
            .http
            .post(node.url(&format!("/v1/calls/{call}/participants")))
            .bearer_auth(node.participant_token(call, id))
            .json(&SessionDescription { kind: SdpType::Offer, sdp: offer.to_sdp_string() })
            .send()
            .await
            .expect("join request");
        let status = response.status();
        let body = response.text().await.expect("join response body");
        assert_eq!(status, reqwest::StatusCode::CREATED, "joining {call} as {id}: {body}");
        let answer: SessionDescription = serde_json::from_str(&body).expect("the answer is JSON");
        assert_eq!(answer.kind, SdpType::Answer);
        let node_ufrag = answer
            .sdp
            .lines()
            .find_map(|l| l.strip_prefix("a=ice-ufrag:"))
            .expect("the answer has an ICE ufrag")
            .trim()
            .to_owned();
        let answer = SdpAnswer::from_sdp_string(&answer.sdp).expect("the answer parses");
        rtc.sdp_api().accept_answer(pending, answer).expect("the answer is accepted");

        let state = Arc::new(Mutex::new(ClientState::default()));
        let (commands, command_rx) = mpsc::unbounded_channel();
        let runner = Runner {
            id,
            rtc,
            socket,
            local: addr,
            node: node.media_addr(),
            state: state.clone(),
            audio,
            video,
            channel: None,
            audio_pt: None,
            video_pt: None,
            audio_seq: 0,
            video_seq: 0,
            next_audio: None,
            next_video: None,
            keyframe_due: true,
        };
        let task = tokio::spawn(runner.run(command_rx));
        Client { id, addr, node_ufrag, state, commands, task }
    }

    /// The client's state now.
    pub fn state(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().expect("client state lock")
    }

    /// Frames received so far from `publisher`'s track of `kind`.
    pub fn received(&self, publisher: u32, kind: TrackKind) -> Received {
        self.state().from(publisher, kind)
    }

    /// Waits until the client's state satisfies `check`; panics after [`DEADLINE`] with the state.
    pub async fn wait(&self, what: &str, mut check: impl FnMut(&ClientState) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let failure = {
                let state = self.state();
                if check(&state) {
                    return;
                }
                (Instant::now() >= deadline).then(|| format!("{:#?}", *state))
            };
            // Panic without the lock held, so the client's task does not find it poisoned.
            if let Some(state) = failure {
                panic!("client {} timed out after {DEADLINE:?} waiting for {what}; state: {state}", self.id);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until this client received at least `audio` audio and `video` video frames from
    /// each of `publishers`.
    pub async fn wait_frames_from(&self, publishers: &[u32], audio: u64, video: u64) {
        let what = format!("{audio} audio and {video} video frames from each of {publishers:?}");
        self.wait(&what, |s| {
            publishers.iter().all(|&p| {
                s.from(p, TrackKind::Audio).frames >= audio && s.from(p, TrackKind::Video).frames >= video
            })
        })
        .await;
    }

    /// Sends raw datagrams to the node from this client's socket (an address the node knows);
    /// returns how many went out.
    pub async fn send_raw(&self, datagrams: Vec<Vec<u8>>) -> usize {
        let (reply, sent) = oneshot::channel();
        self.commands.send(Command::SendRaw(datagrams, reply)).expect("the client runs");
        tokio::time::timeout(DEADLINE, sent)
            .await
            .expect("the client sent the datagrams in time")
            .expect("the client answers")
    }

    /// Panics if the client saw an error, a frame it could not attribute, or a frame whose
    /// content contradicts its attribution.
    pub fn assert_clean(&self) {
        let s = self.state();
        assert!(s.errors.is_empty(), "client {} saw errors: {:?}", self.id, s.errors);
        assert_eq!(s.unattributed, 0, "client {}: frames on mids no `tracks` message named", self.id);
        assert!(s.mismatches.is_empty(), "client {}: misattributed frames: {:?}", self.id, s.mismatches);
    }
}

/// The client's task: drives its `Rtc` from its socket, the clock and the test's commands.
struct Runner {
    id: u32,
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    node: SocketAddr,
    state: Arc<Mutex<ClientState>>,
    audio: Mid,
    video: Mid,
    channel: Option<ChannelId>,
    audio_pt: Option<Pt>,
    video_pt: Option<Pt>,
    audio_seq: u64,
    video_seq: u64,
    next_audio: Option<Instant>,
    next_video: Option<Instant>,
    keyframe_due: bool,
}

impl Runner {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut buf = vec![0u8; 2048];
        loop {
            let Some(timeout) = self.poll() else {
                self.state().stopped = true;
                return;
            };
            let wake = [Some(timeout), self.next_audio, self.next_video].into_iter().flatten().min();
            let wake = wake.unwrap_or(timeout);
            tokio::select! {
                command = commands.recv() => match command {
                    Some(Command::SendRaw(datagrams, reply)) => {
                        let mut sent = 0;
                        for (i, d) in datagrams.iter().enumerate() {
                            if self.socket.send_to(d, self.node).await.is_ok() {
                                sent += 1;
                            }
                            if i % 32 == 31 {
                                // Let the node read: a burst larger than its receive buffer
                                // would be dropped by the kernel, not refused by the node.
                                tokio::time::sleep(Duration::from_millis(1)).await;
                            }
                        }
                        let _ = reply.send(sent);
                    }
                    None => return,
                },
                received = self.socket.recv_from(&mut buf) => {
                    if let Ok((n, source)) = received {
                        self.receive(&buf[..n], source);
                    }
                }
                () = tokio::time::sleep_until(wake.into()) => {}
            }
            let now = Instant::now();
            if let Err(e) = self.rtc.handle_input(Input::Timeout(now)) {
                self.state().errors.push(format!("timeout: {e}"));
            }
            self.send_due_media(now);
        }
    }

    fn state(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().expect("client state lock")
    }

    fn receive(&mut self, datagram: &[u8], source: SocketAddr) {
        let Ok(contents) = DatagramRecv::try_from(datagram) else { return };
        let input = Input::Receive(
            Instant::now(),
            Receive { proto: Protocol::Udp, source, destination: self.local, contents },
        );
        if let Err(e) = self.rtc.handle_input(input) {
            self.state().errors.push(format!("input: {e}"));
        }
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
                    self.state().errors.push(format!("poll: {e}"));
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
                self.next_audio = Some(now);
                self.next_video = Some(now);
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.rtc.disconnect();
            }
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
            Event::KeyframeRequest(req) if req.mid == self.video => {
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
                self.state().errors.push(format!("unparsable node message {text}: {e}"));
                return;
            }
        };
        match message {
            NodeMessage::Offer { sdp } => self.on_offer(&sdp),
            NodeMessage::Tracks { tracks } => {
                let mut s = self.state();
                s.tracks = tracks.into_iter().map(|t| (t.mid.clone(), t)).collect();
                s.tracks_messages += 1;
            }
            NodeMessage::Error { message } => self.state().errors.push(format!("node error: {message}")),
            NodeMessage::Answer { .. } => self.state().errors.push("an answer to no offer".into()),
            // Simulcast hints: these clients send a single layer.
            _ => {}
        }
    }

    fn on_offer(&mut self, sdp: &str) {
        let offer = match SdpOffer::from_sdp_string(sdp) {
            Ok(o) => o,
            Err(e) => return self.state().errors.push(format!("node offer does not parse: {e}")),
        };
        let answer = match self.rtc.sdp_api().accept_offer(offer) {
            Ok(a) => a,
            Err(e) => return self.state().errors.push(format!("node offer refused: {e}")),
        };
        let reply = ClientNodeMessage::Answer { sdp: answer.to_sdp_string() };
        let bytes = serde_json::to_vec(&reply).expect("answer serializes");
        let written = self.channel.and_then(|id| self.rtc.channel(id)).map(|mut c| c.write(false, &bytes));
        let mut directions = Vec::new();
        let mids: Vec<String> = self.state().directions.keys().cloned().collect();
        for mid in mids {
            if let Some(media) = self.rtc.media(Mid::from(mid.as_str())) {
                directions.push((mid, media.direction()));
            }
        }
        let mut s = self.state();
        s.directions.extend(directions);
        match written {
            Some(Ok(_)) => s.offers_answered += 1,
            other => s.errors.push(format!("could not send the answer: {other:?}")),
        }
    }

    fn on_media(&mut self, data: &MediaData) {
        let mid = data.mid.to_string();
        let codec = data.params.spec().codec;
        let mut s = self.state();
        let Some(track) = s.tracks.get(&mid).cloned() else {
            s.unattributed += 1;
            return;
        };
        let expected_codec = match track.kind {
            TrackKind::Audio => Codec::Opus,
            TrackKind::Video => Codec::Vp8,
        };
        if codec != expected_codec {
            s.mismatches.push(format!("{mid}: {codec:?} on a {:?} track", track.kind));
        }
        match frame_publisher(track.kind, &data.data) {
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
        if let Some(due) = self.next_audio.filter(|t| *t <= now) {
            self.next_audio = Some(next_due(due, AUDIO_INTERVAL, now));
            self.write_audio(now);
        }
        if let Some(due) = self.next_video.filter(|t| *t <= now) {
            self.next_video = Some(next_due(due, VIDEO_INTERVAL, now));
            self.write_video(now);
        }
    }

    fn write_audio(&mut self, now: Instant) {
        let Some(writer) = self.rtc.writer(self.audio) else { return };
        let pt = *self.audio_pt.get_or_insert_with(|| pt_of(writer.payload_params(), Codec::Opus));
        let time = MediaTime::new(self.audio_seq * 960, Frequency::FORTY_EIGHT_KHZ);
        let frame = audio_frame(self.id, self.audio_seq);
        match writer.write(pt, now, time, frame) {
            Ok(()) => {
                self.audio_seq += 1;
                self.state().audio_sent += 1;
            }
            Err(e) => self.state().errors.push(format!("audio write: {e}")),
        }
    }

    fn write_video(&mut self, now: Instant) {
        let Some(writer) = self.rtc.writer(self.video) else { return };
        let pt = *self.video_pt.get_or_insert_with(|| pt_of(writer.payload_params(), Codec::Vp8));
        let time = MediaTime::new(self.video_seq * 2_970, Frequency::NINETY_KHZ);
        let keyframe = self.keyframe_due;
        let frame = vp8_frame(self.id, self.video_seq, keyframe);
        match writer.write(pt, now, time, frame) {
            Ok(()) => {
                self.keyframe_due = false;
                self.video_seq += 1;
                let mut s = self.state();
                s.video_sent += 1;
                if keyframe {
                    s.keyframes_sent += 1;
                    s.deltas_since_keyframe = 0;
                } else {
                    s.deltas_since_keyframe += 1;
                }
            }
            Err(e) => self.state().errors.push(format!("video write: {e}")),
        }
    }
}

/// The payload type negotiated for `codec`.
fn pt_of<'a>(mut params: impl Iterator<Item = &'a str0m::format::PayloadParams>, codec: Codec) -> Pt {
    params.find(|p| p.spec().codec == codec).map(|p| p.pt()).expect("the codec was negotiated")
}

/// The next time a periodic frame is due; a client that fell far behind skips ahead.
fn next_due(due: Instant, interval: Duration, now: Instant) -> Instant {
    let next = due + interval;
    if next + 10 * interval < now { now + interval } else { next }
}

/// An Opus-sized audio frame: the publisher's id, the frame number, filler.
pub fn audio_frame(publisher: u32, seq: u64) -> Vec<u8> {
    let mut frame = Vec::with_capacity(120);
    frame.extend_from_slice(&publisher.to_be_bytes());
    frame.extend_from_slice(&seq.to_be_bytes());
    frame.resize(80 + (seq % 40) as usize, 0xA5);
    frame
}

/// A synthetic VP8 frame. Its first byte is the VP8 payload header (RFC 7741 §4.3): `P` (bit 0)
/// is 0 for a keyframe and 1 for an interframe, which is all str0m's depacketizer reads to set
/// `MediaData::is_keyframe`. Then the publisher's id and the frame number, then filler.
pub fn vp8_frame(publisher: u32, seq: u64, keyframe: bool) -> Vec<u8> {
    let size = if keyframe { KEYFRAME_BYTES } else { DELTA_BYTES };
    let mut frame = Vec::with_capacity(size);
    frame.push(if keyframe { 0x10 } else { 0x11 });
    frame.extend_from_slice(&[0x02, 0x00]);
    frame.extend_from_slice(&publisher.to_be_bytes());
    frame.extend_from_slice(&seq.to_be_bytes());
    frame.resize(size, if keyframe { 0x4B } else { 0x44 });
    frame
}

/// The publisher id written into a synthetic frame.
fn frame_publisher(kind: TrackKind, frame: &[u8]) -> Option<u32> {
    let offset = match kind {
        TrackKind::Audio => 0,
        TrackKind::Video => 3,
    };
    let bytes = frame.get(offset..offset + 4)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// A small deterministic random source (SplitMix64), so a failing run can be replayed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// An SDP offer like a client's (send-only audio and video, the `peershare` channel), for
/// requests that need a valid one but never connect.
pub fn sample_offer() -> String {
    str0m::crypto::from_feature_flags().install_process_default();
    let mut rtc = Rtc::builder().build(Instant::now());
    let addr: SocketAddr = "127.0.0.1:9".parse().expect("address");
    rtc.add_local_candidate(Candidate::host(addr, "udp").expect("a host candidate"));
    let mut change = rtc.sdp_api();
    change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    change.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
    change.add_channel(NODE_CHANNEL_LABEL.to_owned());
    let (offer, _pending) = change.apply().expect("an offer");
    offer.to_sdp_string()
}

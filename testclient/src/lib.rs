//! One synthetic WebRTC participant for PeerShare's test tooling (`peershare-loadgen` and the
//! media node's tests): a str0m `Rtc` on its own UDP socket that joins a call through the media
//! node's control API the way the web client does (an SDP offer with send-only audio and video
//! plus the `peershare` data channel, POSTed with a participant token), answers the node's
//! renegotiations over that channel, publishes stamped Opus- and VP8-like frames at the rates
//! and sizes it is given, and keeps what it received per publisher and kind in its
//! [`ClientState`].

mod frame;
mod runner;
mod state;
mod tally;

pub use frame::{Stamp, audio_frame, read_stamp, video_frame};
pub use state::{ClientState, Received};
pub use tally::Tally;

use anyhow::Context;
use peershare_core::protocol::{NODE_CHANNEL_LABEL, SdpType, SessionDescription, TrackKind};
use runner::{Runner, SendRaw};
use state::lock;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::media::{Direction, MediaKind, Mid};
use str0m::{Candidate, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// How long [`Client::wait`] and [`Client::send_raw`] wait: generous, as the machine may be
/// busy building something else.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// What a client publishes once connected: one audio and one video frame per interval, the
/// first keyframe and then one whenever the node asks.
#[derive(Debug, Clone, Copy)]
pub struct Publish {
    /// Time between two audio frames.
    pub audio_interval: Duration,
    /// Time between two video frames.
    pub video_interval: Duration,
    /// Bytes of an audio frame.
    pub audio_bytes: usize,
    /// Bytes of a video delta frame.
    pub video_delta_bytes: usize,
    /// Bytes of a video keyframe.
    pub video_keyframe_bytes: usize,
}

impl Default for Publish {
    /// Opus at about 32 kbit/s in 20 ms frames; VP8 at about 600 kbit/s and 30 frames a second:
    /// three RTP packets a delta frame, about ten a keyframe.
    fn default() -> Self {
        Self {
            audio_interval: Duration::from_millis(20),
            video_interval: Duration::from_micros(33_333),
            audio_bytes: 80,
            video_delta_bytes: 2_500,
            video_keyframe_bytes: 12_000,
        }
    }
}

/// Where and as whom a client joins.
#[derive(Debug, Clone, Copy)]
pub struct Join<'a> {
    /// The HTTP client that posts the offer.
    pub http: &'a reqwest::Client,
    /// The node's control API (`http://127.0.0.1:PORT`).
    pub api: &'a str,
    /// The call.
    pub call: &'a str,
    /// The participant's id: its token's, and the publisher its frames name.
    pub participant: u32,
    /// A participant token for `call` and `participant`, signed by a key the node trusts.
    pub token: &'a str,
    /// What it publishes.
    pub publish: Publish,
}

/// A WebRTC participant written with str0m, running in its own task until it is dropped.
#[derive(Debug)]
pub struct Client {
    /// Its participant id.
    pub id: u32,
    /// The node's ICE ufrag for this client (from the SDP answer).
    pub node_ufrag: String,
    state: Arc<Mutex<ClientState>>,
    requests: mpsc::UnboundedSender<SendRaw>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Client {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Client {
    /// Joins a call through the node's control API and starts the client's task; fails unless
    /// the node answers `201 Created` with an SDP answer the client accepts.
    pub async fn join(join: Join<'_>) -> anyhow::Result<Client> {
        let Join { http, api, call, participant: id, token, publish } = join;
        let socket = UdpSocket::bind("127.0.0.1:0").await.context("binding the client's UDP socket")?;
        let mut rtc = rtc_at(socket.local_addr()?)?;
        let (offer, pending, mids) = client_offer(&mut rtc, &format!("client-{id}"))?;

        let response = http
            .post(format!("{api}/v1/calls/{call}/participants"))
            .bearer_auth(token)
            .json(&SessionDescription { kind: SdpType::Offer, sdp: offer.to_sdp_string() })
            .send()
            .await
            .with_context(|| format!("joining {call} as {id}"))?;
        let status = response.status();
        let body = response.text().await.context("the join response's body")?;
        anyhow::ensure!(status == reqwest::StatusCode::CREATED, "joining {call} as {id}: {status} {body}");
        let answer: SessionDescription = serde_json::from_str(&body).context("the answer is not JSON")?;
        anyhow::ensure!(answer.kind == SdpType::Answer, "the node answered with {:?}", answer.kind);
        let node_ufrag = answer
            .sdp
            .lines()
            .find_map(|l| l.strip_prefix("a=ice-ufrag:"))
            .context("the answer has no ICE ufrag")?
            .trim()
            .to_owned();
        let answer = SdpAnswer::from_sdp_string(&answer.sdp).context("the answer does not parse")?;
        rtc.sdp_api().accept_answer(pending, answer).context("the answer is refused")?;

        let state = Arc::new(Mutex::new(ClientState::default()));
        let runner = Runner::new(id, rtc, socket, mids, publish, state.clone())?;
        let (requests, requests_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(runner.run(requests_rx));
        Ok(Client { id, node_ufrag, state, requests, task })
    }

    /// The client's state now.
    pub fn state(&self) -> MutexGuard<'_, ClientState> {
        lock(&self.state)
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
    /// returns how many went out (none before the client has sent the node anything).
    pub async fn send_raw(&self, datagrams: Vec<Vec<u8>>) -> usize {
        let (reply, sent) = oneshot::channel();
        self.requests.send(SendRaw { datagrams, reply }).expect("the client runs");
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

/// An SDP offer like a client's (send-only audio and video, the `peershare` channel), for
/// requests that need a valid one but never connect.
pub fn sample_offer() -> String {
    let addr = SocketAddr::from(([127, 0, 0, 1], 9));
    let offer = rtc_at(addr).and_then(|mut rtc| client_offer(&mut rtc, "sample"));
    offer.expect("a sample offer").0.to_sdp_string()
}

/// An `Rtc` with one host candidate, at `addr`.
fn rtc_at(addr: SocketAddr) -> anyhow::Result<Rtc> {
    str0m::crypto::from_feature_flags().install_process_default();
    let mut rtc = Rtc::builder().set_stats_interval(Some(Duration::from_secs(1))).build(Instant::now());
    rtc.add_local_candidate(Candidate::host(addr, "udp")?);
    Ok(rtc)
}

/// The offer the web client makes: send-only audio and video in `stream`, and the `peershare`
/// channel. Returns it, its pending state and the audio and video mids.
fn client_offer(rtc: &mut Rtc, stream: &str) -> anyhow::Result<(SdpOffer, SdpPendingOffer, (Mid, Mid))> {
    let mut change = rtc.sdp_api();
    let mut add = |kind: MediaKind, name: &str| {
        let track = Some(format!("{stream}-{name}"));
        change.add_media(kind, Direction::SendOnly, Some(stream.to_owned()), track, None)
    };
    let mids = (add(MediaKind::Audio, "audio"), add(MediaKind::Video, "video"));
    change.add_channel(NODE_CHANNEL_LABEL.to_owned());
    let (offer, pending) = change.apply().context("the first offer has changes")?;
    Ok((offer, pending, mids))
}

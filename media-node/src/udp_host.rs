//! Runs the forwarding core on one UDP socket: a tokio task that owns the [`Sfu`], reads
//! datagrams, fires timeouts and carries out control commands. Nothing else touches the core.

use crate::recording_shipper::Shipper;
use crate::sfu::{RecordingSpec, Sfu, SfuConfig, SfuError, SfuStats};
use peershare_core::protocol::ParticipantId;
use peershare_recording::storage::ObjectStore;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

/// Receive buffer requested for the media socket: a busy node must not drop datagrams while
/// it is briefly descheduled (the kernel caps it at `net.core.rmem_max`).
const RECV_BUFFER_BYTES: usize = 4 * 1024 * 1024;

/// Largest datagram the node reads.
const MAX_DATAGRAM: usize = 2048;

/// Datagrams read in one go before timeouts and commands get a turn.
const READ_BATCH: usize = 64;

/// Rounds of already-due timeouts served back to back before the socket gets a turn. str0m's
/// pacer asks for a new timeout a microsecond after every packet it releases, so a frame's
/// packets would otherwise each wait for a trip through tokio's timer.
const DUE_TIMEOUT_ROUNDS: usize = 32;

/// How often the published statistics are refreshed.
const STATS_INTERVAL: Duration = Duration::from_secs(1);

/// How often recorded bytes are handed to the shipper.
const RECORDING_DRAIN_INTERVAL: Duration = Duration::from_millis(250);

/// A control command for the node's task.
#[derive(Debug)]
enum Command {
    CreateCall(String, oneshot::Sender<Result<(), SfuError>>),
    EndCall(String, oneshot::Sender<Result<(), SfuError>>),
    CallParticipants(String, oneshot::Sender<Result<usize, SfuError>>),
    AddParticipant {
        call: String,
        participant: ParticipantId,
        offer: String,
        reply: oneshot::Sender<Result<String, SfuError>>,
    },
    RemoveParticipant(String, ParticipantId, oneshot::Sender<Result<(), SfuError>>),
    SetRecording(String, RecordingSpec, oneshot::Sender<Result<(), SfuError>>),
}

/// Why a command did not reach the node.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NodeError {
    /// The core refused it.
    #[error(transparent)]
    Sfu(#[from] SfuError),
    /// The node's task has stopped.
    #[error("the media node has stopped")]
    Stopped,
    /// The node was started without recording storage.
    #[error("this media node has no recording storage")]
    RecordingUnavailable,
}

/// A handle to a running node: cheap to clone, usable from any task.
#[derive(Debug, Clone)]
pub struct NodeHandle {
    commands: mpsc::Sender<Command>,
    stats: watch::Receiver<SfuStats>,
    media_addr: SocketAddr,
    records: bool,
}

impl NodeHandle {
    /// Opens a call session.
    pub async fn create_call(&self, call: &str) -> Result<(), NodeError> {
        self.ask(|reply| Command::CreateCall(call.to_owned(), reply)).await
    }

    /// Ends a call session.
    pub async fn end_call(&self, call: &str) -> Result<(), NodeError> {
        self.ask(|reply| Command::EndCall(call.to_owned(), reply)).await
    }

    /// How many participants a call session has: whether it is open here.
    pub async fn call_participants(&self, call: &str) -> Result<usize, NodeError> {
        self.ask(|reply| Command::CallParticipants(call.to_owned(), reply)).await
    }

    /// Adds a participant with their SDP offer; returns the SDP answer.
    pub async fn add_participant(
        &self,
        call: &str,
        participant: ParticipantId,
        offer: String,
    ) -> Result<String, NodeError> {
        self.ask(|reply| Command::AddParticipant { call: call.to_owned(), participant, offer, reply }).await
    }

    /// Removes a participant from a call.
    pub async fn remove_participant(&self, call: &str, participant: ParticipantId) -> Result<(), NodeError> {
        self.ask(|reply| Command::RemoveParticipant(call.to_owned(), participant, reply)).await
    }

    /// Records `call` as the plan `spec` says; see [`Sfu::set_recording`].
    pub async fn set_recording(&self, call: &str, spec: RecordingSpec) -> Result<(), NodeError> {
        if !self.records && !spec.stopped {
            return Err(NodeError::RecordingUnavailable);
        }
        self.ask(|reply| Command::SetRecording(call.to_owned(), spec, reply)).await
    }

    /// The latest statistics (refreshed every second and after every command).
    pub fn stats(&self) -> SfuStats {
        self.stats.borrow().clone()
    }

    /// Whether the node's task has ended.
    pub fn is_stopped(&self) -> bool {
        self.commands.is_closed()
    }

    /// The address browsers send media to.
    pub fn media_addr(&self) -> SocketAddr {
        self.media_addr
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, SfuError>>) -> Command,
    ) -> Result<T, NodeError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(command(reply)).await.map_err(|_| NodeError::Stopped)?;
        Ok(answer.await.map_err(|_| NodeError::Stopped)??)
    }
}

/// Binds the media socket and starts the node's task. `advertised_ip` is the address put in
/// the node's ICE candidate (the public IP in the cloud; the bind address when `None`);
/// recordings go to `recordings` (a node without it refuses to record).
pub async fn start(
    bind: SocketAddr,
    advertised_ip: Option<std::net::IpAddr>,
    max_participants: usize,
    recordings: Option<Arc<dyn ObjectStore>>,
) -> std::io::Result<NodeHandle> {
    let socket = bind_socket(bind)?;
    let local = socket.local_addr()?;
    let advertised = SocketAddr::new(advertised_ip.unwrap_or(local.ip()), local.port());
    let sfu = Sfu::new(SfuConfig { advertised, max_participants });
    let (commands, command_rx) = mpsc::channel(256);
    let (stats_tx, stats) = watch::channel(SfuStats::default());
    let records = recordings.is_some();
    let shipper = recordings.map(Shipper::start);
    tokio::spawn(run(sfu, socket, command_rx, stats_tx, shipper));
    tracing::info!(%local, %advertised, records, "media node listening for UDP");
    Ok(NodeHandle { commands, stats, media_addr: advertised, records })
}

fn bind_socket(bind: SocketAddr) -> std::io::Result<UdpSocket> {
    let socket = socket2::Socket::new(socket2::Domain::for_address(bind), socket2::Type::DGRAM, None)?;
    if let Err(e) = socket.set_recv_buffer_size(RECV_BUFFER_BYTES) {
        tracing::warn!(error = %e, "could not raise the UDP receive buffer");
    }
    let _ = socket.set_send_buffer_size(RECV_BUFFER_BYTES);
    socket.set_nonblocking(true)?;
    socket.bind(&bind.into())?;
    UdpSocket::from_std(socket.into())
}

async fn run(
    mut sfu: Sfu,
    socket: UdpSocket,
    mut commands: mpsc::Receiver<Command>,
    stats: watch::Sender<SfuStats>,
    shipper: Option<Shipper>,
) {
    let origin = Instant::now();
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut next_stats = origin;
    let mut next_drain = origin;
    let mut send = |to: SocketAddr, data: &[u8]| {
        // A full send buffer drops the datagram, as the network would; RTP recovers.
        let _ = socket.try_send_to(data, to);
    };
    loop {
        let wake = sfu.next_timeout().map(Instant::from_std).unwrap_or(origin + Duration::from_secs(3600));
        let wake = wake.min(next_stats).min(next_drain);
        tokio::select! {
            biased;
            command = commands.recv() => match command {
                Some(command) => {
                    execute(&mut sfu, command);
                    sfu.handle_timeout(std::time::Instant::now(), &mut send);
                    stats.send_replace(sfu.stats());
                    drain_recordings(&mut sfu, shipper.as_ref());
                }
                None => break,
            },
            ready = socket.readable() => {
                if ready.is_err() {
                    continue;
                }
                for _ in 0..READ_BATCH {
                    match socket.try_recv_from(&mut buf) {
                        Ok((n, source)) => sfu.handle_datagram(std::time::Instant::now(), source, &buf[..n], &mut send),
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) => {
                            // ICMP errors (a peer's port closed) surface here; they concern one peer.
                            tracing::trace!(error = %e, "UDP receive error");
                        }
                    }
                }
                // A socket that stays readable wins every (biased) select, so the sleep below
                // would never fire under load or a flood: give due timers their turn here.
                serve_due_timeouts(&mut sfu, &mut send);
                publish_stats_if_due(&sfu, &stats, &mut next_stats);
                drain_recordings_if_due(&mut sfu, shipper.as_ref(), &mut next_drain);
            }
            () = tokio::time::sleep_until(wake) => {
                sfu.handle_timeout(std::time::Instant::now(), &mut send);
                serve_due_timeouts(&mut sfu, &mut send);
                publish_stats_if_due(&sfu, &stats, &mut next_stats);
                drain_recordings_if_due(&mut sfu, shipper.as_ref(), &mut next_drain);
            }
        }
    }
    tracing::info!("media node stopped");
}

/// Serves timeouts that are already due by the clock, a bounded number of rounds.
fn serve_due_timeouts(sfu: &mut Sfu, send: &mut impl FnMut(SocketAddr, &[u8])) {
    for _ in 0..DUE_TIMEOUT_ROUNDS {
        let now = std::time::Instant::now();
        if sfu.next_timeout().is_none_or(|t| t > now) {
            return;
        }
        sfu.handle_timeout(now, send);
    }
}

/// Refreshes the published statistics once every [`STATS_INTERVAL`].
fn publish_stats_if_due(sfu: &Sfu, stats: &watch::Sender<SfuStats>, next_stats: &mut Instant) {
    if Instant::now() >= *next_stats {
        *next_stats = Instant::now() + STATS_INTERVAL;
        stats.send_replace(sfu.stats());
    }
}

/// Hands recorded bytes to the shipper every [`RECORDING_DRAIN_INTERVAL`].
fn drain_recordings_if_due(sfu: &mut Sfu, shipper: Option<&Shipper>, next_drain: &mut Instant) {
    if Instant::now() >= *next_drain {
        *next_drain = Instant::now() + RECORDING_DRAIN_INTERVAL;
        drain_recordings(sfu, shipper);
    }
}

/// Hands recorded bytes to the shipper while it has room; past that they wait in the tracks'
/// writers (each of which fails at its own byte limit).
fn drain_recordings(sfu: &mut Sfu, shipper: Option<&Shipper>) {
    if let Some(shipper) = shipper
        && shipper.has_room()
    {
        shipper.ship(sfu.drain_recordings());
    }
}

fn execute(sfu: &mut Sfu, command: Command) {
    let now = std::time::Instant::now();
    match command {
        Command::CreateCall(id, reply) => {
            let _ = reply.send(sfu.create_call(&id));
        }
        Command::EndCall(id, reply) => {
            let _ = reply.send(sfu.end_call(&id));
        }
        Command::CallParticipants(id, reply) => {
            let count = sfu.call_participants(&id).map(|p| p.len()).ok_or(SfuError::NoSuchCall(id));
            let _ = reply.send(count);
        }
        Command::AddParticipant { call, participant, offer, reply } => {
            let _ = reply.send(sfu.add_participant(&call, participant, &offer, now));
        }
        Command::RemoveParticipant(call, participant, reply) => {
            let _ = reply.send(sfu.remove_participant(&call, participant));
        }
        Command::SetRecording(call, spec, reply) => {
            let _ = reply.send(sfu.set_recording(&call, spec, now));
        }
    }
}

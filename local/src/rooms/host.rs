//! The tokio host of one room: moves frames and time in, carries outputs out. No rules here.

use super::history::HistoryWriter;
use super::outbox::{Outbox, Outgoing};
use super::{RoomEvent, RoomServices, RoomStatus, Vacate};
use crate::media_nodes::{Allocated, MediaNodeAllocator, NodeAsk};
use peershare_core::GroupId;
use peershare_core::media::MediaNodeLease;
use peershare_core::protocol::ParticipantId;
use peershare_core::room::{ConnectionId, Input, Output, RecordingPlan, Room, recording_id};
use peershare_core::time::Timestamp;
use peershare_media_node::sfu::RecordingSpec;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// Runs one room until it is vacant (no connections, no access change left to enforce) and no
/// connection is on its way in.
pub(super) async fn run(
    group: GroupId,
    services: RoomServices,
    own_events: mpsc::UnboundedSender<RoomEvent>,
    mut events: mpsc::UnboundedReceiver<RoomEvent>,
    status: watch::Sender<RoomStatus>,
    vacate: impl Vacate,
) {
    let mut room = Room::new(services.config.clone(), services.signer.clone());
    let mut outboxes: HashMap<ConnectionId, Outbox> = HashMap::new();
    let mut wake_at: Option<Instant> = None;
    let history = HistoryWriter::new(&group, services.history.clone());
    let media = spawn_media_worker(services.media.clone(), own_events.clone());
    tracing::info!(%group, "room opened");
    loop {
        let input = tokio::select! {
            // Events first: a ping waiting in the queue must reach the room before a heartbeat
            // deadline is judged (on a starved machine both are ready at once).
            biased;
            event = events.recv() => match event {
                Some(RoomEvent::Connected { conn, outbox, ticket }) => {
                    outboxes.insert(conn, outbox);
                    room.handle(Input::Connected(conn), now());
                    Input::Identified { conn, ticket }
                }
                Some(RoomEvent::Text(conn, text)) => Input::Text(conn, text),
                Some(RoomEvent::Binary(conn)) => Input::Binary(conn),
                Some(RoomEvent::Disconnected(conn)) => {
                    outboxes.remove(&conn);
                    Input::Disconnected(conn)
                }
                Some(RoomEvent::MediaNode(Ok(Allocated::Lease(lease)))) => Input::MediaNodeAllocated(lease),
                Some(RoomEvent::MediaNode(Ok(Allocated::Pending { retry_after }))) => {
                    Input::MediaNodePending { retry_after }
                }
                Some(RoomEvent::MediaNode(Err(reason))) => Input::MediaNodeUnavailable { reason },
                Some(RoomEvent::MediaNodeLost(lease)) => Input::MediaNodeLost(lease),
                Some(RoomEvent::AccessChanged(notice)) => Input::AccessChanged(notice),
                Some(RoomEvent::RecordingFailed(reason)) => Input::RecordingFailed { reason },
                None => break,
            },
            () = sleep_until(wake_at) => Input::Timeout,
        };
        room.handle(input, now());
        while let Some(output) = room.poll_output() {
            match output {
                Output::Send(conn, message) => {
                    deliver(&mut outboxes, conn, Outgoing::Text(message.to_json().into()));
                }
                Output::Broadcast(conns, message) => {
                    let text: Arc<str> = message.to_json().into();
                    for conn in conns {
                        deliver(&mut outboxes, conn, Outgoing::Text(text.clone()));
                    }
                }
                Output::Close(conn, frame) => {
                    deliver(&mut outboxes, conn, Outgoing::Close(frame));
                    outboxes.remove(&conn);
                }
                Output::Persist(snapshot) => {
                    tracing::debug!(%group, participants = snapshot.participants.len(), "room state changed");
                }
                Output::History(event) => history.record(event),
                Output::NeedsMediaNode { participants, replacing } => {
                    tracing::info!(%group, participants, replacing = ?replacing.as_ref().map(|l| &l.node_id), "asking for a media node");
                    let ask = NodeAsk {
                        room: group.as_str().to_owned(),
                        participants,
                        avoid: replacing.map(|lease| lease.node_id),
                    };
                    allocate(&services, ask, own_events.clone());
                }
                Output::CheckMediaNode(lease) => check(&services, lease, own_events.clone()),
                Output::RemoveFromMediaNode { lease, participant } => {
                    let _ = media.send(MediaCommand::Remove(lease, participant));
                }
                Output::RecordOnMediaNode { lease, plan } => {
                    let _ = media.send(MediaCommand::Record(lease, recording_spec(&group, plan)));
                }
                Output::ReleaseMediaNode(lease) => {
                    tracing::info!(%group, call = %lease.call_id, "ending the call session on the media node");
                    let _ = media.send(MediaCommand::Release(lease));
                }
                // The room empties only after it closed or lost every connection, so the
                // host has already let go of every outbox; `outboxes` says the same.
                Output::Empty => {}
            }
        }
        wake_at = room.wakes_at().map(|at| Instant::now() + at.since(now()));
        status.send_replace(RoomStatus {
            participants: room.participant_count() as u32,
            joinable: room.admits_newcomer(),
            connections: outboxes.len() as u32,
            capacity: services.config.capacity,
        });
        if outboxes.is_empty() && room.is_vacant() && vacate.vacate_if_idle(&events) {
            break;
        }
    }
    tracing::info!(%group, "room closed");
}

/// What the room asked of its call session, carried out in the order it asked (a recording
/// plan and its stop must not overtake each other).
enum MediaCommand {
    Remove(MediaNodeLease, ParticipantId),
    Record(MediaNodeLease, RecordingSpec),
    Release(MediaNodeLease),
}

/// Carries out a room's media commands one after the other, for as long as the room lives; a
/// recording plan the node refuses goes back to the room.
fn spawn_media_worker(
    media: Arc<dyn MediaNodeAllocator>,
    room: mpsc::UnboundedSender<RoomEvent>,
) -> mpsc::UnboundedSender<MediaCommand> {
    let (commands, mut queue) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(command) = queue.recv().await {
            match command {
                MediaCommand::Remove(lease, participant) => {
                    media.remove_participant(lease, participant).await
                }
                MediaCommand::Record(lease, spec) => {
                    let stopping = spec.stopped;
                    if let Err(reason) = media.record(lease, spec).await
                        && !stopping
                    {
                        let _ = room.send(RoomEvent::RecordingFailed(reason));
                    }
                }
                MediaCommand::Release(lease) => media.release(lease).await,
            }
        }
    });
    commands
}

/// The node's view of the room's plan: the recording's id names its storage folder.
fn recording_spec(group: &GroupId, plan: RecordingPlan) -> RecordingSpec {
    RecordingSpec {
        id: recording_id(group, plan.started_at),
        revision: plan.revision,
        participants: plan.participants,
        stopped: plan.stopped,
        part: plan.part,
    }
}

/// The current time as the room counts it: milliseconds since the Unix epoch.
fn now() -> Timestamp {
    Timestamp::from_millis(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64))
}

/// Asks the allocator for a node in the background; the answer comes back as a room event. If
/// the room closed meanwhile, the session is ended straight away so the node does not keep it.
fn allocate(services: &RoomServices, ask: NodeAsk, room: mpsc::UnboundedSender<RoomEvent>) {
    let media = services.media.clone();
    tokio::spawn(async move {
        let result = media.allocate(ask).await.map_err(|e| e.to_string());
        if let Err(mpsc::error::SendError(RoomEvent::MediaNode(Ok(Allocated::Lease(lease))))) =
            room.send(RoomEvent::MediaNode(result))
        {
            media.release(lease).await;
        }
    });
}

/// Checks a call session in the background (a participant's link to its node failed); a
/// session that is gone comes back to the room as lost.
fn check(services: &RoomServices, lease: MediaNodeLease, room: mpsc::UnboundedSender<RoomEvent>) {
    let media = services.media.clone();
    tokio::spawn(async move {
        if !media.check(lease.clone()).await {
            tracing::warn!(node = %lease.node_id, call = %lease.call_id, "the call's media node is gone");
            let _ = room.send(RoomEvent::MediaNodeLost(lease));
        }
    });
}

/// Queues a frame for a connection. A connection with more than core's byte budget waiting
/// does not read what the call sends it: its writer closes it (`slow_consumer`) and its reader
/// then reports it gone, rather than the room holding its backlog.
fn deliver(outboxes: &mut HashMap<ConnectionId, Outbox>, conn: ConnectionId, frame: Outgoing) {
    let Some(outbox) = outboxes.get(&conn) else { return };
    if let Err(overflow) = outbox.push(frame) {
        tracing::warn!(conn = conn.0, %overflow, "connection does not read; dropping it");
        outboxes.remove(&conn);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

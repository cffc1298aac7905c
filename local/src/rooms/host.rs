//! The tokio host of one room: moves frames and time in, carries outputs out. No rules here.

use super::registry::RoomRegistry;
use peershare_core::GroupId;
use peershare_core::room::{CloseFrame, ConnectionId, Input, Output, Room, RoomConfig};
use peershare_core::time::Timestamp;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// Why the local host answers every media-node request with "unavailable".
const NO_MEDIA_NODE: &str = "this server has no media nodes; calls are limited to two people";

/// Frames for one connection's writer.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A JSON text frame (shared between broadcast recipients).
    Text(Arc<str>),
    /// Close the socket with this frame.
    Close(CloseFrame),
}

/// What a connection tells its room.
#[derive(Debug)]
pub enum RoomEvent {
    /// A socket opened; frames for it go to `outbox`.
    Connected {
        /// The connection's id.
        conn: ConnectionId,
        /// Where to put frames for this connection.
        outbox: mpsc::Sender<Outgoing>,
    },
    /// A text frame arrived.
    Text(ConnectionId, String),
    /// A binary frame arrived.
    Binary(ConnectionId),
    /// The socket closed.
    Disconnected(ConnectionId),
}

/// What the rest of the server may read about a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomStatus {
    /// Participants in the call.
    pub participants: u32,
    /// A newcomer would be admitted straight away.
    pub joinable: bool,
    /// Open connections (including those not joined yet).
    pub connections: u32,
}

/// Runs one room until it is empty and no connection is on its way in.
pub(super) async fn run(
    group: GroupId,
    config: RoomConfig,
    mut events: mpsc::UnboundedReceiver<RoomEvent>,
    status: watch::Sender<RoomStatus>,
    registry: RoomRegistry,
) {
    let origin = Instant::now();
    let now = || Timestamp::from_millis(origin.elapsed().as_millis() as u64);
    let mut room = Room::new(config);
    let mut outboxes: HashMap<ConnectionId, mpsc::Sender<Outgoing>> = HashMap::new();
    let mut wake_at: Option<Instant> = None;
    tracing::info!(%group, "room opened");
    loop {
        let input = tokio::select! {
            event = events.recv() => match event {
                Some(RoomEvent::Connected { conn, outbox }) => {
                    outboxes.insert(conn, outbox);
                    Input::Connected(conn)
                }
                Some(RoomEvent::Text(conn, text)) => Input::Text(conn, text),
                Some(RoomEvent::Binary(conn)) => Input::Binary(conn),
                Some(RoomEvent::Disconnected(conn)) => {
                    outboxes.remove(&conn);
                    Input::Disconnected(conn)
                }
                None => break,
            },
            () = sleep_until(wake_at) => {
                wake_at = None;
                Input::Timeout
            }
        };
        let mut pending = Some(input);
        while let Some(input) = pending.take() {
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
                    Output::WakeAt(at) => {
                        wake_at = Some(origin + std::time::Duration::from_millis(at.as_millis()));
                    }
                    Output::Persist(snapshot) => {
                        tracing::debug!(%group, participants = snapshot.participants.len(), "room state changed");
                    }
                    Output::NeedsMediaNode { participants } => {
                        tracing::info!(%group, participants, "group call refused: {NO_MEDIA_NODE}");
                        pending = Some(Input::MediaNodeUnavailable { reason: NO_MEDIA_NODE.into() });
                    }
                    // The room empties only after it closed or lost every connection, so the
                    // host has already let go of every outbox; `outboxes` says the same.
                    Output::Empty => {}
                }
            }
        }
        status.send_replace(RoomStatus {
            participants: room.participant_count() as u32,
            joinable: room.admits_newcomer(),
            connections: outboxes.len() as u32,
        });
        if outboxes.is_empty() && registry.remove_if_idle(&group, &events) {
            break;
        }
    }
    tracing::info!(%group, "room closed");
}

/// Queues a frame for a connection. A connection whose queue is full cannot keep up with the
/// call; it is cut off (its reader then reports it gone) rather than slowing everyone down.
fn deliver(
    outboxes: &mut HashMap<ConnectionId, mpsc::Sender<Outgoing>>,
    conn: ConnectionId,
    frame: Outgoing,
) {
    let Some(outbox) = outboxes.get(&conn) else { return };
    if let Err(mpsc::error::TrySendError::Full(_)) = outbox.try_send(frame) {
        tracing::warn!(conn = conn.0, "connection cannot keep up; dropping it");
        outboxes.remove(&conn);
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

//! `GET /api/groups/{id}/call`: the call WebSocket. Moves frames between a socket and its room.

use crate::api_error::ApiError;
use crate::rooms::{Outgoing, RoomEvent};
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use peershare_core::GroupId;
use peershare_core::room::ConnectionId;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;

/// Frames larger than this end the connection at the WebSocket layer. Frames between the
/// protocol's 64 KiB limit and this one reach the room, which answers `message_too_large`
/// and keeps the connection.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// Read buffer per socket. tungstenite's default (128 KiB) would cost 128 MiB per 1,000 idle
/// connections; signaling frames are small, and larger ones still arrive, in several reads.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Frames queued for one connection before it counts as unable to keep up.
const OUTBOX_CAPACITY: usize = 1024;

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// Upgrades to a WebSocket bound to the group's room.
pub async fn call_socket(
    State(state): State<AppState>,
    Path(group): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    let group = GroupId::parse(&group)?;
    Ok(upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| serve(state, group, socket)))
}

async fn serve(state: AppState, group: GroupId, socket: WebSocket) {
    let conn = ConnectionId(NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed));
    let (outbox, mut frames) = mpsc::channel::<Outgoing>(OUTBOX_CAPACITY);
    let (mut sink, mut stream) = socket.split();
    state.rooms.connect(&group, RoomEvent::Connected { conn, outbox });
    tracing::debug!(%group, conn = conn.0, "connection opened");

    let writer = tokio::spawn(async move {
        while let Some(frame) = frames.recv().await {
            let message = match frame {
                Outgoing::Text(text) => Message::Text(Utf8Bytes::from(&*text)),
                Outgoing::Close(frame) => {
                    let close = CloseFrame { code: frame.code, reason: Utf8Bytes::from_static(frame.reason) };
                    let _ = sink.send(Message::Close(Some(close))).await;
                    break;
                }
            };
            if sink.send(message).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });

    while let Some(Ok(message)) = stream.next().await {
        let event = match message {
            Message::Text(text) => RoomEvent::Text(conn, text.to_string()),
            Message::Binary(_) => RoomEvent::Binary(conn),
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        state.rooms.forward(&group, event);
        if writer.is_finished() {
            break;
        }
    }
    state.rooms.forward(&group, RoomEvent::Disconnected(conn));
    writer.abort();
    tracing::debug!(%group, conn = conn.0, "connection closed");
}

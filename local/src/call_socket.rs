//! `GET /api/groups/{id}/call`: the call WebSocket. Checks the call pass offered as a
//! subprotocol (core's rules), then moves frames between the socket and its room.

use crate::api_error::ApiError;
use crate::rooms::{OutboxReader, Outgoing, RoomEvent, outbox};
use crate::state::AppState;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::SEC_WEBSOCKET_PROTOCOL;
use axum::response::Response;
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use peershare_core::GroupId;
use peershare_core::auth::{CALL_PROTOCOL, Ticket, admit_socket};
use peershare_core::protocol::ErrorCode;
use peershare_core::room::ConnectionId;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Frames larger than this end the connection at the WebSocket layer (core's rule for hosts).
pub use peershare_core::protocol::MAX_FRAME_BYTES;

/// Read buffer per socket. tungstenite's default (128 KiB) would cost 128 MiB per 1,000 idle
/// connections; signaling frames are small, and larger ones still arrive, in several reads.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// How long a closing socket gets to take its close frame before it is dropped anyway.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// Upgrades to a WebSocket bound to the group's room, for the holder of a call pass.
#[utoipa::path(get, path = "/api/groups/{id}/call", tag = "calls",
    params(
        ("id" = String, Path, description = "Group id, or a link call's id"),
        ("sec-websocket-protocol" = String, Header, description = "`peershare.v1, peershare.pass.<call pass>`"),
    ),
    responses(
        (status = 101, description = "Switched to the call's WebSocket (subprotocol `peershare.v1`)"),
        (status = 400, description = "Invalid group id", body = peershare_core::http_error::ErrorBody),
        (status = 401, description = "No valid call pass", body = peershare_core::http_error::ErrorBody),
        (status = 403, description = "The pass is for another call", body = peershare_core::http_error::ErrorBody),
        (status = 426, description = "Not a WebSocket upgrade request", body = peershare_core::http_error::ErrorBody),
    ))]
pub async fn call_socket(
    State(state): State<AppState>,
    Path(group): Path<String>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let group = GroupId::parse(&group)?;
    let offered = headers.get(SEC_WEBSOCKET_PROTOCOL).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let ticket = admit_socket(state.api.tokens.verifier(), offered, &group)?;
    let upgrade = upgrade.map_err(|e| ApiError::UpgradeRequired(e.body_text()))?;
    Ok(upgrade
        .protocols([CALL_PROTOCOL])
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| serve(state, group, ticket, socket)))
}

async fn serve(state: AppState, group: GroupId, ticket: Ticket, socket: WebSocket) {
    let cap = ticket.cap;
    let conn = ConnectionId(NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed));
    let (outbox, frames) = outbox();
    let own_outbox = outbox.clone();
    let (sink, mut stream) = socket.split();
    state.rooms.connect(&group, cap, RoomEvent::Connected { conn, outbox, ticket });
    tracing::debug!(%group, conn = conn.0, "connection opened");

    let mut writer = tokio::spawn(write(sink, frames));
    let mut writer_done = false;
    loop {
        let message = tokio::select! {
            message = stream.next() => message,
            // The writer gave up (the socket failed, the room closed it, or it did not read).
            _ = &mut writer => {
                writer_done = true;
                break;
            }
        };
        let event = match message {
            Some(Ok(Message::Text(text))) => RoomEvent::Text(conn, text.to_string()),
            Some(Ok(Message::Binary(_))) => RoomEvent::Binary(conn),
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Err(e)) if is_too_large(&e) => {
                // Said with a close frame, after what the room had already queued for it.
                let _ = own_outbox.push(Outgoing::Close(TOO_LARGE));
                break;
            }
            Some(Ok(Message::Close(_)) | Err(_)) | None => break,
        };
        state.rooms.forward(&group, event);
    }
    state.rooms.forward(&group, RoomEvent::Disconnected(conn));
    drop(own_outbox);
    if !writer_done && tokio::time::timeout(CLOSE_GRACE * 2, &mut writer).await.is_err() {
        writer.abort();
    }
    tracing::debug!(%group, conn = conn.0, "connection closed");
}

/// The close frame for a frame over [`MAX_FRAME_BYTES`]: 1009, "message too big".
const TOO_LARGE: peershare_core::room::CloseFrame =
    peershare_core::room::CloseFrame { code: 1009, reason: "message_too_big" };

/// Whether a read failed because a frame or message was larger than the socket accepts.
fn is_too_large(error: &axum::Error) -> bool {
    use std::error::Error;
    let inner = error.source().and_then(|e| e.downcast_ref::<tungstenite::Error>());
    matches!(inner, Some(tungstenite::Error::Capacity(_)))
}

/// Writes the room's frames to the socket until the room closes it or it fails. A connection
/// whose outbox overflowed (it does not read) is closed with `slow_consumer`, its backlog
/// dropped.
async fn write(mut sink: SplitSink<WebSocket, Message>, mut frames: OutboxReader) {
    let overflow = frames.overflow();
    let close = tokio::select! {
        close = write_frames(&mut sink, &mut frames) => close,
        () = overflow.wait() => {
            let code = ErrorCode::SlowConsumer;
            Some(CloseFrame { code: code.close_code(), reason: Utf8Bytes::from_static(code.as_str()) })
        }
    };
    if let Some(close) = close {
        let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(Message::Close(Some(close)))).await;
    }
    let _ = tokio::time::timeout(CLOSE_GRACE, sink.close()).await;
}

/// Sends frames until the room asks to close (its close frame returned) or the socket fails.
async fn write_frames(
    sink: &mut SplitSink<WebSocket, Message>,
    frames: &mut OutboxReader,
) -> Option<CloseFrame> {
    while let Some(frame) = frames.next().await {
        let message = match frame {
            Outgoing::Text(text) => Message::Text(Utf8Bytes::from(&*text)),
            Outgoing::Close(frame) => {
                return Some(CloseFrame { code: frame.code, reason: Utf8Bytes::from_static(frame.reason) });
            }
        };
        if sink.send(message).await.is_err() {
            return None;
        }
    }
    None
}

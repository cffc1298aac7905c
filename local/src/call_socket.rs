//! `GET /api/groups/{id}/call`: the call WebSocket. Checks the call pass offered as a
//! subprotocol (core's rules), then moves frames between the socket and its room.

use crate::api_error::ApiError;
use crate::rooms::{Outgoing, RoomEvent};
use crate::state::AppState;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::SEC_WEBSOCKET_PROTOCOL;
use axum::response::Response;
use futures_util::{SinkExt, StreamExt};
use peershare_core::GroupId;
use peershare_core::auth::{CALL_PROTOCOL, SocketDenied, admit_to_call, pass_from_protocols};
use peershare_core::room::ConnectionId;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;

/// Frames larger than this end the connection at the WebSocket layer (core's rule for hosts).
pub use peershare_core::protocol::MAX_FRAME_BYTES;

/// Read buffer per socket. tungstenite's default (128 KiB) would cost 128 MiB per 1,000 idle
/// connections; signaling frames are small, and larger ones still arrive, in several reads.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// Frames queued for one connection before it counts as unable to keep up.
const OUTBOX_CAPACITY: usize = 1024;

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
    let pass = pass_from_protocols(offered).ok_or(SocketDenied::PassRequired)?;
    let claims = state.api.tokens.verifier().verify(pass)?;
    let principal = claims.principal().ok_or(SocketDenied::NotAPass)?;
    admit_to_call(&principal, &group)?;
    let upgrade = upgrade.map_err(|e| ApiError::UpgradeRequired(e.body_text()))?;
    Ok(upgrade
        .protocols([CALL_PROTOCOL])
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| serve(state, group, principal, claims.cap, socket)))
}

async fn serve(
    state: AppState,
    group: GroupId,
    principal: peershare_core::auth::Principal,
    cap: Option<u32>,
    socket: WebSocket,
) {
    let (participant, display_name) = principal.id_and_name();
    let (participant, display_name) = (participant.to_owned(), display_name.to_owned());
    let conn = ConnectionId(NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed));
    let (outbox, mut frames) = mpsc::channel::<Outgoing>(OUTBOX_CAPACITY);
    let (mut sink, mut stream) = socket.split();
    state.rooms.connect(&group, cap, RoomEvent::Connected { conn, outbox, participant, display_name });
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

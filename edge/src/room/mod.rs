//! One call's room as a Durable Object: core's room state machine, hosted with the WebSocket
//! Hibernation API. Storage is the source of truth: the room is persisted after every change
//! that matters (core's `Persist`), rebuilt from storage whenever the object starts (after
//! eviction or hibernation), and reconciled with the sockets the runtime kept open. Core's
//! "wake me at T" is the object's alarm.

mod media;
mod sockets;
mod stored;

use crate::clock::now;
use crate::config::{EdgeConfig, MediaNode};
use crate::error::EdgeError;
use crate::gate::{TICKET_HEADER, Ticket};
use peershare_core::auth::CALL_PROTOCOL;
use peershare_core::media::{MediaClaims, MediaTokenSigner, SignError};
use peershare_core::protocol::{CallStatus, MAX_FRAME_BYTES};
use peershare_core::room::{ConnectionId, Input, Output, Room, RoomConfig};
use sockets::Attachment;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Arc;
use stored::{NEXT_CONNECTION_KEY, ROOM_KEY, StoredRoom};
use worker::{
    DurableObject, Env, Headers, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
    WebSocketPair, durable_object,
};

/// A signer for deployments without media nodes: the room never gets a node to sign for.
#[derive(Debug)]
struct NoMediaNodes;

impl MediaTokenSigner for NoMediaNodes {
    fn sign(&self, _claims: &MediaClaims) -> std::result::Result<String, SignError> {
        Err(SignError("no media node is configured".into()))
    }
}

/// The room of one call (one object per call id).
#[durable_object]
pub struct CallRoom {
    state: State,
    env: Env,
    room: RefCell<Option<Room>>,
}

impl DurableObject for CallRoom {
    fn new(state: State, env: Env) -> Self {
        Self { state, env, room: RefCell::new(None) }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let path = req.path();
        let answer = if path.ends_with("/connect") {
            self.admit_socket(&req).await
        } else if path.ends_with("/status") {
            self.status().await
        } else if path.ends_with("/forget") && crate::routes::test_hooks(&self.env) {
            *self.room.borrow_mut() = None;
            Ok(Response::empty()?.with_status(204))
        } else {
            Err(EdgeError::NotFound(path))
        };
        answer.or_else(EdgeError::into_response)
    }

    async fn websocket_message(&self, ws: WebSocket, message: WebSocketIncomingMessage) -> Result<()> {
        let Some(attachment) = sockets::attachment(&ws) else { return Ok(()) };
        let size = match &message {
            WebSocketIncomingMessage::String(text) => text.len(),
            WebSocketIncomingMessage::Binary(bytes) => bytes.len(),
        };
        if size > MAX_FRAME_BYTES {
            // The transport limit every host enforces: the connection ends, the room hears it left.
            let _ = ws.close(Some(1009), Some("frame too large"));
            return self.run(vec![Input::Disconnected(attachment.conn)], None).await.or_else(log);
        }
        let input = match message {
            WebSocketIncomingMessage::String(text) => Input::Text(attachment.conn, text),
            WebSocketIncomingMessage::Binary(_) => Input::Binary(attachment.conn),
        };
        self.run(vec![input], None).await.or_else(log)
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        _code: usize,
        _reason: String,
        _clean: bool,
    ) -> Result<()> {
        self.disconnected(&ws).await
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        self.disconnected(&ws).await
    }

    async fn alarm(&self) -> Result<Response> {
        self.run(vec![Input::Timeout], None).await.or_else(log)?;
        Response::ok("")
    }
}

fn log(error: EdgeError) -> Result<()> {
    worker::console_error!("call room: {error}");
    Ok(())
}

impl CallRoom {
    /// A socket admitted by the Worker: accepted for hibernation, tagged, and handed to the room.
    async fn admit_socket(&self, req: &Request) -> std::result::Result<Response, EdgeError> {
        let ticket: Ticket = req
            .headers()
            .get(TICKET_HEADER)?
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(|| EdgeError::NotFound("a room is reached through the Worker only".into()))?;
        let storage = self.state.storage();
        let next: u64 = storage.get(NEXT_CONNECTION_KEY).await?.unwrap_or(1);
        storage.put(NEXT_CONNECTION_KEY, next + 1).await?;
        let conn = ConnectionId(next);
        let pair = WebSocketPair::new()?;
        self.state.accept_websocket_with_tags(&pair.server, &[&sockets::tag(conn)]);
        pair.server.serialize_attachment(Attachment { conn, ticket: ticket.clone() })?;
        let inputs =
            vec![Input::Connected(conn), Input::Identified { conn, display_name: ticket.display_name }];
        self.run(inputs, ticket.cap).await?;
        let headers = Headers::new();
        headers.set("sec-websocket-protocol", CALL_PROTOCOL)?;
        Ok(Response::from_websocket(pair.client)?.with_headers(headers))
    }

    /// How many are in the call, for the pre-join screen.
    async fn status(&self) -> std::result::Result<Response, EdgeError> {
        self.load(None).await?;
        let room = self.room.borrow();
        let status = room.as_ref().map_or(CallStatus { participants: 0, capacity: 0, joinable: true }, |r| {
            CallStatus {
                participants: r.participant_count() as u32,
                capacity: r.capacity(),
                joinable: r.admits_newcomer(),
            }
        });
        Ok(Response::from_json(&status)?)
    }

    async fn disconnected(&self, ws: &WebSocket) -> Result<()> {
        let Some(attachment) = sockets::attachment(ws) else { return Ok(()) };
        self.run(vec![Input::Disconnected(attachment.conn)], None).await.or_else(log)
    }

    /// Makes sure the room is in memory: rebuilt from storage (after eviction or hibernation)
    /// and reconciled with the sockets the runtime kept, or a new room limited to `cap`.
    async fn load(&self, cap: Option<u32>) -> std::result::Result<(), EdgeError> {
        if self.room.borrow().is_some() {
            return Ok(());
        }
        let config = EdgeConfig::from_env(&self.env)?;
        let stored: Option<StoredRoom> = self.state.storage().get(ROOM_KEY).await?;
        if self.room.borrow().is_some() {
            return Ok(());
        }
        let signer = self.signer(&config);
        let base = RoomConfig { capacity: config.room_capacity, ..RoomConfig::default() };
        let now = now();
        let mut inputs = Vec::new();
        let room = match stored {
            Some(stored) => {
                let known: BTreeSet<ConnectionId> =
                    stored.snapshot.participants.iter().map(|p| p.connection).collect();
                // Sockets that were still joining when the room was evicted start over.
                for a in sockets::all(&self.state).iter().filter(|a| !known.contains(&a.conn)) {
                    inputs.push(Input::Connected(a.conn));
                    inputs.push(Input::Identified {
                        conn: a.conn,
                        display_name: a.ticket.display_name.clone(),
                    });
                }
                // Participants whose sockets are gone (the runtime restarted) keep their seats:
                // their clients reconnect with their resume keys and take them back; whoever
                // does not come back is removed by liveness, as in any call.
                let config = RoomConfig { capacity: stored.capacity, ..base };
                Room::restore(config, signer, stored.snapshot, now)
            }
            None => Room::new(base.capped(cap), signer),
        };
        *self.room.borrow_mut() = Some(room);
        if !inputs.is_empty() {
            Box::pin(self.run(inputs, None)).await?;
        }
        Ok(())
    }

    fn signer(&self, config: &EdgeConfig) -> Arc<dyn MediaTokenSigner> {
        if config.media_nodes.is_empty() {
            return Arc::new(NoMediaNodes);
        }
        match EdgeConfig::media_signer(&self.env) {
            Ok(signer) => Arc::new(signer),
            Err(e) => {
                worker::console_error!("{e}");
                Arc::new(NoMediaNodes)
            }
        }
    }

    /// Feeds `inputs` to the room and carries out what it asks, until it asks nothing more.
    async fn run(&self, inputs: Vec<Input>, cap: Option<u32>) -> std::result::Result<(), EdgeError> {
        self.load(cap).await?;
        let mut pending = inputs;
        while !pending.is_empty() {
            let outputs = {
                let mut guard = self.room.borrow_mut();
                let Some(room) = guard.as_mut() else { return Ok(()) };
                let now = now();
                for input in pending.drain(..) {
                    room.handle(input, now);
                }
                std::iter::from_fn(|| room.poll_output()).collect::<Vec<_>>()
            };
            pending = self.perform(outputs).await?;
        }
        Ok(())
    }

    /// Carries out the room's outputs; returns what the room must hear back (media node answers).
    async fn perform(&self, outputs: Vec<Output>) -> std::result::Result<Vec<Input>, EdgeError> {
        let mut follow_up = Vec::new();
        let storage = self.state.storage();
        for output in outputs {
            match output {
                Output::Send(conn, message) => self.send(conn, &message.to_json()),
                Output::Broadcast(conns, message) => {
                    let text = message.to_json();
                    for conn in conns {
                        self.send(conn, &text);
                    }
                }
                Output::Close(conn, frame) => {
                    if let Some(ws) = sockets::find(&self.state, conn) {
                        let _ = ws.close(Some(frame.code), Some(frame.reason));
                    }
                }
                Output::WakeAt(at) => storage.set_alarm(at.0 as i64).await?,
                Output::Persist(snapshot) => {
                    let capacity = self.room.borrow().as_ref().map_or(0, Room::capacity);
                    storage.put(ROOM_KEY, StoredRoom { capacity, snapshot }).await?;
                }
                Output::NeedsMediaNode { .. } => {
                    let (nodes, signer) = self.media()?;
                    follow_up.push(match media::allocate(&nodes, signer.as_ref()).await {
                        Ok(lease) => Input::MediaNodeAllocated(lease),
                        Err(reason) => Input::MediaNodeUnavailable { reason },
                    });
                }
                Output::RemoveFromMediaNode(participant) => {
                    let lease = self.room.borrow().as_ref().and_then(|r| r.media_node().cloned());
                    if let Some(lease) = lease {
                        let (nodes, signer) = self.media()?;
                        media::remove_participant(&nodes, signer.as_ref(), &lease, participant).await;
                    }
                }
                Output::ReleaseMediaNode(lease) => {
                    let (nodes, signer) = self.media()?;
                    media::release(&nodes, signer.as_ref(), &lease).await;
                }
                Output::Empty => {
                    // Nobody is left: an idle call costs nothing (no stored room, no alarm).
                    *self.room.borrow_mut() = None;
                    storage.delete(ROOM_KEY).await?;
                    storage.delete_alarm().await?;
                }
            }
        }
        Ok(follow_up)
    }

    fn media(&self) -> std::result::Result<(Vec<MediaNode>, Arc<dyn MediaTokenSigner>), EdgeError> {
        let config = EdgeConfig::from_env(&self.env)?;
        let signer = self.signer(&config);
        Ok((config.media_nodes, signer))
    }

    fn send(&self, conn: ConnectionId, text: &str) {
        if let Some(ws) = sockets::find(&self.state, conn) {
            let _ = ws.send_with_str(text);
        }
    }
}

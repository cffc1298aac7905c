//! One call's room as a Durable Object: core's room state machine, hosted with the WebSocket
//! Hibernation API. Storage is the source of truth: the room is persisted after every change
//! that matters (core's `Persist`), rebuilt from storage whenever the object starts (after
//! eviction or hibernation), and reconciled with the sockets the runtime kept open. Core's
//! "wake me at T" is the object's alarm.

mod history;
mod media;
mod sockets;
mod stored;

use crate::clock::now;
use crate::config::EdgeConfig;
use crate::error::EdgeError;
use crate::gate::{TICKET_HEADER, Ticket};
use peershare_core::auth::CALL_PROTOCOL;
use peershare_core::protocol::{CallStatus, MAX_FRAME_BYTES};
use peershare_core::room::{AccessNotice, ConnectionId, Input, Output, Room, RoomConfig, recording_id};
use peershare_core::{GroupId, Timestamp};
use sockets::Attachment;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use stored::{CALL_KEY, MISSING_KEY, MissingSeat, NEXT_CONNECTION_KEY, ROOM_KEY, StoredRoom};
use worker::{
    DurableObject, Env, Headers, Request, Response, Result, ScheduledTime, State, WebSocket,
    WebSocketIncomingMessage, WebSocketPair, durable_object,
};

/// How long a room waits before delivering its history again after the API did not take it.
const HISTORY_RETRY_MS: u64 = 10_000;

/// How a room that is neither in memory nor stored may be opened.
#[derive(Debug, Clone, Copy)]
enum Opening {
    /// For a socket the Worker just admitted (limited to its pass's `cap`) or an access change
    /// the room must remember: a new room.
    Admit(Option<u32>),
    /// For any other event: only if sockets are open (they connected before the object lost its
    /// memory); otherwise the event is for a room that is gone.
    Existing,
}

/// The room of one call (one object per call id).
#[durable_object]
pub struct CallRoom {
    state: State,
    env: Env,
    room: RefCell<Option<Room>>,
    /// The alarm this object last set (ms since the epoch), so a batch that leaves the room's
    /// wake-up where it was writes nothing; forgotten with the memory, then set again.
    alarm_at: std::cell::Cell<Option<u64>>,
    /// A handler is delivering the call's history (one at a time: see `history::deliver`).
    delivering: std::cell::Cell<bool>,
    /// The call's id, once stored ([`CALL_KEY`]) by this instance.
    call: RefCell<Option<GroupId>>,
}

impl DurableObject for CallRoom {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            room: RefCell::new(None),
            alarm_at: std::cell::Cell::new(None),
            delivering: std::cell::Cell::new(false),
            call: RefCell::new(None),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        let answer = if path.ends_with("/connect") {
            self.admit_socket(&req).await
        } else if path.ends_with("/status") {
            // The group's limit, when the Worker knows it (for a room not open yet).
            let cap = req.url()?.query_pairs().find(|(k, _)| k == "cap").and_then(|(_, v)| v.parse().ok());
            self.status(cap).await
        } else if path.ends_with("/access") {
            self.access_changed(&mut req).await
        } else if path.ends_with("/media-node-lost") {
            self.media_node_lost(&mut req).await
        } else if path.ends_with("/forget") && crate::routes::test_hooks(&self.env) {
            *self.room.borrow_mut() = None;
            *self.call.borrow_mut() = None;
            self.alarm_at.set(None);
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
            return self
                .run(vec![Input::Disconnected(attachment.conn)], Opening::Existing)
                .await
                .or_else(log);
        }
        let input = match message {
            WebSocketIncomingMessage::String(text) => Input::Text(attachment.conn, text),
            WebSocketIncomingMessage::Binary(_) => Input::Binary(attachment.conn),
        };
        self.run(vec![input], Opening::Existing).await.or_else(log)
    }

    async fn websocket_close(&self, ws: WebSocket, code: usize, reason: String, _clean: bool) -> Result<()> {
        // Complete the closing handshake (codes 1005 and 1006 are never sent on the wire).
        if let Ok(code) = u16::try_from(code)
            && (code == 1000 || (3000..=4999).contains(&code))
        {
            let _ = ws.close(Some(code), Some(reason));
        }
        self.disconnected(&ws).await
    }

    async fn websocket_error(&self, ws: WebSocket, _error: worker::Error) -> Result<()> {
        self.disconnected(&ws).await
    }

    async fn alarm(&self) -> Result<Response> {
        // This alarm is spent: the room's next wake-up is set again whatever it is.
        self.alarm_at.set(None);
        let failed = |e: EdgeError| worker::Error::RustError(format!("call room alarm: {e}"));
        // History that could not be delivered earlier (perhaps of a room that is gone).
        let config = EdgeConfig::get(&self.env).map_err(failed)?;
        if !self.deliver_history(&config).await.map_err(failed)? {
            self.retry_history_soon(None).await.map_err(failed)?;
        }
        // A failed alarm is retried by the runtime.
        self.run(vec![Input::Timeout], Opening::Existing).await.map_err(failed)?;
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
        // The object's own call (its name is not its id's): the fleet allocates by it; and a
        // stored group's, for delivering its history (link calls keep none).
        let call = req.path().trim_start_matches('/').split('/').next().and_then(|c| GroupId::parse(c).ok());
        if let Some(call) = call {
            if call.is_stored() {
                storage.put(history::GROUP_KEY, call.as_str()).await?;
            }
            if self.call.borrow().as_ref() != Some(&call) {
                storage.put(CALL_KEY, call.as_str()).await?;
                *self.call.borrow_mut() = Some(call);
            }
        }
        let next: u64 = storage.get(NEXT_CONNECTION_KEY).await?.unwrap_or(1);
        storage.put(NEXT_CONNECTION_KEY, next + 1).await?;
        let conn = ConnectionId(next);
        let pair = WebSocketPair::new()?;
        self.state.accept_websocket_with_tags(&pair.server, &[&sockets::tag(conn)]);
        pair.server.serialize_attachment(Attachment {
            conn,
            ticket: ticket.clone(),
            connected_at: now().as_millis(),
        })?;
        let inputs = vec![Input::Connected(conn), Input::Identified { conn, ticket: ticket.clone() }];
        self.run(inputs, Opening::Admit(ticket.cap)).await?;
        let headers = Headers::new();
        headers.set("sec-websocket-protocol", CALL_PROTOCOL)?;
        Ok(Response::from_websocket(pair.client)?.with_headers(headers))
    }

    /// An access change whose sender the Worker checked: the room (opened for it if need be, to
    /// remember it) closes whom it shuts out and refuses their earlier passes.
    async fn access_changed(&self, req: &mut Request) -> std::result::Result<Response, EdgeError> {
        // Parsed with serde_json (whole u64 times, unlike JavaScript's JSON).
        let body = req.bytes().await?;
        let notice: AccessNotice = serde_json::from_slice(&body)
            .map_err(|e| EdgeError::InvalidBody(format!("not an access notice: {e}")))?;
        self.run(vec![Input::AccessChanged(notice)], Opening::Admit(None)).await?;
        Ok(Response::empty()?.with_status(204))
    }

    /// The Worker checked the sender: the node of the call session in the body is gone, and the
    /// room (if it still exists) moves its call. A lease the call no longer uses changes nothing.
    async fn media_node_lost(&self, req: &mut Request) -> std::result::Result<Response, EdgeError> {
        let body = req.bytes().await?;
        let lease: peershare_core::media::MediaNodeLease = serde_json::from_slice(&body)
            .map_err(|e| EdgeError::InvalidBody(format!("not a call session's lease: {e}")))?;
        self.run(vec![Input::MediaNodeLost(lease)], Opening::Existing).await?;
        Ok(Response::empty()?.with_status(204))
    }

    /// The call's id, as stored when its first socket was admitted.
    async fn call_id(&self) -> std::result::Result<Option<GroupId>, EdgeError> {
        if let Some(call) = self.call.borrow().clone() {
            return Ok(Some(call));
        }
        let stored: Option<String> = self.state.storage().get(CALL_KEY).await?;
        let call = stored.and_then(|c| GroupId::parse(&c).ok());
        self.call.borrow_mut().clone_from(&call);
        Ok(call)
    }

    /// How many are in the call, for the pre-join screen; a call not open yet would admit the
    /// host's capacity, or the group's limit `cap` if lower. Asking never opens a room.
    async fn status(&self, cap: Option<u32>) -> std::result::Result<Response, EdgeError> {
        let config = EdgeConfig::get(&self.env)?;
        self.load(Opening::Existing).await?;
        let room = self.room.borrow();
        let status = match room.as_ref() {
            Some(r) => CallStatus {
                participants: r.participant_count() as u32,
                capacity: r.capacity(),
                joinable: r.admits_newcomer(),
            },
            None => CallStatus {
                participants: 0,
                capacity: config.room_config().capped(cap).capacity,
                joinable: true,
            },
        };
        Ok(Response::from_json(&status)?)
    }

    async fn disconnected(&self, ws: &WebSocket) -> Result<()> {
        let Some(attachment) = sockets::attachment(ws) else { return Ok(()) };
        self.run(vec![Input::Disconnected(attachment.conn)], Opening::Existing).await.or_else(log)
    }

    /// Makes sure the room is in memory, rebuilt from storage (after eviction or hibernation)
    /// and reconciled with the sockets the runtime kept; a room that is neither in memory nor
    /// stored opens as `opening` allows. Whether a room is in memory afterwards.
    async fn load(&self, opening: Opening) -> std::result::Result<bool, EdgeError> {
        if self.room.borrow().is_some() {
            return Ok(true);
        }
        let config = EdgeConfig::get(&self.env)?;
        let storage = self.state.storage();
        let stored: Option<StoredRoom> = storage.get(ROOM_KEY).await?;
        if self.room.borrow().is_some() {
            return Ok(true);
        }
        let live = sockets::all(&self.state);
        let cap = match (&stored, opening) {
            (Some(_), _) => None,
            (None, Opening::Admit(cap)) => cap,
            // Sockets that joined nothing yet when the object lost its memory: their room.
            (None, Opening::Existing) => match live.first() {
                Some(first) => first.ticket.cap,
                None => return Ok(false),
            },
        };
        let signer = config.media_signer.clone();
        let base = config.room_config();
        let now = now();
        let open: BTreeSet<ConnectionId> = live.iter().map(|a| a.conn).collect();
        let (mut room, known) = match stored {
            Some(stored) => {
                let known: BTreeSet<ConnectionId> =
                    stored.snapshot.participants.iter().map(|p| p.connection).collect();
                let missing = self.missing_seats(&known, &open, now).await?;
                let config = RoomConfig { capacity: stored.capacity, ..base.clone() };
                (Room::restore_with_liveness(config, signer, stored.snapshot, now, &missing), known)
            }
            None => (Room::new(base.capped(cap), signer), BTreeSet::new()),
        };
        let mut inputs = Vec::new();
        // Sockets that were still joining when the room lost its memory start over, under the
        // name their pass gave them, their join timeout still counted from when they opened.
        for a in live.iter().filter(|a| !known.contains(&a.conn)) {
            let opened = if a.connected_at == 0 {
                now
            } else {
                Timestamp::from_millis(a.connected_at.min(now.as_millis()))
            };
            room.handle(Input::Connected(a.conn), opened);
            inputs.push(Input::Identified { conn: a.conn, ticket: a.ticket.clone() });
        }
        *self.room.borrow_mut() = Some(room);
        // Also carries out what restoring asked (its wake-up).
        Box::pin(self.run_loaded(inputs)).await?;
        Ok(true)
    }

    /// Participants of the stored room whose sockets are gone (the runtime restarted), each
    /// counted as last heard when a rebuild first found it missing: core then keeps the seat
    /// for one heartbeat timeout from then, for the client to take back with its resume key,
    /// however often the room is rebuilt meanwhile.
    async fn missing_seats(
        &self,
        known: &BTreeSet<ConnectionId>,
        open: &BTreeSet<ConnectionId>,
        now: Timestamp,
    ) -> std::result::Result<BTreeMap<ConnectionId, Timestamp>, EdgeError> {
        let storage = self.state.storage();
        let before: Vec<MissingSeat> = storage.get(MISSING_KEY).await?.unwrap_or_default();
        let since: BTreeMap<ConnectionId, u64> = before.iter().map(|m| (m.conn, m.since)).collect();
        let after: Vec<MissingSeat> = known
            .difference(open)
            .map(|conn| MissingSeat {
                conn: *conn,
                since: since.get(conn).copied().unwrap_or(now.as_millis()),
            })
            .collect();
        if after != before {
            storage.put(MISSING_KEY, &after).await?;
        }
        Ok(after.iter().map(|m| (m.conn, Timestamp::from_millis(m.since))).collect())
    }

    /// Feeds `inputs` to the room (loading it as `opening` allows) and carries out what it
    /// asks, until it asks nothing more. Events for a room that is gone are dropped.
    async fn run(&self, inputs: Vec<Input>, opening: Opening) -> std::result::Result<(), EdgeError> {
        let result = match self.load(opening).await {
            Ok(true) => self.run_loaded(inputs).await,
            other => other.map(|_| ()),
        };
        if result.is_err() {
            // What the room asked may be half done (its wake-up never set, say): it is rebuilt
            // from storage, written before anything of a batch went out, by the next event.
            *self.room.borrow_mut() = None;
            self.alarm_at.set(None);
        }
        result
    }

    async fn run_loaded(&self, inputs: Vec<Input>) -> std::result::Result<(), EdgeError> {
        let mut pending = inputs;
        loop {
            let outputs = self.room.borrow_mut().as_mut().map(|room| {
                let now = now();
                for input in pending.drain(..) {
                    room.handle(input, now);
                }
                std::iter::from_fn(|| room.poll_output()).collect::<Vec<_>>()
            });
            let Some(outputs) = outputs else {
                // The room emptied while a media node was being opened for it: give it back.
                return self.release_unused(pending).await;
            };
            if outputs.is_empty() {
                return self.follow_wake_up().await;
            }
            pending = self.perform(outputs).await?;
        }
    }

    /// Sets the object's alarm to the room's wake-up as it is now (core's `Room::wakes_at`), at an
    /// absolute time (a plain number would be a delay from now), unless it is set there already.
    async fn follow_wake_up(&self) -> std::result::Result<(), EdgeError> {
        let at = self.room.borrow().as_ref().and_then(Room::wakes_at).map(|at| at.as_millis());
        if let Some(ms) = at
            && self.alarm_at.get() != Some(ms)
        {
            self.set_alarm(ms).await?;
            self.alarm_at.set(Some(ms));
        }
        Ok(())
    }

    /// Sets the object's alarm at `ms` since the epoch: an absolute time (a plain number would
    /// be a delay from now).
    async fn set_alarm(&self, ms: u64) -> std::result::Result<(), EdgeError> {
        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        self.state.storage().set_alarm(ScheduledTime::new(when)).await?;
        Ok(())
    }

    /// Ends call sessions opened for a room that no longer exists.
    async fn release_unused(&self, inputs: Vec<Input>) -> std::result::Result<(), EdgeError> {
        let config = EdgeConfig::get(&self.env)?;
        for input in inputs {
            if let Input::MediaNodeAllocated(lease) = input {
                media::release(&config, &lease).await;
            }
        }
        Ok(())
    }

    /// Carries out the room's outputs; returns what the room must hear back (media node answers).
    async fn perform(&self, outputs: Vec<Output>) -> std::result::Result<Vec<Input>, EdgeError> {
        let mut follow_up = Vec::new();
        let storage = self.state.storage();
        let config = EdgeConfig::get(&self.env)?;
        // The room is stored before anything of this batch goes out: the runtime holds outgoing
        // messages until the writes issued before them are durable, so nobody hears of a change
        // (a welcome, a join) that a restart could lose.
        if outputs.iter().any(|o| matches!(o, Output::Persist(_))) {
            self.persist().await?;
        }
        // The call's history is queued in the same way, then delivered to the API below.
        let events: Vec<_> = outputs
            .iter()
            .filter_map(|o| match o {
                Output::History(event) => Some(event.clone()),
                _ => None,
            })
            .collect();
        let has_history = !events.is_empty();
        if has_history {
            history::queue(&storage, events).await?;
        }
        let mut emptied = false;
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
                Output::Persist(_) | Output::History(_) => {}
                Output::NeedsMediaNode { participants, replacing } => {
                    let avoid = replacing.as_ref().map(|lease| lease.node_id.as_str());
                    let call = self.call_id().await?;
                    follow_up.push(
                        match media::allocate(&config, call.as_ref(), participants, avoid).await {
                            Ok(media::Allocated::Lease(lease)) => Input::MediaNodeAllocated(lease),
                            Ok(media::Allocated::Pending(retry_after)) => {
                                Input::MediaNodePending { retry_after }
                            }
                            Err(reason) => Input::MediaNodeUnavailable { reason },
                        },
                    );
                }
                Output::CheckMediaNode(lease) => {
                    if !media::check(&config, &lease).await {
                        worker::console_warn!("media node {} lost call {}", lease.node_id, lease.call_id);
                        follow_up.push(Input::MediaNodeLost(lease));
                    }
                }
                Output::RemoveFromMediaNode { lease, participant } => {
                    media::remove_participant(&config, &lease, participant).await;
                }
                Output::RecordOnMediaNode { lease, plan } => {
                    // Only a stored group's call records; its group is always known.
                    let group: Option<String> = storage.get(history::GROUP_KEY).await?;
                    let refused = match group.and_then(|g| GroupId::parse(&g).ok()) {
                        Some(group) => {
                            media::record(&config, &lease, &recording_id(&group, plan.started_at), &plan)
                                .await
                                .err()
                        }
                        None => Some("this call belongs to no group".to_owned()),
                    };
                    if let Some(reason) = refused.filter(|_| !plan.stopped) {
                        follow_up.push(Input::RecordingFailed { reason });
                    }
                }
                Output::ReleaseMediaNode(lease) => {
                    media::release(&config, &lease).await;
                }
                Output::Empty => {
                    // Nobody is left: an idle call costs nothing (nothing stored, no alarm),
                    // once its history has reached the API.
                    *self.room.borrow_mut() = None;
                    emptied = true;
                }
            }
        }
        if emptied {
            // Nothing of the room stays; its history stays until the API has it.
            for key in [ROOM_KEY, NEXT_CONNECTION_KEY, MISSING_KEY, CALL_KEY] {
                storage.delete(key).await?;
            }
            *self.call.borrow_mut() = None;
            self.alarm_at.set(None);
            if self.deliver_history(&config).await? && history::pending(&storage).await?.is_empty() {
                storage.delete(history::GROUP_KEY).await?;
                storage.delete_alarm().await?;
            } else {
                self.retry_history_soon(None).await?;
            }
        } else if has_history && !self.deliver_history(&config).await? {
            let wake = self.room.borrow().as_ref().and_then(Room::wakes_at);
            self.retry_history_soon(wake).await?;
        }
        Ok(follow_up)
    }

    /// Delivers the queued history unless another handler is at it (its delivery reads the
    /// queue again each round, so it carries what was queued meanwhile); false when the API did
    /// not take it.
    async fn deliver_history(&self, config: &EdgeConfig) -> std::result::Result<bool, EdgeError> {
        if self.delivering.replace(true) {
            return Ok(true);
        }
        let delivered = history::deliver(&self.state.storage(), config).await;
        self.delivering.set(false);
        delivered
    }

    /// Sets the alarm to try delivering the history again in a little while (or at the room's
    /// own wake-up, if that is sooner); the alarm delivers before anything else.
    async fn retry_history_soon(&self, room_wake: Option<Timestamp>) -> std::result::Result<(), EdgeError> {
        let retry = now().as_millis() + HISTORY_RETRY_MS;
        self.set_alarm(room_wake.map_or(retry, |wake| wake.as_millis().min(retry))).await?;
        // The room's own wake-up is set again after the retry.
        self.alarm_at.set(None);
        Ok(())
    }

    /// Stores the room as it is now: another event may have changed it while a batch waited on
    /// a media node, and an older snapshot must not overwrite a newer one.
    async fn persist(&self) -> std::result::Result<(), EdgeError> {
        let current = self
            .room
            .borrow()
            .as_ref()
            .map(|r| StoredRoom { capacity: r.capacity(), snapshot: r.snapshot() });
        if let Some(current) = current {
            self.state.storage().put(ROOM_KEY, current).await?;
        }
        Ok(())
    }

    fn send(&self, conn: ConnectionId, text: &str) {
        if let Some(ws) = sockets::find(&self.state, conn) {
            let _ = ws.send_with_str(text);
        }
    }
}

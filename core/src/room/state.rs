//! The room's rules: admission, perfect-negotiation roles, peer-to-peer relay, liveness.

use super::node_request::NodeRequest;
use super::participant::{Member, Phase, Standing};
use super::rate_limit::{RateBudget, Verdict};
use super::recording::{Effect, Person, RecordingRefusal};
use super::{
    AccessChange, AccessLedger, AccessNotice, CallEvent, ChatError, ChatLog, CloseFrame, ConnectionId, Input,
    Output, ParticipantSnapshot, RecordingDesk, RecordingPlan, Refusal, RoomConfig, RoomSnapshot,
};
use crate::media::{MediaNodeLease, MediaTokenSigner};
use crate::protocol::{
    CallMode, ClientMessage, ErrorCode, LeaveReason, MAX_DISPLAY_NAME_CHARS, MediaState, PROTOCOL_VERSION,
    ParticipantId, Peer, ServerMessage,
};
use crate::time::Timestamp;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

mod media_node;

/// Most participants a peer-to-peer call carries; one more needs a media node.
const PEER_TO_PEER_LIMIT: usize = 2;

/// Close frame for a participant who left on purpose.
const NORMAL_CLOSE: CloseFrame = CloseFrame { code: 1000, reason: "left" };

/// Close frame for a connection whose participant reconnected on another one.
const REPLACED_CLOSE: CloseFrame = CloseFrame { code: 1000, reason: "replaced" };

/// Shortest and longest resume key a client may send.
const MIN_RESUME_CHARS: usize = 16;
const MAX_RESUME_CHARS: usize = 128;

/// One call's signaling room. See the [module docs](super).
///
/// Timestamps given to a room must count milliseconds since the Unix epoch: they date the
/// media tokens it issues.
#[derive(Debug)]
pub struct Room {
    config: RoomConfig,
    signer: Arc<dyn MediaTokenSigner>,
    connections: BTreeMap<ConnectionId, Standing>,
    /// What each open connection may still send (see [`super::RoomConfig::message_burst`]).
    budgets: BTreeMap<ConnectionId, RateBudget>,
    next_participant_id: u32,
    /// A media node asked for and not had yet.
    node_request: Option<NodeRequest>,
    media_node: Option<MediaNodeLease>,
    /// When the host was last asked to check the node (a participant's link to it failed).
    node_checked_at: Option<Timestamp>,
    /// Node sessions this call lost: a recording's part on the next node.
    node_part: u32,
    /// When the call under way started, if one is (see [`CallEvent`]).
    call_started_at: Option<Timestamp>,
    /// Access changes still enforced on earlier passes.
    access: AccessLedger,
    /// Who may record, and everyone's consent to a recording.
    recording: RecordingDesk,
    /// The call's chat.
    chat: ChatLog,
    /// The time of the input being handled.
    now: Timestamp,
    outputs: VecDeque<Output>,
}

impl Room {
    /// An empty room whose media tokens `signer` signs.
    pub fn new(config: RoomConfig, signer: Arc<dyn MediaTokenSigner>) -> Self {
        Self {
            config,
            signer,
            connections: BTreeMap::new(),
            budgets: BTreeMap::new(),
            next_participant_id: 1,
            node_request: None,
            media_node: None,
            node_checked_at: None,
            node_part: 0,
            call_started_at: None,
            access: AccessLedger::default(),
            recording: RecordingDesk::default(),
            chat: ChatLog::default(),
            now: Timestamp::from_millis(0),
            outputs: VecDeque::new(),
        }
    }

    /// Rebuilds a room from a snapshot. Liveness restarts at `now`, so nobody is timed out for
    /// the time the host was away.
    pub fn restore(
        config: RoomConfig,
        signer: Arc<dyn MediaTokenSigner>,
        snapshot: RoomSnapshot,
        now: Timestamp,
    ) -> Self {
        Self::restore_with_liveness(config, signer, snapshot, now, &BTreeMap::new())
    }

    /// Rebuilds a room from a snapshot, with what the host knows of its participants' liveness:
    /// a connection listed in `last_seen` counts as last heard at that time (never later than
    /// `now`), so a host that rebuilds its room often does not keep restarting the heartbeat
    /// timeout of a participant whose socket is gone. The others restart at `now`.
    pub fn restore_with_liveness(
        config: RoomConfig,
        signer: Arc<dyn MediaTokenSigner>,
        snapshot: RoomSnapshot,
        now: Timestamp,
        last_seen: &BTreeMap<ConnectionId, Timestamp>,
    ) -> Self {
        let mut room = Self::new(config, signer);
        room.next_participant_id = snapshot.next_participant_id.max(1);
        room.media_node = snapshot.media_node;
        room.node_part = snapshot.node_part;
        room.node_request = snapshot.node_request.map(|mut request| {
            request.restored(now);
            request
        });
        room.call_started_at = snapshot.call_started_at;
        room.access = snapshot.access;
        room.recording = snapshot.recording;
        room.chat = *snapshot.chat;
        room.now = now;
        for p in snapshot.participants {
            room.connections.insert(
                p.connection,
                Standing::Joined(Member {
                    id: p.id,
                    display_name: p.display_name,
                    media: p.media,
                    joined_at: p.joined_at,
                    last_seen: last_seen.get(&p.connection).map_or(now, |seen| (*seen).min(now)),
                    resume: p.resume,
                    identity: p.identity,
                    guest: p.guest,
                    role: p.role,
                }),
            );
        }
        room
    }

    /// Feeds one input at time `now`. Drain [`Room::poll_output`] afterwards.
    pub fn handle(&mut self, input: Input, now: Timestamp) {
        self.now = now;
        match input {
            Input::Connected(conn) => {
                self.connections.entry(conn).or_insert(Standing::Connecting { since: now, ticket: None });
            }
            Input::Identified { conn, ticket } => self.identify(conn, ticket),
            Input::Text(conn, text) => self.on_text(conn, &text, now),
            Input::Binary(conn) => {
                self.touch(conn, now);
                if self.within_budget(conn, now) {
                    self.send_error(
                        conn,
                        ErrorCode::BinaryNotSupported,
                        "send text frames with JSON messages",
                        false,
                    );
                }
            }
            Input::Disconnected(conn) => self.remove(conn, LeaveReason::ConnectionLost),
            Input::Timeout => self.expire(now),
            Input::MediaNodeAllocated(lease) => self.move_to_media_node(lease, now),
            Input::MediaNodeUnavailable { reason } => self.media_node_unavailable(&reason),
            Input::MediaNodePending { retry_after } => self.media_node_pending(retry_after),
            Input::MediaNodeLost(lease) => self.media_node_lost(lease),
            Input::RecordingFailed { reason } => {
                let effects = self.recording.node_unavailable(&reason, now);
                self.apply_recording(effects);
            }
            Input::AccessChanged(notice) => self.change_access(notice),
        }
        self.admit_waiting(now);
        self.drop_unneeded_node_request();
        self.end_call_if_over();
        self.release_media_node_if_idle();
        let connections = &self.connections;
        self.budgets.retain(|conn, _| connections.contains_key(conn));
    }

    /// The next thing the host must do, or `None` when there is nothing left.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When the room next needs [`Input::Timeout`]: the earliest join or heartbeat deadline,
    /// or when an access change stops mattering (str0m's `poll_timeout`). Hosts read it after
    /// draining [`Room::poll_output`] and wake the room then; `None` when nothing is pending.
    pub fn wakes_at(&self) -> Option<Timestamp> {
        self.connections
            .values()
            .map(|s| match s {
                Standing::Connecting { since, .. } => since.plus(self.config.join_timeout),
                Standing::Joined(m) | Standing::WaitingForNode(m) => {
                    m.last_seen.plus(self.config.heartbeat_timeout)
                }
            })
            .chain(self.access.next_expiry())
            .chain(self.recording.wakes_at())
            .chain(self.node_request_wakes_at())
            .min()
    }

    /// Whether the host may drop this room: no connections, and no access change to enforce
    /// (the same moment the room says [`Output::Empty`]).
    pub fn is_vacant(&self) -> bool {
        self.connections.is_empty() && self.access.is_empty()
    }

    /// How media flows in this call.
    pub fn mode(&self) -> CallMode {
        if self.media_node.is_some() { CallMode::MediaNode } else { CallMode::PeerToPeer }
    }

    /// The media node carrying the call, once it moved to one.
    pub fn media_node(&self) -> Option<&MediaNodeLease> {
        self.media_node.as_ref()
    }

    /// Most participants this room admits.
    pub fn capacity(&self) -> u32 {
        self.config.capacity
    }

    /// Participants in the call (not counting those still connecting or waiting for a node).
    pub fn participant_count(&self) -> usize {
        self.members().count()
    }

    /// Whether a newcomer would be let in: straight away, or once the call has moved to a
    /// media node (which a third participant triggers).
    pub fn admits_newcomer(&self) -> bool {
        self.participant_count() + self.waiting_count() < self.config.capacity as usize
    }

    /// How many participants the call carries in its current mode.
    fn admission_limit(&self) -> usize {
        match self.mode() {
            CallMode::PeerToPeer => PEER_TO_PEER_LIMIT.min(self.config.capacity as usize),
            CallMode::MediaNode => self.config.capacity as usize,
        }
    }

    /// Display names of the participants in the call, in join order.
    pub fn participant_names(&self) -> Vec<String> {
        let mut members: Vec<_> = self.members().map(|(_, m)| m).collect();
        members.sort_by_key(|m| m.id);
        members.into_iter().map(|m| m.display_name.clone()).collect()
    }

    /// The persistent state of the room.
    pub fn snapshot(&self) -> RoomSnapshot {
        let mut participants: Vec<_> = self
            .members()
            .map(|(conn, m)| ParticipantSnapshot {
                connection: conn,
                id: m.id,
                display_name: m.display_name.clone(),
                media: m.media,
                joined_at: m.joined_at,
                resume: m.resume.clone(),
                identity: m.identity.clone(),
                guest: m.guest,
                role: m.role,
            })
            .collect();
        participants.sort_by_key(|p| p.id);
        RoomSnapshot {
            next_participant_id: self.next_participant_id,
            participants,
            media_node: self.media_node.clone(),
            node_request: self.node_request.clone(),
            node_part: self.node_part,
            call_started_at: self.call_started_at,
            access: self.access.clone(),
            recording: self.recording.clone(),
            chat: Box::new(self.chat.clone()),
        }
    }

    fn members(&self) -> impl Iterator<Item = (ConnectionId, &Member)> {
        self.connections.iter().filter_map(|(conn, s)| match s {
            Standing::Joined(m) => Some((*conn, m)),
            _ => None,
        })
    }

    fn member_connections_except(&self, except: ConnectionId) -> Vec<ConnectionId> {
        self.members().map(|(c, _)| c).filter(|c| *c != except).collect()
    }

    fn waiting_count(&self) -> usize {
        self.connections.values().filter(|s| matches!(s, Standing::WaitingForNode(_))).count()
    }

    /// The host verified who holds `conn`'s pass: kept for their `join`, unless an access
    /// change since the pass was issued says no. A room opened before anyone's pass (by an
    /// access change) takes the group's limit from the first one.
    fn identify(&mut self, conn: ConnectionId, mut verified: crate::auth::Ticket) {
        if !matches!(self.connections.get(&conn), Some(Standing::Connecting { .. })) {
            return;
        }
        if let Err(refusal) = self.access.screen(&mut verified) {
            self.fail(conn, ErrorCode::AccessRevoked, refusal.detail());
            return;
        }
        if self.participant_count() + self.waiting_count() == 0
            && let Some(cap) = verified.cap
        {
            self.config = self.config.capped(Some(cap));
        }
        if let Some(role) = verified.record_role {
            self.recording.set_record_role(role, verified.issued_at);
        }
        if let Some(Standing::Connecting { ticket, .. }) = self.connections.get_mut(&conn) {
            *ticket = Some(verified);
        }
    }

    /// The API changed who may be in this call: those it shuts out leave now; a new role is
    /// everyone's to see.
    fn change_access(&mut self, notice: AccessNotice) {
        self.access.record(&notice);
        self.access.prune(self.now);
        let refusal = match &notice.change {
            AccessChange::MemberRemoved { .. } => Some(Refusal::NoLongerMember),
            AccessChange::GuestsDisallowed => Some(Refusal::GuestsDisallowed),
            AccessChange::GroupDeleted => Some(Refusal::GroupDeleted),
            AccessChange::RoleChanged { .. } => None,
            AccessChange::RecordRoleChanged { role } => {
                self.recording.set_record_role(*role, notice.at);
                None
            }
        };
        let affected: Vec<ConnectionId> = self
            .connections
            .iter()
            .filter(|(_, standing)| {
                let (identity, guest) = match standing {
                    Standing::Connecting { ticket, .. } => match ticket {
                        Some(t) => (Some(t.participant.as_str()), t.guest),
                        None => (None, false),
                    },
                    Standing::Joined(m) | Standing::WaitingForNode(m) => (m.identity.as_deref(), m.guest),
                };
                match &notice.change {
                    AccessChange::MemberRemoved { identity: who }
                    | AccessChange::RoleChanged { identity: who, .. } => {
                        !guest && identity == Some(who.as_str())
                    }
                    AccessChange::GuestsDisallowed => guest,
                    AccessChange::GroupDeleted => true,
                    AccessChange::RecordRoleChanged { .. } => false,
                }
            })
            .map(|(conn, _)| *conn)
            .collect();
        match (refusal, &notice.change) {
            (Some(refusal), _) => {
                for conn in affected {
                    self.fail(conn, ErrorCode::AccessRevoked, refusal.detail());
                }
            }
            (None, AccessChange::RoleChanged { role, .. }) => {
                for conn in affected {
                    self.set_role(conn, *role);
                }
            }
            (None, _) => {}
        }
        self.persist();
    }

    /// Gives the holder of `conn` a new role; everyone in the call hears it.
    fn set_role(&mut self, conn: ConnectionId, role: crate::groups::Role) {
        let joined = match self.connections.get_mut(&conn) {
            Some(Standing::Connecting { ticket: Some(t), .. }) => {
                t.role = Some(role);
                None
            }
            Some(Standing::WaitingForNode(m)) => {
                m.role = Some(role);
                None
            }
            Some(Standing::Joined(m)) => {
                m.role = Some(role);
                Some(m.id)
            }
            _ => None,
        };
        if let Some(id) = joined {
            let everyone = self.members().map(|(c, _)| c).collect();
            self.push(Output::Broadcast(everyone, ServerMessage::ParticipantRoleChanged { id, role }));
        }
    }

    fn on_text(&mut self, conn: ConnectionId, text: &str, now: Timestamp) {
        // A frame racing its connection's close (the room already let it go) is nobody's.
        if !self.connections.contains_key(&conn) {
            return;
        }
        self.touch(conn, now);
        if !self.within_budget(conn, now) {
            return;
        }
        match ClientMessage::parse(text) {
            Ok(message) => self.on_message(conn, message, now),
            Err(e) => self.send_error(conn, e.code(), e.to_string(), false),
        }
    }

    /// Spends one message of the connection's budget; over it, the message is dropped and the
    /// client told once per burst.
    fn within_budget(&mut self, conn: ConnectionId, now: Timestamp) -> bool {
        let (burst, per_second) = (self.config.message_burst, self.config.messages_per_second);
        let budget = self.budgets.entry(conn).or_insert_with(|| RateBudget::full(burst, now));
        match budget.spend(burst, per_second, now) {
            Verdict::Allowed => true,
            Verdict::FirstRefusal => {
                let detail = format!(
                    "more than {burst} messages at once or {per_second} a second; the excess is dropped"
                );
                self.send_error(conn, ErrorCode::RateLimited, detail, false);
                false
            }
            Verdict::Refused => false,
        }
    }

    fn touch(&mut self, conn: ConnectionId, now: Timestamp) {
        if let Some(Standing::Joined(m) | Standing::WaitingForNode(m)) = self.connections.get_mut(&conn) {
            m.last_seen = now;
        }
    }

    fn on_message(&mut self, conn: ConnectionId, message: ClientMessage, now: Timestamp) {
        let phase = self.connections.get(&conn).map(Standing::phase);
        match (phase, message) {
            (_, ClientMessage::Ping { nonce }) => {
                self.push(Output::Send(conn, ServerMessage::Pong { nonce }))
            }
            (Some(Phase::Connecting), ClientMessage::Join { version, display_name, media, resume }) => {
                self.join(conn, version, &display_name, media, resume, now)
            }
            (_, ClientMessage::Join { .. }) => {
                self.send_error(conn, ErrorCode::AlreadyJoined, "this connection has already joined", false)
            }
            (Some(Phase::Connecting), ClientMessage::Leave) => {
                self.connections.remove(&conn);
                self.push(Output::Close(conn, NORMAL_CLOSE));
            }
            (Some(Phase::Connecting), _) => {
                self.send_error(conn, ErrorCode::NotJoined, "send join first", false)
            }
            (_, ClientMessage::Leave) => {
                self.remove(conn, LeaveReason::Left);
                self.push(Output::Close(conn, NORMAL_CLOSE));
            }
            (Some(Phase::Waiting), ClientMessage::MediaState { media }) => self.set_media(conn, media),
            (Some(Phase::Waiting), _) => self.send_error(
                conn,
                ErrorCode::NotJoined,
                "you are waiting for the call to move to a media node",
                false,
            ),
            (Some(Phase::Joined(id)), ClientMessage::MediaState { media }) => {
                self.set_media(conn, media);
                let others = self.member_connections_except(conn);
                self.push(Output::Broadcast(others, ServerMessage::ParticipantUpdated { id, media }));
                self.persist();
            }
            (Some(Phase::Joined(from)), ClientMessage::Chat { text }) => self.chat(conn, from, &text, now),
            (Some(Phase::Joined(_)), ClientMessage::MediaNodeFailed { call_id }) => {
                self.media_node_failed(&call_id)
            }
            (Some(Phase::Joined(_)), ClientMessage::StartRecording) => {
                let present = self.members().map(|(_, m)| person(m)).collect::<Vec<_>>();
                self.on_recording(conn, |desk, me| desk.request(me, present, now));
            }
            (Some(Phase::Joined(_)), ClientMessage::StopRecording) => {
                self.on_recording(conn, |desk, me| desk.stop(me, now))
            }
            (Some(Phase::Joined(_)), ClientMessage::RecordingConsent { allow }) => {
                self.on_recording(conn, |desk, me| desk.answer(me, allow, now))
            }
            (Some(Phase::Joined(from)), ClientMessage::Description { to, description }) => {
                if let Some(target) = self.relay_target(conn, from, to) {
                    self.push(Output::Send(target, ServerMessage::Description { from, description }));
                }
            }
            (Some(Phase::Joined(from)), ClientMessage::IceCandidate { to, candidate }) => {
                if let Some(target) = self.relay_target(conn, from, to) {
                    self.push(Output::Send(target, ServerMessage::IceCandidate { from, candidate }));
                }
            }
            (None, _) | (Some(Phase::Joined(_)), ClientMessage::Unknown) => {}
        }
    }

    /// A chat message from participant `from`: to everyone (the sender too), or the reason it
    /// was refused to the sender.
    fn chat(&mut self, conn: ConnectionId, from: ParticipantId, text: &str, now: Timestamp) {
        let name = match self.connections.get(&conn) {
            Some(Standing::Joined(m)) => m.display_name.clone(),
            _ => return,
        };
        match self.chat.post(from, &name, text, now) {
            Ok(message) => {
                let everyone = self.members().map(|(c, _)| c).collect();
                self.push(Output::Broadcast(everyone, ServerMessage::Chat { message }));
                self.persist();
            }
            Err(ChatError::TooFast { tell: false }) => {}
            Err(e @ ChatError::TooFast { tell: true }) => {
                self.send_error(conn, ErrorCode::RateLimited, e.to_string(), false)
            }
            Err(e) => self.send_error(conn, ErrorCode::InvalidChatMessage, e.to_string(), false),
        }
    }

    fn set_media(&mut self, conn: ConnectionId, media: MediaState) {
        if let Some(Standing::Joined(m) | Standing::WaitingForNode(m)) = self.connections.get_mut(&conn) {
            m.media = media;
        }
    }

    fn join(
        &mut self,
        conn: ConnectionId,
        version: u32,
        display_name: &str,
        media: MediaState,
        resume: Option<String>,
        now: Timestamp,
    ) {
        if version != PROTOCOL_VERSION {
            let detail = format!(
                "this server speaks protocol version {PROTOCOL_VERSION}, the client sent {version}; reload the page"
            );
            self.fail(conn, ErrorCode::UnsupportedVersion, detail);
            return;
        }
        // A name the host verified (the call pass's) wins over what the client sent.
        let ticket = match self.connections.get(&conn) {
            Some(Standing::Connecting { ticket, .. }) => ticket.clone(),
            _ => None,
        };
        let verified = ticket.as_ref().and_then(|t| valid_display_name(&t.display_name));
        let identity = ticket.as_ref().map(|t| t.participant.clone());
        let (guest, role) = ticket.as_ref().map_or((false, None), |t| (t.guest, t.role));
        let Some(display_name) = verified.or_else(|| valid_display_name(display_name)) else {
            let detail = format!(
                "display name must be 1 to {MAX_DISPLAY_NAME_CHARS} characters, without control or invisible characters or stacked accents"
            );
            self.send_error(conn, ErrorCode::InvalidDisplayName, detail, false);
            return;
        };
        if resume.as_deref().is_some_and(|key| !valid_resume_key(key)) {
            let detail =
                format!("resume must be {MIN_RESUME_CHARS} to {MAX_RESUME_CHARS} letters, digits, - or _");
            self.send_error(conn, ErrorCode::MalformedMessage, detail, false);
            return;
        }
        // One seat per identity: a connection of someone already in the call takes over
        // their seat (a reconnect, or the same pass opened again), whether or not it presents
        // the seat's resume key; a resume key only ever takes back its own identity's seat.
        let seat = resume
            .as_deref()
            .and_then(|key| self.seat_with_resume_key(key, identity.as_deref()))
            .or_else(|| identity.as_deref().and_then(|id| self.seat_of(id)));
        if let Some(seat) = seat {
            self.take_over(conn, seat, display_name, media, now);
            return;
        }
        // A key that belongs to someone else's seat is not this newcomer's to keep.
        let resume = resume.filter(|key| self.seat_with_resume_key(key, None).is_none());
        let occupied = self.participant_count() + self.waiting_count();
        if occupied >= self.config.capacity as usize {
            let detail = format!("this call is full ({} participants)", self.config.capacity);
            self.fail(conn, ErrorCode::RoomFull, detail);
            return;
        }
        let member = Member {
            id: ParticipantId(self.next_participant_id),
            display_name,
            media,
            joined_at: now,
            last_seen: now,
            resume,
            identity,
            guest,
            role,
        };
        self.next_participant_id += 1;
        if self.participant_count() < self.admission_limit() {
            self.admit(conn, member, now, true);
        } else {
            self.connections.insert(conn, Standing::WaitingForNode(member));
            self.push(Output::Send(conn, ServerMessage::WaitingForMediaNode));
            if self.node_request.as_ref().is_some_and(|r| r.starting_announced) {
                self.push(Output::Send(conn, ServerMessage::MediaNodeStarting));
            }
            self.request_media_node(None);
        }
    }

    /// The connection of the participant (in the call or waiting) holding resume key `key`,
    /// when its seat belongs to `identity` (`None`: whoever holds it).
    fn seat_with_resume_key(&self, key: &str, identity: Option<&str>) -> Option<ConnectionId> {
        self.connections.iter().find_map(|(conn, standing)| match standing {
            Standing::Joined(m) | Standing::WaitingForNode(m)
                if m.resume.as_deref() == Some(key)
                    && (identity.is_none() || m.identity.as_deref() == identity) =>
            {
                Some(*conn)
            }
            _ => None,
        })
    }

    /// The connection of the participant (in the call or waiting) whose pass is `identity`'s.
    fn seat_of(&self, identity: &str) -> Option<ConnectionId> {
        self.connections.iter().find_map(|(conn, standing)| match standing {
            Standing::Joined(m) | Standing::WaitingForNode(m) if m.identity.as_deref() == Some(identity) => {
                Some(*conn)
            }
            _ => None,
        })
    }

    /// A reconnect: `conn` takes over the seat of the participant at `old` (same id, same place
    /// in the call). The old connection is closed; the others hear that the participant left
    /// as `reconnected` and joined again, so they set up media with the new connection.
    fn take_over(
        &mut self,
        conn: ConnectionId,
        old: ConnectionId,
        display_name: String,
        media: MediaState,
        now: Timestamp,
    ) {
        let Some(standing) = self.connections.remove(&old) else { return };
        self.connections.remove(&conn);
        self.push(Output::Close(old, REPLACED_CLOSE));
        let (mut member, waiting) = match standing {
            Standing::Joined(m) => (m, false),
            Standing::WaitingForNode(m) => (m, true),
            Standing::Connecting { .. } => return,
        };
        member.display_name = display_name;
        member.media = media;
        member.last_seen = now;
        if waiting {
            self.connections.insert(conn, Standing::WaitingForNode(member));
            self.push(Output::Send(conn, ServerMessage::WaitingForMediaNode));
            return;
        }
        let others = self.member_connections_except(conn);
        if !others.is_empty() {
            let left = ServerMessage::ParticipantLeft { id: member.id, reason: LeaveReason::Reconnected };
            self.push(Output::Broadcast(others, left));
        }
        self.admit(conn, member, now, false);
    }

    /// Puts `member` in the call and welcomes them; on a media node they get a token for it.
    /// A member who was not in the call before (not a takeover of their own seat) begins a
    /// stint of the call's history, and the first one begins the call.
    fn admit(&mut self, conn: ConnectionId, member: Member, now: Timestamp, new_stint: bool) {
        let media_node = match self.media_node_access(member.id, now) {
            Ok(access) => access,
            Err(e) => {
                self.connections.insert(conn, Standing::WaitingForNode(member));
                self.fail(conn, ErrorCode::GroupCallsUnavailable, e.to_string());
                return;
            }
        };
        let participants = self.members().map(|(_, other)| peer_view(member.id, other)).collect::<Vec<_>>();
        let others = self.member_connections_except(conn);
        // A newcomer to a question or a recording is asked; their welcome shows it.
        let recording_effects = if new_stint { self.recording.joined(person(&member)) } else { Vec::new() };
        let welcome = ServerMessage::Welcome {
            version: PROTOCOL_VERSION,
            you: member.id,
            participants,
            mode: self.mode(),
            capacity: self.config.capacity,
            heartbeat_interval_ms: self.config.heartbeat_interval.as_millis() as u32,
            media_node,
            recording: self.recording.view(),
            chat: self.chat.kept(),
        };
        let joined = Peer {
            id: member.id,
            display_name: member.display_name.clone(),
            media: member.media,
            // Everyone already here joined earlier, so they are polite towards the newcomer.
            polite: true,
            guest: member.guest,
            role: member.role,
        };
        if new_stint {
            let call_started_at = match self.call_started_at {
                Some(at) => at,
                None => {
                    self.call_started_at = Some(now);
                    self.push(Output::History(CallEvent::Started { at: now }));
                    now
                }
            };
            self.push(Output::History(CallEvent::Joined {
                call_started_at,
                participant: member.id,
                identity: member.identity.clone(),
                display_name: member.display_name.clone(),
                at: member.joined_at,
            }));
        }
        self.connections.insert(conn, Standing::Joined(member));
        self.push(Output::Send(conn, welcome));
        if !others.is_empty() {
            self.push(Output::Broadcast(others, ServerMessage::ParticipantJoined { participant: joined }));
        }
        self.apply_recording(recording_effects);
        self.persist();
    }

    /// Moves waiting participants into the call while its mode has room for them.
    fn admit_waiting(&mut self, now: Timestamp) {
        while self.participant_count() < self.admission_limit() {
            let Some((conn, member)) = self.connections.iter().find_map(|(c, s)| match s {
                Standing::WaitingForNode(m) => Some((*c, m.clone())),
                _ => None,
            }) else {
                break;
            };
            self.admit(conn, member, now, true);
        }
    }

    /// Ends the call's history once nobody is in the call or waiting for it.
    fn end_call_if_over(&mut self) {
        if self.participant_count() + self.waiting_count() == 0 {
            let effects = self.recording.call_ended(self.now);
            self.apply_recording(effects);
        }
        if self.participant_count() + self.waiting_count() == 0
            && let Some(started_at) = self.call_started_at.take()
        {
            // The next call starts a chat of its own.
            self.chat = ChatLog::default();
            self.push(Output::History(CallEvent::Ended { started_at, at: self.now }));
            self.persist();
        }
    }

    fn relay_target(
        &mut self,
        from_conn: ConnectionId,
        from: ParticipantId,
        to: ParticipantId,
    ) -> Option<ConnectionId> {
        if to == from {
            self.send_error(
                from_conn,
                ErrorCode::CannotSignalSelf,
                "a participant cannot signal itself",
                false,
            );
            return None;
        }
        let target = self.members().find(|(_, m)| m.id == to).map(|(c, _)| c);
        if target.is_none() {
            self.send_error(
                from_conn,
                ErrorCode::UnknownParticipant,
                format!("participant {to} is not in this call"),
                false,
            );
        }
        target
    }

    fn expire(&mut self, now: Timestamp) {
        let effects = self.recording.expire(now);
        self.apply_recording(effects);
        self.expire_node_request();
        if !self.access.is_empty() {
            self.access.prune(now);
            if self.access.is_empty() {
                self.persist();
                if self.connections.is_empty() {
                    self.push(Output::Empty);
                }
            }
        }
        let join_timeout = self.config.join_timeout;
        let heartbeat_timeout = self.config.heartbeat_timeout;
        let expired: Vec<_> = self
            .connections
            .iter()
            .filter_map(|(conn, s)| match s {
                Standing::Connecting { since, .. } if now.since(*since) >= join_timeout => {
                    Some((*conn, ErrorCode::JoinTimeout))
                }
                Standing::Joined(m) | Standing::WaitingForNode(m)
                    if now.since(m.last_seen) >= heartbeat_timeout =>
                {
                    Some((*conn, ErrorCode::HeartbeatTimeout))
                }
                _ => None,
            })
            .collect();
        for (conn, code) in expired {
            let detail = match code {
                ErrorCode::JoinTimeout => format!("no join within {} s", join_timeout.as_secs()),
                _ => format!("no message for {} s", heartbeat_timeout.as_secs()),
            };
            self.fail(conn, code, detail);
        }
    }

    /// Sends a fatal error, closes the connection and removes it from the room.
    fn fail(&mut self, conn: ConnectionId, code: ErrorCode, detail: impl Into<String>) {
        self.send_error(conn, code, detail, true);
        let reason = if code == ErrorCode::HeartbeatTimeout {
            LeaveReason::TimedOut
        } else {
            LeaveReason::ConnectionLost
        };
        self.remove(conn, reason);
        self.push(Output::Close(conn, CloseFrame { code: code.close_code(), reason: code.as_str() }));
    }

    fn remove(&mut self, conn: ConnectionId, reason: LeaveReason) {
        let Some(standing) = self.connections.remove(&conn) else { return };
        if let Standing::WaitingForNode(m) = &standing {
            // A participant who was asked and then waited (a reconnect whose move failed) is
            // no longer present either.
            let effects = self.recording.left(m.id, self.now);
            self.apply_recording(effects);
        }
        if let Standing::Joined(m) = standing {
            let others = self.member_connections_except(conn);
            if !others.is_empty() {
                self.push(Output::Broadcast(others, ServerMessage::ParticipantLeft { id: m.id, reason }));
            }
            if let Some(lease) = self.media_node.clone() {
                self.push(Output::RemoveFromMediaNode { lease, participant: m.id });
            }
            let effects = self.recording.left(m.id, self.now);
            self.apply_recording(effects);
            let call_started_at = self.call_started_at.unwrap_or(m.joined_at);
            self.push(Output::History(CallEvent::Left {
                call_started_at,
                participant: m.id,
                identity: m.identity,
                joined_at: m.joined_at,
                at: self.now,
            }));
            self.persist();
        }
        if self.connections.is_empty() {
            self.end_call_if_over();
            self.release_media_node_if_idle();
            if self.is_vacant() {
                self.push(Output::Empty);
            }
        }
    }

    /// Hands a recording message of the participant at `conn` to the desk; a refusal is
    /// their error, anything else is done.
    fn on_recording(
        &mut self,
        conn: ConnectionId,
        act: impl FnOnce(&mut RecordingDesk, &Person) -> Result<Vec<Effect>, RecordingRefusal>,
    ) {
        let Some(Standing::Joined(member)) = self.connections.get(&conn) else { return };
        let me = person(member);
        match act(&mut self.recording, &me) {
            Ok(effects) => self.apply_recording(effects),
            Err(refusal) => self.send_error(conn, refusal.code(), refusal.to_string(), false),
        }
    }

    /// Does what the recording desk asked: everyone hears the new state once, then the rest
    /// in order.
    fn apply_recording(&mut self, effects: Vec<Effect>) {
        if effects.is_empty() {
            return;
        }
        if effects.contains(&Effect::Changed) {
            let everyone: Vec<_> = self.members().map(|(c, _)| c).collect();
            if !everyone.is_empty() {
                let recording = self.recording.view();
                self.push(Output::Broadcast(everyone, ServerMessage::RecordingChanged { recording }));
            }
        }
        for effect in effects {
            match effect {
                Effect::Changed => {}
                Effect::TellAsker(id, reason) => {
                    let asker = self.members().find(|(_, m)| m.id == id).map(|(c, _)| c);
                    if let Some(conn) = asker {
                        self.push(Output::Send(conn, ServerMessage::RecordingRequestEnded { reason }));
                    }
                }
                Effect::Log(event) => {
                    let call_started_at = self.call_started_at.unwrap_or(self.now);
                    self.push(Output::History(CallEvent::Recording { call_started_at, event }));
                }
                Effect::NeedsNode => self.request_media_node(None),
                Effect::Plan(plan) => {
                    if let Some(lease) = self.media_node.clone() {
                        let plan = RecordingPlan { part: self.node_part, ..plan };
                        self.push(Output::RecordOnMediaNode { lease, plan });
                    }
                }
            }
        }
        self.persist();
    }

    fn send_error(&mut self, conn: ConnectionId, code: ErrorCode, detail: impl Into<String>, fatal: bool) {
        self.push(Output::Send(conn, ServerMessage::error(code, detail, fatal)));
    }

    fn persist(&mut self) {
        let snapshot = self.snapshot();
        self.push(Output::Persist(snapshot));
    }

    fn push(&mut self, output: Output) {
        self.outputs.push_back(output);
    }
}

/// `other` as seen by the participant `viewer`: the one who joined earlier is polite.
fn peer_view(viewer: ParticipantId, other: &Member) -> Peer {
    Peer {
        id: other.id,
        display_name: other.display_name.clone(),
        media: other.media,
        polite: viewer < other.id,
        guest: other.guest,
        role: other.role,
    }
}

/// A member as the recording desk sees them.
fn person(m: &Member) -> Person {
    Person {
        id: m.id,
        identity: m.identity.clone(),
        display_name: m.display_name.clone(),
        role: m.role,
        guest: m.guest,
    }
}

fn valid_resume_key(key: &str) -> bool {
    (MIN_RESUME_CHARS..=MAX_RESUME_CHARS).contains(&key.len())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A name the call shows: the same rule as an account's display name.
fn valid_display_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    let valid = !name.is_empty() && crate::text::check(name, MAX_DISPLAY_NAME_CHARS, false).is_ok();
    valid.then(|| name.to_owned())
}

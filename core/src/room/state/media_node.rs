//! The room's media node: asking for one (and asking again while one starts), moving the call
//! onto it, checking it when a participant's link to it fails, moving the call to another when
//! it is lost, and ending its session when nobody is left.

use super::{PEER_TO_PEER_LIMIT, Room};
use crate::media::{MediaClaims, MediaNodeLease, SignError};
use crate::protocol::{ErrorCode, MediaNodeAccess, ParticipantId, ServerMessage};
use crate::room::node_request::NodeRequest;
use crate::room::participant::Standing;
use crate::room::recording::Effect;
use crate::room::{ConnectionId, Output};
use crate::time::Timestamp;
use std::time::Duration;

impl Room {
    /// Asks the host for a media node, unless the call is on one or an ask is outstanding.
    pub(super) fn request_media_node(&mut self, replacing: Option<MediaNodeLease>) {
        if self.media_node.is_some() || self.node_request.is_some() {
            return;
        }
        self.node_request = Some(NodeRequest::new(self.now, replacing.clone()));
        self.push(Output::NeedsMediaNode { participants: self.node_demand(), replacing });
        self.persist();
    }

    /// Participants the call would have on a node: those in it and those waiting.
    fn node_demand(&self) -> u32 {
        (self.participant_count() + self.waiting_count()) as u32
    }

    /// The allocator is starting a node: those waiting for it hear it once (those in the call
    /// go on as they are), and the room asks again later.
    pub(super) fn media_node_pending(&mut self, retry_after: Duration) {
        let now = self.now;
        let Some(request) = self.node_request.as_mut() else { return };
        if request.pending(retry_after, now) {
            let waiting: Vec<ConnectionId> = self
                .connections
                .iter()
                .filter(|(_, s)| matches!(s, Standing::WaitingForNode(_)))
                .map(|(c, _)| *c)
                .collect();
            if !waiting.is_empty() {
                self.push(Output::Broadcast(waiting, ServerMessage::MediaNodeStarting));
            }
        }
        self.persist();
    }

    /// Stops asking for a node nobody needs any more (the newcomer who waited left, and no
    /// recording needs one); a call moving off a lost node keeps asking.
    pub(super) fn drop_unneeded_node_request(&mut self) {
        let moving = self.node_request.as_ref().is_some_and(|r| r.replacing.is_some());
        if self.node_request.is_some() && self.media_node.is_none() && !moving && !self.needs_media_node() {
            self.node_request = None;
            self.persist();
        }
    }

    /// The host could not provide a node. A newcomer's wait ends with the refusal; a call whose
    /// node was lost keeps asking until its wait is over (the failure may pass).
    pub(super) fn media_node_unavailable(&mut self, reason: &str) {
        let now = self.now;
        match self.node_request.as_mut() {
            Some(request) if request.replacing.is_some() => {
                request.failed(now);
                self.persist();
            }
            _ => self.give_up_on_media_node(reason),
        }
    }

    /// Time passed: asks again when the allocator's pause is over, gives up when the wait is.
    pub(super) fn expire_node_request(&mut self) {
        let (now, wait) = (self.now, self.config.media_node_wait);
        let Some(request) = self.node_request.as_mut() else { return };
        if request.expired(wait, now) {
            let reason = format!("no media node could be started within {} s", wait.as_secs());
            self.give_up_on_media_node(&reason);
        } else if request.take_due(now) {
            let replacing = request.replacing.clone();
            self.push(Output::NeedsMediaNode { participants: self.node_demand(), replacing });
        }
    }

    /// When the room must look at its request for a node again.
    pub(super) fn node_request_wakes_at(&self) -> Option<Timestamp> {
        self.node_request.as_ref().map(|r| r.wakes_at(self.config.media_node_wait))
    }

    /// Whether the call needs a node now: someone waits for one, a recording needs one, or
    /// there are more people than peer-to-peer carries.
    fn needs_media_node(&self) -> bool {
        self.waiting_count() > 0
            || self.recording.needs_node()
            || self.participant_count() > PEER_TO_PEER_LIMIT
    }

    /// The host opened a call session for this room: everyone in the call moves to it
    /// (make-before-break on their side, or straight over after a lost node) and those waiting
    /// are let in.
    pub(super) fn move_to_media_node(&mut self, lease: MediaNodeLease, now: Timestamp) {
        let request = self.node_request.take();
        let relocating = request.as_ref().is_some_and(|r| r.replacing.is_some());
        if self.media_node.is_some()
            || !(self.needs_media_node() || relocating && self.participant_count() > 0)
        {
            // Already on a node, or whoever needed it left (or fit in peer-to-peer after all).
            self.push(Output::ReleaseMediaNode(lease));
            if request.is_some() {
                self.persist();
            }
            return;
        }
        let members: Vec<_> = self.members().map(|(c, m)| (c, m.id)).collect();
        let mut moves = Vec::with_capacity(members.len());
        for (conn, id) in members {
            match self.sign_access(&lease, id, now) {
                Ok(access) => moves.push((conn, access)),
                Err(e) => {
                    self.push(Output::ReleaseMediaNode(lease));
                    self.give_up_on_media_node(&e.to_string());
                    return;
                }
            }
        }
        self.media_node = Some(lease);
        self.node_checked_at = None;
        for (conn, media_node) in moves {
            self.push(Output::Send(conn, ServerMessage::MoveToMediaNode { media_node }));
        }
        if let Some(plan) = self.recording.plan() {
            self.apply_recording(vec![Effect::Plan(plan)]);
        }
        self.persist();
    }

    /// A participant says their link to the node failed: the host checks the node, once per
    /// check interval. A report about a session the call already left is ignored.
    pub(super) fn media_node_failed(&mut self, call_id: &str) {
        let Some(lease) = self.media_node.clone() else { return };
        if lease.call_id != call_id {
            return;
        }
        let interval = self.config.media_node_check_interval;
        if self.node_checked_at.is_some_and(|at| self.now.since(at) < interval) {
            return;
        }
        self.node_checked_at = Some(self.now);
        self.push(Output::CheckMediaNode(lease));
    }

    /// The call's node is gone: its session is released, everyone in the call hears it and
    /// keeps their seat, and the room asks for another node, avoiding this one.
    pub(super) fn media_node_lost(&mut self, lease: MediaNodeLease) {
        if self.media_node.as_ref() != Some(&lease) {
            return;
        }
        self.media_node = None;
        self.node_checked_at = None;
        self.node_part = self.node_part.saturating_add(1);
        self.push(Output::ReleaseMediaNode(lease.clone()));
        let members: Vec<ConnectionId> = self.members().map(|(c, _)| c).collect();
        if !members.is_empty() {
            self.push(Output::Broadcast(members, ServerMessage::MediaNodeLost));
        }
        self.node_request = None;
        if self.participant_count() + self.waiting_count() > 0 {
            self.request_media_node(Some(lease));
        }
        self.persist();
    }

    /// No node can be had: those waiting are refused, and so are those in a call that lost its
    /// node (their media has nowhere to go); a recording that needed the node stops.
    fn give_up_on_media_node(&mut self, reason: &str) {
        let moving = self.node_request.take().is_some_and(|r| r.replacing.is_some());
        // Those in a call whose node was lost have no media path, however few they are.
        let stranded = self.media_node.is_none() && (moving || self.participant_count() > PEER_TO_PEER_LIMIT);
        let refused: Vec<ConnectionId> = self
            .connections
            .iter()
            .filter(|(_, s)| match s {
                Standing::WaitingForNode(_) => true,
                Standing::Joined(_) => stranded,
                Standing::Connecting { .. } => false,
            })
            .map(|(c, _)| *c)
            .collect();
        for conn in refused {
            let detail = format!("group calls are not available yet: {reason}");
            self.fail(conn, ErrorCode::GroupCallsUnavailable, detail);
        }
        if self.media_node.is_none() {
            let effects = self.recording.node_unavailable(reason, self.now);
            self.apply_recording(effects);
        }
        self.persist();
    }

    /// Ends the node's call session, and stops asking for one, once nobody is in the call or
    /// waiting for it.
    pub(super) fn release_media_node_if_idle(&mut self) {
        if self.participant_count() + self.waiting_count() > 0 {
            return;
        }
        let asked = self.node_request.take().is_some();
        let lease = self.media_node.take();
        if let Some(lease) = lease.clone() {
            self.push(Output::ReleaseMediaNode(lease));
        }
        if asked || lease.is_some() {
            self.persist();
        }
    }

    /// Access to the media node for participant `id`, when the call runs on one.
    pub(super) fn media_node_access(
        &self,
        id: ParticipantId,
        now: Timestamp,
    ) -> Result<Option<MediaNodeAccess>, SignError> {
        self.media_node.as_ref().map(|lease| self.sign_access(lease, id, now)).transpose()
    }

    fn sign_access(
        &self,
        lease: &MediaNodeLease,
        id: ParticipantId,
        now: Timestamp,
    ) -> Result<MediaNodeAccess, SignError> {
        let claims = MediaClaims::participant(&lease.node_id, &lease.call_id, id, now);
        Ok(MediaNodeAccess {
            url: lease.url.clone(),
            call_id: lease.call_id.clone(),
            token: self.signer.sign(&claims)?,
        })
    }
}

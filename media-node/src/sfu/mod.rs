//! The forwarding core: every participant's `Rtc`, demultiplexing, forwarding, keyframe and
//! layer control. Sans-IO like str0m itself: the host passes datagrams and the time in and
//! gets datagrams to send out through a callback; no sockets, no clock.

mod demux;
mod layers;
mod participant;
mod recorder;
mod stats;
mod track;

pub use demux::{Demux, Route, stun_local_ufrag};
pub use layers::{VideoDemand, choose_layers};
pub use recorder::{CallRecorder, Recorded, RecordingOutput, RecordingSpec, TrackInfo};
pub use stats::SfuStats;

use participant::{Participant, Slot, track_kind};
use peershare_core::protocol::{NodeMessage, ParticipantId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use str0m::bwe::{Bitrate, BweKind};
use str0m::change::SdpOffer;
use str0m::media::{KeyframeRequest, KeyframeRequestKind, MediaData, MediaKind};
use str0m::net::{DatagramRecv, Protocol, Receive};
use str0m::{Candidate, Event, IceConnectionState, IceCreds, Input, Output, Rtc};
use track::{ForwardedTrack, Negotiation, PublishedTrack};

/// Simulcast layers (lowest first) a publisher keeps sending even when nobody watches them.
const ALWAYS_SENT_LAYERS: usize = 2;

/// How often layer choices are revisited even when nothing prompted it.
const RELAYER_INTERVAL: Duration = Duration::from_secs(1);

/// A published track that should carry media and has carried none for this long is silent.
const SILENT_AFTER: Duration = Duration::from_secs(10);

/// Where the node's socket is.
#[derive(Debug, Clone)]
pub struct SfuConfig {
    /// The address browsers send to: the node's host candidate (public IP and the socket's port).
    pub advertised: SocketAddr,
    /// Most participants across all calls.
    pub max_participants: usize,
}

/// Why a control request could not be carried out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SfuError {
    /// A call with this id is already open.
    #[error("call {0} already exists")]
    CallExists(String),
    /// No call with this id is open.
    #[error("no call {0} on this node")]
    NoSuchCall(String),
    /// The participant is not in the call.
    #[error("participant {1} is not in call {0}")]
    NoSuchParticipant(String, ParticipantId),
    /// The node has no room for another participant.
    #[error("this node is full ({0} participants)")]
    Full(usize),
    /// The offer is not SDP str0m can accept.
    #[error("the offer was refused: {0}")]
    BadOffer(String),
    /// The room removed this participant from the call: their media token no longer admits them.
    #[error("participant {1} was removed from call {0}")]
    Removed(String, ParticipantId),
}

#[derive(Debug)]
struct Call {
    members: Vec<(ParticipantId, Slot)>,
    /// Participants the room removed: a media token alone never brings them back (the room
    /// never gives a removed participant's id to anyone else).
    removed: std::collections::HashSet<ParticipantId>,
    /// The call's recording, while the room asks for one.
    recorder: Option<CallRecorder>,
    /// Recordings of this call that ended: a late plan never starts one again.
    ended_recordings: std::collections::HashSet<String>,
}

/// The node's calls and participants.
#[derive(Debug)]
pub struct Sfu {
    config: SfuConfig,
    calls: Vec<Option<Call>>,
    call_index: HashMap<String, usize>,
    slots: Vec<Option<Participant>>,
    demux: Demux<Slot>,
    queue: Vec<Slot>,
    gone: Vec<Slot>,
    relayer: Vec<Slot>,
    next_relayer: Option<Instant>,
    wanted_keyframes: Vec<usize>,
    /// What ended recordings left to ship.
    recording_outputs: Vec<RecordingOutput>,
    stats: SfuStats,
}

/// Sends one datagram: `(destination, bytes)`.
pub type Transmit<'a> = dyn FnMut(SocketAddr, &[u8]) + 'a;

impl Sfu {
    /// An empty node.
    pub fn new(config: SfuConfig) -> Self {
        // str0m needs a process-wide crypto provider for DTLS and SRTP; installing is idempotent.
        str0m::crypto::from_feature_flags().install_process_default();
        Self {
            config,
            calls: Vec::new(),
            call_index: HashMap::new(),
            slots: Vec::new(),
            demux: Demux::default(),
            queue: Vec::new(),
            gone: Vec::new(),
            relayer: Vec::new(),
            next_relayer: None,
            wanted_keyframes: Vec::new(),
            recording_outputs: Vec::new(),
            stats: SfuStats::default(),
        }
    }

    /// Opens a call session.
    pub fn create_call(&mut self, id: &str) -> Result<(), SfuError> {
        if self.call_index.contains_key(id) {
            return Err(SfuError::CallExists(id.to_owned()));
        }
        let call = Call {
            members: Vec::new(),
            removed: std::collections::HashSet::new(),
            recorder: None,
            ended_recordings: std::collections::HashSet::new(),
        };
        let index = match self.calls.iter().position(Option::is_none) {
            Some(free) => {
                self.calls[free] = Some(call);
                free
            }
            None => {
                self.calls.push(Some(call));
                self.calls.len() - 1
            }
        };
        self.call_index.insert(id.to_owned(), index);
        Ok(())
    }

    /// Ends a call session and disconnects everyone in it.
    pub fn end_call(&mut self, id: &str) -> Result<(), SfuError> {
        let index = self.call_index.remove(id).ok_or_else(|| SfuError::NoSuchCall(id.to_owned()))?;
        let (members, recorder) =
            self.calls[index].take().map(|c| (c.members, c.recorder)).unwrap_or_default();
        if let Some(recorder) = recorder {
            self.finish_recorder(recorder);
        }
        for (_, slot) in members {
            if let Some(mut p) = self.slots[slot].take() {
                p.rtc.disconnect();
                self.demux.remove(slot);
            }
        }
        Ok(())
    }

    /// Whether a call is open.
    pub fn has_call(&self, id: &str) -> bool {
        self.call_index.contains_key(id)
    }

    /// Adds `participant` to `call` with their SDP offer; returns the node's SDP answer. A
    /// participant already in the call (a reconnect) is replaced.
    pub fn add_participant(
        &mut self,
        call: &str,
        participant: ParticipantId,
        offer_sdp: &str,
        now: Instant,
    ) -> Result<String, SfuError> {
        let call_idx = *self.call_index.get(call).ok_or_else(|| SfuError::NoSuchCall(call.to_owned()))?;
        if self.calls[call_idx].as_ref().is_some_and(|c| c.removed.contains(&participant)) {
            return Err(SfuError::Removed(call.to_owned(), participant));
        }
        if let Some(slot) = self.members(call_idx).iter().find(|(id, _)| *id == participant).map(|(_, s)| *s)
        {
            self.remove_slot(slot);
        }
        if self.participant_count() >= self.config.max_participants {
            return Err(SfuError::Full(self.config.max_participants));
        }
        let offer = SdpOffer::from_sdp_string(offer_sdp).map_err(|e| SfuError::BadOffer(e.to_string()))?;
        let creds = IceCreds::new();
        let mut rtc = Rtc::builder()
            .set_local_ice_credentials(creds.clone())
            .enable_bwe(Some(Bitrate::bps(participant::INITIAL_ESTIMATE_BPS)))
            .build(now);
        let candidate =
            Candidate::host(self.config.advertised, "udp").map_err(|e| SfuError::BadOffer(e.to_string()))?;
        rtc.add_local_candidate(candidate);
        let answer = rtc.sdp_api().accept_offer(offer).map_err(|e| SfuError::BadOffer(e.to_string()))?;

        let mut p = Participant::new(participant, call_idx, rtc, now);
        for &(publisher, slot) in self.members(call_idx) {
            if let Some(other) = self.slots[slot].as_ref() {
                p.forwarded.extend(other.published.iter().map(|t| ForwardedTrack::new(publisher, t)));
            }
        }
        let slot = self.insert(p);
        self.demux.add_ufrag(creds.ufrag, slot);
        if let Some(c) = self.calls[call_idx].as_mut() {
            c.members.push((participant, slot));
        }
        self.enqueue(slot);
        Ok(answer.to_sdp_string())
    }

    /// Removes a participant from a call, for good: the room said they left (see [`SfuError::Removed`]).
    pub fn remove_participant(&mut self, call: &str, participant: ParticipantId) -> Result<(), SfuError> {
        let call_idx = *self.call_index.get(call).ok_or_else(|| SfuError::NoSuchCall(call.to_owned()))?;
        if let Some(c) = self.calls[call_idx].as_mut() {
            c.removed.insert(participant);
        }
        let slot = self
            .members(call_idx)
            .iter()
            .find(|(id, _)| *id == participant)
            .map(|(_, s)| *s)
            .ok_or_else(|| SfuError::NoSuchParticipant(call.to_owned(), participant))?;
        self.remove_slot(slot);
        Ok(())
    }

    /// Records `call` as the room's plan `spec` says: the tracks of its participants, into its
    /// recording. Plans are numbered and whole, so this is idempotent and order-proof: a plan
    /// older than the one followed is ignored, a stopped recording never starts again, and a
    /// plan of another recording ends the current one.
    pub fn set_recording(&mut self, call: &str, spec: RecordingSpec, now: Instant) -> Result<(), SfuError> {
        let call_idx = *self.call_index.get(call).ok_or_else(|| SfuError::NoSuchCall(call.to_owned()))?;
        let Some(c) = self.calls[call_idx].as_mut() else {
            return Err(SfuError::NoSuchCall(call.to_owned()));
        };
        if c.ended_recordings.contains(&spec.id) {
            return Ok(());
        }
        let current = c.recorder.as_ref().map(|r| (r.id() == spec.id, r.revision()));
        let ended = match current {
            Some((true, _)) if spec.stopped => c.recorder.take(),
            Some((true, revision)) if spec.revision <= revision => return Ok(()),
            Some((true, _)) => {
                if let Some(recorder) = c.recorder.as_mut() {
                    recorder.set_participants(spec.participants, spec.revision);
                }
                None
            }
            _ if spec.stopped => {
                c.ended_recordings.insert(spec.id);
                None
            }
            _ => c.recorder.replace(CallRecorder::new(spec, now)),
        };
        if let Some(recorder) = ended {
            c.ended_recordings.insert(recorder.id().to_owned());
            self.finish_recorder(recorder);
        }
        Ok(())
    }

    /// Everything recordings have for storage since the last call, in order.
    pub fn drain_recordings(&mut self) -> Vec<RecordingOutput> {
        let mut out = std::mem::take(&mut self.recording_outputs);
        for call in self.calls.iter_mut().flatten() {
            if let Some(recorder) = call.recorder.as_mut() {
                out.extend(recorder.drain());
            }
        }
        out
    }

    fn finish_recorder(&mut self, recorder: CallRecorder) {
        self.stats.recording_failures += recorder.failures();
        self.recording_outputs.extend(recorder.finish());
    }

    /// Participants of a call, by id.
    pub fn call_participants(&self, call: &str) -> Option<Vec<ParticipantId>> {
        let idx = *self.call_index.get(call)?;
        Some(self.members(idx).iter().map(|(id, _)| *id).collect())
    }

    /// Feeds one received datagram.
    pub fn handle_datagram(&mut self, now: Instant, source: SocketAddr, data: &[u8], out: &mut Transmit) {
        self.stats.datagrams_in += 1;
        self.stats.bytes_in += data.len() as u64;
        let (slot, by_ufrag) = match self.demux.route(source, data) {
            Route::Known(slot) => (slot, false),
            Route::ByUfrag(slot) => (slot, true),
            Route::Unknown => {
                self.stats.unroutable_datagrams += 1;
                return;
            }
        };
        let Ok(contents) = DatagramRecv::try_from(data) else {
            self.stats.rejected_datagrams += 1;
            return;
        };
        let destination = self.config.advertised;
        let Some(p) = self.slots.get_mut(slot).and_then(Option::as_mut) else { return };
        let input = Input::Receive(now, Receive { proto: Protocol::Udp, source, destination, contents });
        if by_ufrag {
            if !p.rtc.accepts(&input) {
                self.stats.unroutable_datagrams += 1;
                return;
            }
            self.demux.bind_addr(source, slot);
        }
        if let Err(e) = p.rtc.handle_input(input) {
            self.stats.rejected_datagrams += 1;
            tracing::debug!(participant = %p.id, error = %e, "datagram rejected");
        }
        self.enqueue(slot);
        self.drive_queue(now, out);
    }

    /// Advances time: fires due timeouts and revisits layer choices.
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Transmit) {
        for slot in 0..self.slots.len() {
            let Some(p) = self.slots[slot].as_mut() else { continue };
            if p.next_timeout <= now {
                if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                    tracing::debug!(participant = %p.id, error = %e, "timeout failed; disconnecting");
                    p.gone = true;
                    self.gone.push(slot);
                }
                self.enqueue(slot);
            } else if p.offer_deadline().is_some_and(|t| t <= now) {
                self.enqueue(slot);
            }
        }
        if self.next_relayer.is_none_or(|t| t <= now) {
            self.next_relayer = Some(now + RELAYER_INTERVAL);
            self.relayer.extend((0..self.slots.len()).filter(|&s| self.slots[s].is_some()));
            self.note_silent_tracks(now);
        }
        self.drive_queue(now, out);
    }

    /// When [`Sfu::handle_timeout`] is next needed.
    pub fn next_timeout(&self) -> Option<Instant> {
        let offers = self.slots.iter().flatten().filter_map(Participant::offer_deadline);
        self.slots.iter().flatten().map(|p| p.next_timeout).chain(offers).chain(self.next_relayer).min()
    }

    /// Logs and counts each published track that stopped carrying media while it should (audio
    /// always; video while the node has not paused all its layers), once per silence: a link
    /// that is up but silent is a failure to see in the metrics, not to guess from the calls.
    fn note_silent_tracks(&mut self, now: Instant) {
        for p in self.slots.iter_mut().flatten() {
            let Some(connected) = p.connected_at else { continue };
            if now.saturating_duration_since(connected) < SILENT_AFTER {
                continue;
            }
            for track in &p.published {
                let expected = track.kind == MediaKind::Audio || track.paused.iter().any(|paused| !paused);
                let heard = track
                    .last_seen
                    .iter()
                    .flatten()
                    .any(|t| now.saturating_duration_since(*t) < SILENT_AFTER);
                let noted = p.silent.contains(&track.mid);
                if expected && !heard && !noted {
                    tracing::warn!(participant = %p.id, mid = %track.mid, kind = ?track_kind(track.kind), "no media on a published track for {} s", SILENT_AFTER.as_secs());
                    self.stats.silent_tracks += 1;
                    p.silent.push(track.mid);
                } else if heard && noted {
                    tracing::info!(participant = %p.id, mid = %track.mid, "media on a silent track again");
                    p.silent.retain(|mid| *mid != track.mid);
                }
            }
        }
    }

    /// Counters and gauges.
    pub fn stats(&self) -> SfuStats {
        let mut stats = self.stats.clone();
        stats.calls = self.call_index.len() as u64;
        stats.participants = self.participant_count() as u64;
        stats.published_tracks = self.slots.iter().flatten().map(|p| p.published.len() as u64).sum();
        stats.forwarded_tracks = self.slots.iter().flatten().map(|p| p.forwarded.len() as u64).sum();
        let recorders = self.calls.iter().flatten().filter_map(|c| c.recorder.as_ref());
        let (recordings, tracks, failures) =
            recorders.fold((0, 0, 0), |(n, t, f), r| (n + 1, t + r.track_count() as u64, f + r.failures()));
        stats.recordings = recordings;
        stats.recorded_tracks = tracks;
        stats.recording_failures += failures;
        stats
    }

    /// Participants across all calls.
    pub fn participant_count(&self) -> usize {
        self.slots.iter().flatten().count()
    }

    fn members(&self, call_idx: usize) -> &[(ParticipantId, Slot)] {
        self.calls.get(call_idx).and_then(Option::as_ref).map_or(&[], |c| &c.members)
    }

    fn slot_of(&self, call_idx: usize, id: ParticipantId) -> Option<Slot> {
        self.members(call_idx).iter().find(|(p, _)| *p == id).map(|(_, s)| *s)
    }

    fn insert(&mut self, p: Participant) -> Slot {
        match self.slots.iter().position(Option::is_none) {
            Some(free) => {
                self.slots[free] = Some(p);
                free
            }
            None => {
                self.slots.push(Some(p));
                self.slots.len() - 1
            }
        }
    }

    fn enqueue(&mut self, slot: Slot) {
        if let Some(p) = self.slots.get_mut(slot).and_then(Option::as_mut)
            && !p.queued
        {
            p.queued = true;
            self.queue.push(slot);
        }
    }

    /// Polls every queued participant until their `Rtc`s have nothing more to say.
    fn drive_queue(&mut self, now: Instant, out: &mut Transmit) {
        loop {
            while let Some(slot) = self.queue.pop() {
                self.drive(slot, now, out);
            }
            if !self.relayer.is_empty() {
                while let Some(slot) = self.relayer.pop() {
                    self.choose_layers_for(slot, now);
                }
                self.pause_unwanted_layers(now);
                continue;
            }
            if let Some(slot) = self.gone.pop() {
                self.remove_slot(slot);
                continue;
            }
            if self.queue.is_empty() {
                return;
            }
        }
    }

    fn drive(&mut self, slot: Slot, now: Instant, out: &mut Transmit) {
        let Some(p) = self.slots.get_mut(slot).and_then(Option::as_mut) else { return };
        p.queued = false;
        if p.gone {
            return;
        }
        let trouble = p.negotiate(now);
        self.stats.messages_deferred += u64::from(trouble.message_deferred);
        if trouble.offer_unanswered {
            self.stats.offers_unanswered += 1;
            self.mark_gone(slot);
            return;
        }
        loop {
            let Some(p) = self.slots.get_mut(slot).and_then(Option::as_mut) else { return };
            if !p.rtc.is_alive() {
                self.mark_gone(slot);
                return;
            }
            let output = match p.rtc.poll_output() {
                Ok(o) => o,
                Err(e) => {
                    tracing::debug!(participant = %p.id, error = %e, "rtc failed; disconnecting");
                    self.mark_gone(slot);
                    return;
                }
            };
            match output {
                Output::Transmit(t) => {
                    self.stats.datagrams_out += 1;
                    self.stats.bytes_out += t.contents.len() as u64;
                    out(t.destination, &t.contents);
                }
                Output::Timeout(t) => {
                    p.next_timeout = t;
                    return;
                }
                Output::Event(e) => self.on_event(slot, e, now),
            }
        }
    }

    fn mark_gone(&mut self, slot: Slot) {
        if let Some(p) = self.slots.get_mut(slot).and_then(Option::as_mut)
            && !p.gone
        {
            p.gone = true;
            self.gone.push(slot);
        }
    }

    fn on_event(&mut self, slot: Slot, event: Event, now: Instant) {
        let Some(p) = self.slots.get_mut(slot).and_then(Option::as_mut) else { return };
        match event {
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                tracing::info!(participant = %p.id, "ICE disconnected");
                self.mark_gone(slot);
            }
            Event::Connected => {
                tracing::info!(participant = %p.id, "connected to the media node");
                p.connected_at = Some(now);
            }
            Event::MediaAdded(added) if added.direction.is_receiving() => {
                let rids =
                    added.simulcast.map(|s| s.recv.iter().map(|l| l.rid).collect()).unwrap_or_default();
                let track = PublishedTrack::new(added.mid, added.kind, rids);
                self.announce_track(slot, &track);
                if let Some(p) = self.slots[slot].as_mut() {
                    p.published.push(track);
                }
            }
            Event::MediaChanged(changed) if !changed.direction.is_receiving() => {
                let (call, id) = (p.call, p.id);
                p.published.retain(|t| t.mid != changed.mid);
                if let Some(recorder) =
                    self.calls.get_mut(call).and_then(Option::as_mut).and_then(|c| c.recorder.as_mut())
                {
                    recorder.end_mid(id, changed.mid);
                }
                for i in 0..self.members(call).len() {
                    let (_, other) = self.members(call)[i];
                    if let Some(o) = self.slots[other].as_mut().filter(|_| other != slot) {
                        o.drop_publisher_tracks(id, Some(changed.mid));
                        self.enqueue(other);
                    }
                }
            }
            Event::MediaData(data) => self.forward(slot, data, now),
            Event::KeyframeRequest(req) => self.on_keyframe_request(slot, req, now),
            Event::ChannelOpen(id, _) => {
                p.channel = Some(id);
                p.tracks_changed = true;
                self.enqueue(slot);
            }
            Event::ChannelData(data) => {
                let outcome = p.on_channel_message(&data.data);
                let (call, id) = (p.call, p.id);
                for i in outcome.opened {
                    self.request_forwarded_keyframe(
                        slot,
                        i,
                        ForwardedTrack::sending_layer,
                        KeyframeRequestKind::Pli,
                        now,
                    );
                }
                if outcome.published_changed {
                    self.refresh_sources(call, id);
                }
                if outcome.relayer {
                    self.relayer.push(slot);
                }
                self.enqueue(slot);
            }
            Event::EgressBitrateEstimate(BweKind::Twcc { estimate, .. }) => {
                p.estimate_bps = estimate.as_u64();
                self.relayer.push(slot);
            }
            _ => {}
        }
    }

    /// Offers a newly published track to everyone else in the call.
    fn announce_track(&mut self, slot: Slot, track: &PublishedTrack) {
        let Some(p) = self.slots[slot].as_ref() else { return };
        let (call, id) = (p.call, p.id);
        tracing::info!(participant = %id, mid = %track.mid, kind = ?track_kind(track.kind), layers = track.rids.len(), "track published");
        for i in 0..self.members(call).len() {
            let (_, other) = self.members(call)[i];
            if other == slot {
                continue;
            }
            if let Some(o) = self.slots[other].as_mut() {
                o.forwarded.push(ForwardedTrack::new(id, track));
                self.enqueue(other);
            }
        }
    }

    /// Copies the publisher's track descriptions (camera/screen) to every subscriber.
    fn refresh_sources(&mut self, call: usize, publisher: ParticipantId) {
        let Some(slot) = self.slot_of(call, publisher) else { return };
        let sources: Vec<_> = self.slots[slot]
            .as_ref()
            .map(|p| p.published.iter().map(|t| (t.mid, t.source)).collect())
            .unwrap_or_default();
        for i in 0..self.members(call).len() {
            let (_, other) = self.members(call)[i];
            let Some(o) = self.slots[other].as_mut().filter(|_| other != slot) else { continue };
            for t in o.forwarded.iter_mut().filter(|t| t.publisher == publisher) {
                if let Some((_, source)) = sources.iter().find(|(mid, _)| *mid == t.mid_in) {
                    t.source = *source;
                }
            }
            o.tracks_changed = true;
            self.enqueue(other);
        }
    }

    /// Forwards one frame from its publisher to every subscriber that should get it.
    fn forward(&mut self, slot: Slot, data: MediaData, now: Instant) {
        let Some(p) = self.slots[slot].as_mut() else { return };
        let (call, publisher) = (p.call, p.id);
        let Some(track) = p.published.iter_mut().find(|t| t.mid == data.mid) else { return };
        let Some(layer) = track.layer_of(data.rid) else { return };
        track.record(layer, now, data.data.len());
        let simulcast = !track.rids.is_empty();
        if !data.contiguous
            && track.kind == MediaKind::Video
            && track.may_request_keyframe(layer, now)
            && let Some(mut writer) = p.rtc.writer(data.mid)
        {
            let _ = writer.request_keyframe(data.rid, KeyframeRequestKind::Fir);
            self.stats.keyframe_requests += 1;
        }
        let keyframe = data.is_keyframe();
        if let Recorded::NeedsKeyframe(layer) = self.record(slot, &data, layer, keyframe, now) {
            self.request_keyframe(slot, data.mid, layer, KeyframeRequestKind::Pli, now);
        }
        let mut wanted = std::mem::take(&mut self.wanted_keyframes);
        for i in 0..self.members(call).len() {
            let (_, other) = self.members(call)[i];
            if other == slot {
                continue;
            }
            let Some(sub) = self.slots[other].as_mut() else { continue };
            match forward_to(sub, publisher, &data, layer, keyframe, simulcast) {
                Forwarded::Sent { wants } => {
                    self.stats.frames_forwarded += 1;
                    self.enqueue(other);
                    if let Some(target) = wants
                        && !wanted.contains(&target)
                    {
                        wanted.push(target);
                    }
                }
                Forwarded::NeedsKeyframe(target) => {
                    if !wanted.contains(&target) {
                        wanted.push(target);
                    }
                }
                Forwarded::No => {}
            }
        }
        for target in wanted.drain(..) {
            self.request_keyframe(slot, data.mid, target, KeyframeRequestKind::Pli, now);
        }
        self.wanted_keyframes = wanted;
    }

    /// Hands a publisher's frame to its call's recording, if the call records them.
    fn record(
        &mut self,
        slot: Slot,
        data: &MediaData,
        layer: usize,
        keyframe: bool,
        now: Instant,
    ) -> Recorded {
        let Some(p) = self.slots[slot].as_ref() else { return Recorded::Done };
        let Some(recorder) =
            self.calls.get_mut(p.call).and_then(Option::as_mut).and_then(|c| c.recorder.as_mut())
        else {
            return Recorded::Done;
        };
        if !recorder.records(p.id) {
            return Recorded::Done;
        }
        let Some(track) = p.published.iter().find(|t| t.mid == data.mid) else { return Recorded::Done };
        let available = track.available_layers(now);
        let info =
            TrackInfo { mid: track.mid, kind: track.kind, source: track.source, available: &available };
        recorder.on_frame(p.id, info, data, layer, keyframe)
    }

    /// A subscriber lost a picture: ask the publisher of that track for a keyframe.
    fn on_keyframe_request(&mut self, slot: Slot, req: KeyframeRequest, now: Instant) {
        let Some(p) = self.slots[slot].as_ref() else { return };
        if let Some(i) = p.forwarded.iter().position(|t| t.state.mid() == Some(req.mid)) {
            self.request_forwarded_keyframe(slot, i, ForwardedTrack::sending_layer, req.kind, now);
        }
    }

    /// Asks the publisher of `slot`'s forwarded track `index` for a keyframe of the layer
    /// `pick` names (the one being forwarded, or the one the subscriber should move to).
    fn request_forwarded_keyframe(
        &mut self,
        slot: Slot,
        index: usize,
        pick: fn(&ForwardedTrack) -> usize,
        kind: KeyframeRequestKind,
        now: Instant,
    ) {
        let Some(p) = self.slots[slot].as_ref() else { return };
        let Some(t) = p.forwarded.get(index) else { return };
        if t.kind != MediaKind::Video {
            return;
        }
        let (publisher, mid_in, layer) = (t.publisher, t.mid_in, pick(t));
        if let Some(origin) = self.slot_of(p.call, publisher) {
            self.request_keyframe(origin, mid_in, layer, kind, now);
        }
    }

    fn request_keyframe(
        &mut self,
        origin: Slot,
        mid: str0m::media::Mid,
        layer: usize,
        kind: KeyframeRequestKind,
        now: Instant,
    ) {
        let Some(p) = self.slots[origin].as_mut() else { return };
        let Some(track) = p.published.iter_mut().find(|t| t.mid == mid) else { return };
        if !track.may_request_keyframe(layer, now) {
            return;
        }
        let rid = track.rid_of(layer);
        if let Some(mut writer) = p.rtc.writer(mid)
            && writer.request_keyframe(rid, kind).is_ok()
        {
            self.stats.keyframe_requests += 1;
            self.enqueue(origin);
        }
    }

    /// Picks simulcast layers for one subscriber from its bandwidth estimate and tile sizes, and
    /// tells its bandwidth estimator the rate to probe for: what single-layer tracks measure plus
    /// one step above each chosen layer. Without that, a subscriber of single-layer tracks only
    /// (screen shares, browsers without simulcast) stayed at the initial estimate, and the pacer,
    /// which paces at the estimate, queued their video for up to two seconds.
    fn choose_layers_for(&mut self, slot: Slot, now: Instant) {
        let Some(p) = self.slots[slot].as_ref() else { return };
        let mut indices = Vec::new();
        let mut demands = Vec::new();
        // Tracks without simulcast (audio, screen shares, publishers that send one layer) are
        // forwarded whole: their rate comes off the top of the budget.
        let mut fixed_bps = 0;
        for (i, t) in p.forwarded.iter().enumerate() {
            if t.publisher_gone {
                continue;
            }
            let Some(origin) = self.slot_of(p.call, t.publisher).and_then(|s| self.slots[s].as_ref()) else {
                continue;
            };
            let Some(track) = origin.published.iter().find(|pt| pt.mid == t.mid_in) else { continue };
            if track.rids.is_empty() || t.kind != MediaKind::Video {
                fixed_bps += track.layer_rates().first().copied().flatten().unwrap_or(default_rate(t.kind));
                continue;
            }
            indices.push(i);
            demands.push(VideoDemand {
                layer_rates: track.layer_rates(),
                active: track.available_layers(now),
                full_height: track.full_height,
                viewport_height: t.viewport_height,
            });
        }
        let chosen = choose_layers(p.estimate_bps.saturating_sub(fixed_bps), &demands);
        let Some(p) = self.slots[slot].as_mut() else { return };
        let mut changed = Vec::new();
        for (&i, &layer) in indices.iter().zip(&chosen) {
            let t = &mut p.forwarded[i];
            if t.target != layer {
                t.target = layer;
                changed.push(i);
            }
        }
        // Probe for one step above each chosen layer, so upgrades find the room they need,
        // and no further: padding up to every top layer would waste the subscriber's link.
        let simulcast_bps: u64 = demands.iter().zip(&chosen).map(|(d, &layer)| d.desired_rate(layer)).sum();
        let wanted = simulcast_bps + fixed_bps;
        p.rtc.bwe().set_bitrate(
            Bitrate::bps(wanted / 4),
            Bitrate::bps(wanted.max(participant::INITIAL_ESTIMATE_BPS)),
        );
        for i in changed {
            self.request_forwarded_keyframe(slot, i, |t| t.target, KeyframeRequestKind::Pli, now);
        }
    }

    /// Tells each publisher which simulcast layers some subscriber wants, so it can pause the
    /// others. The two lowest layers always stay on: resuming a paused layer makes the browser
    /// reconfigure its encoder, which stalls every layer for a moment, so only the expensive top
    /// layer is worth pausing, and only once it has gone unwanted for a while.
    fn pause_unwanted_layers(&mut self, now: Instant) {
        for slot in 0..self.slots.len() {
            let Some(p) = self.slots[slot].as_ref() else { continue };
            let (call, publisher) = (p.call, p.id);
            let recorded = self
                .calls
                .get(call)
                .and_then(Option::as_ref)
                .and_then(|c| c.recorder.as_ref())
                .is_some_and(|r| r.records(publisher));
            let mut wanted_by_track = Vec::new();
            for (ti, track) in p.published.iter().enumerate() {
                if track.rids.is_empty() {
                    continue;
                }
                let mut wanted = vec![false; track.rids.len()];
                for always in wanted.iter_mut().take(ALWAYS_SENT_LAYERS) {
                    *always = true;
                }
                // A recording takes the best layer.
                if recorded && let Some(top) = wanted.last_mut() {
                    *top = true;
                }
                for &(_, other) in self.members(call) {
                    let Some(o) = self.slots[other].as_ref().filter(|_| other != slot) else { continue };
                    for t in o.forwarded.iter().filter(|t| t.publisher == publisher && t.mid_in == track.mid)
                    {
                        if t.publisher_gone {
                            continue;
                        }
                        for layer in std::iter::once(t.target).chain(t.current) {
                            if let Some(w) = wanted.get_mut(layer) {
                                *w = true;
                            }
                        }
                    }
                }
                wanted_by_track.push((ti, wanted));
            }
            let Some(p) = self.slots[slot].as_mut() else { continue };
            let mut changed = false;
            for (ti, wanted) in wanted_by_track {
                let paused = p.published[ti].pauses_for(&wanted, now);
                if paused == p.published[ti].paused {
                    continue;
                }
                let track = &p.published[ti];
                let mid = track.mid.to_string();
                let rids = track
                    .rids
                    .iter()
                    .zip(&paused)
                    .filter(|(_, paused)| !**paused)
                    .map(|(r, _)| r.to_string())
                    .collect();
                // Only what reached the publisher counts; an unsent change is retried on the
                // next pass (the channel may not be open yet).
                if p.try_send(&NodeMessage::Layers { mid, rids }) {
                    p.published[ti].set_paused(paused, now);
                    changed = true;
                }
            }
            if changed {
                self.enqueue(slot);
            }
        }
    }

    fn remove_slot(&mut self, slot: Slot) {
        let Some(mut p) = self.slots.get_mut(slot).and_then(Option::take) else { return };
        p.rtc.disconnect();
        self.demux.remove(slot);
        tracing::info!(participant = %p.id, "left the media node");
        if let Some(call) = self.calls.get_mut(p.call).and_then(Option::as_mut) {
            call.members.retain(|(_, s)| *s != slot);
            if let Some(recorder) = call.recorder.as_mut() {
                recorder.end_participant(p.id);
            }
        }
        for i in 0..self.members(p.call).len() {
            let (_, other) = self.members(p.call)[i];
            if let Some(o) = self.slots[other].as_mut() {
                o.drop_publisher_tracks(p.id, None);
                self.enqueue(other);
            }
        }
    }
}

/// Bitrate assumed for a track without simulcast before it has been measured (bits/s).
fn default_rate(kind: MediaKind) -> u64 {
    match kind {
        MediaKind::Audio => 40_000,
        MediaKind::Video => 1_000_000,
    }
}

/// Whether a frame went out to a subscriber.
enum Forwarded {
    /// Sent; if `wants` is set the subscriber should move to that layer (ask for its keyframe).
    Sent { wants: Option<usize> },
    /// Not for this subscriber.
    No,
    /// Not sent: the subscriber waits for a keyframe on this layer.
    NeedsKeyframe(usize),
}

/// Writes one frame to one subscriber, switching simulcast layers only on keyframes.
fn forward_to(
    sub: &mut Participant,
    publisher: ParticipantId,
    data: &MediaData,
    layer: usize,
    keyframe: bool,
    simulcast: bool,
) -> Forwarded {
    let Some(t) = sub.forwarded.iter_mut().find(|t| t.publisher == publisher && t.mid_in == data.mid) else {
        return Forwarded::No;
    };
    let Negotiation::Open(mid) = t.state else { return Forwarded::No };
    let mut switched = false;
    if simulcast {
        if t.current == Some(layer) {
            // Keep forwarding the current layer until the target's keyframe arrives.
        } else if layer == t.target && keyframe {
            t.current = Some(layer);
            switched = true;
        } else if layer == t.target {
            return Forwarded::NeedsKeyframe(layer);
        } else {
            return Forwarded::No;
        }
    } else if t.current.is_none() {
        t.current = Some(0);
    }
    let wants = (simulcast && t.current != Some(t.target)).then_some(t.target);
    let time = t.rebase.map(data.time, data.network_time, switched);
    let Some(writer) = sub.rtc.writer(mid) else { return Forwarded::No };
    let Some(pt) = writer.match_params(data.params) else { return Forwarded::No };
    if let Err(e) = writer.write(pt, data.network_time, time, data.data.clone()) {
        tracing::debug!(participant = %sub.id, error = %e, "forwarding failed");
        return Forwarded::No;
    }
    if switched {
        sub.send(&NodeMessage::Layer { mid: mid.to_string(), rid: data.rid.map(|r| r.to_string()) });
    }
    Forwarded::Sent { wants }
}

//! One participant on the node: its `Rtc`, what it publishes, what it is forwarded, and the
//! renegotiation the node drives over the data channel.

use super::track::{ForwardedTrack, Negotiation, PublishedTrack};
use peershare_core::protocol::{
    ClientNodeMessage, ForwardedTrack as ForwardedTrackInfo, NodeMessage, ParticipantId, TrackKind,
};
use std::time::{Duration, Instant};
use str0m::Rtc;
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::channel::ChannelId;
use str0m::media::{Direction, MediaKind, Mid};

/// Index of a participant in the node's slot table.
pub type Slot = usize;

/// Bandwidth assumed towards a subscriber before its first estimate (bits/s).
pub const INITIAL_ESTIMATE_BPS: u64 = 1_000_000;

/// How long the node waits for the answer to its offer before it gives the participant up (they
/// join again). Never a second offer meanwhile: the data channel is reliable, so an offer it
/// took arrives, and a browser on a saturated machine can take many seconds to answer; an offer
/// rolled back and made again would cross that late answer, and the two sides would disagree on
/// the m-lines for good.
pub const OFFER_ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the node waits before it tries again to send an offer its data channel did not
/// take (making an offer writes a whole SDP: not on every packet).
const DEFERRED_OFFER_RETRY: Duration = Duration::from_millis(250);

/// A participant connected to the node.
#[derive(Debug)]
pub struct Participant {
    /// Their id in the call.
    pub id: ParticipantId,
    /// Index of their call in the node's call table.
    pub call: usize,
    /// Their WebRTC session.
    pub rtc: Rtc,
    /// Their signalling data channel, once open.
    pub channel: Option<ChannelId>,
    /// The node's offer awaiting their answer, and when it was sent.
    pub pending: Option<(SdpPendingOffer, Instant)>,
    /// Tracks they send.
    pub published: Vec<PublishedTrack>,
    /// Tracks of others forwarded to them.
    pub forwarded: Vec<ForwardedTrack>,
    /// When their `Rtc` next needs a timeout.
    pub next_timeout: Instant,
    /// Estimated bandwidth towards them (bits/s).
    pub estimate_bps: u64,
    /// The set of forwarded tracks changed since they were last told.
    pub tracks_changed: bool,
    /// Their `Rtc` is closed or their ICE disconnected: remove them.
    pub gone: bool,
    /// Already in the node's queue of participants to poll.
    pub queued: bool,
    /// When their ICE and DTLS came up.
    pub connected_at: Option<Instant>,
    /// When an offer last did not fit the data channel (cleared once one does).
    deferred_at: Option<Instant>,
    /// Published tracks already reported silent (by mid), so each silence is counted once.
    pub silent: Vec<Mid>,
}

/// What went wrong on the way to a participant, for the node's counters.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct NegotiationTrouble {
    /// An offer went unanswered for [`OFFER_ANSWER_TIMEOUT`]: the participant is given up.
    pub offer_unanswered: bool,
    /// A message did not fit the data channel's buffer and waits for the next try.
    pub message_deferred: bool,
}

/// What a data-channel message asks of the rest of the node.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ChannelOutcome {
    /// Forwarded tracks that just opened: their publishers must send a keyframe.
    pub opened: Vec<usize>,
    /// Layer choices should be revisited (a viewport changed).
    pub relayer: bool,
    /// A published track's description changed: other subscribers must be told.
    pub published_changed: bool,
}

impl Participant {
    /// A participant whose offer has just been accepted.
    pub fn new(id: ParticipantId, call: usize, rtc: Rtc, now: Instant) -> Self {
        Self {
            id,
            call,
            rtc,
            channel: None,
            pending: None,
            published: Vec::new(),
            forwarded: Vec::new(),
            next_timeout: now,
            estimate_bps: INITIAL_ESTIMATE_BPS,
            tracks_changed: false,
            gone: false,
            queued: false,
            connected_at: None,
            deferred_at: None,
            silent: Vec::new(),
        }
    }

    /// Sends a message on the data channel (dropped if it is not open yet).
    pub fn send(&mut self, message: &NodeMessage) {
        self.try_send(message);
    }

    /// Sends a message on the data channel; whether it was written (not when the channel is
    /// closed or its send buffer is full).
    pub fn try_send(&mut self, message: &NodeMessage) -> bool {
        let Some(mut channel) = self.channel.and_then(|id| self.rtc.channel(id)) else { return false };
        match serde_json::to_vec(message) {
            Ok(bytes) => match channel.write(false, &bytes) {
                Ok(true) => true,
                Ok(false) => {
                    tracing::debug!(participant = %self.id, bytes = bytes.len(), "data channel buffer full");
                    false
                }
                Err(e) => {
                    tracing::debug!(participant = %self.id, error = %e, "data channel write failed");
                    false
                }
            },
            Err(e) => {
                tracing::error!(error = %e, "node message did not serialize");
                false
            }
        }
    }

    /// Offers the pending track changes to the participant, if the channel is open and no
    /// other offer is outstanding. An offer the channel did not take is dropped (str0m rolls it
    /// back) and made again shortly; one unanswered for [`OFFER_ANSWER_TIMEOUT`] gives the
    /// participant up.
    pub fn negotiate(&mut self, now: Instant) -> NegotiationTrouble {
        let mut trouble = NegotiationTrouble::default();
        if let Some((_, sent)) = &self.pending
            && now.saturating_duration_since(*sent) >= OFFER_ANSWER_TIMEOUT
        {
            tracing::warn!(participant = %self.id, "no answer to the node's offer in {} s; dropping the participant, who joins again", OFFER_ANSWER_TIMEOUT.as_secs());
            trouble.offer_unanswered = true;
            return trouble;
        }
        if self.channel.is_none()
            || self.pending.is_some()
            || self.deferred_at.is_some_and(|t| now.saturating_duration_since(t) < DEFERRED_OFFER_RETRY)
        {
            return trouble;
        }
        let mut change = self.rtc.sdp_api();
        for track in &mut self.forwarded {
            match track.state {
                Negotiation::ToOpen => {
                    let stream = format!("{}", track.publisher);
                    let track_id = format!("{}-{}", track.publisher, track.mid_in);
                    let mid =
                        change.add_media(track.kind, Direction::SendOnly, Some(stream), Some(track_id), None);
                    track.state = Negotiation::Opening(mid);
                }
                Negotiation::ToStop(mid) => {
                    change.stop_media(mid);
                    track.state = Negotiation::Stopping(mid);
                }
                _ => {}
            }
        }
        if !change.has_changes() {
            if self.tracks_changed && !self.send_tracks() {
                trouble.message_deferred = true;
            }
            return trouble;
        }
        let Some((offer, pending)) = change.apply() else { return trouble };
        let listed = self.send_tracks();
        if listed && self.try_send(&NodeMessage::Offer { sdp: offer.to_sdp_string() }) {
            self.pending = Some((pending, now));
            self.deferred_at = None;
        } else {
            // Dropping the pending offer rolls it back; the tracks go back to "to open".
            if self.deferred_at.is_none() {
                tracing::warn!(participant = %self.id, "the data channel did not take the node's offer; offering again shortly");
            }
            self.deferred_at = Some(now);
            self.reset_negotiation();
            self.tracks_changed = true;
            trouble.message_deferred = true;
        }
        trouble
    }

    /// When the outstanding offer counts as lost, if one is outstanding.
    pub fn offer_deadline(&self) -> Option<Instant> {
        self.pending.as_ref().map(|(_, sent)| *sent + OFFER_ANSWER_TIMEOUT)
    }

    /// Tells the participant which mid carries whose track; whether the channel took it.
    fn send_tracks(&mut self) -> bool {
        let tracks = self
            .forwarded
            .iter()
            .filter(|t| !t.publisher_gone)
            .filter_map(|t| match t.state {
                Negotiation::Opening(mid) | Negotiation::Open(mid) => Some(ForwardedTrackInfo {
                    mid: mid.to_string(),
                    participant: t.publisher,
                    kind: track_kind(t.kind),
                    source: t.source,
                }),
                _ => None,
            })
            .collect();
        let sent = self.try_send(&NodeMessage::Tracks { tracks });
        self.tracks_changed = !sent;
        sent
    }

    /// Handles one message from the participant's data channel.
    pub fn on_channel_message(&mut self, data: &[u8]) -> ChannelOutcome {
        let mut outcome = ChannelOutcome::default();
        let message = match ClientNodeMessage::parse(data) {
            Ok(m) => m,
            Err(e) => {
                self.send(&NodeMessage::Error { message: format!("malformed message: {e}") });
                return outcome;
            }
        };
        match message {
            ClientNodeMessage::Answer { sdp } => self.on_answer(&sdp, &mut outcome),
            ClientNodeMessage::Offer { sdp } => self.on_offer(&sdp),
            ClientNodeMessage::Publish { mid, source, height, .. } => {
                let mid = Mid::from(mid.as_str());
                match self.published.iter_mut().find(|t| t.mid == mid) {
                    Some(track) => {
                        outcome.published_changed = track.source != source;
                        track.source = source;
                        track.full_height = height.unwrap_or(track.full_height);
                        outcome.relayer = true;
                    }
                    None => self.send(&NodeMessage::Error { message: format!("you publish no mid {mid}") }),
                }
            }
            ClientNodeMessage::Viewport { mid, height, .. } => {
                let mid = Mid::from(mid.as_str());
                match self.forwarded.iter_mut().find(|t| t.state.mid() == Some(mid)) {
                    Some(track) => {
                        track.viewport_height = height;
                        outcome.relayer = true;
                    }
                    None => self.send(&NodeMessage::Error { message: format!("you receive no mid {mid}") }),
                }
            }
        }
        outcome
    }

    fn on_answer(&mut self, sdp: &str, outcome: &mut ChannelOutcome) {
        let Some((pending, _)) = self.pending.take() else {
            self.send(&NodeMessage::Error { message: "no offer is waiting for an answer".into() });
            return;
        };
        let answer = match SdpAnswer::from_sdp_string(sdp) {
            Ok(a) => a,
            Err(e) => {
                self.send(&NodeMessage::Error { message: format!("answer is not valid SDP: {e}") });
                self.reset_negotiation();
                return;
            }
        };
        if let Err(e) = self.rtc.sdp_api().accept_answer(pending, answer) {
            self.send(&NodeMessage::Error { message: format!("answer not accepted: {e}") });
            self.reset_negotiation();
            return;
        }
        for (i, track) in self.forwarded.iter_mut().enumerate() {
            if let Negotiation::Opening(mid) = track.state {
                if track.publisher_gone {
                    track.state = Negotiation::ToStop(mid);
                } else {
                    track.state = Negotiation::Open(mid);
                    outcome.opened.push(i);
                }
            }
        }
        self.forwarded.retain(|t| !matches!(t.state, Negotiation::Stopping(_)));
        outcome.relayer = true;
    }

    fn on_offer(&mut self, sdp: &str) {
        // Offers crossed: the node's is out and may be applied already, so it stands (the node is
        // the impolite side of perfect negotiation); the browser rolls its own back when the
        // node's arrives, and answers that.
        if self.pending.is_some() {
            tracing::debug!(participant = %self.id, "ignoring the participant's offer: the node's own waits for an answer");
            return;
        }
        let offer = match SdpOffer::from_sdp_string(sdp) {
            Ok(o) => o,
            Err(e) => {
                self.send(&NodeMessage::Error { message: format!("offer is not valid SDP: {e}") });
                return;
            }
        };
        match self.rtc.sdp_api().accept_offer(offer) {
            Ok(answer) => self.send(&NodeMessage::Answer { sdp: answer.to_sdp_string() }),
            Err(e) => self.send(&NodeMessage::Error { message: format!("offer not accepted: {e}") }),
        }
    }

    /// Puts offered-but-unanswered changes back so the next offer carries them again.
    fn reset_negotiation(&mut self) {
        for track in &mut self.forwarded {
            track.state = match track.state {
                Negotiation::Opening(_) => Negotiation::ToOpen,
                Negotiation::Stopping(mid) => Negotiation::ToStop(mid),
                other => other,
            };
        }
    }

    /// Stops forwarding everything `publisher` sent (they left or stopped a track).
    pub fn drop_publisher_tracks(&mut self, publisher: ParticipantId, mid_in: Option<Mid>) {
        let matches = |t: &ForwardedTrack| t.publisher == publisher && mid_in.is_none_or(|m| t.mid_in == m);
        self.forwarded.retain(|t| !(matches(t) && t.state == Negotiation::ToOpen));
        for track in self.forwarded.iter_mut().filter(|t| matches(t)) {
            track.publisher_gone = true;
            if let Negotiation::Open(mid) = track.state {
                track.state = Negotiation::ToStop(mid);
            }
        }
        self.tracks_changed = true;
    }
}

/// The protocol's name for a str0m media kind.
pub fn track_kind(kind: MediaKind) -> TrackKind {
    match kind {
        MediaKind::Audio => TrackKind::Audio,
        MediaKind::Video => TrackKind::Video,
    }
}

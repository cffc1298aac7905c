//! What a client saw and did, shared between its task and its owner.

use crate::tally::Tally;
use peershare_core::protocol::{ForwardedTrack, ParticipantId, TrackKind};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};
use str0m::media::{Direction, Mid, Rid};

/// Frames one client received from one publisher's track of one kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Frames (`MediaData` events).
    pub frames: u64,
    /// Of which keyframes (`MediaData::is_keyframe`).
    pub keyframes: u64,
}

/// What a client saw and did; its owner reads it while the client runs.
#[derive(Debug, Default)]
pub struct ClientState {
    /// ICE and DTLS are up.
    pub connected: bool,
    /// The `peershare` data channel is open.
    pub channel_open: bool,
    /// The latest `tracks` message from the node, by mid.
    pub tracks: BTreeMap<String, ForwardedTrack>,
    /// How many `tracks` messages arrived.
    pub tracks_messages: u64,
    /// Offers from the node that the client answered.
    pub offers_answered: u64,
    /// How many of the node's next offers to drop unanswered, as a renegotiation lost on the
    /// way would be (tests of the node's repair).
    pub drop_offers: u64,
    /// Offers dropped so.
    pub offers_dropped: u64,
    /// Direction of every m-line the node added, as the client's `Rtc` has it now.
    pub directions: BTreeMap<String, Direction>,
    /// Frames received, by publisher and kind (attributed through `tracks`).
    pub received: HashMap<(ParticipantId, TrackKind), Received>,
    /// Frames on a mid no `tracks` message had described.
    pub unattributed: u64,
    /// Frames whose content or codec contradicts what `tracks` said (wrong publisher, kind).
    pub mismatches: Vec<String>,
    /// `error` messages from the node and the client's own failures.
    pub errors: Vec<String>,
    /// Latency and loss from the received frames' stamps since the last [`Tally::reset`].
    pub tally: Tally,
    /// RTP packets received so far per incoming mid and rid, from str0m's ingress statistics.
    pub packets_received: HashMap<(Mid, Option<Rid>), u64>,
    /// Keyframe requests (PLI/FIR) the node sent for this client's video.
    pub keyframe_requests: u64,
    /// Audio frames written.
    pub audio_sent: u64,
    /// Video frames written.
    pub video_sent: u64,
    /// Of which keyframes.
    pub keyframes_sent: u64,
    /// Video frames written since the last keyframe.
    pub deltas_since_keyframe: u64,
    /// The client's `Rtc` stopped (ICE disconnected or closed).
    pub stopped: bool,
}

impl ClientState {
    /// Frames received from `publisher`'s track of `kind`.
    pub fn from(&self, publisher: u32, kind: TrackKind) -> Received {
        self.received.get(&(ParticipantId(publisher), kind)).copied().unwrap_or_default()
    }

    /// Participants the latest `tracks` message lists.
    pub fn listed_publishers(&self) -> Vec<ParticipantId> {
        let mut ids: Vec<_> = self.tracks.values().map(|t| t.participant).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// RTP media packets received so far (str0m refreshes its statistics every second).
    pub fn media_packets_received(&self) -> u64 {
        self.packets_received.values().sum()
    }
}

/// Locks a client's state; a panic elsewhere while it was held does not hide it.
pub(crate) fn lock(state: &Mutex<ClientState>) -> MutexGuard<'_, ClientState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

//! What the node counts.

/// Counters (since start) and gauges (now) of a node.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SfuStats {
    /// Open call sessions.
    pub calls: u64,
    /// Participants across calls.
    pub participants: u64,
    /// Tracks participants publish.
    pub published_tracks: u64,
    /// Tracks forwarded to subscribers.
    pub forwarded_tracks: u64,
    /// Datagrams received.
    pub datagrams_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Datagrams sent.
    pub datagrams_out: u64,
    /// Bytes sent.
    pub bytes_out: u64,
    /// Media frames written to subscribers.
    pub frames_forwarded: u64,
    /// Keyframe requests (PLI/FIR) sent to publishers.
    pub keyframe_requests: u64,
    /// Datagrams from addresses and ufrags the node does not know.
    pub unroutable_datagrams: u64,
    /// Datagrams a participant's session refused (not STUN/DTLS/RTP, or failed checks).
    pub rejected_datagrams: u64,
    /// Offers to participants that went unanswered, each giving its participant up.
    pub offers_unanswered: u64,
    /// Messages the data channel did not take (its buffer full), sent again later.
    pub messages_deferred: u64,
    /// Published tracks that stopped carrying media while they should have (each silence once).
    pub silent_tracks: u64,
    /// Calls being recorded.
    pub recordings: u64,
    /// Tracks being written to recordings.
    pub recorded_tracks: u64,
    /// Recorded tracks that failed (a codec a file cannot hold, a muxer error, storage too slow).
    pub recording_failures: u64,
}

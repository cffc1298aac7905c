//! What the store keeps of recordings: the audit trail of consent the room decided, where the
//! composed file is, and the composition queue. Both adapters implement [`RecordingStore`];
//! the claim of a queued recording is one atomic step (a conditional write in DynamoDB, a
//! transaction in SQLite), so two composers never take the same recording.

use super::StoreError;
use async_trait::async_trait;
use peershare_core::room::{ConsentRecord, StopReason};
use peershare_core::{GroupId, Timestamp};
use serde::{Deserialize, Serialize};

/// Where a recording stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum RecordingStatus {
    /// The media node is writing it.
    Recording,
    /// Stopped; waiting for a composer.
    Queued,
    /// A composer is making the MP4.
    Processing {
        /// How far along (0–100).
        percent: u8,
    },
    /// The MP4 can be downloaded.
    Ready,
    /// Composition failed; nothing can be downloaded.
    Failed {
        /// Why, for the group's members.
        reason: String,
    },
}

impl RecordingStatus {
    /// Its name in the store (`recording`, `queued`, `processing`, `ready`, `failed`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Recording => "recording",
            Self::Queued => "queued",
            Self::Processing { .. } => "processing",
            Self::Ready => "ready",
            Self::Failed { .. } => "failed",
        }
    }
}

/// The composed file of a ready recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingOutput {
    /// Its key in recording storage.
    pub object_key: String,
    /// Its size.
    pub size_bytes: u64,
    /// How long it plays.
    pub duration_ms: u64,
}

/// One recording of a group's call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingRecord {
    /// Its id (`r_{group}_{started_at}`, see `peershare_core::room::recording_id`).
    pub id: String,
    /// The group whose call it recorded.
    pub group: GroupId,
    /// The call it recorded (`peershare_core::room::call_id`).
    pub call_id: String,
    /// When everyone present had agreed and it began.
    pub started_at: Timestamp,
    /// When it stopped (absent while it runs).
    pub stopped_at: Option<Timestamp>,
    /// Why it stopped.
    pub stop_reason: Option<StopReason>,
    /// Who asked to record.
    pub started_by: ConsentRecord,
    /// Every answer, in the order given: those present at the start, then newcomers' answers
    /// and changes of mind. The audit trail of consent.
    pub consents: Vec<ConsentRecord>,
    /// Where it stands.
    pub status: RecordingStatus,
    /// The composed file, once ready.
    pub output: Option<RecordingOutput>,
}

/// How many times a recording whose composers keep dying is taken over before it is failed.
pub const MAX_TAKEOVERS: u32 = 2;

/// The failure reason of a recording taken over [`MAX_TAKEOVERS`] times.
pub const TAKEN_OVER_TOO_OFTEN: &str =
    "composing it stopped without a word three times: it may be too large to compose here";

/// A composer's claim on the next recording to compose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest {
    /// Who claims (one id per composer process): only its writes count while it holds it.
    pub claimant: String,
    /// Now: claims that ran out before this may be taken.
    pub now: Timestamp,
    /// Until when the claim holds unless renewed.
    pub until: Timestamp,
    /// Whether to look at claims that ran out, besides the queue (composers do now and then).
    pub take_expired: bool,
}

/// Recordings' metadata and the composition queue.
#[async_trait]
pub trait RecordingStore: Send + Sync {
    /// A recording began: stores `record` (status `recording`). A second report of the same
    /// id changes nothing.
    async fn recording_started(&self, record: &RecordingRecord) -> Result<(), StoreError>;

    /// An answer given while it ran: appended to its consents, once (the same participant and
    /// time reported again changes nothing). Unknown ids are ignored.
    async fn recording_consent(&self, id: &str, consent: &ConsentRecord) -> Result<(), StoreError>;

    /// It stopped at `at`: status `queued` for composition. Only the first stop counts; a
    /// stop of an unknown id is ignored.
    async fn recording_stopped(&self, id: &str, at: Timestamp, reason: StopReason) -> Result<(), StoreError>;

    /// Takes the queued recording that stopped first for `claim.claimant` (status `processing`
    /// at 0 %, claimed until `claim.until`); else, with `claim.take_expired`, one whose
    /// composer's claim ran out before `claim.now` (it died), failing instead any taken over
    /// [`MAX_TAKEOVERS`] times already. One atomic step: of composers claiming at once, each
    /// gets a different one or none.
    async fn claim_queued_recording(
        &self,
        claim: &ClaimRequest,
    ) -> Result<Option<RecordingRecord>, StoreError>;

    /// Extends `claimant`'s claim on recording `id` to `until`; whether it still held it (a
    /// composer whose claim was taken over, or whose recording was deleted, learns so here).
    async fn renew_recording_claim(
        &self,
        id: &str,
        claimant: &str,
        until: Timestamp,
    ) -> Result<bool, StoreError>;

    /// The progress or outcome `claimant` reports for recording `id` (`output` with `Ready`;
    /// `Queued` gives it back), applied only while it holds the claim; whether it did.
    async fn set_recording_status(
        &self,
        id: &str,
        claimant: &str,
        status: &RecordingStatus,
        output: Option<&RecordingOutput>,
    ) -> Result<bool, StoreError>;

    /// Whether a recording waits to be composed or is being composed: in the cloud the
    /// composers run on the media-node fleet, which keeps a node while this holds.
    async fn compositions_pending(&self) -> Result<bool, StoreError>;

    /// The recording with this id.
    async fn recording(&self, id: &str) -> Result<Option<RecordingRecord>, StoreError>;

    /// A group's most recent recordings, newest first, at most `limit`.
    async fn recordings(&self, group: &GroupId, limit: usize) -> Result<Vec<RecordingRecord>, StoreError>;

    /// Deletes a recording's metadata; whether it existed. (Its objects are the caller's to
    /// delete from recording storage first.)
    async fn delete_recording(&self, id: &str) -> Result<bool, StoreError>;
}

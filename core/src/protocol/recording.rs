//! What a call says about its recording: who asked, who agreed, who is written.

use super::ParticipantId;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a recording stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordingPhase {
    /// Someone asked to record; everyone present is being asked. Nothing is written yet.
    Asking,
    /// Everyone present when it started agreed: the call is being recorded.
    Recording,
}

/// The call's recording as every participant sees it (`null` when there is none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecordingView {
    /// Asking or recording.
    pub phase: RecordingPhase,
    /// Who asked to record.
    pub started_by: ParticipantId,
    /// When the question was asked (asking) or the recording began (recording), in
    /// milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub since_ms: u64,
    /// Participants who agreed and are in the call: only their media is written.
    pub recorded: Vec<ParticipantId>,
    /// Participants asked who have not answered yet (a prompt is open for each of them).
    pub waiting: Vec<ParticipantId>,
    /// Participants in the call who declined or withdrew their consent: not written.
    pub declined: Vec<ParticipantId>,
}

impl RecordingView {
    /// Whether `id` is asked and has not answered.
    pub fn is_waiting_for(&self, id: ParticipantId) -> bool {
        self.waiting.contains(&id)
    }
}

/// Why a request to record ended without a recording (told to the participant who asked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordingRequestEnd {
    /// A participant said no.
    Declined {
        /// Who.
        by: ParticipantId,
        /// Their name, as the call shows it.
        display_name: String,
    },
    /// Not everyone answered in time.
    TimedOut {
        /// Those who did not answer.
        waiting: Vec<ParticipantId>,
    },
    /// No media node could be had to record on.
    NodeUnavailable {
        /// Why.
        reason: String,
    },
}

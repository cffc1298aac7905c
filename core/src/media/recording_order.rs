//! The body of `PUT /v1/calls/{call}/recording` on a media node's control API: what a signaling
//! host (the Worker, `peershare dev`) sends and the node reads, one type for both sides.

use crate::protocol::ParticipantId;
use crate::room::RecordingPlan;
use serde::{Deserialize, Serialize};

/// What to record: the room's whole plan, numbered, for one recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingOrder {
    /// The recording's id (its storage folder).
    pub recording: String,
    /// The plan's revision (a node keeps the newest).
    pub revision: u32,
    /// Whose tracks to write.
    pub participants: Vec<u32>,
    /// The recording ended.
    #[serde(default)]
    pub stopped: bool,
    /// Which of the call's node sessions this is (0 first; one more after each lost node).
    #[serde(default)]
    pub part: u32,
}

impl RecordingOrder {
    /// The order for the room's `plan` of recording `recording`.
    pub fn new(recording: &str, plan: &RecordingPlan) -> Self {
        Self {
            recording: recording.to_owned(),
            revision: plan.revision,
            participants: plan.participants.iter().map(|p: &ParticipantId| p.0).collect(),
            stopped: plan.stopped,
            part: plan.part,
        }
    }
}

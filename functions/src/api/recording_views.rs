//! Bodies of the recording routes.

use crate::store::{RecordingRecord, RecordingStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Where a recording stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordingState {
    /// The call is being recorded.
    Recording,
    /// Stopped; waiting to be composed.
    Queued,
    /// Being composed into an MP4 (see `progress`).
    Processing,
    /// Ready to download.
    Ready,
    /// Composing failed (see `failure`).
    Failed,
}

/// One recording, as its group's members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct RecordingView {
    /// Its id.
    pub id: String,
    /// When it began (Unix ms).
    #[ts(type = "number")]
    pub started_at: u64,
    /// When it stopped.
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub stopped_at: Option<u64>,
    /// How long the MP4 plays, once ready.
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    /// The MP4's size, once ready.
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub size_bytes: Option<u64>,
    /// Where it stands.
    pub status: RecordingState,
    /// How far composing is (0–100), while processing.
    #[ts(optional = nullable)]
    pub progress: Option<u8>,
    /// Why composing failed.
    #[ts(optional = nullable)]
    pub failure: Option<String>,
    /// Who is in it: everyone who agreed to be recorded, in the order they agreed.
    pub participants: Vec<String>,
    /// Who started it.
    pub started_by: String,
    /// A link that downloads the MP4, once ready; it expires (ask the list again).
    #[ts(optional = nullable)]
    pub download_url: Option<String>,
    /// When `download_url` stops working (Unix ms).
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub download_expires_at: Option<u64>,
}

impl RecordingView {
    /// The view of `record`, with its download link if it has one.
    pub fn new(record: &RecordingRecord, link: Option<crate::recordings::DownloadLink>) -> Self {
        let (status, progress, failure) = match &record.status {
            RecordingStatus::Recording => (RecordingState::Recording, None, None),
            RecordingStatus::Queued => (RecordingState::Queued, None, None),
            RecordingStatus::Processing { percent } => (RecordingState::Processing, Some(*percent), None),
            RecordingStatus::Ready => (RecordingState::Ready, None, None),
            RecordingStatus::Failed { reason } => (RecordingState::Failed, None, Some(reason.clone())),
        };
        let mut participants: Vec<String> = Vec::new();
        for consent in record.consents.iter().filter(|c| c.allowed) {
            if !participants.contains(&consent.display_name) {
                participants.push(consent.display_name.clone());
            }
        }
        Self {
            id: record.id.clone(),
            started_at: record.started_at.as_millis(),
            stopped_at: record.stopped_at.map(|t| t.as_millis()),
            duration_ms: record.output.as_ref().map(|o| o.duration_ms),
            size_bytes: record.output.as_ref().map(|o| o.size_bytes),
            status,
            progress,
            failure,
            participants,
            started_by: record.started_by.display_name.clone(),
            download_url: link.as_ref().map(|l| l.url.clone()),
            download_expires_at: link.map(|l| l.expires_at),
        }
    }
}

/// A group's recordings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct RecordingList {
    /// Newest first.
    pub recordings: Vec<RecordingView>,
    /// Whether the caller may delete them (admins and owners).
    pub can_delete: bool,
}

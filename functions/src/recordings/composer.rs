//! The composer: takes stopped recordings off the queue one at a time (the store's claim is
//! atomic, so several composers never take the same one), composes each into an MP4 with the
//! group's recording quality, and records the progress and the outcome for the group page.
//!
//! It runs off the media path: in `peershare dev` as a task of the server (ffmpeg under
//! `nice`); in the cloud as the `peershare-composer` binary beside the media nodes (see
//! docs/recording.md for why there).

use super::RecordingFiles;
use crate::clock::{Clock, SystemClock};
use crate::store::{RecordingOutput, RecordingRecord, RecordingStatus, Store, StoreError};
use peershare_core::groups::RecordingQuality;
use peershare_recording::compose::{ComposeError, Preset, compose, settled};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How often an idle composer looks for stopped recordings.
pub const POLL_INTERVAL: Duration = Duration::from_secs(3);

/// How long after a recording stopped the composer waits for its node to finish shipping its
/// tracks, when they are not all in (a node that died never finishes them).
pub const SETTLE_GRACE: Duration = Duration::from_secs(120);

/// The composer's error that is not a recording's: the store failed.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ComposerError(#[from] StoreError);

/// Composes queued recordings.
#[derive(Debug, Clone)]
pub struct Composer {
    store: Arc<dyn Store>,
    files: Arc<RecordingFiles>,
    work: PathBuf,
}

/// The preset of a group's recording quality.
pub fn preset(quality: RecordingQuality) -> Preset {
    match quality {
        RecordingQuality::Low => Preset::LOW,
        RecordingQuality::Medium => Preset::MEDIUM,
        RecordingQuality::High => Preset::HIGH,
    }
}

impl Composer {
    /// A composer over `store` and `files`, working in the folder `work`.
    pub fn new(store: Arc<dyn Store>, files: Arc<RecordingFiles>, work: PathBuf) -> Self {
        Self { store, files, work }
    }

    /// Composes the oldest queued recording, if there is one and its tracks are all in (or
    /// [`SETTLE_GRACE`] passed since it stopped); its id.
    pub async fn compose_next(&self) -> Result<Option<String>, ComposerError> {
        let Some(record) = self.store.claim_queued_recording().await? else { return Ok(None) };
        let stopped_ago = record.stopped_at.map_or(Duration::MAX, |at| SystemClock.now().since(at));
        let settled = settled(self.files.store().as_ref(), &record.id).await.unwrap_or(false);
        if !settled && stopped_ago < SETTLE_GRACE {
            // The node is still shipping its last bytes: back in the queue, looked at again soon.
            self.store.set_recording_status(&record.id, &RecordingStatus::Queued, None).await?;
            return Ok(None);
        }
        let outcome = self.compose(&record).await;
        if self.store.recording(&record.id).await?.is_none() {
            // Deleted while it was composed: its files go too, the MP4 included.
            tracing::info!(recording = %record.id, "a recording was deleted while composed; removing its files");
            if let Err(e) = self.files.delete(&record.id).await {
                tracing::warn!(recording = %record.id, error = %e, "could not remove a deleted recording's files");
            }
            return Ok(Some(record.id));
        }
        let (status, output) = match outcome {
            Ok(output) => (RecordingStatus::Ready, Some(output)),
            Err(e) => {
                tracing::warn!(recording = %record.id, error = %e, "composing a recording failed");
                (RecordingStatus::Failed { reason: e.to_string() }, None)
            }
        };
        self.store.set_recording_status(&record.id, &status, output.as_ref()).await?;
        Ok(Some(record.id))
    }

    async fn compose(&self, record: &RecordingRecord) -> Result<RecordingOutput, ComposeError> {
        let quality = match self.store.group_for(&record.group, None).await {
            Ok(Some((group, _))) => group.settings.recording_quality,
            _ => RecordingQuality::default(),
        };
        tracing::info!(recording = %record.id, quality = quality.as_str(), "composing a recording");
        // Progress goes to the store from its own task, so ffmpeg's output is never held up.
        let (tell, mut heard) = tokio::sync::watch::channel(0u8);
        let (store, id) = (self.store.clone(), record.id.clone());
        let reporter = tokio::spawn(async move {
            let mut written = 0;
            while heard.changed().await.is_ok() {
                let percent = *heard.borrow_and_update();
                if percent >= written + 5 && percent < 100 {
                    written = percent;
                    let status = RecordingStatus::Processing { percent };
                    if let Err(e) = store.set_recording_status(&id, &status, None).await {
                        tracing::debug!(error = %e, "could not record composing progress");
                    }
                }
            }
        });
        let store = self.files.store();
        let started = std::time::Instant::now();
        let composed =
            compose(store.as_ref(), &record.id, preset(quality), &self.work.join(&record.id), |p| {
                let _ = tell.send(p);
            })
            .await;
        drop(tell);
        let _ = reporter.await;
        let composed = composed?;
        tracing::info!(recording = %record.id, seconds = started.elapsed().as_secs_f64(), size = composed.size_bytes, "recording composed");
        Ok(RecordingOutput {
            object_key: composed.key,
            size_bytes: composed.size_bytes,
            duration_ms: composed.duration_ms,
        })
    }

    /// Runs until the process ends: composes whatever is queued, then looks again every
    /// [`POLL_INTERVAL`].
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                match self.compose_next().await {
                    Ok(Some(_)) => continue,
                    Ok(None) => {}
                    Err(e) => tracing::warn!(error = %e, "the composer could not reach the store"),
                }
                tokio::time::sleep(POLL_INTERVAL).await;
            }
        })
    }
}

//! The composer: takes stopped recordings off the queue one at a time (the store's claim is
//! atomic, so several composers never take the same one), composes each into an MP4 with the
//! group's recording quality, and records the progress and the outcome for the group page.
//!
//! It runs off the media path: in `peershare dev` as a task of the server (ffmpeg under
//! `nice`); in the cloud as the `peershare-composer` binary beside the media nodes (see
//! docs/recording.md for why there).

use super::RecordingFiles;
use crate::store::{RecordingOutput, RecordingRecord, RecordingStatus, Store, StoreError};
use peershare_core::groups::RecordingQuality;
use peershare_recording::compose::{ComposeError, Preset, compose, read_manifests};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How often an idle composer looks for stopped recordings.
pub const POLL_INTERVAL: Duration = Duration::from_secs(3);

/// How long after a recording stopped its media node may still be storing the tracks' last
/// bytes. A recording is queued the moment it stops, while the node is still completing its
/// uploads; a composer that read the tracks then would complete those uploads itself, as a dead
/// node's leftovers, and lose what the node had not shipped yet (the last seconds of each track).
/// So the composer waits until every track's manifest says it ended, or until this much time
/// after the stop has passed (the node died: its leftovers are all there is).
pub const TRACKS_SETTLE: Duration = Duration::from_secs(30);

/// How often the composer looks again while tracks are still being finished.
const SETTLE_POLL: Duration = Duration::from_millis(500);

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

    /// Composes the oldest queued recording, if there is one; its id.
    pub async fn compose_next(&self) -> Result<Option<String>, ComposerError> {
        let Some(record) = self.store.claim_queued_recording().await? else { return Ok(None) };
        let outcome = self.compose(&record).await;
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

    /// Waits until the node finished `record`'s tracks, for at most [`TRACKS_SETTLE`] after it
    /// stopped.
    async fn wait_for_tracks(&self, record: &RecordingRecord) {
        let Some(stopped) = record.stopped_at else { return };
        let deadline = stopped.plus(TRACKS_SETTLE).as_millis();
        let store = self.files.store();
        loop {
            let unfinished = match read_manifests(store.as_ref(), &record.id).await {
                Ok(manifests) => manifests.iter().filter(|m| m.end_ms.is_none()).count(),
                Err(e) => {
                    tracing::warn!(recording = %record.id, error = %e, "could not read the track manifests; composing what is there");
                    return;
                }
            };
            if unfinished == 0 {
                return;
            }
            if unix_millis() >= deadline {
                tracing::warn!(recording = %record.id, unfinished, "tracks still unfinished long after the recording stopped; composing their leftovers");
                return;
            }
            tokio::time::sleep(SETTLE_POLL).await;
        }
    }

    async fn compose(&self, record: &RecordingRecord) -> Result<RecordingOutput, ComposeError> {
        self.wait_for_tracks(record).await;
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

/// Now, in milliseconds since the Unix epoch (the clock recordings' times are on).
fn unix_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

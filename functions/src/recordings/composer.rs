//! The composer: takes stopped recordings off the queue one at a time (the store's claim is
//! atomic, so several composers never take the same one), composes each into an MP4 with the
//! group's recording quality, and records the progress and the outcome for the group page.
//!
//! It runs off the media path: in `peershare dev` as a task of the server (ffmpeg under
//! `nice`); in the cloud as the `peershare-composer` binary beside the media nodes (see
//! docs/recording.md for why there).

use super::RecordingFiles;
use crate::clock::{Clock, SystemClock};
use crate::store::{ClaimRequest, RecordingOutput, RecordingRecord, RecordingStatus, Store, StoreError};
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

/// How long a claim on a recording holds unless renewed: another composer takes a recording
/// whose composer stopped renewing (it died) once this has passed.
pub const CLAIM_LEASE: Duration = Duration::from_secs(300);

/// How often a composer renews its claim while it composes.
pub const CLAIM_RENEW_EVERY: Duration = Duration::from_secs(60);

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
    /// This composer's name on its claims: only its writes count while it holds one.
    claimant: String,
}

/// Whether `stop` has come, without waiting for it.
async fn has_come(mut stop: std::pin::Pin<&mut impl std::future::Future<Output = ()>>) -> bool {
    std::future::poll_fn(|cx| std::task::Poll::Ready(stop.as_mut().poll(cx).is_ready())).await
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
        Self { store, files, work, claimant: format!("composer-{:016x}", rand::random::<u64>()) }
    }

    /// Composes the oldest queued recording, if there is one and its tracks are all in (or
    /// [`SETTLE_GRACE`] passed since it stopped); its id.
    pub async fn compose_next(&self) -> Result<Option<String>, ComposerError> {
        let Some(record) = self.claim(true).await? else { return Ok(None) };
        self.compose_claimed(record).await
    }

    /// The next recording to compose, claimed for [`CLAIM_LEASE`]: a queued one, or, when
    /// `take_expired`, one whose composer's claim ran out.
    async fn claim(&self, take_expired: bool) -> Result<Option<RecordingRecord>, StoreError> {
        let now = SystemClock.now();
        let claim =
            ClaimRequest { claimant: self.claimant.clone(), now, until: now.plus(CLAIM_LEASE), take_expired };
        self.store.claim_queued_recording(&claim).await
    }

    /// Reports `status` (and `output`) for recording `id` while this composer holds it.
    async fn report(
        &self,
        id: &str,
        status: &RecordingStatus,
        output: Option<&RecordingOutput>,
    ) -> Result<(), StoreError> {
        if !self.store.set_recording_status(id, &self.claimant, status, output).await? {
            tracing::warn!(recording = %id, status = status.name(), "no longer this composer's: its report is dropped");
        }
        Ok(())
    }

    /// Composes `record`, which this composer claimed; its id once done, or None when its
    /// tracks were not all in yet (it went back to the queue).
    async fn compose_claimed(&self, record: RecordingRecord) -> Result<Option<String>, ComposerError> {
        let stopped_ago = record.stopped_at.map_or(Duration::MAX, |at| SystemClock.now().since(at));
        let settled = settled(self.files.store().as_ref(), &record.id).await.unwrap_or(false);
        if !settled && stopped_ago < SETTLE_GRACE {
            // The node is still shipping its last bytes: back in the queue, looked at again soon.
            self.report(&record.id, &RecordingStatus::Queued, None).await?;
            return Ok(None);
        }
        let outcome = {
            let renewing = self.renew_claim(&record.id);
            tokio::pin!(renewing);
            tokio::select! {
                outcome = self.compose(&record) => outcome,
                () = &mut renewing => {
                    // Taken over (this composer was thought dead), given back or deleted:
                    // whoever holds it now finishes it.
                    tracing::warn!(recording = %record.id, "lost the claim on a recording: leaving it");
                    return Ok(None);
                }
            }
        };
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
        self.report(&record.id, &status, output.as_ref()).await?;
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
        let (store, id, claimant) = (self.store.clone(), record.id.clone(), self.claimant.clone());
        let reporter = tokio::spawn(async move {
            let mut written = 0;
            while heard.changed().await.is_ok() {
                let percent = *heard.borrow_and_update();
                if percent >= written + 5 && percent < 100 {
                    written = percent;
                    let status = RecordingStatus::Processing { percent };
                    if let Err(e) = store.set_recording_status(&id, &claimant, &status, None).await {
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
        tokio::spawn(self.run(std::future::pending()))
    }

    /// Runs until `stop` resolves: composes whatever is queued, then looks again every
    /// [`POLL_INTERVAL`] (at claims that ran out, every [`CLAIM_RENEW_EVERY`]). A composition
    /// under way when `stop` comes is abandoned (ffmpeg is killed) and its recording given back
    /// to the queue, where another composer starts it again: a node that stops loses no
    /// recording. A claim or a report under way is never cut off by `stop`.
    pub async fn run(self, stop: impl std::future::Future<Output = ()>) {
        let mut stop = std::pin::pin!(stop);
        let mut expired_looked_at: Option<std::time::Instant> = None;
        loop {
            if has_come(stop.as_mut()).await {
                return;
            }
            let take_expired = expired_looked_at.is_none_or(|at| at.elapsed() >= CLAIM_RENEW_EVERY);
            if take_expired {
                expired_looked_at = Some(std::time::Instant::now());
            }
            let outcome = match self.claim(take_expired).await {
                Ok(Some(record)) => {
                    let id = record.id.clone();
                    tokio::select! {
                        outcome = self.compose_claimed(record) => outcome,
                        () = &mut stop => {
                            self.give_back(&id).await;
                            return;
                        }
                    }
                }
                Ok(None) => Ok(None),
                Err(e) => Err(e.into()),
            };
            match outcome {
                Ok(Some(_)) => continue,
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "the composer could not reach the store"),
            }
            tokio::select! {
                () = tokio::time::sleep(POLL_INTERVAL) => {}
                () = &mut stop => return,
            }
        }
    }

    /// Puts recording `id`, whose composition is abandoned, back in the queue, if it is still
    /// this composer's.
    async fn give_back(&self, id: &str) {
        match self.report(id, &RecordingStatus::Queued, None).await {
            Ok(()) => tracing::info!(recording = %id, "stopping: the recording is back in the queue"),
            Err(e) => {
                tracing::warn!(recording = %id, error = %e, "stopping: could not give the recording back")
            }
        }
    }

    /// Renews the claim on recording `id` every [`CLAIM_RENEW_EVERY`]; returns once it no
    /// longer holds it. A store that does not answer is tried again at the next renewal (the
    /// lease outlasts a few).
    async fn renew_claim(&self, id: &str) {
        loop {
            tokio::time::sleep(CLAIM_RENEW_EVERY).await;
            match self
                .store
                .renew_recording_claim(id, &self.claimant, SystemClock.now().plus(CLAIM_LEASE))
                .await
            {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(recording = %id, error = %e, "could not renew the claim on a recording")
                }
            }
        }
    }
}

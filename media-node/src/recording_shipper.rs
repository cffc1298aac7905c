//! Ships what the node's recordings write to recording storage, off the media task: track
//! bytes into multipart uploads, checkpointed every [`CHECKPOINT_INTERVAL`] so a node that dies
//! loses at most that much of each track; manifests as whole objects.

use crate::sfu::RecordingOutput;
use peershare_recording::storage::{ObjectStore, StorageError};
use peershare_recording::upload::StreamUpload;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// How often every growing track is made durable (a part, or a tail checkpoint).
pub const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(2);

/// Most recorded bytes the node holds that storage does not have yet (queued for the shipper,
/// or in its uploads' unsaved tails). Past it the media task stops handing bytes over; each
/// track's own writer then fails at its own limit rather than the node growing without bound.
pub const MAX_UNSHIPPED_BYTES: usize = 128 * 1024 * 1024;

/// Tries of a storage write before the shipper gives it up until the next round.
const TRIES: u32 = 3;

/// The media task's side of the shipper.
#[derive(Debug, Clone)]
pub struct Shipper {
    outputs: mpsc::UnboundedSender<Vec<RecordingOutput>>,
    unshipped: Arc<AtomicUsize>,
}

impl Shipper {
    /// Starts shipping to `store`.
    pub fn start(store: Arc<dyn ObjectStore>) -> Self {
        let (outputs, receiver) = mpsc::unbounded_channel();
        let unshipped = Arc::new(AtomicUsize::new(0));
        tokio::spawn(run(store, receiver, unshipped.clone()));
        Self { outputs, unshipped }
    }

    /// Whether the shipper takes more bytes now.
    pub fn has_room(&self) -> bool {
        self.unshipped.load(Ordering::Relaxed) < MAX_UNSHIPPED_BYTES
    }

    /// Hands a batch over.
    pub fn ship(&self, batch: Vec<RecordingOutput>) {
        if batch.is_empty() {
            return;
        }
        let bytes = batch_bytes(&batch);
        self.unshipped.fetch_add(bytes, Ordering::Relaxed);
        if self.outputs.send(batch).is_err() {
            self.unshipped.fetch_sub(bytes, Ordering::Relaxed);
            tracing::error!("the recording shipper stopped; recorded bytes are lost");
        }
    }
}

fn batch_bytes(batch: &[RecordingOutput]) -> usize {
    batch.iter().map(|o| if let RecordingOutput::Bytes { bytes, .. } = o { bytes.len() } else { 0 }).sum()
}

async fn run(
    store: Arc<dyn ObjectStore>,
    mut batches: mpsc::UnboundedReceiver<Vec<RecordingOutput>>,
    unshipped: Arc<AtomicUsize>,
) {
    let mut uploads: HashMap<String, StreamUpload> = HashMap::new();
    let mut unsaved = 0usize;
    let mut checkpoints = tokio::time::interval(CHECKPOINT_INTERVAL);
    checkpoints.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            batch = batches.recv() => {
                let Some(batch) = batch else { break };
                let bytes = batch_bytes(&batch);
                for output in batch {
                    ship(&store, &mut uploads, output).await;
                }
                let now_unsaved = uploads.values().map(StreamUpload::unsaved_bytes).sum::<usize>();
                // The batch left the queue; what of it is not saved yet still counts.
                let _ = unshipped.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    Some((n + now_unsaved).saturating_sub(bytes + unsaved))
                });
                unsaved = now_unsaved;
            }
            _ = checkpoints.tick() => {
                let mut gone = Vec::new();
                for (key, upload) in uploads.iter_mut() {
                    match upload.checkpoint().await {
                        Ok(()) => {}
                        Err(StorageError::NoSuchUpload(_)) => gone.push(key.clone()),
                        Err(e) => tracing::warn!(%key, error = %e, "could not checkpoint a recorded track; trying again"),
                    }
                }
                for key in gone {
                    tracing::warn!(%key, "a recorded track's upload is gone; its bytes are dropped");
                    uploads.remove(&key);
                }
                let now_unsaved = uploads.values().map(StreamUpload::unsaved_bytes).sum::<usize>();
                let _ = unshipped.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    Some((n + now_unsaved).saturating_sub(unsaved))
                });
                unsaved = now_unsaved;
            }
        }
    }
    // The node is stopping: finish what can be finished.
    for (_, mut upload) in uploads {
        finish(&mut upload).await;
    }
}

async fn ship(
    store: &Arc<dyn ObjectStore>,
    uploads: &mut HashMap<String, StreamUpload>,
    output: RecordingOutput,
) {
    match output {
        RecordingOutput::Manifest { key, manifest } => {
            let json = match serde_json::to_vec(&manifest) {
                Ok(json) => json,
                Err(e) => return tracing::error!(%key, error = %e, "a track manifest did not serialise"),
            };
            for attempt in 1..=TRIES {
                match store.put(&key, json.clone()).await {
                    Ok(()) => return,
                    Err(e) if attempt == TRIES => {
                        tracing::error!(%key, error = %e, "a track manifest was not stored")
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await,
                }
            }
        }
        RecordingOutput::Bytes { key, bytes } => {
            let upload =
                uploads.entry(key.clone()).or_insert_with(|| StreamUpload::new(store.clone(), key.clone()));
            match upload.push(&bytes).await {
                Ok(()) => {}
                Err(StorageError::NoSuchUpload(_)) => {
                    // The recording was deleted under it (its group deleted): nothing of it is kept.
                    tracing::warn!(%key, "a recorded track's upload is gone; its bytes are dropped");
                    uploads.remove(&key);
                }
                Err(e) => {
                    tracing::warn!(%key, error = %e, "could not ship a part of a recorded track; it stays pending")
                }
            }
        }
        RecordingOutput::Finished { key } => {
            if let Some(mut upload) = uploads.remove(&key) {
                finish(&mut upload).await;
            }
        }
    }
}

async fn finish(upload: &mut StreamUpload) {
    for attempt in 1..=TRIES {
        match upload.finish().await {
            Ok(size) => return tracing::info!(key = %upload.key(), size, "recorded track stored"),
            Err(e) if attempt == TRIES => {
                // What was uploaded stays: the composer joins its parts and checkpoints.
                tracing::error!(key = %upload.key(), error = %e, "a recorded track could not be completed");
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await,
        }
    }
}

//! Shipping a file while it is still being written: bytes go in as the muxer makes them, parts
//! of at least the store's minimum go out as a multipart upload, and between parts a
//! checkpoint stores the tail that is not in a part yet. A node that dies loses only what
//! arrived since its last checkpoint; [`crate::recover`] joins the rest, using the ledger of
//! parts written after each part (so recovery needs no listing of parts, which S3-compatible
//! stores and stand-ins answer unevenly).

use crate::layout::{parts_ledger_key, tail_key};
use crate::storage::{ObjectStore, PartTag, StorageError, UploadId};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What a multipart upload has uploaded so far, stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartsLedger {
    /// The upload.
    pub upload: UploadId,
    /// Its parts, in order.
    pub parts: Vec<PartTag>,
}

/// The part size aimed for where the store takes parts of any size.
const PART_TARGET: usize = 1024 * 1024;

/// One object being uploaded as it grows.
#[derive(Debug)]
pub struct StreamUpload {
    store: Arc<dyn ObjectStore>,
    key: String,
    upload: Option<UploadId>,
    parts: Vec<PartTag>,
    /// Bytes already in parts.
    shipped: u64,
    /// Bytes after the parts.
    pending: Vec<u8>,
    /// How many of `pending` are in tail checkpoints.
    checkpointed: usize,
    /// Tail checkpoints (where they start, their key) not yet known to be covered by a part
    /// in a stored ledger.
    tails: Vec<(u64, String)>,
    /// The last part is not in a stored ledger yet (its write failed): keep the tails.
    ledger_stale: bool,
    /// The object is complete.
    finished: bool,
}

impl StreamUpload {
    /// Starts shipping `key` (nothing is sent before the first bytes).
    pub fn new(store: Arc<dyn ObjectStore>, key: impl Into<String>) -> Self {
        Self {
            store,
            key: key.into(),
            upload: None,
            parts: Vec::new(),
            shipped: 0,
            pending: Vec::new(),
            checkpointed: 0,
            tails: Vec::new(),
            ledger_stale: false,
            finished: false,
        }
    }

    /// The object's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Bytes held in memory: not in a part yet.
    pub fn pending_bytes(&self) -> usize {
        self.pending.len()
    }

    /// Bytes a crash now would lose (not in a part or a checkpoint).
    pub fn unsaved_bytes(&self) -> usize {
        self.pending.len() - self.checkpointed
    }

    /// Bytes pushed so far.
    pub fn len(&self) -> u64 {
        self.shipped + self.pending.len() as u64
    }

    /// Whether nothing was pushed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn part_size(&self) -> usize {
        self.store.min_part_size().max(PART_TARGET)
    }

    /// Appends `bytes`; ships a part once enough is pending. On a storage error the bytes stay
    /// pending and the next push or checkpoint tries again.
    pub async fn push(&mut self, bytes: &[u8]) -> Result<(), StorageError> {
        if self.finished {
            return Err(StorageError::Service(format!("{} is already complete", self.key)));
        }
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= self.part_size() { self.ship_part().await } else { Ok(()) }
    }

    /// Makes everything pushed so far survive a crash: as a part where the store takes parts
    /// of any size, else as a tail checkpoint of the bytes since the previous one.
    pub async fn checkpoint(&mut self) -> Result<(), StorageError> {
        if self.ledger_stale {
            self.store_ledger().await;
        }
        if self.unsaved_bytes() == 0 {
            return Ok(());
        }
        if self.pending.len() >= self.store.min_part_size() {
            return self.ship_part().await;
        }
        let offset = self.shipped + self.checkpointed as u64;
        let key = tail_key(&self.key, offset);
        self.store.put(&key, self.pending[self.checkpointed..].to_vec()).await?;
        self.tails.push((offset, key));
        self.checkpointed = self.pending.len();
        Ok(())
    }

    /// Ships what is pending as the last part and joins the parts into the object; returns its
    /// size. On a storage error nothing is lost: call it again (or leave the upload to
    /// [`crate::recover`]).
    pub async fn finish(&mut self) -> Result<u64, StorageError> {
        let size = self.len();
        if self.finished {
            return Ok(size);
        }
        match self.upload.clone() {
            None => {
                self.store.put(&self.key, self.pending.clone()).await?;
                self.pending.clear();
                self.checkpointed = 0;
            }
            Some(upload) => {
                if !self.pending.is_empty() {
                    self.ship_part().await?;
                }
                self.store.complete_upload(&self.key, &upload, &self.parts).await?;
                if let Err(e) = self.store.delete(&parts_ledger_key(&self.key)).await {
                    tracing::debug!(key = %self.key, error = %e, "could not delete the ledger of parts");
                }
            }
        }
        self.finished = true;
        self.drop_tails_before(u64::MAX).await;
        Ok(size)
    }

    async fn ship_part(&mut self) -> Result<(), StorageError> {
        let upload = match &self.upload {
            Some(upload) => upload.clone(),
            None => {
                let upload = self.store.start_upload(&self.key).await?;
                self.upload = Some(upload.clone());
                upload
            }
        };
        let number = self.parts.len() as u32 + 1;
        let part = self.store.upload_part(&self.key, &upload, number, self.pending.clone()).await?;
        self.parts.push(part);
        self.shipped += self.pending.len() as u64;
        self.pending.clear();
        self.checkpointed = 0;
        self.store_ledger().await;
        Ok(())
    }

    /// Stores the ledger of parts; once stored, the checkpoints the parts cover go. If it
    /// cannot be stored, they stay (recovery would otherwise miss the last part and everything
    /// after it), and the next checkpoint tries again.
    async fn store_ledger(&mut self) {
        let Some(upload) = self.upload.clone() else { return };
        let ledger = PartsLedger { upload, parts: self.parts.clone() };
        let stored = match serde_json::to_vec(&ledger) {
            Ok(json) => self.store.put(&parts_ledger_key(&self.key), json).await,
            Err(e) => Err(StorageError::Service(e.to_string())),
        };
        match stored {
            Ok(()) => {
                self.ledger_stale = false;
                self.drop_tails_before(self.shipped).await;
            }
            Err(e) => {
                tracing::warn!(key = %self.key, error = %e, "could not store the ledger of parts; keeping the checkpoints");
                self.ledger_stale = true;
            }
        }
    }

    /// Deletes the checkpoints that start before `end` (covered by stored parts; one that
    /// stays behind is ignored on recovery: it starts before the end of the parts).
    async fn drop_tails_before(&mut self, end: u64) {
        let (covered, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.tails).into_iter().partition(|(at, _)| *at < end);
        self.tails = kept;
        for (_, key) in covered {
            if let Err(e) = self.store.delete(&key).await {
                tracing::debug!(%key, error = %e, "could not delete a tail checkpoint");
            }
        }
    }
}

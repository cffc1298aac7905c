//! A deployment's recording storage and its download links: presigned S3 URLs in the cloud;
//! in a folder, links to `GET /api/recordings/{id}/file` signed with a secret of this server
//! (core's `recording_links`). Either way a link names one recording, expires after
//! [`LINK_TTL_SECS`], and cannot be altered.

use crate::store::RecordingRecord;
use peershare_core::Timestamp;
use peershare_core::recording_links::{self, LINK_TTL_SECS, LinkError};
use peershare_recording::layout::recording_prefix;
use peershare_recording::storage::{LocalStore, ObjectStore, S3Store, Storage, StorageError};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A download link and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadLink {
    /// The URL (relative to the site for links this server signs).
    pub url: String,
    /// When it expires (Unix ms).
    pub expires_at: u64,
}

enum Links {
    Presigned(S3Store),
    Signed { folder: Arc<LocalStore>, secret: Vec<u8> },
}

/// Where recordings' files are, and how members download them.
pub struct RecordingFiles {
    store: Arc<dyn ObjectStore>,
    links: Links,
}

impl std::fmt::Debug for RecordingFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingFiles").field("store", &self.store).finish_non_exhaustive()
    }
}

impl RecordingFiles {
    /// Recordings in an S3 bucket, downloaded through presigned URLs.
    pub fn in_bucket(s3: S3Store) -> Self {
        Self { store: Arc::new(s3.clone()), links: Links::Presigned(s3) }
    }

    /// Recordings in a folder, downloaded through links signed with `secret` (at least 32
    /// bytes: a shorter one is a bug of the caller, and would make links forgeable).
    pub fn in_folder(folder: Arc<LocalStore>, secret: Vec<u8>) -> Self {
        assert!(secret.len() >= 32, "a link secret of {} bytes is too short", secret.len());
        Self { store: folder.clone(), links: Links::Signed { folder, secret } }
    }

    /// Recordings in `storage`; links to a folder are signed with `secret`.
    pub fn new(storage: Storage, secret: Vec<u8>) -> Self {
        match storage {
            Storage::Folder(folder) => Self::in_folder(folder, secret),
            Storage::Bucket(s3) => Self::in_bucket(s3),
        }
    }

    /// The storage.
    pub fn store(&self) -> Arc<dyn ObjectStore> {
        self.store.clone()
    }

    /// A link that downloads `record`'s MP4 until [`LINK_TTL_SECS`] after `now`; `None` until
    /// it is ready.
    pub async fn link(
        &self,
        record: &RecordingRecord,
        now: Timestamp,
    ) -> Result<Option<DownloadLink>, StorageError> {
        let Some(output) = &record.output else { return Ok(None) };
        let expires = now.as_millis() / 1000 + LINK_TTL_SECS;
        let url = match &self.links {
            Links::Presigned(s3) => {
                let filename = format!("{}.mp4", record.id);
                s3.presigned_get(&output.object_key, &filename, Duration::from_secs(LINK_TTL_SECS)).await?
            }
            Links::Signed { secret, .. } => {
                let signature = recording_links::sign(secret, &record.id, expires);
                format!("/api/recordings/{}/file?expires={expires}&signature={signature}", record.id)
            }
        };
        Ok(Some(DownloadLink { url, expires_at: expires * 1000 }))
    }

    /// Checks a link this server signed for `recording`. Presigned deployments sign no links of
    /// their own, so every such link is forged there.
    pub fn verify(
        &self,
        recording: &str,
        expires: u64,
        signature: &str,
        now: Timestamp,
    ) -> Result<(), LinkError> {
        let Links::Signed { secret, .. } = &self.links else { return Err(LinkError::Forged) };
        recording_links::verify(secret, recording, expires, signature, now.as_millis() / 1000)
    }

    /// The file of `record`'s MP4 in the folder, once ready.
    pub fn path_of(&self, record: &RecordingRecord) -> Option<PathBuf> {
        let Links::Signed { folder, .. } = &self.links else { return None };
        record.output.as_ref().and_then(|o| folder.path_of(&o.object_key).ok())
    }

    /// Deletes every file of a recording (its tracks, leftovers and MP4).
    pub async fn delete(&self, recording: &str) -> Result<(), StorageError> {
        self.store.delete_prefix(&recording_prefix(recording)).await
    }
}

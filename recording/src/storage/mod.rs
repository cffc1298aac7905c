//! Recording storage behind one trait: S3 in the cloud ([`S3Store`]), a folder under the data
//! directory in `peershare dev` ([`LocalStore`]). A growing track is shipped as a multipart
//! upload; what a crash leaves behind (uploaded parts, their ledger, tail checkpoints) is still
//! readable through [`crate::recover`].

mod args;
mod local;
mod s3;

pub use args::{Storage, StorageArgs};
pub use local::LocalStore;
pub use s3::{S3Settings, S3Store};

use async_trait::async_trait;
use std::path::Path;

/// Why storage could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The key is not one this project makes (see [`crate::layout`]).
    #[error("invalid object key {0:?}")]
    InvalidKey(String),
    /// The local file system failed.
    #[error("storage I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The object service answered with an error.
    #[error("object storage: {0}")]
    Service(String),
    /// A multipart upload this store does not know.
    #[error("no upload {0} in progress")]
    NoSuchUpload(String),
}

/// A multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct UploadId(pub String);

/// One uploaded part.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartTag {
    /// Its number (from 1).
    pub number: u32,
    /// What the store calls it (S3's ETag).
    pub etag: String,
    /// Its size in bytes.
    pub size: u64,
}

/// An object in storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Objects, with multipart uploads for files that grow while they are written.
#[async_trait]
pub trait ObjectStore: Send + Sync + std::fmt::Debug {
    /// The smallest part a multipart upload takes, except its last (S3: 5 MiB; a folder: 0).
    fn min_part_size(&self) -> usize;

    /// Stores a whole object.
    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError>;

    /// A whole object, or `None` when there is none (for small objects: manifests, tails).
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// Writes an object to the file `to`; false when there is no such object.
    async fn download(&self, key: &str, to: &Path) -> Result<bool, StorageError>;

    /// Stores the file `from` as an object (for large files: a multipart upload).
    async fn upload_file(&self, key: &str, from: &Path) -> Result<u64, StorageError>;

    /// The objects whose keys start with `prefix`, in key order.
    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StorageError>;

    /// Deletes an object (nothing when there is none).
    async fn delete(&self, key: &str) -> Result<(), StorageError>;

    /// Starts a multipart upload of `key`.
    async fn start_upload(&self, key: &str) -> Result<UploadId, StorageError>;

    /// Uploads part `number` (from 1) of an upload.
    async fn upload_part(
        &self,
        key: &str,
        upload: &UploadId,
        number: u32,
        bytes: Vec<u8>,
    ) -> Result<PartTag, StorageError>;

    /// Joins the parts into the object.
    async fn complete_upload(
        &self,
        key: &str,
        upload: &UploadId,
        parts: &[PartTag],
    ) -> Result<(), StorageError>;

    /// Abandons an upload and its parts.
    async fn abort_upload(&self, key: &str, upload: &UploadId) -> Result<(), StorageError>;

    /// Uploads of keys starting with `prefix` that were started and neither completed nor
    /// aborted (a node that died mid-recording leaves them).
    async fn open_uploads(&self, prefix: &str) -> Result<Vec<(String, UploadId)>, StorageError>;

    /// Deletes every object (and open upload) under `prefix`.
    async fn delete_prefix(&self, prefix: &str) -> Result<(), StorageError> {
        for (key, upload) in self.open_uploads(prefix).await? {
            self.abort_upload(&key, &upload).await?;
        }
        for object in self.list(prefix).await? {
            self.delete(&object.key).await?;
        }
        Ok(())
    }
}

/// Whether `key` is one this project makes: relative, `/`-separated segments of ASCII letters,
/// digits, `_`, `-` and `.`, none of them empty or starting with `.` (so no `..`, and a local
/// store's own `.uploads` folder is nobody's key).
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 512
        && key.split('/').all(|segment| {
            !segment.is_empty()
                && !segment.starts_with('.')
                && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        })
}

fn checked(key: &str) -> Result<&str, StorageError> {
    if valid_key(key) { Ok(key) } else { Err(StorageError::InvalidKey(key.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::valid_key;

    #[test]
    fn keys_cannot_climb_out_or_hide() {
        assert!(valid_key("recordings/r_1/tracks/p1-audio-0.webm"));
        assert!(valid_key("recordings/r_1/tracks/p1-audio-0.webm.tail/0000000000000000"));
        for bad in ["", "/abs", "a//b", "a/../b", "..", "a/./b", "a\\b", "a b", "a/", "é", ".uploads/x"] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }
}

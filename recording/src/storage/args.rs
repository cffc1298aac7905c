//! Where recordings are stored, as every binary that touches them is told: a folder, or an S3
//! bucket (at another endpoint for a stand-in). One set of flags, flattened into each binary's
//! configuration.

use super::{LocalStore, ObjectStore, S3Settings, S3Store};
use std::path::PathBuf;
use std::sync::Arc;

/// Recording storage flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct StorageArgs {
    /// Store recordings in this folder (`peershare dev` uses `<data dir>/recordings`).
    #[arg(long, env = "PEERSHARE_RECORDINGS_DIR", conflicts_with = "recordings_bucket")]
    pub recordings_dir: Option<PathBuf>,

    /// Store recordings in this S3 bucket (credentials and region as the AWS SDK finds them).
    #[arg(long, env = "PEERSHARE_RECORDINGS_BUCKET")]
    pub recordings_bucket: Option<String>,

    /// The S3 endpoint, when it is not AWS's (a stand-in); path-style addressing then.
    #[arg(long, env = "PEERSHARE_S3_ENDPOINT", requires = "recordings_bucket")]
    pub s3_endpoint: Option<String>,
}

/// An opened recording storage, of either kind.
#[derive(Debug, Clone)]
pub enum Storage {
    /// A folder.
    Folder(Arc<LocalStore>),
    /// An S3 bucket.
    Bucket(S3Store),
}

impl Storage {
    /// The storage behind the common trait.
    pub fn shared(&self) -> Arc<dyn ObjectStore> {
        match self {
            Self::Folder(folder) => folder.clone(),
            Self::Bucket(s3) => Arc::new(s3.clone()),
        }
    }
}

impl StorageArgs {
    /// The storage these flags name; `None` when they name none.
    pub async fn open(&self) -> std::io::Result<Option<Storage>> {
        if let Some(dir) = &self.recordings_dir {
            return Ok(Some(Storage::Folder(Arc::new(LocalStore::new(dir)?))));
        }
        if let Some(bucket) = &self.recordings_bucket {
            let settings = S3Settings { bucket: bucket.clone(), endpoint: self.s3_endpoint.clone() };
            return Ok(Some(Storage::Bucket(S3Store::from_env(&settings).await)));
        }
        Ok(None)
    }
}

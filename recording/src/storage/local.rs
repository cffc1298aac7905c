//! Recording storage in a folder (`peershare dev`): objects are files under the root, a
//! multipart upload is a folder of part files under `.uploads/` until it is completed.

use super::{ObjectInfo, ObjectStore, PartTag, StorageError, UploadId, checked};
use async_trait::async_trait;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

const UPLOADS: &str = ".uploads";

/// Objects as files under a root folder.
#[derive(Debug)]
pub struct LocalStore {
    root: PathBuf,
    next_id: AtomicU64,
}

impl LocalStore {
    /// A store under `root` (made when missing).
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        fs::create_dir_all(root.join(UPLOADS))?;
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Ok(Self { root, next_id: AtomicU64::new(started) })
    }

    /// The file of an object.
    pub fn path_of(&self, key: &str) -> Result<PathBuf, StorageError> {
        Ok(self.root.join(checked(key)?))
    }

    fn upload_dir(&self, upload: &UploadId) -> Result<PathBuf, StorageError> {
        if upload.0.is_empty() || !upload.0.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(StorageError::NoSuchUpload(upload.0.clone()));
        }
        let dir = self.root.join(UPLOADS).join(&upload.0);
        if dir.is_dir() { Ok(dir) } else { Err(StorageError::NoSuchUpload(upload.0.clone())) }
    }

    fn unique(&self) -> String {
        format!("{:x}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StorageError> + Send + 'static,
) -> Result<T, StorageError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| StorageError::Service(e.to_string()))?
}

/// Writes `bytes` to `path` whole or not at all (a temporary file renamed into place).
fn write_atomically(
    path: &Path,
    temp: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::File::create(temp)?;
    write(&mut file)?;
    file.sync_data()?;
    fs::rename(temp, path)
}

fn part_name(number: u32) -> String {
    format!("{number:05}")
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<ObjectInfo>) -> std::io::Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, root, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let key = relative.to_string_lossy().replace('\\', "/");
            out.push(ObjectInfo { key, size: entry.metadata()?.len() });
        }
    }
    Ok(())
}

#[async_trait]
impl ObjectStore for LocalStore {
    fn min_part_size(&self) -> usize {
        0
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        let path = self.path_of(key)?;
        let temp = self.root.join(UPLOADS).join(format!("put-{}", self.unique()));
        blocking(move || Ok(write_atomically(&path, &temp, |f| f.write_all(&bytes))?)).await
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let path = self.path_of(key)?;
        blocking(move || match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn download(&self, key: &str, to: &Path) -> Result<bool, StorageError> {
        let path = self.path_of(key)?;
        let to = to.to_owned();
        blocking(move || match fs::copy(&path, &to) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        })
        .await
    }

    async fn upload_file(&self, key: &str, from: &Path) -> Result<u64, StorageError> {
        let path = self.path_of(key)?;
        let temp = self.root.join(UPLOADS).join(format!("put-{}", self.unique()));
        let from = from.to_owned();
        blocking(move || {
            let mut size = 0;
            write_atomically(&path, &temp, |f| {
                size = std::io::copy(&mut fs::File::open(&from)?, f)?;
                Ok(())
            })?;
            Ok(size)
        })
        .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StorageError> {
        // Walk from the deepest folder the prefix names.
        let folder = prefix.rsplit_once('/').map_or("", |(folder, _)| folder);
        let start = if folder.is_empty() { self.root.clone() } else { self.path_of(folder)? };
        let (root, prefix) = (self.root.clone(), prefix.to_owned());
        blocking(move || {
            let mut out = Vec::new();
            walk(&start, &root, &mut out)?;
            out.retain(|o| o.key.starts_with(&prefix));
            out.sort_by(|a, b| a.key.cmp(&b.key));
            Ok(out)
        })
        .await
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let path = self.path_of(key)?;
        blocking(move || match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        })
        .await
    }

    async fn start_upload(&self, key: &str) -> Result<UploadId, StorageError> {
        let key = checked(key)?.to_owned();
        let upload = UploadId(self.unique());
        let dir = self.root.join(UPLOADS).join(&upload.0);
        blocking(move || {
            fs::create_dir_all(&dir)?;
            fs::write(dir.join("key"), key)?;
            Ok(())
        })
        .await?;
        Ok(upload)
    }

    async fn upload_part(
        &self,
        key: &str,
        upload: &UploadId,
        number: u32,
        bytes: Vec<u8>,
    ) -> Result<PartTag, StorageError> {
        checked(key)?;
        let dir = self.upload_dir(upload)?;
        let temp = dir.join(format!("part-{}", self.unique()));
        blocking(move || {
            let size = bytes.len() as u64;
            write_atomically(&dir.join(part_name(number)), &temp, |f| f.write_all(&bytes))?;
            Ok(PartTag { number, etag: part_name(number), size })
        })
        .await
    }

    async fn complete_upload(
        &self,
        key: &str,
        upload: &UploadId,
        parts: &[PartTag],
    ) -> Result<(), StorageError> {
        let path = self.path_of(key)?;
        let dir = self.upload_dir(upload)?;
        let temp = self.root.join(UPLOADS).join(format!("join-{}", self.unique()));
        let numbers: Vec<u32> = parts.iter().map(|p| p.number).collect();
        blocking(move || {
            write_atomically(&path, &temp, |f| {
                for number in numbers {
                    std::io::copy(&mut fs::File::open(dir.join(part_name(number)))?, f)?;
                }
                Ok(())
            })?;
            fs::remove_dir_all(&dir)?;
            Ok(())
        })
        .await
    }

    async fn abort_upload(&self, _key: &str, upload: &UploadId) -> Result<(), StorageError> {
        let dir = self.upload_dir(upload)?;
        blocking(move || Ok(fs::remove_dir_all(dir)?)).await
    }

    async fn open_uploads(&self, prefix: &str) -> Result<Vec<(String, UploadId)>, StorageError> {
        let uploads = self.root.join(UPLOADS);
        let prefix = prefix.to_owned();
        blocking(move || {
            let mut out = Vec::new();
            for entry in fs::read_dir(&uploads)? {
                let entry = entry?;
                if !entry.file_type()?.is_dir() {
                    continue;
                }
                let Ok(key) = fs::read_to_string(entry.path().join("key")) else { continue };
                if key.starts_with(&prefix) {
                    out.push((key, UploadId(entry.file_name().to_string_lossy().into_owned())));
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        })
        .await
    }
}

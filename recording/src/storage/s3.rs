//! Recording storage in an S3 bucket: growing tracks as multipart uploads, downloads through
//! presigned, expiring links.

use super::{ObjectInfo, ObjectStore, PartTag, StorageError, UploadId, checked};
use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{DisplayErrorContext, SdkError};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// S3's smallest part, except an upload's last.
const MIN_PART: usize = 5 * 1024 * 1024;

/// Where the bucket is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// The bucket's name.
    pub bucket: String,
    /// Another endpoint than AWS's (a stand-in in tests); path-style addressing then.
    pub endpoint: Option<String>,
}

/// Objects in one S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Store {
    client: Client,
    bucket: String,
}

fn service<E, R>(e: SdkError<E, R>) -> StorageError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    StorageError::Service(DisplayErrorContext(e).to_string())
}

impl S3Store {
    /// A store over `client`'s view of `bucket`.
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self { client, bucket: bucket.into() }
    }

    /// A store configured the way the AWS SDK is (environment, instance role), at the
    /// settings' endpoint when there is one.
    pub async fn from_env(settings: &S3Settings) -> Self {
        let shared = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
        let mut config = aws_sdk_s3::config::Builder::from(&shared);
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint).force_path_style(true);
        }
        Self::new(Client::from_conf(config.build()), settings.bucket.clone())
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// A link that downloads `key` as `filename` until `valid_for` has passed (SigV4
    /// query-string signing: the link carries its own expiry and cannot be altered).
    pub async fn presigned_get(
        &self,
        key: &str,
        filename: &str,
        valid_for: Duration,
    ) -> Result<String, StorageError> {
        let config =
            PresigningConfig::expires_in(valid_for).map_err(|e| StorageError::Service(e.to_string()))?;
        let disposition = format!("attachment; filename=\"{}\"", filename.replace(['"', '\\'], ""));
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .response_content_disposition(disposition)
            .presigned(config)
            .await
            .map_err(service)?;
        Ok(request.uri().to_owned())
    }

    /// Creates the bucket unless it exists (tests and `peershare migrate`; the CDK makes it in
    /// the cloud).
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        if self.client.head_bucket().bucket(&self.bucket).send().await.is_ok() {
            return Ok(());
        }
        self.client.create_bucket().bucket(&self.bucket).send().await.map_err(service)?;
        Ok(())
    }
}

#[async_trait]
impl ObjectStore for S3Store {
    fn min_part_size(&self) -> usize {
        MIN_PART
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(service)?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match self.client.get_object().bucket(&self.bucket).key(checked(key)?).send().await {
            Ok(object) => {
                let bytes = object.body.collect().await.map_err(|e| StorageError::Service(e.to_string()))?;
                Ok(Some(bytes.into_bytes().to_vec()))
            }
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
            Err(e) => Err(service(e)),
        }
    }

    async fn download(&self, key: &str, to: &Path) -> Result<bool, StorageError> {
        let mut object = match self.client.get_object().bucket(&self.bucket).key(checked(key)?).send().await {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(false),
            Err(e) => return Err(service(e)),
        };
        let mut file = tokio::fs::File::create(to).await?;
        while let Some(chunk) =
            object.body.try_next().await.map_err(|e| StorageError::Service(e.to_string()))?
        {
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(true)
    }

    async fn upload_file(&self, key: &str, from: &Path) -> Result<u64, StorageError> {
        let size = tokio::fs::metadata(from).await?.len();
        let body = ByteStream::from_path(from).await.map_err(|e| StorageError::Service(e.to_string()))?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .content_type("video/mp4")
            .body(body)
            .send()
            .await
            .map_err(service)?;
        Ok(size)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<ObjectInfo>, StorageError> {
        let mut out = Vec::new();
        let mut pages =
            self.client.list_objects_v2().bucket(&self.bucket).prefix(prefix).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(service)?;
            for object in page.contents() {
                if let Some(key) = object.key() {
                    out.push(ObjectInfo {
                        key: key.to_owned(),
                        size: object.size().unwrap_or(0).max(0) as u64,
                    });
                }
            }
        }
        Ok(out)
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client.delete_object().bucket(&self.bucket).key(checked(key)?).send().await.map_err(service)?;
        Ok(())
    }

    async fn start_upload(&self, key: &str) -> Result<UploadId, StorageError> {
        let started = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .content_type("video/webm")
            .send()
            .await
            .map_err(service)?;
        let id = started.upload_id().ok_or_else(|| StorageError::Service("no upload id".into()))?;
        Ok(UploadId(id.to_owned()))
    }

    async fn upload_part(
        &self,
        key: &str,
        upload: &UploadId,
        number: u32,
        bytes: Vec<u8>,
    ) -> Result<PartTag, StorageError> {
        let size = bytes.len() as u64;
        let part = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .upload_id(&upload.0)
            .part_number(number as i32)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| {
                use aws_sdk_s3::error::ProvideErrorMetadata;
                if e.as_service_error().and_then(|s| s.code()) == Some("NoSuchUpload") {
                    StorageError::NoSuchUpload(upload.0.clone())
                } else {
                    service(e)
                }
            })?;
        let etag = part.e_tag().ok_or_else(|| StorageError::Service("no ETag for a part".into()))?;
        Ok(PartTag { number, etag: etag.to_owned(), size })
    }

    async fn complete_upload(
        &self,
        key: &str,
        upload: &UploadId,
        parts: &[PartTag],
    ) -> Result<(), StorageError> {
        let parts = parts
            .iter()
            .map(|p| CompletedPart::builder().part_number(p.number as i32).e_tag(&p.etag).build())
            .collect();
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .upload_id(&upload.0)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(service)?;
        Ok(())
    }

    async fn abort_upload(&self, key: &str, upload: &UploadId) -> Result<(), StorageError> {
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(checked(key)?)
            .upload_id(&upload.0)
            .send()
            .await
            .map_err(service)?;
        Ok(())
    }

    async fn open_uploads(&self, prefix: &str) -> Result<Vec<(String, UploadId)>, StorageError> {
        let mut out = Vec::new();
        let (mut key_marker, mut id_marker) = (None::<String>, None::<String>);
        loop {
            let page = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(prefix)
                .set_key_marker(key_marker.clone())
                .set_upload_id_marker(id_marker.clone())
                .send()
                .await
                .map_err(service)?;
            for upload in page.uploads() {
                if let (Some(key), Some(id)) = (upload.key(), upload.upload_id()) {
                    out.push((key.to_owned(), UploadId(id.to_owned())));
                }
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            id_marker = page.next_upload_id_marker().map(str::to_owned);
        }
        Ok(out)
    }
}

//! Batch reads and deletes: up to 100 keys per BatchGetItem and 25 per BatchWriteItem, with
//! whatever DynamoDB left unprocessed sent again after a pause.

use super::DynamoStore;
use super::items::Item;
use super::retry;
use crate::store::StoreError;
use aws_sdk_dynamodb::types::{DeleteRequest, KeysAndAttributes, WriteRequest};

/// Most keys in one BatchGetItem.
const GET_BATCH: usize = 100;

/// Most requests in one BatchWriteItem.
const WRITE_BATCH: usize = 25;

impl DynamoStore {
    /// The items with these keys that exist, in no particular order (strongly consistent).
    pub(super) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(GET_BATCH) {
            let mut pending = Some(
                KeysAndAttributes::builder().set_keys(Some(chunk.to_vec())).consistent_read(true).build()?,
            );
            let mut attempt = 0;
            while let Some(request) = pending.take() {
                let out = self.client().batch_get_item().request_items(self.table(), request).send().await?;
                if let Some(mut responses) = out.responses {
                    found.extend(responses.remove(self.table()).unwrap_or_default());
                }
                pending = out.unprocessed_keys.and_then(|mut u| u.remove(self.table()));
                if pending.is_some() {
                    retry::pause(&mut attempt, "batch read").await?;
                }
            }
        }
        Ok(found)
    }

    /// Deletes the items with these keys (missing ones are fine).
    pub(super) async fn batch_delete(&self, keys: Vec<Item>) -> Result<(), StoreError> {
        for chunk in keys.chunks(WRITE_BATCH) {
            let mut pending = chunk
                .iter()
                .map(|key| {
                    let delete = DeleteRequest::builder().set_key(Some(key.clone())).build()?;
                    Ok(WriteRequest::builder().delete_request(delete).build())
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            let mut attempt = 0;
            while !pending.is_empty() {
                let out = self
                    .client()
                    .batch_write_item()
                    .request_items(self.table(), std::mem::take(&mut pending))
                    .send()
                    .await?;
                pending = out.unprocessed_items.and_then(|mut u| u.remove(self.table())).unwrap_or_default();
                if !pending.is_empty() {
                    retry::pause(&mut attempt, "batch delete").await?;
                }
            }
        }
        Ok(())
    }
}

//! The adapter's handle and the reads and single-item writes every concern shares. Reads of
//! the base table are strongly consistent, so an operation always decides on the latest
//! committed state; only [`DynamoStore::query_index`] and [`DynamoStore::query_index_page`] read
//! the (eventually consistent) GSI.

use super::items::Item;
use super::keys::{GSI1, GSI1_PK, PK, SK};
use super::table;
use crate::store::StoreError;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

/// Values of an expression: `(":name", value)` pairs.
pub(super) type Values<'a> = &'a [(&'a str, AttributeValue)];

/// The DynamoDB store: one table, addressed as the [module doc](super) describes.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

impl DynamoStore {
    /// A store over the existing table `table` (see [`DynamoStore::ensure_table`]).
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into() }
    }

    /// Creates the table `table` from `migrations/dynamodb/table.json` unless it exists, waits
    /// until it is active, and applies `migrations/dynamodb/time_to_live.json` to it.
    pub async fn ensure_table(client: &Client, table: &str) -> Result<(), StoreError> {
        table::ensure_table(client, table).await
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The SDK client.
    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    /// The item with this key.
    pub(super) async fn get(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let got = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await?;
        Ok(got.item)
    }

    /// Every item of partition `pk` whose sort key starts with `prefix`, in sort key order
    /// (reversed when `forward` is false).
    pub(super) async fn query(&self, pk: &str, prefix: &str, forward: bool) -> Result<Vec<Item>, StoreError> {
        self.query_pages(pk, prefix, forward, None, |_| false).await
    }

    /// Items of partition `pk` whose sort key starts with `prefix`, page by page of `page`
    /// items, until `enough` says so after a page.
    pub(super) async fn query_pages(
        &self,
        pk: &str,
        prefix: &str,
        forward: bool,
        page: Option<i32>,
        enough: impl Fn(&[Item]) -> bool,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()));
            // DynamoDB refuses an empty prefix: the whole partition is `pk` alone.
            let query = match prefix {
                "" => query.key_condition_expression(format!("{PK} = :pk")),
                _ => query
                    .key_condition_expression(format!("{PK} = :pk AND begins_with({SK}, :prefix)"))
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned())),
            };
            let out = query
                .scan_index_forward(forward)
                .set_limit(page)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key.filter(|k| !k.is_empty());
            if start.is_none() || enough(&items) {
                return Ok(items);
            }
        }
    }

    /// Every item of the index under `pk` (the user → groups memberships), page by page.
    pub(super) async fn query_index(&self, pk: &str) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let (page, next) = self.query_index_page(pk, None, start).await?;
            items.extend(page);
            start = next;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// One page of the index under `pk` (at most `limit` items, when given; DynamoDB's own page
    /// size otherwise), in sort key order, from `start`; with where the next page starts, if
    /// there is one.
    pub(super) async fn query_index_page(
        &self,
        pk: &str,
        limit: Option<i32>,
        start: Option<Item>,
    ) -> Result<(Vec<Item>, Option<Item>), StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression(format!("{GSI1_PK} = :pk"))
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .scan_index_forward(true)
            .set_limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await?;
        Ok((out.items.unwrap_or_default(), out.last_evaluated_key.filter(|k| !k.is_empty())))
    }

    /// Applies `update` to the item with `key` if `condition` holds; the item afterwards, or
    /// `None` when the condition failed.
    pub(super) async fn update_if(
        &self,
        key: Item,
        update: &str,
        condition: &str,
        values: Values<'_>,
    ) -> Result<Option<Item>, StoreError> {
        let updated = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression(update)
            .set_condition_expression(non_empty(condition))
            .set_expression_attribute_values(values_map(values))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match updated {
            Ok(out) => Ok(Some(out.attributes.unwrap_or_default())),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Puts `item` if `condition` holds; whether it did.
    pub(super) async fn put_if(
        &self,
        item: Item,
        condition: &str,
        values: Values<'_>,
    ) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(non_empty(condition))
            .set_expression_attribute_values(values_map(values))
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes the item with `key`; the item it was, if any.
    pub(super) async fn delete(&self, key: Item) -> Result<Option<Item>, StoreError> {
        self.delete_if(key, "", &[]).await
    }

    /// Deletes the item with `key` if `condition` holds; the item it was, or `None` when there
    /// was none or the condition failed.
    pub(super) async fn delete_if(
        &self,
        key: Item,
        condition: &str,
        values: Values<'_>,
    ) -> Result<Option<Item>, StoreError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .set_condition_expression(non_empty(condition))
            .set_expression_attribute_values(values_map(values))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match deleted {
            Ok(out) => Ok(out.attributes.filter(|item| !item.is_empty())),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// `None` for an empty expression.
pub(super) fn non_empty(expression: &str) -> Option<String> {
    (!expression.is_empty()).then(|| expression.to_owned())
}

/// Expression values as the SDK takes them (`None` when there are none, as DynamoDB wants).
pub(super) fn values_map(values: Values<'_>) -> Option<Item> {
    (!values.is_empty()).then(|| values.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
}

/// Only the key attributes of an item.
pub(super) fn key_of(item: &Item) -> Item {
    item.iter().filter(|(k, _)| *k == PK || *k == SK).map(|(k, v)| (k.clone(), v.clone())).collect()
}

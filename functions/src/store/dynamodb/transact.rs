//! TransactWriteItems: building its actions and reading why a cancelled one was cancelled.

use super::DynamoStore;
use super::client::{Values, non_empty, values_map};
use super::items::Item;
use crate::store::StoreError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update};

/// What became of a transaction.
#[derive(Debug)]
pub(super) enum Transacted {
    /// Every action applied.
    Committed,
    /// Nothing applied.
    Cancelled(Cancellation),
}

/// Why a transaction was cancelled: one code per action, in request order.
#[derive(Debug)]
pub(super) struct Cancellation {
    codes: Vec<Option<String>>,
}

impl Cancellation {
    /// Whether action `index`'s condition failed.
    pub(super) fn failed(&self, index: usize) -> bool {
        self.codes.get(index).and_then(Option::as_deref) == Some("ConditionalCheckFailed")
    }
}

impl DynamoStore {
    /// Runs `actions` as one transaction.
    pub(super) async fn transact(&self, actions: Vec<TransactWriteItem>) -> Result<Transacted, StoreError> {
        match self.client().transact_write_items().set_transact_items(Some(actions)).send().await {
            Ok(_) => Ok(Transacted::Committed),
            Err(e) => match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                    let codes =
                        c.cancellation_reasons().iter().map(|r| r.code().map(str::to_owned)).collect();
                    Ok(Transacted::Cancelled(Cancellation { codes }))
                }
                _ => Err(e.into()),
            },
        }
    }

    /// Puts `item` if `condition` holds (no condition when empty).
    pub(super) fn tx_put(
        &self,
        item: Item,
        condition: &str,
        values: Values<'_>,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .set_condition_expression(non_empty(condition))
            .set_expression_attribute_values(values_map(values))
            .build()?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Applies `update` to the item with `key` if `condition` holds.
    pub(super) fn tx_update(
        &self,
        key: Item,
        update: &str,
        condition: &str,
        values: Values<'_>,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .update_expression(update)
            .set_condition_expression(non_empty(condition))
            .set_expression_attribute_values(values_map(values))
            .build()?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Deletes the item with `key` if `condition` holds.
    pub(super) fn tx_delete(
        &self,
        key: Item,
        condition: &str,
        values: Values<'_>,
    ) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .set_condition_expression(non_empty(condition))
            .set_expression_attribute_values(values_map(values))
            .build()?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// Requires `condition` of the item with `key`, writing nothing.
    pub(super) fn tx_check(
        &self,
        key: Item,
        condition: &str,
        values: Values<'_>,
    ) -> Result<TransactWriteItem, StoreError> {
        let check = ConditionCheck::builder()
            .table_name(self.table())
            .set_key(Some(key))
            .condition_expression(condition)
            .set_expression_attribute_values(values_map(values))
            .build()?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }
}

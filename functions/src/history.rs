//! Writing a call's history: the room decides the events (core's `CallEvent`); this turns each
//! into the store's row. Every event names its call, and the store's writes are idempotent, so
//! an event delivered twice (a retried delivery from the Worker) writes one row.

use crate::store::{Store, StoreError};
use peershare_core::GroupId;
use peershare_core::room::{CallEvent, call_id};

/// Writes `event` of `group`'s call. Events of participants the host did not identify (no
/// pass holder) are not history.
pub async fn apply(store: &dyn Store, group: &GroupId, event: &CallEvent) -> Result<(), StoreError> {
    let call = call_id(group, event.call_started_at());
    match event {
        CallEvent::Started { at } => store.call_started(&call, group, *at).await,
        CallEvent::Joined { identity: Some(who), display_name, at, .. } => {
            store.call_joined(&call, who, display_name, *at).await
        }
        CallEvent::Left { identity: Some(who), joined_at, at, .. } => {
            store.call_left(&call, who, *joined_at, *at).await
        }
        CallEvent::Ended { at, .. } => store.call_ended(&call, *at).await,
        CallEvent::Joined { identity: None, .. } | CallEvent::Left { identity: None, .. } => Ok(()),
    }
}

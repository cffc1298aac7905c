//! Call history on DynamoDB. A call lives in its own partition (the call item, then its stints
//! by joining time), since the signaling host reports joins and leaves by call id alone; its
//! group's partition lists it by start time, for the newest-first history and for deletion.

use super::client::key_of;
use super::items::{Item, get_opt_time, get_opt_u64, get_s, get_time, ms, s};
use super::keys::{self, CALL_PREFIX, SK, STINT_PREFIX};
use super::transact::Transacted;
use super::{DynamoStore, retry};
use crate::store::{CallAttendance, CallRecord, StoreError};
use peershare_core::{GroupId, Timestamp};

/// Largest page read while listing a group's calls.
const MAX_PAGE: usize = 500;

/// A call started (a second report of the same call changes nothing).
pub(super) async fn started(
    store: &DynamoStore,
    call: &str,
    group: &GroupId,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut item = keys::call(call);
    item.extend([
        ("call_id".to_owned(), s(call)),
        ("group_id".to_owned(), s(group.as_str())),
        ("started_at".to_owned(), ms(at)),
    ]);
    let mut entry = keys::call_entry(group, at, call);
    entry.extend([("call_id".to_owned(), s(call)), ("started_at".to_owned(), ms(at))]);
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_put(item.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_put(entry.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_check(keys::group(group), "attribute_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(why) if why.failed(0) => return Ok(()),
            Transacted::Cancelled(why) if why.failed(2) => {
                return Err(StoreError(format!("no group {}", group.as_str())));
            }
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "recording a call").await?,
        }
    }
}

/// Someone joined (a repeated report of the same stint changes nothing).
pub(super) async fn joined(
    store: &DynamoStore,
    call: &str,
    participant: &str,
    display_name: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let mut stint = keys::stint(call, at, participant);
    stint.extend([
        ("participant".to_owned(), s(participant)),
        ("display_name".to_owned(), s(display_name)),
        ("joined_at".to_owned(), ms(at)),
    ]);
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_check(keys::call(call), "attribute_exists(pk)", &[])?,
            store.tx_put(stint.clone(), "attribute_not_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(why) if why.failed(0) => return Err(StoreError(format!("no call {call}"))),
            Transacted::Cancelled(why) if why.failed(1) => return Ok(()),
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "recording a join").await?,
        }
    }
}

/// Someone left: closes the stint that began at `joined_at` (a missing or closed one is left
/// as it is).
pub(super) async fn left(
    store: &DynamoStore,
    call: &str,
    participant: &str,
    joined_at: Timestamp,
    at: Timestamp,
) -> Result<(), StoreError> {
    store
        .update_if(
            keys::stint(call, joined_at, participant),
            "SET left_at = :at",
            "attribute_exists(pk) AND attribute_not_exists(left_at)",
            &[(":at", ms(at))],
        )
        .await?;
    Ok(())
}

/// The call ended: closes it and every open stint.
pub(super) async fn ended(store: &DynamoStore, call: &str, at: Timestamp) -> Result<(), StoreError> {
    store
        .update_if(
            keys::call(call),
            "SET ended_at = :at",
            "attribute_exists(pk) AND attribute_not_exists(ended_at)",
            &[(":at", ms(at))],
        )
        .await?;
    for stint in &store.query(&keys::call_pk(call), STINT_PREFIX, true).await? {
        close(store, stint, at).await?;
    }
    Ok(())
}

/// Sets a stint's leaving time unless it has one.
async fn close(store: &DynamoStore, stint: &Item, at: Timestamp) -> Result<(), StoreError> {
    if stint.contains_key("left_at") {
        return Ok(());
    }
    store
        .update_if(key_of(stint), "SET left_at = :at", "attribute_not_exists(left_at)", &[(":at", ms(at))])
        .await?;
    Ok(())
}

/// A group's latest calls with their participants, newest first (ties by call id).
pub(super) async fn list(
    store: &DynamoStore,
    group: &GroupId,
    limit: usize,
) -> Result<Vec<CallRecord>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let started = |entry: &Item| get_opt_u64(entry, "started_at").ok().flatten();
    // Newest first by sort key; read past `limit` only while calls tie on start time.
    let page = i32::try_from((limit + 1).min(MAX_PAGE)).unwrap_or(i32::MAX);
    let mut entries = store
        .query_pages(&keys::group_pk(group), CALL_PREFIX, false, Some(page), |items| {
            items.len() > limit && started(&items[limit]) != started(&items[limit - 1])
        })
        .await?;
    entries.sort_by(|a, b| {
        started(b).cmp(&started(a)).then_with(|| get_s(a, "call_id").ok().cmp(&get_s(b, "call_id").ok()))
    });
    entries.truncate(limit);
    let mut calls = Vec::with_capacity(entries.len());
    for entry in &entries {
        if let Some(call) = record(store, group, get_s(entry, "call_id")?).await? {
            calls.push(call);
        }
    }
    Ok(calls)
}

/// One call with its stints in joining order, from its partition.
async fn record(store: &DynamoStore, group: &GroupId, call: &str) -> Result<Option<CallRecord>, StoreError> {
    let items = store.query(&keys::call_pk(call), "", true).await?;
    let mut record = None;
    let mut participants = Vec::new();
    for item in &items {
        if get_s(item, SK)?.starts_with(STINT_PREFIX) {
            participants.push(CallAttendance {
                participant: get_s(item, "participant")?.to_owned(),
                display_name: get_s(item, "display_name")?.to_owned(),
                joined_at: get_time(item, "joined_at")?,
                left_at: get_opt_time(item, "left_at")?,
            });
        } else {
            record = Some((get_time(item, "started_at")?, get_opt_time(item, "ended_at")?));
        }
    }
    Ok(record.map(|(started_at, ended_at)| CallRecord {
        id: call.to_owned(),
        group: group.clone(),
        started_at,
        ended_at,
        participants,
    }))
}

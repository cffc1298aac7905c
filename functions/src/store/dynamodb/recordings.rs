//! Recordings on DynamoDB. A recording is one item of its own (its metadata, and its audit trail
//! of consent as a list of JSON strings), since the signaling host and the composer name it by
//! id alone; its group's partition lists it by start time, for the newest-first list and for
//! deletion with the group.
//!
//! Every change is one conditional write: an answer is appended only while its
//! `participant@at` key is absent from the recording's `consent_keys`; a stop applies only while
//! recording; a claim only while queued. A queued recording carries `gsi1` keys (the
//! `RECORDING_QUEUE` partition, by stopping time), so a composer finds the oldest with one query
//! and claims it by its condition, moving on to the next when another composer was first; a
//! claimed one moves to the `RECORDING_COMPOSING` partition until it is ready or failed, so
//! whether any composition is pending is two one-item queries.

use super::client::{Values, key_of};
use super::items::{
    Item, corrupt, get_group_id, get_opt_s, get_opt_time, get_opt_u64, get_s, get_time, get_u64, ms, n, s,
};
use super::keys::{self, GSI1_PK, RECORDING_COMPOSING, RECORDING_PREFIX, RECORDING_QUEUE};
use super::transact::Transacted;
use super::{DynamoStore, retry};
use crate::store::{
    ClaimRequest, MAX_TAKEOVERS, RecordingOutput, RecordingRecord, RecordingStatus, StoreError,
    TAKEN_OVER_TOO_OFTEN,
};
use aws_sdk_dynamodb::types::AttributeValue;
use peershare_core::room::{ConsentRecord, StopReason};
use peershare_core::{GroupId, Timestamp};
use std::collections::HashMap;

/// Largest page read while listing a group's recordings.
const MAX_PAGE: usize = 500;

/// Queued recordings read per query while claiming one.
const CLAIM_PAGE: i32 = 10;

/// A recording began (a second report of the same id changes nothing).
pub(super) async fn started(store: &DynamoStore, record: &RecordingRecord) -> Result<(), StoreError> {
    let mut consents = Vec::with_capacity(record.consents.len());
    let mut consent_keys = Vec::with_capacity(record.consents.len());
    for consent in &record.consents {
        let key = consent_key(consent);
        if !consent_keys.contains(&key) {
            consent_keys.push(key);
            consents.push(s(json(consent)?));
        }
    }
    let mut item = keys::recording(&record.id);
    item.extend([
        ("recording_id".to_owned(), s(&record.id)),
        ("group_id".to_owned(), s(record.group.as_str())),
        ("call_id".to_owned(), s(&record.call_id)),
        ("started_at".to_owned(), ms(record.started_at)),
        ("started_by".to_owned(), s(json(&record.started_by)?)),
        ("consents".to_owned(), AttributeValue::L(consents)),
        ("recording_status".to_owned(), s(RecordingStatus::Recording.name())),
    ]);
    // A string set cannot be empty: without answers, the first append creates it.
    if !consent_keys.is_empty() {
        item.insert("consent_keys".to_owned(), AttributeValue::Ss(consent_keys));
    }
    // The entry says only what its key says: writing it again (after a deletion that stopped
    // half-way) changes nothing.
    let mut entry = keys::recording_entry(&record.group, record.started_at, &record.id);
    entry.extend([
        ("recording_id".to_owned(), s(&record.id)),
        ("started_at".to_owned(), ms(record.started_at)),
    ]);
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_put(item.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_put(entry.clone(), "", &[])?,
            store.tx_check(keys::group(&record.group), "attribute_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(why) if why.failed(0) => return Ok(()),
            Transacted::Cancelled(why) if why.failed(2) => {
                return Err(StoreError(format!("no group {}", record.group.as_str())));
            }
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "recording a recording's start").await?,
        }
    }
}

/// An answer given while it ran, appended once; unknown recordings are ignored.
pub(super) async fn consent(
    store: &DynamoStore,
    id: &str,
    consent: &ConsentRecord,
) -> Result<(), StoreError> {
    let key = consent_key(consent);
    store
        .update_if(
            keys::recording(id),
            "SET consents = list_append(consents, :consent) ADD consent_keys :keys",
            "attribute_exists(pk) AND NOT contains(consent_keys, :key)",
            &[
                (":consent", AttributeValue::L(vec![s(json(consent)?)])),
                (":keys", AttributeValue::Ss(vec![key.clone()])),
                (":key", s(key)),
            ],
        )
        .await?;
    Ok(())
}

/// It stopped: queued for composition, unless it had stopped already (or is unknown).
pub(super) async fn stopped(
    store: &DynamoStore,
    id: &str,
    at: Timestamp,
    reason: StopReason,
) -> Result<(), StoreError> {
    store
        .update_if(
            keys::recording(id),
            "SET stopped_at = :at, stop_reason = :reason, recording_status = :queued, \
             gsi1pk = :queue, gsi1sk = :order",
            "recording_status = :recording AND attribute_not_exists(stopped_at)",
            &[
                (":at", ms(at)),
                (":reason", s(reason.as_str())),
                (":queued", s(RecordingStatus::Queued.name())),
                (":recording", s(RecordingStatus::Recording.name())),
                (":queue", s(RECORDING_QUEUE)),
                (":order", s(keys::queue_sk(Some(at), id))),
            ],
        )
        .await?;
    Ok(())
}

/// Takes the queued recording that stopped first, else (with `claim.take_expired`) one whose
/// composer's claim ran out, failing instead those taken over [`MAX_TAKEOVERS`] times already.
/// Each partition of the index is read in order (it may still list a recording just claimed:
/// the claim's condition skips it, and the next is tried).
pub(super) async fn claim(
    store: &DynamoStore,
    claim: &ClaimRequest,
) -> Result<Option<RecordingRecord>, StoreError> {
    let processing = || s(RecordingStatus::Processing { percent: 0 }.name());
    // DynamoDB refuses values an expression does not use: each update gets exactly its own.
    let claimed = || {
        vec![
            (":processing", processing()),
            (":zero", n(0)),
            (":composing", s(RECORDING_COMPOSING)),
            (":by", s(&claim.claimant)),
            (":until", ms(claim.until)),
        ]
    };
    let mut queued = claimed();
    queued.push((":queued", s(RecordingStatus::Queued.name())));
    let mut taken = claimed();
    taken.extend([(":one", n(1)), (":now", ms(claim.now)), (":max", n(u64::from(MAX_TAKEOVERS)))]);
    let set = "SET recording_status = :processing, status_percent = :zero, gsi1pk = :composing, \
               claimed_by = :by, claimed_until = :until";
    let from_queue = (format!("{set} REMOVE failure_reason"), "recording_status = :queued");
    let expired =
        "recording_status = :processing AND (attribute_not_exists(claimed_until) OR claimed_until < :now)";
    let taken_over = (
        format!("{set}, takeovers = if_not_exists(takeovers, :zero) + :one REMOVE failure_reason"),
        format!("{expired} AND (attribute_not_exists(takeovers) OR takeovers < :max)"),
    );
    if let Some(record) = take_first(store, RECORDING_QUEUE, &from_queue.0, from_queue.1, &queued).await? {
        return Ok(Some(record));
    }
    if !claim.take_expired {
        return Ok(None);
    }
    // Those taken over too often first fail, so they are not taken again.
    let failed = [
        (":failed", s(RecordingStatus::Failed { reason: String::new() }.name())),
        (":reason", s(TAKEN_OVER_TOO_OFTEN)),
        (":processing", processing()),
        (":now", ms(claim.now)),
        (":max", n(u64::from(MAX_TAKEOVERS))),
    ];
    let fail =
        "SET recording_status = :failed, failure_reason = :reason REMOVE gsi1pk, status_percent, claimed_by";
    take_first(store, RECORDING_COMPOSING, fail, &format!("{expired} AND takeovers >= :max"), &failed)
        .await?;
    take_first(store, RECORDING_COMPOSING, &taken_over.0, &taken_over.1, &taken).await
}

/// The first item of index `partition` that `update` changes under `condition`, as it is after.
async fn take_first(
    store: &DynamoStore,
    partition: &str,
    update: &str,
    condition: &str,
    values: Values<'_>,
) -> Result<Option<RecordingRecord>, StoreError> {
    let mut start = None;
    loop {
        let (candidates, next) = store.query_index_page(partition, Some(CLAIM_PAGE), start).await?;
        for candidate in &candidates {
            if let Some(item) = store.update_if(key_of(candidate), update, condition, values).await? {
                return record(&item).map(Some);
            }
        }
        match next {
            Some(next) => start = Some(next),
            None => return Ok(None),
        }
    }
}

/// Extends `claimant`'s claim on `id` to `until` while it holds it; whether it did.
pub(super) async fn renew_claim(
    store: &DynamoStore,
    id: &str,
    claimant: &str,
    until: Timestamp,
) -> Result<bool, StoreError> {
    let renewed = store
        .update_if(
            keys::recording(id),
            "SET claimed_until = :until",
            "recording_status = :processing AND claimed_by = :by",
            &[
                (":until", ms(until)),
                (":processing", s(RecordingStatus::Processing { percent: 0 }.name())),
                (":by", s(claimant)),
            ],
        )
        .await?;
    Ok(renewed.is_some())
}

/// The progress or outcome `claimant` reports while it holds the claim; the output is replaced
/// by `output`. Back in `queued`, the recording rejoins the queue where it stopped. Whether it
/// held the claim (unknown recordings are nobody's).
pub(super) async fn set_status(
    store: &DynamoStore,
    id: &str,
    claimant: &str,
    status: &RecordingStatus,
    output: Option<&RecordingOutput>,
) -> Result<bool, StoreError> {
    let mut sets = vec!["recording_status = :status"];
    let mut removes = Vec::new();
    let mut values = vec![
        (":status", s(status.name())),
        (":by", s(claimant)),
        (":processing", s(RecordingStatus::Processing { percent: 0 }.name())),
    ];
    match status {
        RecordingStatus::Processing { percent } => {
            sets.push("status_percent = :percent");
            values.push((":percent", n(u64::from(*percent))));
            removes.push("failure_reason");
        }
        RecordingStatus::Failed { reason } => {
            sets.push("failure_reason = :reason");
            values.push((":reason", s(reason)));
            removes.push("status_percent");
        }
        RecordingStatus::Recording | RecordingStatus::Queued | RecordingStatus::Ready => {
            removes.extend(["status_percent", "failure_reason"]);
        }
    }
    match output {
        Some(output) => {
            sets.extend(["output_key = :key", "output_bytes = :bytes", "output_ms = :duration"]);
            values.extend([
                (":key", s(&output.object_key)),
                (":bytes", n(output.size_bytes)),
                (":duration", n(output.duration_ms)),
            ]);
        }
        None => removes.extend(["output_key", "output_bytes", "output_ms"]),
    }
    match status {
        RecordingStatus::Queued => {
            sets.extend(["gsi1pk = :queue", "gsi1sk = if_not_exists(gsi1sk, :order)"]);
            values.extend([(":queue", s(RECORDING_QUEUE)), (":order", s(keys::queue_sk(None, id)))]);
        }
        RecordingStatus::Processing { .. } => {
            sets.extend(["gsi1pk = :composing", "gsi1sk = if_not_exists(gsi1sk, :order)"]);
            values.extend([(":composing", s(RECORDING_COMPOSING)), (":order", s(keys::queue_sk(None, id)))]);
        }
        _ => removes.push(GSI1_PK),
    }
    if !matches!(status, RecordingStatus::Processing { .. }) {
        removes.push("claimed_by");
    }
    let mut update = format!("SET {}", sets.join(", "));
    if !removes.is_empty() {
        update.push_str(&format!(" REMOVE {}", removes.join(", ")));
    }
    let condition = "recording_status = :processing AND claimed_by = :by";
    Ok(store.update_if(keys::recording(id), &update, condition, &values).await?.is_some())
}

/// Whether a recording is queued or being composed: one item of either partition of the index.
pub(super) async fn compositions_pending(store: &DynamoStore) -> Result<bool, StoreError> {
    for partition in [RECORDING_QUEUE, RECORDING_COMPOSING] {
        let (items, _) = store.query_index_page(partition, Some(1), None).await?;
        if !items.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The recording with this id.
pub(super) async fn get(store: &DynamoStore, id: &str) -> Result<Option<RecordingRecord>, StoreError> {
    store.get(keys::recording(id)).await?.as_ref().map(record).transpose()
}

/// A group's latest recordings, newest first (ties by id).
pub(super) async fn list(
    store: &DynamoStore,
    group: &GroupId,
    limit: usize,
) -> Result<Vec<RecordingRecord>, StoreError> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let started = |entry: &Item| get_opt_u64(entry, "started_at").ok().flatten();
    // Newest first by sort key; read past `limit` only while recordings tie on start time.
    let page = i32::try_from(limit.saturating_add(1).min(MAX_PAGE)).unwrap_or(i32::MAX);
    let mut entries = store
        .query_pages(&keys::group_pk(group), RECORDING_PREFIX, false, Some(page), |items| {
            items.len() > limit && started(&items[limit]) != started(&items[limit - 1])
        })
        .await?;
    entries.sort_by(|a, b| {
        started(b)
            .cmp(&started(a))
            .then_with(|| get_s(a, "recording_id").ok().cmp(&get_s(b, "recording_id").ok()))
    });
    entries.truncate(limit);
    let ids = entries.iter().map(|entry| get_s(entry, "recording_id")).collect::<Result<Vec<_>, _>>()?;
    let mut found = HashMap::with_capacity(ids.len());
    for item in store.batch_get(ids.iter().map(|id| keys::recording(id)).collect()).await? {
        found.insert(get_s(&item, "recording_id")?.to_owned(), item);
    }
    // An entry whose recording is gone (a deletion that stopped half-way) is skipped.
    ids.iter().filter_map(|id| found.get(*id)).map(record).collect()
}

/// Deletes a recording and its entry in its group's list; whether it existed.
pub(super) async fn delete(store: &DynamoStore, id: &str) -> Result<bool, StoreError> {
    let Some(old) = store.delete(keys::recording(id)).await? else { return Ok(false) };
    let entry = keys::recording_entry(&get_group_id(&old, "group_id")?, get_time(&old, "started_at")?, id);
    store.delete(entry).await?;
    Ok(true)
}

/// Reads a recording item.
fn record(item: &Item) -> Result<RecordingRecord, StoreError> {
    let consents = match item.get("consents") {
        None => Vec::new(),
        Some(AttributeValue::L(list)) => list
            .iter()
            .map(|v| match v {
                AttributeValue::S(text) => from_json(item, "consents", text),
                _ => Err(corrupt(item, "consents", "not a list of JSON strings")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(corrupt(item, "consents", "not a list")),
    };
    let stop_reason = get_opt_s(item, "stop_reason")?
        .map(|name| {
            StopReason::parse(name).ok_or_else(|| corrupt(item, "stop_reason", "unknown stop reason"))
        })
        .transpose()?;
    let output = match get_opt_s(item, "output_key")? {
        None => None,
        Some(key) => Some(RecordingOutput {
            object_key: key.to_owned(),
            size_bytes: get_u64(item, "output_bytes")?,
            duration_ms: get_u64(item, "output_ms")?,
        }),
    };
    Ok(RecordingRecord {
        id: get_s(item, "recording_id")?.to_owned(),
        group: get_group_id(item, "group_id")?,
        call_id: get_s(item, "call_id")?.to_owned(),
        started_at: get_time(item, "started_at")?,
        stopped_at: get_opt_time(item, "stopped_at")?,
        stop_reason,
        started_by: from_json(item, "started_by", get_s(item, "started_by")?)?,
        consents,
        status: status(item)?,
        output,
    })
}

/// Reads a recording's status with its percent or failure reason.
fn status(item: &Item) -> Result<RecordingStatus, StoreError> {
    match get_s(item, "recording_status")? {
        "recording" => Ok(RecordingStatus::Recording),
        "queued" => Ok(RecordingStatus::Queued),
        "processing" => {
            let percent = u8::try_from(get_u64(item, "status_percent")?)
                .map_err(|_| corrupt(item, "status_percent", "not a percentage"))?;
            Ok(RecordingStatus::Processing { percent })
        }
        "ready" => Ok(RecordingStatus::Ready),
        "failed" => Ok(RecordingStatus::Failed { reason: get_s(item, "failure_reason")?.to_owned() }),
        _ => Err(corrupt(item, "recording_status", "unknown status")),
    }
}

/// What makes an answer the same answer: who, and when.
fn consent_key(consent: &ConsentRecord) -> String {
    format!("{}@{}", consent.participant.0, consent.at.as_millis())
}

/// A consent record as stored.
fn json(consent: &ConsentRecord) -> Result<String, StoreError> {
    serde_json::to_string(consent).map_err(|e| StoreError(e.to_string()))
}

/// A stored consent record of attribute `name`.
fn from_json(item: &Item, name: &str, text: &str) -> Result<ConsentRecord, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(item, name, &e.to_string()))
}

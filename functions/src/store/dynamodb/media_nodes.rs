//! The media-node registry on DynamoDB. Every node's item lives in the one `MEDIA_NODES`
//! partition, so the allocator lists the fleet with one strongly consistent query; a node's
//! call sessions are items of its own partition (`MEDIA_NODE#{id}`).
//!
//! Capacity: a condition expression cannot add (`reserved + :n <= node_capacity` is not
//! DynamoDB syntax), so the node item keeps `unreserved` (capacity − reserved) beside
//! `reserved`, both changed by the same update expression. A reservation is then one
//! TransactWriteItems with no read before it: put the allocation if absent, and add to the node
//! only while `unreserved >= :n` (and it is registered, not draining, alive since the caller's
//! bound, and not being replaced). A release deletes the allocation as it was read and gives
//! back exactly its participants in the same transaction, so nothing is subtracted twice.
//!
//! Idleness: an update cannot set `idle_since` only when a counter reaches 0, so every release
//! sets it and every reservation removes it, and it is read only while `allocation_count` is 0:
//! then it is the time of the release that emptied the node (or of its registration).
//!
//! Replacing a node (registering again, removing) spans many items: it first sets a random
//! `fence` on the node item, which no reservation gets past, then deletes the allocations one
//! by one (each delete returns what it removed, so exactly those are reported), then puts the
//! fresh item or deletes the node only while its fence is still the one it set.
//!
//! Expiry: the node item carries `expires_ttl` (epoch seconds) an hour past its last heartbeat,
//! each allocation a week past its creation, so a dead deployment's items vanish by the
//! table's TTL (see `migrations/dynamodb/time_to_live.json`).

use super::client::key_of;
use super::items::{
    Item, b, corrupt, get_bool, get_opt_s, get_opt_time, get_s, get_time, get_u32, get_u64, ms, n, s,
};
use super::keys::{self, CALL_PREFIX, MEDIA_NODES, NODE_PREFIX};
use super::transact::Transacted;
use super::{DynamoStore, retry};
use crate::store::{MediaNodeEntry, NodeAllocation, NodeRegistration, Reservation, StoreError};
use peershare_core::Timestamp;
use std::time::Duration;

/// How long a node's item outlives its last heartbeat.
const NODE_TTL: Duration = Duration::from_secs(60 * 60);

/// How long an allocation's item outlives its creation (a call longer than this loses it).
const ALLOCATION_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Registers `node`, replacing the item of an earlier run and dropping its allocations.
pub(super) async fn register(
    store: &DynamoStore,
    node: &NodeRegistration,
    now: Timestamp,
) -> Result<Vec<NodeAllocation>, StoreError> {
    let mut item = keys::media_node(&node.id);
    item.extend([
        ("node_id".to_owned(), s(&node.id)),
        ("node_region".to_owned(), s(&node.region)),
        ("public_url".to_owned(), s(&node.public_url)),
        ("control_url".to_owned(), s(&node.control_url)),
        ("node_capacity".to_owned(), n(node.capacity.into())),
        ("node_version".to_owned(), s(&node.version)),
        ("reserved".to_owned(), n(0)),
        ("unreserved".to_owned(), n(node.capacity.into())),
        ("allocation_count".to_owned(), n(0)),
        ("node_load".to_owned(), n(0)),
        ("draining".to_owned(), b(false)),
        ("registered_at".to_owned(), ms(now)),
        ("last_heartbeat".to_owned(), ms(now)),
        ("idle_since".to_owned(), ms(now)),
        ("expires_ttl".to_owned(), expiry(now, NODE_TTL)),
    ]);
    if let Some(pin) = &node.tls_sha256 {
        item.insert("tls_sha256".to_owned(), s(pin));
    }
    replace(store, &node.id, Some(&item), "registering a media node").await
}

/// Records a heartbeat; the entry afterwards, or None for an unknown node.
pub(super) async fn heartbeat(
    store: &DynamoStore,
    id: &str,
    load: u32,
    now: Timestamp,
) -> Result<Option<MediaNodeEntry>, StoreError> {
    let updated = store
        .update_if(
            keys::media_node(id),
            "SET last_heartbeat = :now, node_load = :load, expires_ttl = :ttl",
            "attribute_exists(pk)",
            &[(":now", ms(now)), (":load", n(load.into())), (":ttl", expiry(now, NODE_TTL))],
        )
        .await?;
    updated.as_ref().map(entry).transpose()
}

/// Every node, by id (one query of one partition).
pub(super) async fn list(store: &DynamoStore) -> Result<Vec<MediaNodeEntry>, StoreError> {
    store.query(MEDIA_NODES, NODE_PREFIX, true).await?.iter().map(entry).collect()
}

/// One node.
pub(super) async fn get(store: &DynamoStore, id: &str) -> Result<Option<MediaNodeEntry>, StoreError> {
    store.get(keys::media_node(id)).await?.as_ref().map(entry).transpose()
}

/// Reserves `allocation` if the node takes it: one transaction; when cancelled, the items say
/// why, and only a collision (nothing refused) is tried again.
pub(super) async fn reserve(
    store: &DynamoStore,
    allocation: &NodeAllocation,
    alive_since: Timestamp,
) -> Result<Reservation, StoreError> {
    let mut item = keys::node_allocation(&allocation.node_id, &allocation.call_id);
    item.extend([
        ("node_id".to_owned(), s(&allocation.node_id)),
        ("call_id".to_owned(), s(&allocation.call_id)),
        ("participants".to_owned(), n(allocation.participants.into())),
        ("room".to_owned(), s(&allocation.room)),
        ("created_at".to_owned(), ms(allocation.created_at)),
        ("expires_ttl".to_owned(), expiry(allocation.created_at, ALLOCATION_TTL)),
    ]);
    let participants = n(allocation.participants.into());
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_put(item.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_update(
                keys::media_node(&allocation.node_id),
                "SET reserved = reserved + :n, unreserved = unreserved - :n, \
                 allocation_count = allocation_count + :one REMOVE idle_since",
                "attribute_exists(pk) AND attribute_not_exists(fence) AND draining = :false \
                 AND last_heartbeat >= :alive AND unreserved >= :n",
                &[
                    (":n", participants.clone()),
                    (":one", n(1)),
                    (":false", b(false)),
                    (":alive", ms(alive_since)),
                ],
            )?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(Reservation::Reserved),
            Transacted::Cancelled(why) if why.failed(0) => return Ok(Reservation::AlreadyReserved),
            Transacted::Cancelled(why) if why.failed(1) => {
                if let Some(refused) = refusal(store, allocation, alive_since).await? {
                    return Ok(refused);
                }
            }
            Transacted::Cancelled(_) => {}
        }
        retry::pause(&mut attempt, "reserving on a media node").await?;
    }
}

/// Why the node, read again, refuses `allocation`; None when it would take it now (it changed
/// since the refusal).
async fn refusal(
    store: &DynamoStore,
    allocation: &NodeAllocation,
    alive_since: Timestamp,
) -> Result<Option<Reservation>, StoreError> {
    let Some(item) = store.get(keys::media_node(&allocation.node_id)).await? else {
        return Ok(Some(Reservation::UnknownNode));
    };
    let node = entry(&item)?;
    Ok(if node.draining {
        Some(Reservation::Draining)
    } else if node.last_heartbeat < alive_since || item.contains_key("fence") {
        // Fenced: it is restarting or leaving right now, so this run of it takes nothing more.
        Some(Reservation::Dead)
    } else if get_u64(&item, "unreserved")? < u64::from(allocation.participants) {
        Some(Reservation::NoRoom)
    } else {
        None
    })
}

/// Removes an allocation and gives back its participants; whether it existed.
pub(super) async fn release(
    store: &DynamoStore,
    node_id: &str,
    call_id: &str,
    now: Timestamp,
) -> Result<bool, StoreError> {
    let key = keys::node_allocation(node_id, call_id);
    let mut attempt = 0;
    loop {
        let Some(item) = store.get(key.clone()).await? else { return Ok(false) };
        let held = allocation(&item)?;
        // Exactly the allocation read: one made again meanwhile is another's to release.
        let unchanged = "participants = :n AND created_at = :at";
        let as_read = [(":n", n(held.participants.into())), (":at", ms(held.created_at))];
        let actions = vec![
            store.tx_delete(key.clone(), unchanged, &as_read)?,
            store.tx_update(
                keys::media_node(node_id),
                "SET reserved = reserved - :n, unreserved = unreserved + :n, \
                 allocation_count = allocation_count - :one, idle_since = :now",
                "attribute_exists(pk) AND reserved >= :n AND allocation_count >= :one",
                &[(":n", n(held.participants.into())), (":one", n(1)), (":now", ms(now))],
            )?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(true),
            Transacted::Cancelled(why) if why.failed(1) && !why.failed(0) => {
                // The node is gone (removed, or expired) but not this allocation: drop it alone.
                if store.get(keys::media_node(node_id)).await?.is_none() {
                    return Ok(store.delete_if(key.clone(), unchanged, &as_read).await?.is_some());
                }
            }
            // Released (or dropped) meanwhile, or a collision: the next read says which.
            Transacted::Cancelled(_) => {}
        }
        retry::pause(&mut attempt, "releasing on a media node").await?;
    }
}

/// A node's allocations, by call id.
pub(super) async fn node_allocations(
    store: &DynamoStore,
    node_id: &str,
) -> Result<Vec<NodeAllocation>, StoreError> {
    store
        .query(&keys::node_allocations_pk(node_id), CALL_PREFIX, true)
        .await?
        .iter()
        .map(allocation)
        .collect()
}

/// Marks a node draining or not; whether it is registered.
pub(super) async fn set_draining(store: &DynamoStore, id: &str, draining: bool) -> Result<bool, StoreError> {
    let updated = store
        .update_if(
            keys::media_node(id),
            "SET draining = :draining",
            "attribute_exists(pk)",
            &[(":draining", b(draining))],
        )
        .await?;
    Ok(updated.is_some())
}

/// Removes a node with its allocations; returns them.
pub(super) async fn remove(store: &DynamoStore, id: &str) -> Result<Vec<NodeAllocation>, StoreError> {
    replace(store, id, None, "removing a media node").await
}

/// Fences node `id`, drops its allocations, then puts `fresh` in its place, or deletes it
/// when there is none; the allocations dropped, by call id. Removing an unknown node touches
/// nothing (a registration under way may be reserving on it).
async fn replace(
    store: &DynamoStore,
    id: &str,
    fresh: Option<&Item>,
    what: &str,
) -> Result<Vec<NodeAllocation>, StoreError> {
    let mut dropped = Vec::new();
    let mut attempt = 0;
    loop {
        let fence = [(":fence", s(format!("{:016x}", rand::random::<u64>())))];
        let fenced = store
            .update_if(keys::media_node(id), "SET fence = :fence", "attribute_exists(pk)", &fence)
            .await?
            .is_some();
        if !fenced && fresh.is_none() {
            return Ok(dropped);
        }
        for item in store.query(&keys::node_allocations_pk(id), CALL_PREFIX, true).await? {
            if let Some(old) = store.delete(key_of(&item)).await? {
                dropped.push(allocation(&old)?);
            }
        }
        let done = match fresh {
            Some(item) if fenced => store.put_if(item.clone(), "fence = :fence", &fence).await?,
            Some(item) => store.put_if(item.clone(), "attribute_not_exists(pk)", &[]).await?,
            None => store.delete_if(keys::media_node(id), "fence = :fence", &fence).await?.is_some(),
        };
        if done {
            dropped.sort_by(|a, b| a.call_id.cmp(&b.call_id));
            return Ok(dropped);
        }
        // Another registration or removal of the same node got in between.
        retry::pause(&mut attempt, what).await?;
    }
}

/// `at` plus `ttl`, in epoch seconds, as DynamoDB's TTL reads it.
fn expiry(at: Timestamp, ttl: Duration) -> aws_sdk_dynamodb::types::AttributeValue {
    n(at.plus(ttl).as_millis() / 1000)
}

/// Reads a node item.
fn entry(item: &Item) -> Result<MediaNodeEntry, StoreError> {
    let reserved = get_u32(item, "reserved")?;
    let capacity = get_u32(item, "node_capacity")?;
    if u64::from(reserved) + get_u64(item, "unreserved")? != u64::from(capacity) {
        return Err(corrupt(item, "unreserved", "not capacity minus reserved"));
    }
    let idle = get_u64(item, "allocation_count")? == 0;
    Ok(MediaNodeEntry {
        registration: NodeRegistration {
            id: get_s(item, "node_id")?.to_owned(),
            region: get_s(item, "node_region")?.to_owned(),
            public_url: get_s(item, "public_url")?.to_owned(),
            control_url: get_s(item, "control_url")?.to_owned(),
            capacity,
            version: get_s(item, "node_version")?.to_owned(),
            tls_sha256: get_opt_s(item, "tls_sha256")?.map(str::to_owned),
        },
        reserved,
        load: get_u32(item, "node_load")?,
        draining: get_bool(item, "draining")?,
        registered_at: get_time(item, "registered_at")?,
        last_heartbeat: get_time(item, "last_heartbeat")?,
        idle_since: if idle { get_opt_time(item, "idle_since")? } else { None },
    })
}

/// Reads an allocation item.
fn allocation(item: &Item) -> Result<NodeAllocation, StoreError> {
    Ok(NodeAllocation {
        node_id: get_s(item, "node_id")?.to_owned(),
        call_id: get_s(item, "call_id")?.to_owned(),
        participants: get_u32(item, "participants")?,
        room: get_s(item, "room")?.to_owned(),
        created_at: get_time(item, "created_at")?,
    })
}

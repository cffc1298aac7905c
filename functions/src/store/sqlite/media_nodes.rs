//! The media-node registry on the embedded store: one row per node in `media_nodes`, one per
//! reserved call session in `node_allocations`. A node's `reserved` is the sum of its
//! allocations' participants, kept with them: every write that reads first (registering,
//! reserving, releasing, removing) runs in a `BEGIN IMMEDIATE` transaction, so reservations at
//! once never take a node past its capacity (the schema refuses it too).

use super::rows::{millis, timestamp};
use crate::store::{MediaNodeEntry, NodeAllocation, NodeRegistration, Reservation};
use peershare_core::Timestamp;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

/// Columns of `media_nodes` read by [`entry`], in order.
const NODE_COLUMNS: &str = "id, region, public_url, control_url, capacity, version, reserved, load, \
                            draining, registered_at, last_heartbeat, idle_since, tls_sha256";

/// Columns of `node_allocations` read by [`allocation`], in order.
const ALLOCATION_COLUMNS: &str = "node_id, call_id, participants, room, created_at";

/// Registers `node`, replacing the entry of an earlier run and dropping its allocations.
pub(super) fn register(
    conn: &mut Connection,
    node: &NodeRegistration,
    now: Timestamp,
) -> rusqlite::Result<Vec<NodeAllocation>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let dropped = allocations(&tx, &node.id)?;
    // Its allocations go with it (ON DELETE CASCADE).
    tx.execute("DELETE FROM media_nodes WHERE id = ?1", [&node.id])?;
    tx.execute(
        "INSERT INTO media_nodes (id, region, public_url, control_url, capacity, version, reserved, load,
                                  draining, registered_at, last_heartbeat, idle_since, tls_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, 0, ?7, ?7, ?7, ?8)",
        params![
            node.id,
            node.region,
            node.public_url,
            node.control_url,
            node.capacity,
            node.version,
            millis(now),
            node.tls_sha256
        ],
    )?;
    tx.commit()?;
    Ok(dropped)
}

/// Records a heartbeat; the entry afterwards, or None for an unknown node.
pub(super) fn heartbeat(
    conn: &mut Connection,
    id: &str,
    load: u32,
    now: Timestamp,
) -> rusqlite::Result<Option<MediaNodeEntry>> {
    conn.query_row(
        &format!(
            "UPDATE media_nodes SET last_heartbeat = ?2, load = ?3 WHERE id = ?1 RETURNING {NODE_COLUMNS}"
        ),
        params![id, millis(now), load],
        entry,
    )
    .optional()
}

/// Every node, by id.
pub(super) fn list(conn: &mut Connection) -> rusqlite::Result<Vec<MediaNodeEntry>> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT {NODE_COLUMNS} FROM media_nodes ORDER BY id"))?;
    statement.query_map([], entry)?.collect()
}

/// One node.
pub(super) fn get(conn: &mut Connection, id: &str) -> rusqlite::Result<Option<MediaNodeEntry>> {
    read(conn, id)
}

/// Reserves `allocation` if the node takes it (see [`Reservation`] for the order of refusals).
pub(super) fn reserve(
    conn: &mut Connection,
    allocation: &NodeAllocation,
    alive_since: Timestamp,
) -> rusqlite::Result<Reservation> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let already = tx
        .query_row(
            "SELECT 1 FROM node_allocations WHERE node_id = ?1 AND call_id = ?2",
            [&allocation.node_id, &allocation.call_id],
            |_| Ok(()),
        )
        .optional()?;
    let outcome = match (already, read(&tx, &allocation.node_id)?) {
        (Some(()), _) => Reservation::AlreadyReserved,
        (None, None) => Reservation::UnknownNode,
        (None, Some(node)) if node.draining => Reservation::Draining,
        (None, Some(node)) if node.last_heartbeat < alive_since => Reservation::Dead,
        (None, Some(node))
            if u64::from(node.reserved) + u64::from(allocation.participants)
                > u64::from(node.registration.capacity) =>
        {
            Reservation::NoRoom
        }
        (None, Some(_)) => {
            tx.execute(
                &format!("INSERT INTO node_allocations ({ALLOCATION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5)"),
                params![
                    allocation.node_id,
                    allocation.call_id,
                    allocation.participants,
                    allocation.room,
                    millis(allocation.created_at)
                ],
            )?;
            tx.execute(
                "UPDATE media_nodes SET reserved = reserved + ?2, idle_since = NULL WHERE id = ?1",
                params![allocation.node_id, allocation.participants],
            )?;
            Reservation::Reserved
        }
    };
    tx.commit()?;
    Ok(outcome)
}

/// Removes an allocation and gives back its participants; whether it existed.
pub(super) fn release(
    conn: &mut Connection,
    node_id: &str,
    call_id: &str,
    now: Timestamp,
) -> rusqlite::Result<bool> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let participants: Option<u32> = tx
        .query_row(
            "DELETE FROM node_allocations WHERE node_id = ?1 AND call_id = ?2 RETURNING participants",
            [node_id, call_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(participants) = participants {
        tx.execute(
            "UPDATE media_nodes SET reserved = reserved - ?2,
                 idle_since = CASE WHEN EXISTS (SELECT 1 FROM node_allocations WHERE node_id = ?1)
                              THEN idle_since ELSE ?3 END
             WHERE id = ?1",
            params![node_id, participants, millis(now)],
        )?;
    }
    tx.commit()?;
    Ok(participants.is_some())
}

/// A node's allocations, by call id.
pub(super) fn node_allocations(
    conn: &mut Connection,
    node_id: &str,
) -> rusqlite::Result<Vec<NodeAllocation>> {
    allocations(conn, node_id)
}

/// Marks a node draining or not; whether it is registered.
pub(super) fn set_draining(conn: &mut Connection, id: &str, draining: bool) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE media_nodes SET draining = ?2 WHERE id = ?1", params![id, draining])? > 0)
}

/// Removes a node with its allocations; returns them.
pub(super) fn remove(conn: &mut Connection, id: &str) -> rusqlite::Result<Vec<NodeAllocation>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let dropped = allocations(&tx, id)?;
    tx.execute("DELETE FROM media_nodes WHERE id = ?1", [id])?;
    tx.commit()?;
    Ok(dropped)
}

/// One node, inside a transaction or not.
fn read(conn: &Connection, id: &str) -> rusqlite::Result<Option<MediaNodeEntry>> {
    conn.query_row(&format!("SELECT {NODE_COLUMNS} FROM media_nodes WHERE id = ?1"), [id], entry).optional()
}

/// A node's allocations, by call id.
fn allocations(conn: &Connection, node_id: &str) -> rusqlite::Result<Vec<NodeAllocation>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {ALLOCATION_COLUMNS} FROM node_allocations WHERE node_id = ?1 ORDER BY call_id"
    ))?;
    statement.query_map([node_id], allocation)?.collect()
}

/// Reads [`NODE_COLUMNS`].
fn entry(row: &Row<'_>) -> rusqlite::Result<MediaNodeEntry> {
    Ok(MediaNodeEntry {
        registration: NodeRegistration {
            id: row.get(0)?,
            region: row.get(1)?,
            public_url: row.get(2)?,
            control_url: row.get(3)?,
            capacity: row.get(4)?,
            version: row.get(5)?,
            tls_sha256: row.get(12)?,
        },
        reserved: row.get(6)?,
        load: row.get(7)?,
        draining: row.get(8)?,
        registered_at: timestamp(row.get(9)?),
        last_heartbeat: timestamp(row.get(10)?),
        idle_since: row.get::<_, Option<i64>>(11)?.map(timestamp),
    })
}

/// Reads [`ALLOCATION_COLUMNS`].
fn allocation(row: &Row<'_>) -> rusqlite::Result<NodeAllocation> {
    Ok(NodeAllocation {
        node_id: row.get(0)?,
        call_id: row.get(1)?,
        participants: row.get(2)?,
        room: row.get(3)?,
        created_at: timestamp(row.get(4)?),
    })
}

//! Call history on the embedded store: rows written by the signaling host as calls start and
//! end, read back per group.

use super::rows::{millis, timestamp};
use crate::store::{CallAttendance, CallRecord};
use peershare_core::{GroupId, Timestamp};
use rusqlite::{Connection, params};

/// A call started (a second report of the same call changes nothing).
pub(super) fn started(
    conn: &mut Connection,
    call: &str,
    group: &GroupId,
    at: Timestamp,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO calls (id, group_id, started_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING",
        params![call, group.as_str(), millis(at)],
    )?;
    Ok(())
}

/// Someone joined (a repeated report of the same stint changes nothing).
pub(super) fn joined(
    conn: &mut Connection,
    call: &str,
    participant: &str,
    display_name: &str,
    at: Timestamp,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO call_participants (call_id, participant, display_name, joined_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
        params![call, participant, display_name, millis(at)],
    )?;
    Ok(())
}

/// Someone left: closes the stint that began at `joined_at`.
pub(super) fn left(
    conn: &mut Connection,
    call: &str,
    participant: &str,
    joined_at: Timestamp,
    at: Timestamp,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE call_participants SET left_at = ?4
         WHERE call_id = ?1 AND participant = ?2 AND joined_at = ?3 AND left_at IS NULL",
        params![call, participant, millis(joined_at), millis(at)],
    )?;
    Ok(())
}

/// The call ended: closes it and every open stint.
pub(super) fn ended(conn: &mut Connection, call: &str, at: Timestamp) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    tx.execute(
        "UPDATE calls SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL",
        params![call, millis(at)],
    )?;
    tx.execute(
        "UPDATE call_participants SET left_at = ?2 WHERE call_id = ?1 AND left_at IS NULL",
        params![call, millis(at)],
    )?;
    tx.commit()
}

/// A group's latest calls with their participants, newest first.
pub(super) fn list(
    conn: &mut Connection,
    group: &GroupId,
    limit: usize,
) -> rusqlite::Result<Vec<CallRecord>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut calls = conn.prepare_cached(
        "SELECT id, started_at, ended_at FROM calls WHERE group_id = ?1 ORDER BY started_at DESC, id LIMIT ?2",
    )?;
    let mut attendance = conn.prepare_cached(
        "SELECT participant, display_name, joined_at, left_at FROM call_participants
         WHERE call_id = ?1 ORDER BY joined_at, participant",
    )?;
    let mut records = Vec::new();
    let rows = calls.query_map(params![group.as_str(), limit], |r| {
        Ok((r.get::<_, String>(0)?, timestamp(r.get(1)?), r.get::<_, Option<i64>>(2)?.map(timestamp)))
    })?;
    for row in rows {
        let (id, started_at, ended_at) = row?;
        let participants = attendance
            .query_map([&id], |r| {
                Ok(CallAttendance {
                    participant: r.get(0)?,
                    display_name: r.get(1)?,
                    joined_at: timestamp(r.get(2)?),
                    left_at: r.get::<_, Option<i64>>(3)?.map(timestamp),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        records.push(CallRecord { id, group: group.clone(), started_at, ended_at, participants });
    }
    Ok(records)
}

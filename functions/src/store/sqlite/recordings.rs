//! Recordings on the embedded store: one row per recording in `recordings`, its audit trail of
//! consent in `recording_consents` in the order given. Writes that read first (appending an
//! answer, claiming the oldest queued recording) run in `BEGIN IMMEDIATE` transactions, so two
//! composers never claim the same recording.

use super::rows::{corrupt, millis, timestamp};
use crate::store::recordings::{MAX_TAKEOVERS, TAKEN_OVER_TOO_OFTEN};
use crate::store::{ClaimRequest, RecordingOutput, RecordingRecord, RecordingStatus};
use peershare_core::room::{ConsentRecord, StopReason};
use peershare_core::{GroupId, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

/// Columns of `recordings` read by [`recording`], in order.
const COLUMNS: &str = "id, group_id, call_id, started_at, started_by, stopped_at, stop_reason, status, \
                       percent, failure, output_key, output_bytes, output_ms";

/// A recording began (a second report of the same id changes nothing).
pub(super) fn started(conn: &mut Connection, record: &RecordingRecord) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let inserted = tx.execute(
        "INSERT INTO recordings (id, group_id, call_id, started_at, started_by, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
        params![
            record.id,
            record.group.as_str(),
            record.call_id,
            millis(record.started_at),
            json(&record.started_by)?,
            RecordingStatus::Recording.name()
        ],
    )?;
    if inserted > 0 {
        for consent in &record.consents {
            append(&tx, &record.id, consent)?;
        }
    }
    tx.commit()
}

/// An answer given while it ran, appended once; unknown recordings are ignored.
pub(super) fn consent(conn: &mut Connection, id: &str, consent: &ConsentRecord) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let known = tx.query_row("SELECT 1 FROM recordings WHERE id = ?1", [id], |_| Ok(())).optional()?;
    if known.is_some() {
        append(&tx, id, consent)?;
    }
    tx.commit()
}

/// Appends an answer after the last one, unless the same participant's answer at the same
/// time is there already.
fn append(conn: &Connection, id: &str, consent: &ConsentRecord) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO recording_consents (recording_id, seq, participant, answered_at, record)
         SELECT ?1, COALESCE(MAX(seq) + 1, 0), ?2, ?3, ?4 FROM recording_consents WHERE recording_id = ?1
         ON CONFLICT DO NOTHING",
        params![id, consent.participant.0, millis(consent.at), json(consent)?],
    )?;
    Ok(())
}

/// It stopped: queued for composition, unless it had stopped already.
pub(super) fn stopped(
    conn: &mut Connection,
    id: &str,
    at: Timestamp,
    reason: StopReason,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE recordings SET stopped_at = ?2, stop_reason = ?3, status = ?4
         WHERE id = ?1 AND status = ?5 AND stopped_at IS NULL",
        params![
            id,
            millis(at),
            reason.as_str(),
            RecordingStatus::Queued.name(),
            RecordingStatus::Recording.name()
        ],
    )?;
    Ok(())
}

/// Takes the queued recording that stopped first, else (with `claim.take_expired`) one whose
/// composer's claim ran out; fails instead those taken over [`MAX_TAKEOVERS`] times already.
pub(super) fn claim(
    conn: &mut Connection,
    claim: &ClaimRequest,
) -> rusqlite::Result<Option<RecordingRecord>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let processing = RecordingStatus::Processing { percent: 0 }.name();
    if claim.take_expired {
        tx.execute(
            "UPDATE recordings SET status = ?1, percent = NULL, failure = ?2, claimed_by = NULL
             WHERE status = ?3 AND coalesce(claimed_until, 0) < ?4 AND takeovers >= ?5",
            params![
                RecordingStatus::Failed { reason: String::new() }.name(),
                TAKEN_OVER_TOO_OFTEN,
                processing,
                millis(claim.now),
                MAX_TAKEOVERS
            ],
        )?;
    }
    let claimed: Option<String> = tx
        .query_row(
            "UPDATE recordings
             SET status = ?1, percent = 0, failure = NULL, claimed_by = ?3, claimed_until = ?4,
                 takeovers = takeovers + (status = ?1)
             WHERE id = (
                 SELECT id FROM recordings
                 WHERE status = ?2 OR (?5 AND status = ?1 AND coalesce(claimed_until, 0) < ?6)
                 ORDER BY status = ?2 DESC, stopped_at, id LIMIT 1
             )
             RETURNING id",
            params![
                processing,
                RecordingStatus::Queued.name(),
                claim.claimant,
                millis(claim.until),
                claim.take_expired,
                millis(claim.now)
            ],
            |r| r.get(0),
        )
        .optional()?;
    let record = match claimed {
        Some(id) => read(&tx, &id)?,
        None => None,
    };
    tx.commit()?;
    Ok(record)
}

/// Extends `claimant`'s claim on `id` to `until` while it holds it; whether it did.
pub(super) fn renew_claim(
    conn: &mut Connection,
    id: &str,
    claimant: &str,
    until: Timestamp,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE recordings SET claimed_until = ?4 WHERE id = ?1 AND status = ?2 AND claimed_by = ?3",
        params![id, RecordingStatus::Processing { percent: 0 }.name(), claimant, millis(until)],
    )?;
    Ok(changed > 0)
}

/// Whether a recording is queued or being composed.
pub(super) fn compositions_pending(conn: &mut Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM recordings WHERE status IN (?1, ?2))",
        params![RecordingStatus::Queued.name(), RecordingStatus::Processing { percent: 0 }.name()],
        |r| r.get(0),
    )
}

/// The progress or outcome `claimant` reports while it holds the claim; the output is replaced
/// by `output`. Whether it held it.
pub(super) fn set_status(
    conn: &mut Connection,
    id: &str,
    claimant: &str,
    status: &RecordingStatus,
    output: Option<&RecordingOutput>,
) -> rusqlite::Result<bool> {
    let (percent, failure) = match status {
        RecordingStatus::Processing { percent } => (Some(*percent), None),
        RecordingStatus::Failed { reason } => (None, Some(reason.as_str())),
        RecordingStatus::Recording | RecordingStatus::Queued | RecordingStatus::Ready => (None, None),
    };
    let processing = RecordingStatus::Processing { percent: 0 }.name();
    let changed = conn.execute(
        "UPDATE recordings
         SET status = ?2, percent = ?3, failure = ?4, output_key = ?5, output_bytes = ?6, output_ms = ?7,
             claimed_by = CASE WHEN ?2 = ?8 THEN claimed_by END
         WHERE id = ?1 AND status = ?8 AND claimed_by = ?9",
        params![
            id,
            status.name(),
            percent,
            failure,
            output.map(|o| o.object_key.as_str()),
            output.map(|o| o.size_bytes),
            output.map(|o| o.duration_ms),
            processing,
            claimant
        ],
    )?;
    Ok(changed > 0)
}

/// The recording with this id.
pub(super) fn get(conn: &mut Connection, id: &str) -> rusqlite::Result<Option<RecordingRecord>> {
    read(conn, id)
}

/// A group's latest recordings, newest first (ties by id).
pub(super) fn list(
    conn: &mut Connection,
    group: &GroupId,
    limit: usize,
) -> rusqlite::Result<Vec<RecordingRecord>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM recordings WHERE group_id = ?1 ORDER BY started_at DESC, id LIMIT ?2"
    ))?;
    let mut records = statement
        .query_map(params![group.as_str(), limit], recording)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for record in &mut records {
        record.consents = consents(conn, &record.id)?;
    }
    Ok(records)
}

/// Deletes a recording with its consents; whether it existed.
pub(super) fn delete(conn: &mut Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM recordings WHERE id = ?1", [id])? > 0)
}

/// One recording with its consents.
fn read(conn: &Connection, id: &str) -> rusqlite::Result<Option<RecordingRecord>> {
    let record = conn
        .query_row(&format!("SELECT {COLUMNS} FROM recordings WHERE id = ?1"), [id], recording)
        .optional()?;
    match record {
        Some(mut record) => {
            record.consents = consents(conn, id)?;
            Ok(Some(record))
        }
        None => Ok(None),
    }
}

/// A recording's answers in the order given.
fn consents(conn: &Connection, id: &str) -> rusqlite::Result<Vec<ConsentRecord>> {
    let mut statement =
        conn.prepare_cached("SELECT record FROM recording_consents WHERE recording_id = ?1 ORDER BY seq")?;
    statement.query_map([id], |r| from_json(r, 0))?.collect()
}

/// Reads [`COLUMNS`] (without the consents).
fn recording(row: &Row<'_>) -> rusqlite::Result<RecordingRecord> {
    let group: String = row.get(1)?;
    let stop_reason = match row.get_ref(6)?.as_str_or_null()? {
        None => None,
        Some(name) => {
            Some(StopReason::parse(name).ok_or_else(|| corrupt(6, format!("unknown stop reason {name:?}")))?)
        }
    };
    let output = match row.get::<_, Option<String>>(10)? {
        None => None,
        Some(object_key) => {
            Some(RecordingOutput { object_key, size_bytes: row.get(11)?, duration_ms: row.get(12)? })
        }
    };
    Ok(RecordingRecord {
        id: row.get(0)?,
        group: GroupId::parse(&group).map_err(|e| corrupt(1, e.to_string()))?,
        call_id: row.get(2)?,
        started_at: timestamp(row.get(3)?),
        started_by: from_json(row, 4)?,
        stopped_at: row.get::<_, Option<i64>>(5)?.map(timestamp),
        stop_reason,
        status: status(row, 7)?,
        output,
        consents: Vec::new(),
    })
}

/// Reads the status name at `at`, its percent and its failure reason after it.
fn status(row: &Row<'_>, at: usize) -> rusqlite::Result<RecordingStatus> {
    let missing = |index: usize| corrupt(index, "missing".into());
    match row.get_ref(at)?.as_str()? {
        "recording" => Ok(RecordingStatus::Recording),
        "queued" => Ok(RecordingStatus::Queued),
        "processing" => Ok(RecordingStatus::Processing {
            percent: row.get::<_, Option<u8>>(at + 1)?.ok_or_else(|| missing(at + 1))?,
        }),
        "ready" => Ok(RecordingStatus::Ready),
        "failed" => Ok(RecordingStatus::Failed {
            reason: row.get::<_, Option<String>>(at + 2)?.ok_or_else(|| missing(at + 2))?,
        }),
        other => Err(corrupt(at, format!("unknown status {other:?}"))),
    }
}

/// A consent record as stored.
fn json(consent: &ConsentRecord) -> rusqlite::Result<String> {
    serde_json::to_string(consent).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// The consent record stored at `index`.
fn from_json(row: &Row<'_>, index: usize) -> rusqlite::Result<ConsentRecord> {
    serde_json::from_str(row.get_ref(index)?.as_str()?).map_err(|e| corrupt(index, e.to_string()))
}

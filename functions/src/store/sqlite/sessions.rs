//! Refresh tokens on the embedded store: rotation and family revocation in one transaction.

use super::rows::{millis, timestamp};
use crate::store::TokenHash;
use peershare_core::Timestamp;
use peershare_core::auth::{RefreshOutcome, RefreshRecord, redeem};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Stores a refresh token.
pub(super) fn put(
    conn: &mut Connection,
    hash: TokenHash,
    record: &RefreshRecord,
    now: Timestamp,
) -> rusqlite::Result<()> {
    insert(conn, hash, record, now)
}

fn insert(
    conn: &Connection,
    hash: TokenHash,
    record: &RefreshRecord,
    now: Timestamp,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at, used, used_at, revoked, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            hash.as_slice(),
            record.family,
            record.user,
            millis(record.expires_at),
            record.used_at.is_some(),
            record.used_at.map(millis),
            record.revoked,
            millis(now)
        ],
    )?;
    Ok(())
}

/// Presents a refresh token and applies core's rule in one immediate transaction.
pub(super) fn rotate(
    conn: &mut Connection,
    presented: TokenHash,
    successor: TokenHash,
    now: Timestamp,
) -> rusqlite::Result<RefreshOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let record = tx
        .query_row(
            "SELECT family, user_id, expires_at, used_at, revoked FROM refresh_tokens WHERE token_hash = ?1",
            [presented.as_slice()],
            |r| {
                Ok(RefreshRecord {
                    family: r.get(0)?,
                    user: r.get(1)?,
                    expires_at: timestamp(r.get(2)?),
                    used_at: r.get::<_, Option<i64>>(3)?.map(timestamp),
                    revoked: r.get(4)?,
                })
            },
        )
        .optional()?;
    let outcome = redeem(record.as_ref(), now);
    match (&outcome, &record) {
        (RefreshOutcome::Rotate { .. }, Some(record)) => {
            tx.execute(
                "UPDATE refresh_tokens SET used = 1, used_at = ?2 WHERE token_hash = ?1",
                params![presented.as_slice(), millis(now)],
            )?;
            insert(&tx, successor, &record.successor(now), now)?;
        }
        (RefreshOutcome::ReuseDetected { family }, _) => {
            tx.execute("UPDATE refresh_tokens SET revoked = 1 WHERE family = ?1", [family])?;
        }
        _ => {}
    }
    tx.commit()?;
    Ok(outcome)
}

/// Revokes the family of a presented token.
pub(super) fn revoke(conn: &mut Connection, presented: TokenHash) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE refresh_tokens SET revoked = 1
         WHERE family = (SELECT family FROM refresh_tokens WHERE token_hash = ?1)",
        [presented.as_slice()],
    )?;
    Ok(())
}

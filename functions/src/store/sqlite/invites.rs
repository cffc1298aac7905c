//! Invites on the embedded store. Joining checks core's invite rules and counts the use in one
//! immediate transaction, so concurrent joins can never exceed the invite's use limit.

use super::rows::{self, GROUP_COLUMNS, millis, role_name, timestamp};
use crate::store::{Group, Invite, NewInvite, RedeemError, Redeemed, TokenHash};
use peershare_core::groups::{InviteState, Role};
use peershare_core::{GroupId, Timestamp};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

const INVITE_COLUMNS: &str = "invites.id, invites.group_id, invites.created_by, invites.created_at,
    invites.expires_at, invites.max_uses, invites.uses, invites.revoked";

/// Stores a new invite.
pub(super) fn create(conn: &mut Connection, invite: &NewInvite, now: Timestamp) -> rusqlite::Result<Invite> {
    conn.execute(
        "INSERT INTO invites (id, token_hash, group_id, created_by, expires_at, max_uses, uses, revoked, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7)",
        params![
            invite.id,
            invite.token_hash.as_slice(),
            invite.group.as_str(),
            invite.created_by,
            millis(invite.state.expires_at),
            invite.state.max_uses,
            millis(now)
        ],
    )?;
    Ok(Invite {
        id: invite.id.clone(),
        group: invite.group.clone(),
        created_by: invite.created_by.clone(),
        created_at: now,
        state: InviteState { uses: 0, revoked: false, ..invite.state },
    })
}

/// A group's invites, newest first.
pub(super) fn list(conn: &mut Connection, group: &GroupId) -> rusqlite::Result<Vec<Invite>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {INVITE_COLUMNS} FROM invites WHERE group_id = ?1 ORDER BY created_at DESC, id"
    ))?;
    statement.query_map([group.as_str()], |r| invite(r, 0))?.collect()
}

/// Revokes one invite of a group.
pub(super) fn revoke(conn: &mut Connection, group: &GroupId, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE invites SET revoked = 1 WHERE group_id = ?1 AND id = ?2",
        params![group.as_str(), id],
    )? > 0)
}

/// The invite with this token and its group.
pub(super) fn by_token(conn: &mut Connection, hash: TokenHash) -> rusqlite::Result<Option<(Invite, Group)>> {
    conn.query_row(
        &format!(
            "SELECT {INVITE_COLUMNS}, {GROUP_COLUMNS} FROM invites JOIN groups ON groups.id = invites.group_id
             WHERE invites.token_hash = ?1"
        ),
        [hash.as_slice()],
        |r| Ok((invite(r, 0)?, rows::group(r, 8)?)),
    )
    .optional()
}

/// Joins `user` through an invite if it admits one more at `now`.
pub(super) fn redeem(
    conn: &mut Connection,
    hash: TokenHash,
    user: &str,
    now: Timestamp,
) -> Result<Redeemed, RedeemError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = tx
        .query_row(
            &format!("SELECT {INVITE_COLUMNS} FROM invites WHERE token_hash = ?1"),
            [hash.as_slice()],
            |r| invite(r, 0),
        )
        .optional()?;
    let Some(found) = found else { return Err(RedeemError::Unknown) };
    let already: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM members WHERE group_id = ?1 AND user_id = ?2)",
        params![found.group.as_str(), user],
        |r| r.get(0),
    )?;
    // A member following any link (even a closed one) is simply in: nothing is used.
    if already {
        return Ok(Redeemed::AlreadyMember(found.group));
    }
    found.state.admits(now)?;
    tx.execute(
        "INSERT INTO members (group_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
        params![found.group.as_str(), user, role_name(Role::Member), millis(now)],
    )?;
    tx.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?1", [&found.id])?;
    tx.commit()?;
    Ok(Redeemed::Joined(found.group))
}

fn invite(r: &Row<'_>, at: usize) -> rusqlite::Result<Invite> {
    let group: String = r.get(at + 1)?;
    Ok(Invite {
        id: r.get(at)?,
        group: GroupId::parse(&group).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(
                at + 1,
                rusqlite::types::Type::Text,
                e.to_string().into(),
            )
        })?,
        created_by: r.get(at + 2)?,
        created_at: timestamp(r.get(at + 3)?),
        state: InviteState {
            expires_at: timestamp(r.get(at + 4)?),
            max_uses: r.get::<_, Option<u32>>(at + 5)?,
            uses: r.get(at + 6)?,
            revoked: r.get(at + 7)?,
        },
    })
}

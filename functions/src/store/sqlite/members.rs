//! Members on the embedded store: role changes and removals that never leave a group without
//! an owner, decided by core and written in one immediate transaction.

use super::rows::{self, USER_COLUMNS, role_name, timestamp};
use crate::store::{Member, MembershipChangeError};
use peershare_core::GroupId;
use peershare_core::groups::{MembershipError, Role, check_removal, check_role_change};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

/// The members of a group, owners first.
pub(super) fn list(conn: &mut Connection, id: &GroupId) -> rusqlite::Result<Vec<Member>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS}, members.role, members.joined_at FROM members
         JOIN users ON users.id = members.user_id
         WHERE members.group_id = ?1
         ORDER BY CASE members.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, members.joined_at, users.id"
    ))?;
    statement
        .query_map([id.as_str()], |r| {
            Ok(Member {
                user: rows::user(r, 0)?,
                role: rows::role_at(r, 5)?,
                joined_at: timestamp(r.get(6)?),
            })
        })?
        .collect()
}

/// Changes a member's role if it still is `expected` and the group keeps an owner.
pub(super) fn change_role(
    conn: &mut Connection,
    id: &GroupId,
    user: &str,
    expected: Role,
    role: Role,
) -> Result<(), MembershipChangeError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let owners = current_and_owners(&tx, id, user, expected)?;
    check_role_change(expected, role, owners).map_err(last_owner)?;
    tx.execute(
        "UPDATE members SET role = ?3 WHERE group_id = ?1 AND user_id = ?2",
        params![id.as_str(), user, role_name(role)],
    )?;
    tx.commit()?;
    Ok(())
}

/// Removes a member if their role still is `expected` and the group keeps an owner.
pub(super) fn remove(
    conn: &mut Connection,
    id: &GroupId,
    user: &str,
    expected: Role,
) -> Result<(), MembershipChangeError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let owners = current_and_owners(&tx, id, user, expected)?;
    check_removal(expected, owners).map_err(last_owner)?;
    tx.execute("DELETE FROM members WHERE group_id = ?1 AND user_id = ?2", params![id.as_str(), user])?;
    tx.commit()?;
    Ok(())
}

/// Checks the member's role is still `expected`; returns the group's owner count.
fn current_and_owners(
    tx: &Transaction<'_>,
    id: &GroupId,
    user: &str,
    expected: Role,
) -> Result<usize, MembershipChangeError> {
    let current = tx
        .query_row(
            "SELECT role FROM members WHERE group_id = ?1 AND user_id = ?2",
            params![id.as_str(), user],
            |r| rows::role_at(r, 0),
        )
        .optional()?
        .ok_or(MembershipChangeError::NotMember)?;
    if current != expected {
        return Err(MembershipChangeError::Changed);
    }
    let owners: i64 = tx.query_row(
        "SELECT COUNT(*) FROM members WHERE group_id = ?1 AND role = 'owner'",
        [id.as_str()],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(owners).unwrap_or(0))
}

fn last_owner(e: MembershipError) -> MembershipChangeError {
    match e {
        MembershipError::LastOwner => MembershipChangeError::LastOwner,
    }
}

//! Groups on the embedded store.

use super::rows::{self, GROUP_COLUMNS, millis, role_name};
use crate::store::{Group, SettingsChangeError};
use peershare_core::GroupId;
use peershare_core::Timestamp;
use peershare_core::groups::{GroupDescription, GroupName, Role, SettingsPatch};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// Stores a group with its first owner.
pub(super) fn create(
    conn: &mut Connection,
    group: &Group,
    owner: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO groups (id, name, description, settings, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            group.id.as_str(),
            group.name.as_str(),
            group.description.as_str(),
            rows::settings_json(&group.settings),
            millis(group.created_at)
        ],
    )?;
    tx.execute(
        "INSERT INTO members (group_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
        params![group.id.as_str(), owner, role_name(Role::Owner), millis(now)],
    )?;
    tx.commit()
}

/// The group and `user`'s role in it.
pub(super) fn group_for(
    conn: &mut Connection,
    id: &GroupId,
    user: Option<&str>,
) -> rusqlite::Result<Option<(Group, Option<Role>)>> {
    conn.query_row(
        &format!(
            "SELECT {GROUP_COLUMNS}, members.role FROM groups
             LEFT JOIN members ON members.group_id = groups.id AND members.user_id = ?2
             WHERE groups.id = ?1"
        ),
        params![id.as_str(), user],
        |r| {
            let role = match r.get_ref(5)?.as_str_or_null()? {
                None => None,
                Some(_) => Some(rows::role_at(r, 5)?),
            };
            Ok((rows::group(r, 0)?, role))
        },
    )
    .optional()
}

/// The groups of `user`, newest first.
pub(super) fn groups_of(conn: &mut Connection, user: &str) -> rusqlite::Result<Vec<(Group, Role)>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {GROUP_COLUMNS}, members.role FROM members JOIN groups ON groups.id = members.group_id
         WHERE members.user_id = ?1 ORDER BY groups.created_at DESC, groups.id"
    ))?;
    statement.query_map([user], |r| Ok((rows::group(r, 0)?, rows::role_at(r, 5)?)))?.collect()
}

/// Changes name and/or description.
pub(super) fn rename(
    conn: &mut Connection,
    id: &GroupId,
    name: Option<&GroupName>,
    description: Option<&GroupDescription>,
) -> rusqlite::Result<Option<Group>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE groups SET name = COALESCE(?2, name), description = COALESCE(?3, description) WHERE id = ?1",
        params![id.as_str(), name.map(GroupName::as_str), description.map(GroupDescription::as_str)],
    )?;
    let group = read(&tx, id)?;
    tx.commit()?;
    Ok(group)
}

/// Applies a settings patch in one transaction.
pub(super) fn change_settings(
    conn: &mut Connection,
    id: &GroupId,
    patch: &SettingsPatch,
    by: Role,
) -> Result<Group, SettingsChangeError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut group = read(&tx, id)?.ok_or(SettingsChangeError::NotFound)?;
    group.settings = group.settings.apply(patch, by)?;
    tx.execute(
        "UPDATE groups SET settings = ?2 WHERE id = ?1",
        params![id.as_str(), rows::settings_json(&group.settings)],
    )?;
    tx.commit()?;
    Ok(group)
}

/// Deletes a group (members, invites, calls and recordings' metadata cascade).
pub(super) fn delete(conn: &mut Connection, id: &GroupId) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM groups WHERE id = ?1", [id.as_str()])? > 0)
}

fn read(conn: &Connection, id: &GroupId) -> rusqlite::Result<Option<Group>> {
    conn.query_row(&format!("SELECT {GROUP_COLUMNS} FROM groups WHERE id = ?1"), [id.as_str()], |r| {
        rows::group(r, 0)
    })
    .optional()
}

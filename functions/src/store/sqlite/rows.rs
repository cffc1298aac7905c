//! Converting between SQLite rows and the store's values.

use crate::store::{Group, User};
use peershare_core::accounts::{DisplayName, Preferences, Profile};
use peershare_core::groups::{GroupDescription, GroupName, GroupSettings, Role};
use peershare_core::{GroupId, Timestamp};
use rusqlite::Row;
use rusqlite::types::Type;

/// Columns of `users` read by [`user`], in order.
pub(super) const USER_COLUMNS: &str =
    "users.id, users.display_name, users.avatar_url, users.preferences, users.created_at";

/// Columns of `groups` read by [`group`], in order.
pub(super) const GROUP_COLUMNS: &str =
    "groups.id, groups.name, groups.description, groups.settings, groups.created_at";

/// A timestamp as SQLite stores it.
pub(super) fn millis(t: Timestamp) -> i64 {
    i64::try_from(t.as_millis()).unwrap_or(i64::MAX)
}

/// A stored timestamp.
pub(super) fn timestamp(ms: i64) -> Timestamp {
    Timestamp::from_millis(u64::try_from(ms).unwrap_or(0))
}

/// How a role is written in the `members` table.
pub(super) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Member => "member",
        Role::Admin => "admin",
        Role::Owner => "owner",
    }
}

/// Reads a role column.
pub(super) fn role_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Role> {
    match row.get_ref(index)?.as_str()? {
        "member" => Ok(Role::Member),
        "admin" => Ok(Role::Admin),
        "owner" => Ok(Role::Owner),
        other => Err(corrupt(index, format!("unknown role {other:?}"))),
    }
}

/// Reads [`USER_COLUMNS`] starting at `at`.
pub(super) fn user(row: &Row<'_>, at: usize) -> rusqlite::Result<User> {
    let name: String = row.get(at + 1)?;
    let display_name = DisplayName::parse(&name).map_err(|e| corrupt(at + 1, e.to_string()))?;
    let preferences: String = row.get(at + 3)?;
    let preferences: Preferences =
        serde_json::from_str(&preferences).map_err(|e| corrupt(at + 3, e.to_string()))?;
    Ok(User {
        id: row.get(at)?,
        profile: Profile { display_name, avatar_url: row.get(at + 2)?, preferences },
        created_at: timestamp(row.get(at + 4)?),
    })
}

/// Reads [`GROUP_COLUMNS`] starting at `at`.
pub(super) fn group(row: &Row<'_>, at: usize) -> rusqlite::Result<Group> {
    let id: String = row.get(at)?;
    let name: String = row.get(at + 1)?;
    let description: String = row.get(at + 2)?;
    let settings: String = row.get(at + 3)?;
    Ok(Group {
        id: GroupId::parse(&id).map_err(|e| corrupt(at, e.to_string()))?,
        name: GroupName::parse(&name).map_err(|e| corrupt(at + 1, e.to_string()))?,
        description: GroupDescription::parse(&description).map_err(|e| corrupt(at + 2, e.to_string()))?,
        settings: settings_from_json(&settings).map_err(|e| corrupt(at + 3, e))?,
        created_at: timestamp(row.get(at + 4)?),
    })
}

/// Settings as stored.
pub(super) fn settings_json(settings: &GroupSettings) -> String {
    serde_json::to_string(settings).unwrap_or_else(|_| "{}".into())
}

fn settings_from_json(json: &str) -> Result<GroupSettings, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

/// Preferences as stored.
pub(super) fn preferences_json(preferences: &Preferences) -> String {
    serde_json::to_string(preferences).unwrap_or_else(|_| "{}".into())
}

/// A column whose value breaks the schema's rules.
pub(super) fn corrupt(index: usize, why: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(index, Type::Text, why.into())
}

//! Converting between the store's values and DynamoDB items: timestamps as numbers of
//! milliseconds, settings and preferences as JSON strings, roles as their snake-case names.
//! Attribute names avoid DynamoDB's reserved words so expressions can name them directly.

use crate::store::{Group, Invite, StoreError, User};
use aws_sdk_dynamodb::types::AttributeValue;
use peershare_core::accounts::{DisplayName, Preferences, Profile};
use peershare_core::groups::{GroupDescription, GroupName, GroupSettings, InviteState, Role};
use peershare_core::{GroupId, Timestamp};
use std::collections::HashMap;

/// One item, or one key.
pub(super) type Item = HashMap<String, AttributeValue>;

/// A string value.
pub(super) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number value.
pub(super) fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A boolean value.
pub(super) fn b(v: bool) -> AttributeValue {
    AttributeValue::Bool(v)
}

/// A timestamp value (milliseconds).
pub(super) fn ms(t: Timestamp) -> AttributeValue {
    n(t.as_millis())
}

/// How a role is written.
pub(super) fn role_value(role: Role) -> AttributeValue {
    s(match role {
        Role::Member => "member",
        Role::Admin => "admin",
        Role::Owner => "owner",
    })
}

/// The string attribute `name`.
pub(super) fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    get_opt_s(item, name)?.ok_or_else(|| corrupt(item, name, "missing"))
}

/// The string attribute `name`, when present.
pub(super) fn get_opt_s<'a>(item: &'a Item, name: &str) -> Result<Option<&'a str>, StoreError> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::S(v)) => Ok(Some(v)),
        Some(_) => Err(corrupt(item, name, "not a string")),
    }
}

/// The number attribute `name`.
pub(super) fn get_u64(item: &Item, name: &str) -> Result<u64, StoreError> {
    get_opt_u64(item, name)?.ok_or_else(|| corrupt(item, name, "missing"))
}

/// The number attribute `name`, when present.
pub(super) fn get_opt_u64(item: &Item, name: &str) -> Result<Option<u64>, StoreError> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::N(v)) => v.parse().map(Some).map_err(|_| corrupt(item, name, "not a count")),
        Some(_) => Err(corrupt(item, name, "not a number")),
    }
}

/// The number attribute `name`, as a `u32`.
pub(super) fn get_u32(item: &Item, name: &str) -> Result<u32, StoreError> {
    u32::try_from(get_u64(item, name)?).map_err(|_| corrupt(item, name, "too large"))
}

/// The boolean attribute `name`.
pub(super) fn get_bool(item: &Item, name: &str) -> Result<bool, StoreError> {
    match item.get(name) {
        Some(AttributeValue::Bool(v)) => Ok(*v),
        _ => Err(corrupt(item, name, "not a boolean")),
    }
}

/// The timestamp attribute `name`.
pub(super) fn get_time(item: &Item, name: &str) -> Result<Timestamp, StoreError> {
    get_u64(item, name).map(Timestamp::from_millis)
}

/// The timestamp attribute `name`, when present.
pub(super) fn get_opt_time(item: &Item, name: &str) -> Result<Option<Timestamp>, StoreError> {
    Ok(get_opt_u64(item, name)?.map(Timestamp::from_millis))
}

/// The optimistic-concurrency version of an item (one written without counts as 0).
pub(super) fn version(item: &Item) -> Result<u64, StoreError> {
    Ok(get_opt_u64(item, "item_version")?.unwrap_or(0))
}

/// The role attribute of a membership.
pub(super) fn get_role(item: &Item) -> Result<Role, StoreError> {
    match get_s(item, "member_role")? {
        "member" => Ok(Role::Member),
        "admin" => Ok(Role::Admin),
        "owner" => Ok(Role::Owner),
        _ => Err(corrupt(item, "member_role", "unknown role")),
    }
}

/// The group id attribute `name`.
pub(super) fn get_group_id(item: &Item, name: &str) -> Result<GroupId, StoreError> {
    GroupId::parse(get_s(item, name)?).map_err(|e| corrupt(item, name, &e.to_string()))
}

/// An account's attributes (without its key).
pub(super) fn user_attributes(
    id: &str,
    profile: &Profile,
    created_at: Timestamp,
) -> Result<Item, StoreError> {
    let mut item = Item::from([("user_id".to_owned(), s(id)), ("created_at".to_owned(), ms(created_at))]);
    item.extend(profile_attributes(profile)?);
    Ok(item)
}

/// The attributes holding a profile.
fn profile_attributes(profile: &Profile) -> Result<Item, StoreError> {
    let mut item = Item::from([
        ("display_name".to_owned(), s(profile.display_name.as_str())),
        ("preferences".to_owned(), preferences_value(&profile.preferences)?),
    ]);
    if let Some(url) = &profile.avatar_url {
        item.insert("avatar_url".to_owned(), s(url));
    }
    Ok(item)
}

/// How preferences are written.
pub(super) fn preferences_value(preferences: &Preferences) -> Result<AttributeValue, StoreError> {
    serde_json::to_string(preferences).map(s).map_err(|e| StoreError(e.to_string()))
}

/// Reads an account item.
pub(super) fn user(item: &Item) -> Result<User, StoreError> {
    let display_name = DisplayName::parse(get_s(item, "display_name")?)
        .map_err(|e| corrupt(item, "display_name", &e.to_string()))?;
    let preferences: Preferences = serde_json::from_str(get_s(item, "preferences")?)
        .map_err(|e| corrupt(item, "preferences", &e.to_string()))?;
    Ok(User {
        id: get_s(item, "user_id")?.to_owned(),
        profile: Profile {
            display_name,
            avatar_url: get_opt_s(item, "avatar_url")?.map(str::to_owned),
            preferences,
        },
        created_at: get_time(item, "created_at")?,
    })
}

/// A group's attributes (without its key, owner count and version).
pub(super) fn group_attributes(group: &Group) -> Result<Item, StoreError> {
    Ok(Item::from([
        ("group_id".to_owned(), s(group.id.as_str())),
        ("group_name".to_owned(), s(group.name.as_str())),
        ("group_description".to_owned(), s(group.description.as_str())),
        ("settings".to_owned(), settings_value(&group.settings)?),
        ("created_at".to_owned(), ms(group.created_at)),
    ]))
}

/// How settings are written.
pub(super) fn settings_value(settings: &GroupSettings) -> Result<AttributeValue, StoreError> {
    serde_json::to_string(settings).map(s).map_err(|e| StoreError(e.to_string()))
}

/// Reads a group item.
pub(super) fn group(item: &Item) -> Result<Group, StoreError> {
    let text = |name: &str| get_s(item, name);
    Ok(Group {
        id: get_group_id(item, "group_id")?,
        name: GroupName::parse(text("group_name")?)
            .map_err(|e| corrupt(item, "group_name", &e.to_string()))?,
        description: GroupDescription::parse(text("group_description")?)
            .map_err(|e| corrupt(item, "group_description", &e.to_string()))?,
        settings: serde_json::from_str(text("settings")?)
            .map_err(|e| corrupt(item, "settings", &e.to_string()))?,
        created_at: get_time(item, "created_at")?,
    })
}

/// Reads an invite item.
pub(super) fn invite(item: &Item) -> Result<Invite, StoreError> {
    let max_uses = get_opt_u64(item, "max_uses")?
        .map(|max| u32::try_from(max).map_err(|_| corrupt(item, "max_uses", "too large")))
        .transpose()?;
    Ok(Invite {
        id: get_s(item, "invite_id")?.to_owned(),
        group: get_group_id(item, "group_id")?,
        created_by: get_s(item, "created_by")?.to_owned(),
        created_at: get_time(item, "created_at")?,
        state: InviteState {
            expires_at: get_time(item, "expires_at")?,
            max_uses,
            uses: get_u32(item, "uses")?,
            revoked: get_bool(item, "revoked")?,
        },
    })
}

/// An item that breaks the layout's rules.
pub(super) fn corrupt(item: &Item, name: &str, why: &str) -> StoreError {
    let at = |k: &str| item.get(k).and_then(|v| v.as_s().ok()).map_or("?", String::as_str);
    StoreError(format!("item {}/{}: attribute {name}: {why}", at("pk"), at("sk")))
}

//! Groups on DynamoDB: the group item (with its owner count and version) in the group's own
//! partition, next to its members, invites, call list and recording list. Settings changes are
//! optimistic: read, let core apply the patch, write if `item_version` is unchanged.

use super::client::key_of;
use super::items::{self, Item, get_s, n, s};
use super::keys::{self, CALL_PREFIX, GROUP_SK, INVITE_PREFIX, RECORDING_PREFIX, SK};
use super::members::member_item;
use super::transact::Transacted;
use super::{DynamoStore, retry};
use crate::store::{Group, SettingsChangeError, StoreError};
use peershare_core::groups::{GroupDescription, GroupName, Role, SettingsPatch};
use peershare_core::{GroupId, Timestamp};
use std::collections::HashMap;

/// Stores a group with its first owner.
pub(super) async fn create(
    store: &DynamoStore,
    group: &Group,
    owner: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut item = keys::group(&group.id);
    item.extend(items::group_attributes(group)?);
    item.extend([("owners".to_owned(), n(1)), ("item_version".to_owned(), n(0))]);
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_put(item.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_put(member_item(&group.id, owner, Role::Owner, now), "attribute_not_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(why) if why.failed(0) || why.failed(1) => {
                return Err(StoreError(format!("group {} already exists", group.id.as_str())));
            }
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "creating a group").await?,
        }
    }
}

/// The group and `user`'s role in it.
pub(super) async fn group_for(
    store: &DynamoStore,
    id: &GroupId,
    user: Option<&str>,
) -> Result<Option<(Group, Option<Role>)>, StoreError> {
    let Some(item) = store.get(keys::group(id)).await? else { return Ok(None) };
    let role = match user {
        Some(user) => store.get(keys::member(id, user)).await?.as_ref().map(items::get_role).transpose()?,
        None => None,
    };
    Ok(Some((items::group(&item)?, role)))
}

/// The groups of `user` with their role, newest first. The memberships come from the GSI,
/// so a membership a moment old may be missing; the groups themselves are read consistently.
pub(super) async fn groups_of(store: &DynamoStore, user: &str) -> Result<Vec<(Group, Role)>, StoreError> {
    let memberships = store.query_index(&keys::memberships_of(user)).await?;
    let mut roles = HashMap::new();
    let mut group_keys = Vec::with_capacity(memberships.len());
    for membership in &memberships {
        let pk = get_s(membership, keys::PK)?.to_owned();
        roles.insert(pk.clone(), items::get_role(membership)?);
        group_keys.push(keys::key(pk, GROUP_SK));
    }
    let mut groups = Vec::with_capacity(group_keys.len());
    for item in store.batch_get(group_keys).await? {
        let role = roles.get(get_s(&item, keys::PK)?).copied();
        if let Some(role) = role {
            groups.push((items::group(&item)?, role));
        }
    }
    groups.sort_by(|(a, _), (b, _)| {
        b.created_at.cmp(&a.created_at).then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
    Ok(groups)
}

/// Changes name and/or description; `None` when the group does not exist.
pub(super) async fn rename(
    store: &DynamoStore,
    id: &GroupId,
    name: Option<&GroupName>,
    description: Option<&GroupDescription>,
) -> Result<Option<Group>, StoreError> {
    let mut sets = Vec::new();
    let mut values = Vec::new();
    if let Some(name) = name {
        sets.push("group_name = :name");
        values.push((":name", s(name.as_str())));
    }
    if let Some(description) = description {
        sets.push("group_description = :description");
        values.push((":description", s(description.as_str())));
    }
    if sets.is_empty() {
        return Ok(group_for(store, id, None).await?.map(|(group, _)| group));
    }
    let update = format!("SET {}", sets.join(", "));
    store
        .update_if(keys::group(id), &update, "attribute_exists(pk)", &values)
        .await?
        .as_ref()
        .map(items::group)
        .transpose()
}

/// Applies a settings patch if nobody changed the group since it was read, retrying otherwise.
pub(super) async fn change_settings(
    store: &DynamoStore,
    id: &GroupId,
    patch: &SettingsPatch,
    by: Role,
) -> Result<Group, SettingsChangeError> {
    let mut attempt = 0;
    loop {
        let item = store.get(keys::group(id)).await?.ok_or(SettingsChangeError::NotFound)?;
        let group = items::group(&item)?;
        let version = items::version(&item)?;
        let settings = group.settings.apply(patch, by)?;
        let values = [
            (":settings", items::settings_value(&settings)?),
            (":version", n(version)),
            (":next", n(version + 1)),
        ];
        let update = "SET settings = :settings, item_version = :next";
        match store.update_if(keys::group(id), update, "item_version = :version", &values).await? {
            Some(updated) => return Ok(items::group(&updated)?),
            None => retry::pause(&mut attempt, "settings change").await?,
        }
    }
}

/// Deletes a group with its members, invites (and their token links), calls (with their
/// stints) and recordings' metadata; whether the group existed. The group item goes first, so
/// that joins, invites, calls and recordings, which all require it, cannot add to what is being
/// deleted; running it again finishes a deletion that failed half-way.
pub(super) async fn delete(store: &DynamoStore, id: &GroupId) -> Result<bool, StoreError> {
    let existed = store.delete(keys::group(id)).await?.is_some();
    let children = store.query(&keys::group_pk(id), "", true).await?;
    let mut doomed: Vec<Item> = Vec::with_capacity(children.len());
    for child in &children {
        let sk = get_s(child, SK)?;
        if sk.starts_with(INVITE_PREFIX) {
            doomed.push(keys::invite_token_hex(get_s(child, "token_hash")?));
        } else if sk.starts_with(CALL_PREFIX) {
            let call = store.query(&keys::call_pk(get_s(child, "call_id")?), "", true).await?;
            doomed.extend(call.iter().map(key_of));
        } else if sk.starts_with(RECORDING_PREFIX) {
            doomed.push(keys::recording(get_s(child, "recording_id")?));
        }
        doomed.push(key_of(child));
    }
    store.batch_delete(doomed).await?;
    Ok(existed)
}

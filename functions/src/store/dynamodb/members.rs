//! Members on DynamoDB. The group item counts its owners; a role change or removal writes the
//! member (only if their role still is the one the caller saw) and the count (only if an owner
//! remains) in one transaction. When it is cancelled, the member and count are read again and
//! core decides anew, so the answer is `Changed`, `NotMember` or `LastOwner` as it would be
//! for someone arriving after the change that won.

use super::items::{self, Item, get_time, get_u64, ms, n, role_value, s};
use super::keys::{self, MEMBER_PREFIX};
use super::transact::Transacted;
use super::{DynamoStore, retry};
use crate::store::{Member, MembershipChangeError, StoreError};
use aws_sdk_dynamodb::types::TransactWriteItem;
use peershare_core::groups::{MembershipError, Role, check_removal, check_role_change};
use peershare_core::{GroupId, Timestamp};
use std::collections::HashMap;

/// A membership item, indexed for the member's list of groups.
pub(super) fn member_item(id: &GroupId, user: &str, role: Role, joined_at: Timestamp) -> Item {
    let mut item = keys::member(id, user);
    item.extend([
        ("user_id".to_owned(), s(user)),
        ("member_role".to_owned(), role_value(role)),
        ("joined_at".to_owned(), ms(joined_at)),
    ]);
    item.extend(keys::member_index(id, user).map(|(name, value)| (name, s(value))));
    item
}

/// The members of a group: owners first, then admins, then members, each by joining time.
pub(super) async fn list(store: &DynamoStore, id: &GroupId) -> Result<Vec<Member>, StoreError> {
    let memberships = store.query(&keys::group_pk(id), MEMBER_PREFIX, true).await?;
    let users = store
        .batch_get(
            memberships
                .iter()
                .map(|m| Ok(keys::user(items::get_s(m, "user_id")?)))
                .collect::<Result<_, StoreError>>()?,
        )
        .await?;
    let mut accounts = HashMap::new();
    for user in &users {
        let user = items::user(user)?;
        accounts.insert(user.id.clone(), user);
    }
    let mut members = Vec::with_capacity(memberships.len());
    for membership in &memberships {
        // Like the embedded store's join: a membership without an account is not listed.
        if let Some(user) = accounts.remove(items::get_s(membership, "user_id")?) {
            members.push(Member {
                user,
                role: items::get_role(membership)?,
                joined_at: get_time(membership, "joined_at")?,
            });
        }
    }
    members.sort_by(|a, b| {
        b.role
            .cmp(&a.role)
            .then_with(|| a.joined_at.cmp(&b.joined_at))
            .then_with(|| a.user.id.cmp(&b.user.id))
    });
    Ok(members)
}

/// Gives `user` the role `role` if their role still is `expected` and the group keeps an owner.
pub(super) async fn change_role(
    store: &DynamoStore,
    id: &GroupId,
    user: &str,
    expected: Role,
    role: Role,
) -> Result<(), MembershipChangeError> {
    let mut attempt = 0;
    loop {
        let owners = owners_if_still(store, id, user, expected).await?;
        check_role_change(expected, role, owners).map_err(last_owner)?;
        let mut actions = vec![store.tx_update(
            keys::member(id, user),
            "SET member_role = :role",
            "member_role = :expected",
            &[(":role", role_value(role)), (":expected", role_value(expected))],
        )?];
        if expected == Role::Owner && role != Role::Owner {
            actions.push(one_owner_less(store, id)?);
        } else if expected != Role::Owner && role == Role::Owner {
            actions.push(store.tx_update(
                keys::group(id),
                "SET owners = owners + :one",
                "attribute_exists(pk)",
                &[(":one", n(1))],
            )?);
        }
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "role change").await?,
        }
    }
}

/// Removes `user` if their role still is `expected` and the group keeps an owner.
pub(super) async fn remove(
    store: &DynamoStore,
    id: &GroupId,
    user: &str,
    expected: Role,
) -> Result<(), MembershipChangeError> {
    let mut attempt = 0;
    loop {
        let owners = owners_if_still(store, id, user, expected).await?;
        check_removal(expected, owners).map_err(last_owner)?;
        let mut actions = vec![store.tx_delete(
            keys::member(id, user),
            "member_role = :expected",
            &[(":expected", role_value(expected))],
        )?];
        if expected == Role::Owner {
            actions.push(one_owner_less(store, id)?);
        }
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "removal").await?,
        }
    }
}

/// Checks the member's role is still `expected`; returns the group's owner count.
async fn owners_if_still(
    store: &DynamoStore,
    id: &GroupId,
    user: &str,
    expected: Role,
) -> Result<usize, MembershipChangeError> {
    let member = store.get(keys::member(id, user)).await?.ok_or(MembershipChangeError::NotMember)?;
    if items::get_role(&member)? != expected {
        return Err(MembershipChangeError::Changed);
    }
    let group = store.get(keys::group(id)).await?.ok_or(MembershipChangeError::NotMember)?;
    Ok(usize::try_from(get_u64(&group, "owners")?).unwrap_or(usize::MAX))
}

/// Counts one owner less, only if another remains.
fn one_owner_less(store: &DynamoStore, id: &GroupId) -> Result<TransactWriteItem, StoreError> {
    store.tx_update(keys::group(id), "SET owners = owners - :one", "owners > :one", &[(":one", n(1))])
}

fn last_owner(e: MembershipError) -> MembershipChangeError {
    match e {
        MembershipError::LastOwner => MembershipChangeError::LastOwner,
    }
}

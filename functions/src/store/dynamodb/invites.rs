//! Invites on DynamoDB: the invite in its group's partition, and a token item pointing at it
//! (so a token is found with one consistent read). Joining counts the use, only while the
//! invite admits one more at `now`, and adds the member, only if absent, in one transaction:
//! concurrent joins never exceed the use limit. When it is cancelled the invite and the
//! membership are read again and core's `InviteState::admits` names the refusal.

use super::items::{self, b, get_group_id, get_s, ms, n, s};
use super::keys::{self, INVITE_PREFIX};
use super::members::member_item;
use super::transact::Transacted;
use super::{DynamoStore, retry};
use crate::store::{Group, Invite, NewInvite, RedeemError, Redeemed, StoreError, TokenHash};
use peershare_core::groups::{InviteState, Role};
use peershare_core::{GroupId, Timestamp};

/// The condition under which an invite admits one more at `:now`: core's
/// `InviteState::admits`, written as a DynamoDB condition.
const ADMITS: &str =
    "revoked = :false AND expires_at > :now AND (attribute_not_exists(max_uses) OR uses < max_uses)";

/// Stores a new invite and its token.
pub(super) async fn create(
    store: &DynamoStore,
    invite: &NewInvite,
    now: Timestamp,
) -> Result<Invite, StoreError> {
    let mut item = keys::invite(&invite.group, &invite.id);
    item.extend([
        ("invite_id".to_owned(), s(&invite.id)),
        ("group_id".to_owned(), s(invite.group.as_str())),
        ("token_hash".to_owned(), s(keys::hex(&invite.token_hash))),
        ("created_by".to_owned(), s(&invite.created_by)),
        ("created_at".to_owned(), ms(now)),
        ("expires_at".to_owned(), ms(invite.state.expires_at)),
        ("uses".to_owned(), n(0)),
        ("revoked".to_owned(), b(false)),
    ]);
    if let Some(max) = invite.state.max_uses {
        item.insert("max_uses".to_owned(), n(u64::from(max)));
    }
    let mut token = keys::invite_token(&invite.token_hash);
    token
        .extend([("group_id".to_owned(), s(invite.group.as_str())), ("invite_id".to_owned(), s(&invite.id))]);
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_put(item.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_put(token.clone(), "attribute_not_exists(pk)", &[])?,
            store.tx_check(keys::group(&invite.group), "attribute_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => break,
            Transacted::Cancelled(why) if why.failed(0) || why.failed(1) => {
                return Err(StoreError(format!("invite {} or its token already exists", invite.id)));
            }
            Transacted::Cancelled(why) if why.failed(2) => {
                return Err(StoreError(format!("no group {}", invite.group.as_str())));
            }
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "creating an invite").await?,
        }
    }
    Ok(Invite {
        id: invite.id.clone(),
        group: invite.group.clone(),
        created_by: invite.created_by.clone(),
        created_at: now,
        state: InviteState { uses: 0, revoked: false, ..invite.state },
    })
}

/// A group's invites, newest first.
pub(super) async fn list(store: &DynamoStore, id: &GroupId) -> Result<Vec<Invite>, StoreError> {
    let mut invites = store
        .query(&keys::group_pk(id), INVITE_PREFIX, true)
        .await?
        .iter()
        .map(items::invite)
        .collect::<Result<Vec<_>, _>>()?;
    invites.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
    Ok(invites)
}

/// Revokes one of a group's invites; whether it existed.
pub(super) async fn revoke(store: &DynamoStore, id: &GroupId, invite: &str) -> Result<bool, StoreError> {
    let revoked = store
        .update_if(
            keys::invite(id, invite),
            "SET revoked = :true",
            "attribute_exists(pk)",
            &[(":true", b(true))],
        )
        .await?;
    Ok(revoked.is_some())
}

/// The invite with this token and its group.
pub(super) async fn by_token(
    store: &DynamoStore,
    hash: TokenHash,
) -> Result<Option<(Invite, Group)>, StoreError> {
    let Some(invite) = read(store, hash).await? else { return Ok(None) };
    let Some(group) = store.get(keys::group(&invite.group)).await? else { return Ok(None) };
    Ok(Some((invite, items::group(&group)?)))
}

/// Joins `user` through an invite if it admits one more at `now`.
pub(super) async fn redeem(
    store: &DynamoStore,
    hash: TokenHash,
    user: &str,
    now: Timestamp,
) -> Result<Redeemed, RedeemError> {
    let mut attempt = 0;
    loop {
        let invite = read(store, hash).await?.ok_or(RedeemError::Unknown)?;
        let already = store.get(keys::member(&invite.group, user)).await?.is_some();
        // A member following any link (even a closed one) is simply in: nothing is used.
        if already {
            return Ok(Redeemed::AlreadyMember(invite.group));
        }
        invite.state.admits(now)?;
        let actions = vec![
            store.tx_update(
                keys::invite(&invite.group, &invite.id),
                "SET uses = uses + :one",
                ADMITS,
                &[(":one", n(1)), (":false", b(false)), (":now", ms(now))],
            )?,
            store.tx_put(
                member_item(&invite.group, user, Role::Member, now),
                "attribute_not_exists(pk)",
                &[],
            )?,
            store.tx_check(keys::group(&invite.group), "attribute_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(Redeemed::Joined(invite.group)),
            // Used up, revoked or joined meanwhile (the next read says which), or collided.
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "joining through an invite").await?,
        }
    }
}

/// The invite a token points at.
async fn read(store: &DynamoStore, hash: TokenHash) -> Result<Option<Invite>, StoreError> {
    let Some(token) = store.get(keys::invite_token(&hash)).await? else { return Ok(None) };
    let invite = keys::invite(&get_group_id(&token, "group_id")?, get_s(&token, "invite_id")?);
    store.get(invite).await?.as_ref().map(items::invite).transpose()
}

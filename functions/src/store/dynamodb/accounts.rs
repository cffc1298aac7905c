//! Accounts on DynamoDB. Sign-up writes the identity link and the account in one transaction,
//! the link only if absent, so two first sign-ins of one identity make one account. Profile
//! changes are optimistic: read, let core apply the patch, write if `item_version` is unchanged.

use super::items::{self, get_s, ms, n, s};
use super::transact::Transacted;
use super::{DynamoStore, keys, retry};
use crate::store::{Identity, ProfileUpdateError, StoreError, User};
use peershare_core::Timestamp;
use peershare_core::accounts::{Profile, ProfilePatch};

/// The account linked to `identity`, creating it (and the link) when new.
pub(super) async fn sign_in(
    store: &DynamoStore,
    identity: &Identity,
    new_id: &str,
    profile: &Profile,
    now: Timestamp,
) -> Result<User, StoreError> {
    let link = keys::identity(&identity.provider, &identity.subject);
    let mut attempt = 0;
    loop {
        if let Some(linked) = store.get(link.clone()).await? {
            let id = get_s(&linked, "user_id")?;
            return user(store, id)
                .await?
                .ok_or_else(|| StoreError(format!("identity links to missing account {id}")));
        }
        let mut link_item = link.clone();
        link_item.extend([("user_id".to_owned(), s(new_id)), ("created_at".to_owned(), ms(now))]);
        if let Some(email) = &identity.email {
            link_item.insert("email".to_owned(), s(email));
        }
        let mut account = keys::user(new_id);
        account.extend(items::user_attributes(new_id, profile, now)?);
        account.insert("item_version".to_owned(), n(0));
        let actions = vec![
            store.tx_put(link_item, "attribute_not_exists(pk)", &[])?,
            store.tx_put(account, "attribute_not_exists(pk)", &[])?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => {
                return Ok(User { id: new_id.to_owned(), profile: profile.clone(), created_at: now });
            }
            Transacted::Cancelled(why) if why.failed(1) && !why.failed(0) => {
                return Err(StoreError(format!("account id {new_id} is taken")));
            }
            // Lost the race for the link (the next read finds the winner's account), or
            // collided with another transaction.
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "sign-in").await?,
        }
    }
}

/// The account with this id.
pub(super) async fn user(store: &DynamoStore, id: &str) -> Result<Option<User>, StoreError> {
    store.get(keys::user(id)).await?.as_ref().map(items::user).transpose()
}

/// Applies `patch` to a profile if nobody changed it since it was read, retrying otherwise.
pub(super) async fn update_profile(
    store: &DynamoStore,
    id: &str,
    patch: &ProfilePatch,
) -> Result<User, ProfileUpdateError> {
    let mut attempt = 0;
    loop {
        let item = store.get(keys::user(id)).await?.ok_or(ProfileUpdateError::NotFound)?;
        let current = items::user(&item)?;
        let version = items::version(&item)?;
        let profile = current.profile.apply(patch)?;
        let mut values = vec![
            (":display_name", s(profile.display_name.as_str())),
            (":preferences", items::preferences_value(&profile.preferences)?),
            (":version", n(version)),
            (":next", n(version + 1)),
        ];
        if let Some(url) = &profile.avatar_url {
            values.push((":avatar_url", s(url)));
        }
        let update = match profile.avatar_url {
            Some(_) => {
                "SET display_name = :display_name, preferences = :preferences, avatar_url = :avatar_url, item_version = :next"
            }
            None => {
                "SET display_name = :display_name, preferences = :preferences, item_version = :next REMOVE avatar_url"
            }
        };
        match store.update_if(keys::user(id), update, "item_version = :version", &values).await? {
            Some(updated) => return Ok(items::user(&updated)?),
            None => retry::pause(&mut attempt, "profile change").await?,
        }
    }
}

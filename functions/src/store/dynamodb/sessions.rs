//! Refresh tokens on DynamoDB. Each token is its own item; its family (one sign-in) is an item
//! too, carrying the family's revocation, so revoking a family is one write that no
//! concurrent rotation can slip past. Rotation marks the presented token used (only if still
//! unused and unrevoked), checks the family is not revoked and stores the successor, all in one
//! transaction: of concurrent presentations of one token exactly one rotates, and the others,
//! reading again, see it used and revoke the family as core's `redeem` says.

use super::items::{Item, b, get_bool, get_opt_time, get_s, get_time, ms, s};
use super::transact::Transacted;
use super::{DynamoStore, keys, retry};
use crate::store::{StoreError, TokenHash};
use peershare_core::Timestamp;
use peershare_core::auth::{RefreshOutcome, RefreshRecord, redeem};

/// Condition: the family item is not revoked.
const FAMILY_LIVE: &str = "attribute_not_exists(revoked) OR revoked = :false";

/// Stores a refresh token (and its family, when new).
pub(super) async fn put(
    store: &DynamoStore,
    hash: TokenHash,
    record: &RefreshRecord,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        let actions = vec![
            store.tx_put(token_item(hash, record, now), "attribute_not_exists(pk)", &[])?,
            store.tx_update(
                keys::family(&record.family),
                "SET user_id = if_not_exists(user_id, :user), revoked = if_not_exists(revoked, :false)",
                "",
                &[(":user", s(&record.user)), (":false", b(false))],
            )?,
        ];
        match store.transact(actions).await? {
            Transacted::Committed => return Ok(()),
            Transacted::Cancelled(why) if why.failed(0) => {
                return Err(StoreError("this refresh token is already stored".into()));
            }
            Transacted::Cancelled(_) => retry::pause(&mut attempt, "storing a refresh token").await?,
        }
    }
}

/// Presents a refresh token: reads it and its family, lets core decide, applies the decision.
pub(super) async fn rotate(
    store: &DynamoStore,
    presented: TokenHash,
    successor: TokenHash,
    now: Timestamp,
) -> Result<RefreshOutcome, StoreError> {
    let mut attempt = 0;
    loop {
        let Some(record) = read(store, presented).await? else { return Ok(RefreshOutcome::Refused) };
        let outcome = redeem(Some(&record), now);
        match &outcome {
            RefreshOutcome::Rotate { .. } => {
                let actions = vec![
                    store.tx_update(
                        keys::refresh(&presented),
                        "SET used = :true, used_at = :now",
                        "used = :false AND revoked = :false",
                        &[(":true", b(true)), (":false", b(false)), (":now", ms(now))],
                    )?,
                    store.tx_check(keys::family(&record.family), FAMILY_LIVE, &[(":false", b(false))])?,
                    store.tx_put(
                        token_item(successor, &record.successor(now), now),
                        "attribute_not_exists(pk)",
                        &[],
                    )?,
                ];
                match store.transact(actions).await? {
                    Transacted::Committed => return Ok(outcome),
                    Transacted::Cancelled(why) if why.failed(2) && !why.failed(0) && !why.failed(1) => {
                        return Err(StoreError("the successor refresh token is already stored".into()));
                    }
                    // Used or revoked meanwhile (read again and let core decide), or collided.
                    Transacted::Cancelled(_) => retry::pause(&mut attempt, "refresh rotation").await?,
                }
            }
            RefreshOutcome::ReuseDetected { family } => {
                revoke_family(store, family).await?;
                return Ok(outcome);
            }
            RefreshOutcome::Raced | RefreshOutcome::Refused => return Ok(outcome),
        }
    }
}

/// Revokes the family of a presented token; unknown tokens are ignored.
pub(super) async fn revoke(store: &DynamoStore, presented: TokenHash) -> Result<(), StoreError> {
    if let Some(token) = store.get(keys::refresh(&presented)).await? {
        revoke_family(store, get_s(&token, "family_id")?).await?;
    }
    Ok(())
}

async fn revoke_family(store: &DynamoStore, family: &str) -> Result<(), StoreError> {
    store.update_if(keys::family(family), "SET revoked = :true", "", &[(":true", b(true))]).await?;
    Ok(())
}

/// A stored token as core sees it: revoked when it or its family is.
async fn read(store: &DynamoStore, hash: TokenHash) -> Result<Option<RefreshRecord>, StoreError> {
    let Some(token) = store.get(keys::refresh(&hash)).await? else { return Ok(None) };
    let family = get_s(&token, "family_id")?;
    let family_revoked = match store.get(keys::family(family)).await? {
        Some(item) if item.contains_key("revoked") => get_bool(&item, "revoked")?,
        _ => false,
    };
    Ok(Some(RefreshRecord {
        family: family.to_owned(),
        user: get_s(&token, "user_id")?.to_owned(),
        expires_at: get_time(&token, "expires_at")?,
        // Tokens used before `used_at` was written count as used long ago.
        used_at: if get_bool(&token, "used")? {
            Some(get_opt_time(&token, "used_at")?.unwrap_or(Timestamp::from_millis(0)))
        } else {
            None
        },
        revoked: get_bool(&token, "revoked")? || family_revoked,
    }))
}

fn token_item(hash: TokenHash, record: &RefreshRecord, now: Timestamp) -> Item {
    let mut item = keys::refresh(&hash);
    item.extend([
        ("family_id".to_owned(), s(&record.family)),
        ("user_id".to_owned(), s(&record.user)),
        ("expires_at".to_owned(), ms(record.expires_at)),
        ("used".to_owned(), b(record.used_at.is_some())),
        ("revoked".to_owned(), b(record.revoked)),
        ("created_at".to_owned(), ms(now)),
    ]);
    item
}

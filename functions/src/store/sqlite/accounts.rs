//! Accounts on the embedded store: sign-in by linked identity, profiles.

use super::rows::{self, USER_COLUMNS, millis};
use crate::store::{Identity, ProfileUpdateError, User};
use peershare_core::Timestamp;
use peershare_core::accounts::{Profile, ProfilePatch};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// The account linked to `identity`, creating it (and the link) when new.
pub(super) fn sign_in(
    conn: &mut Connection,
    identity: &Identity,
    new_id: &str,
    profile: &Profile,
    now: Timestamp,
) -> rusqlite::Result<User> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let linked: Option<String> = tx
        .query_row(
            "SELECT user_id FROM identities WHERE provider = ?1 AND subject = ?2",
            params![identity.provider, identity.subject],
            |r| r.get(0),
        )
        .optional()?;
    let id = match linked {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO users (id, display_name, avatar_url, preferences, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    new_id,
                    profile.display_name.as_str(),
                    profile.avatar_url,
                    rows::preferences_json(&profile.preferences),
                    millis(now)
                ],
            )?;
            tx.execute(
                "INSERT INTO identities (provider, subject, user_id, email, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![identity.provider, identity.subject, new_id, identity.email, millis(now)],
            )?;
            new_id.to_owned()
        }
    };
    let user = tx
        .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [&id], |r| rows::user(r, 0))?;
    tx.commit()?;
    Ok(user)
}

/// The account with this id.
pub(super) fn user(conn: &mut Connection, id: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [id], |r| rows::user(r, 0))
        .optional()
}

/// Applies `patch` to a profile in one transaction.
pub(super) fn update_profile(
    conn: &mut Connection,
    id: &str,
    patch: &ProfilePatch,
) -> Result<User, ProfileUpdateError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = tx
        .query_row(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"), [id], |r| rows::user(r, 0))
        .optional()?
        .ok_or(ProfileUpdateError::NotFound)?;
    let profile = current.profile.apply(patch)?;
    tx.execute(
        "UPDATE users SET display_name = ?2, avatar_url = ?3, preferences = ?4 WHERE id = ?1",
        params![
            id,
            profile.display_name.as_str(),
            profile.avatar_url,
            rows::preferences_json(&profile.preferences)
        ],
    )?;
    tx.commit()?;
    Ok(User { profile, ..current })
}

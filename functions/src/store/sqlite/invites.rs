//! Joining a group through an invite on the embedded store: the invite's rules from core,
//! checked and applied in one immediate transaction, so concurrent joins can never exceed
//! the invite's use limit.

use super::SqliteStore;
use peershare_core::groups::{InviteError, InviteState, Role};
use peershare_core::{GroupId, Timestamp};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

/// Why joining through an invite failed.
#[derive(Debug, thiserror::Error)]
pub enum RedeemError {
    /// No invite has this token.
    #[error("no such invite")]
    Unknown,
    /// The invite no longer admits anyone.
    #[error(transparent)]
    Refused(#[from] InviteError),
    /// The database failed.
    #[error("storage failed: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// What joining through an invite did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The user became a member (the invite's use count went up by one).
    Joined(GroupId),
    /// The user already was a member; the invite was not used up by this.
    AlreadyMember(GroupId),
}

impl SqliteStore {
    /// Joins `user` to the invite's group as a member, if the invite admits one more at `now`.
    pub async fn redeem_invite(
        &self,
        token_hash: [u8; 32],
        user: &str,
        now: Timestamp,
    ) -> Result<Redeemed, RedeemError> {
        let user = user.to_owned();
        self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    "SELECT id, group_id, expires_at, max_uses, uses, revoked FROM invites WHERE token_hash = ?1",
                    [token_hash.as_slice()],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                            r.get::<_, i64>(4)?,
                            r.get::<_, bool>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((invite_id, group, expires_at, max_uses, uses, revoked)) = row else {
                return Err(RedeemError::Unknown);
            };
            let group = GroupId::parse(&group).map_err(|_| RedeemError::Unknown)?;
            let already: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM members WHERE group_id = ?1 AND user_id = ?2)",
                    params![group.as_str(), user],
                    |r| r.get(0),
                )?;
            let state = InviteState {
                expires_at: Timestamp::from_millis(u64::try_from(expires_at).unwrap_or(0)),
                max_uses: max_uses.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
                uses: u32::try_from(uses).unwrap_or(u32::MAX),
                revoked,
            };
            state.admits(now)?;
            if already {
                return Ok(Redeemed::AlreadyMember(group));
            }
            tx.execute(
                "INSERT INTO members (group_id, user_id, role, joined_at) VALUES (?1, ?2, ?3, ?4)",
                params![group.as_str(), user, role_name(Role::Member), millis(now)],
            )?;
            tx.execute("UPDATE invites SET uses = uses + 1 WHERE id = ?1", [invite_id])?;
            tx.commit()?;
            Ok(Redeemed::Joined(group))
        })
        .await
    }
}

/// How a role is written in the `members` table.
fn role_name(role: Role) -> &'static str {
    match role {
        Role::Member => "member",
        Role::Admin => "admin",
        Role::Owner => "owner",
    }
}

/// A timestamp as SQLite stores it.
fn millis(t: Timestamp) -> i64 {
    i64::try_from(t.as_millis()).unwrap_or(i64::MAX)
}

//! Invite links: a random token (made by the host), an expiry, an optional use limit and
//! revocation. The rules for creating one and for letting someone in through one.

use crate::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use ts_rs::TS;

/// Shortest lifetime of an invite: five minutes.
pub const INVITE_MIN_TTL_MS: u64 = 5 * 60 * 1000;

/// Longest lifetime of an invite: thirty days.
pub const INVITE_MAX_TTL_MS: u64 = 30 * 24 * 60 * 60 * 1000;

/// Most uses an invite may allow.
pub const MAX_INVITE_USES: u32 = 1000;

/// What someone asks for when creating an invite.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// How long the link works, in milliseconds.
    #[ts(type = "number")]
    pub ttl_ms: u64,
    /// How many people may join through it (unlimited when absent).
    #[ts(optional)]
    pub max_uses: Option<u32>,
}

/// An invite as stored: enough to decide whether it still admits someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteState {
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Most admissions, if limited.
    pub max_uses: Option<u32>,
    /// Admissions so far.
    pub uses: u32,
    /// Whether an admin revoked it.
    pub revoked: bool,
}

/// Why an invite cannot be created, or does not admit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    /// The requested lifetime is out of range.
    #[error(
        "an invite link must work for between 5 minutes and 30 days (ttl_ms from {INVITE_MIN_TTL_MS} to {INVITE_MAX_TTL_MS})"
    )]
    Lifetime,
    /// The requested use limit is out of range.
    #[error("an invite link can admit between 1 and {MAX_INVITE_USES} people, or any number (max_uses)")]
    UseLimit,
    /// The invite has expired.
    #[error("this invite has expired")]
    Expired,
    /// The invite has been used as often as it allows.
    #[error("this invite has been used up")]
    UsedUp,
    /// The invite was revoked.
    #[error("this invite was revoked")]
    Revoked,
}

impl InviteRequest {
    /// The state of a new invite created at `now`, if the request is within bounds.
    pub fn open(&self, now: Timestamp) -> Result<InviteState, InviteError> {
        if !(INVITE_MIN_TTL_MS..=INVITE_MAX_TTL_MS).contains(&self.ttl_ms) {
            return Err(InviteError::Lifetime);
        }
        if self.max_uses.is_some_and(|n| n == 0 || n > MAX_INVITE_USES) {
            return Err(InviteError::UseLimit);
        }
        Ok(InviteState {
            expires_at: now.plus(Duration::from_millis(self.ttl_ms)),
            max_uses: self.max_uses,
            uses: 0,
            revoked: false,
        })
    }
}

impl InviteState {
    /// Whether one more person may join through it at `now`. Hosts must make the check and
    /// the use count's increment one atomic write (a conditional update).
    pub fn admits(&self, now: Timestamp) -> Result<(), InviteError> {
        if self.revoked {
            return Err(InviteError::Revoked);
        }
        if now >= self.expires_at {
            return Err(InviteError::Expired);
        }
        if self.max_uses.is_some_and(|max| self.uses >= max) {
            return Err(InviteError::UsedUp);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000_000;

    fn at(ms: u64) -> Timestamp {
        Timestamp::from_millis(T0 + ms)
    }

    #[test]
    fn requests_are_bounded() {
        let ok = InviteRequest { ttl_ms: INVITE_MIN_TTL_MS, max_uses: Some(10) };
        assert_eq!(ok.open(at(0)).map(|s| s.expires_at), Ok(at(INVITE_MIN_TTL_MS)));
        let too_short = InviteRequest { ttl_ms: INVITE_MIN_TTL_MS - 1, max_uses: None };
        assert_eq!(too_short.open(at(0)), Err(InviteError::Lifetime));
        let too_long = InviteRequest { ttl_ms: INVITE_MAX_TTL_MS + 1, max_uses: None };
        assert_eq!(too_long.open(at(0)), Err(InviteError::Lifetime));
        for bad in [0, MAX_INVITE_USES + 1] {
            let req = InviteRequest { ttl_ms: INVITE_MIN_TTL_MS, max_uses: Some(bad) };
            assert_eq!(req.open(at(0)), Err(InviteError::UseLimit));
        }
    }

    #[test]
    fn an_invite_admits_until_it_expires_is_used_up_or_revoked() {
        let mut state =
            InviteRequest { ttl_ms: INVITE_MIN_TTL_MS, max_uses: Some(2) }.open(at(0)).expect("valid");
        assert_eq!(state.admits(at(1)), Ok(()));
        state.uses = 1;
        assert_eq!(
            state.admits(at(INVITE_MIN_TTL_MS - 1)),
            Ok(()),
            "one use left, a millisecond before expiry"
        );
        assert_eq!(state.admits(at(INVITE_MIN_TTL_MS)), Err(InviteError::Expired), "expiry is exclusive");
        state.uses = 2;
        assert_eq!(state.admits(at(1)), Err(InviteError::UsedUp));
        state.uses = 0;
        state.revoked = true;
        assert_eq!(state.admits(at(1)), Err(InviteError::Revoked), "revocation wins");
    }

    #[test]
    fn an_unlimited_invite_only_expires() {
        let mut state =
            InviteRequest { ttl_ms: INVITE_MAX_TTL_MS, max_uses: None }.open(at(0)).expect("valid");
        state.uses = u32::MAX;
        assert_eq!(state.admits(at(INVITE_MAX_TTL_MS - 1)), Ok(()));
        assert_eq!(state.admits(at(INVITE_MAX_TTL_MS)), Err(InviteError::Expired));
    }
}

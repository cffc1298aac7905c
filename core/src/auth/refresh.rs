//! Refresh tokens: one family per sign-in, a new token at every use, and reuse of a token
//! that was already exchanged treated as theft, revoking the whole family.

use crate::Timestamp;
use std::time::Duration;

/// How long a refresh token (and so a session without activity) lasts.
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// For this long after a token was exchanged, presenting it again is taken for a race (two
/// tabs refreshing at once, a retried request whose answer was lost) and merely refused; after
/// it, for theft.
pub const REUSE_GRACE: Duration = Duration::from_secs(30);

/// A stored refresh token (hosts store a hash of the token itself, never the token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    /// The sign-in this token descends from.
    pub family: String,
    /// The account.
    pub user: String,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// When it was exchanged for a newer token, if it was.
    pub used_at: Option<Timestamp>,
    /// Whether its family was revoked (sign-out, or reuse detected).
    pub revoked: bool,
}

/// What presenting a refresh token leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// Valid: mark this one used, issue a new one in the same family and a new access token.
    Rotate {
        /// The family the new token joins.
        family: String,
        /// The account to issue for.
        user: String,
    },
    /// A token already exchanged came back: someone else holds a copy. Revoke the family
    /// and refuse.
    ReuseDetected {
        /// The family to revoke.
        family: String,
    },
    /// Exchanged moments ago by a concurrent request (another tab, a retry): refuse this one
    /// without ending the sign-in; the browser already holds the successor.
    Raced,
    /// Expired, revoked or unknown: refuse (sign in again).
    Refused,
}

impl RefreshRecord {
    /// A new family's first token for `user`, issued at `now`.
    pub fn first(family: &str, user: &str, now: Timestamp) -> Self {
        Self {
            family: family.to_owned(),
            user: user.to_owned(),
            expires_at: now.plus(REFRESH_TTL),
            used_at: None,
            revoked: false,
        }
    }

    /// The token that replaces this one at `now`.
    pub fn successor(&self, now: Timestamp) -> Self {
        Self::first(&self.family, &self.user, now)
    }
}

/// What to do with a presented refresh token whose stored record is `record` (`None` when
/// the hash matches nothing). Hosts apply the outcome in one conditional write, so two
/// concurrent uses of one token cannot both rotate.
pub fn redeem(record: Option<&RefreshRecord>, now: Timestamp) -> RefreshOutcome {
    let Some(r) = record else { return RefreshOutcome::Refused };
    if r.revoked {
        return RefreshOutcome::Refused;
    }
    if let Some(used_at) = r.used_at {
        // Moments after the exchange: another tab or a retry raced the winner. Refuse only.
        if now < used_at.plus(REUSE_GRACE) {
            return RefreshOutcome::Raced;
        }
        // Later reuse is theft whether or not the copy has expired since: the family must go.
        return RefreshOutcome::ReuseDetected { family: r.family.clone() };
    }
    if now >= r.expires_at {
        return RefreshOutcome::Refused;
    }
    RefreshOutcome::Rotate { family: r.family.clone(), user: r.user.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    #[test]
    fn a_fresh_token_rotates_within_its_family() {
        let first = RefreshRecord::first("fam", "u1", T0);
        assert_eq!(
            redeem(Some(&first), T0),
            RefreshOutcome::Rotate { family: "fam".into(), user: "u1".into() }
        );
        let next = first.successor(T0.plus(Duration::from_secs(60)));
        assert_eq!((next.family.as_str(), next.used_at), ("fam", None));
        assert_eq!(next.expires_at, T0.plus(Duration::from_secs(60)).plus(REFRESH_TTL));
    }

    #[test]
    fn reusing_an_exchanged_token_flags_its_family_even_after_it_expired() {
        let used = RefreshRecord { used_at: Some(T0), ..RefreshRecord::first("fam", "u1", T0) };
        let theft = RefreshOutcome::ReuseDetected { family: "fam".into() };
        assert_eq!(redeem(Some(&used), T0.plus(REUSE_GRACE)), theft);
        assert_eq!(redeem(Some(&used), used.expires_at.plus(Duration::from_secs(1))), theft);
    }

    #[test]
    fn a_token_presented_again_moments_after_its_exchange_is_a_race_not_theft() {
        let used = RefreshRecord { used_at: Some(T0), ..RefreshRecord::first("fam", "u1", T0) };
        assert_eq!(redeem(Some(&used), T0), RefreshOutcome::Raced);
        assert_eq!(
            redeem(Some(&used), T0.plus(REUSE_GRACE - Duration::from_millis(1))),
            RefreshOutcome::Raced
        );
    }

    #[test]
    fn expired_revoked_and_unknown_tokens_are_refused() {
        let fresh = RefreshRecord::first("fam", "u1", T0);
        assert_eq!(redeem(Some(&fresh), fresh.expires_at), RefreshOutcome::Refused, "expiry is exclusive");
        let revoked = RefreshRecord { revoked: true, ..fresh.clone() };
        assert_eq!(redeem(Some(&revoked), T0), RefreshOutcome::Refused);
        let revoked_and_used = RefreshRecord { revoked: true, used_at: Some(T0), ..fresh };
        assert_eq!(
            redeem(Some(&revoked_and_used), T0),
            RefreshOutcome::Refused,
            "already revoked: nothing more to do"
        );
        assert_eq!(redeem(None, T0), RefreshOutcome::Refused);
    }
}

//! The claims of an access token: who the bearer is (an account, or a guest for one group's
//! call), and when the token expires.

use crate::{GroupId, Timestamp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Lifetime of an account's access token; the refresh cookie renews it.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);

/// Lifetime of a guest's token: long enough for one call, not a standing session.
pub const GUEST_TTL: Duration = Duration::from_secs(8 * 60 * 60);

/// What kind of session a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A signed-in account.
    User,
    /// A guest with a display name, for one group's call.
    Guest,
}

/// The claims of an access token (a JWT signed with the platform's Ed25519 key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The account id, or a random id for a guest.
    pub sub: String,
    /// Account or guest.
    pub kind: SessionKind,
    /// The display name at the time of issue.
    pub name: String,
    /// For a guest: the only group whose call the token opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// Issued at, in seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, in seconds since the Unix epoch.
    pub exp: u64,
}

/// Who a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A signed-in account.
    User {
        /// The account id.
        id: String,
        /// The display name.
        name: String,
    },
    /// A guest for one group's call.
    Guest {
        /// The guest's random id.
        id: String,
        /// The display name.
        name: String,
        /// The group the guest may call.
        group: GroupId,
    },
}

impl AccessClaims {
    /// Claims for an account's access token issued at `now`, which must be on the Unix-epoch
    /// clock (JWT times are Unix seconds).
    pub fn user(id: &str, name: &str, now: Timestamp) -> Self {
        Self::new(id, SessionKind::User, name, None, now, ACCESS_TTL)
    }

    /// Claims for a guest's token for `group`, issued at `now` (Unix-epoch clock).
    pub fn guest(id: &str, name: &str, group: GroupId, now: Timestamp) -> Self {
        Self::new(id, SessionKind::Guest, name, Some(group), now, GUEST_TTL)
    }

    fn new(
        id: &str,
        kind: SessionKind,
        name: &str,
        group: Option<GroupId>,
        now: Timestamp,
        ttl: Duration,
    ) -> Self {
        let iat = now.as_millis() / 1000;
        Self { sub: id.to_owned(), kind, name: name.to_owned(), group, iat, exp: iat + ttl.as_secs() }
    }

    /// Who the claims speak for, if they are consistent: a guest token must name its group,
    /// an account token must not.
    pub fn principal(&self) -> Option<Principal> {
        match (self.kind, &self.group) {
            (SessionKind::User, None) => {
                Some(Principal::User { id: self.sub.clone(), name: self.name.clone() })
            }
            (SessionKind::Guest, Some(group)) => {
                Some(Principal::Guest { id: self.sub.clone(), name: self.name.clone(), group: group.clone() })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_123);

    #[test]
    fn user_and_guest_tokens_live_as_long_as_their_kind_allows() {
        let user = AccessClaims::user("u1", "Ada", NOW);
        assert_eq!((user.iat, user.exp), (1_800_000_000, 1_800_000_000 + 15 * 60));
        let group = GroupId::parse("team-1").expect("valid");
        let guest = AccessClaims::guest("g1", "Visitor", group.clone(), NOW);
        assert_eq!(guest.exp - guest.iat, 8 * 60 * 60);
        assert_eq!(
            guest.principal(),
            Some(Principal::Guest { id: "g1".into(), name: "Visitor".into(), group })
        );
        assert_eq!(user.principal(), Some(Principal::User { id: "u1".into(), name: "Ada".into() }));
    }

    #[test]
    fn inconsistent_claims_speak_for_nobody() {
        let mut guest_without_group = AccessClaims::user("g1", "Visitor", NOW);
        guest_without_group.kind = SessionKind::Guest;
        assert_eq!(guest_without_group.principal(), None);
        let mut user_with_group = AccessClaims::user("u1", "Ada", NOW);
        user_with_group.group = Some(GroupId::parse("team-1").expect("valid"));
        assert_eq!(user_with_group.principal(), None);
    }

    #[test]
    fn claims_round_trip_through_json_and_guests_carry_their_group() {
        let guest = AccessClaims::guest("g1", "V", GroupId::parse("team-1").expect("valid"), NOW);
        let json = serde_json::to_value(&guest).expect("serializes");
        assert_eq!(json["kind"], "guest");
        assert_eq!(json["group"], "team-1");
        assert_eq!(serde_json::from_value::<AccessClaims>(json).ok(), Some(guest));
        let user = serde_json::to_value(AccessClaims::user("u1", "A", NOW)).expect("serializes");
        assert!(user.get("group").is_none());
    }
}

//! The claims of PeerShare's tokens: an account's access token, and the call passes that open
//! one group's call socket (a member's, issued after checking membership, or a guest's). A
//! call socket host needs only the public key to check a pass: no store lookup.

use crate::groups::Role;
use crate::{GroupId, Timestamp};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Lifetime of an account's access token; the refresh cookie renews it.
pub const ACCESS_TTL: Duration = Duration::from_secs(15 * 60);

/// Lifetime of a guest's pass: long enough for one call, not a standing session.
pub const GUEST_TTL: Duration = Duration::from_secs(8 * 60 * 60);

/// Lifetime of a member's call pass: enough to open (or reopen) the socket; a reconnecting
/// client asks for a new one with its access token.
pub const CALL_PASS_TTL: Duration = Duration::from_secs(10 * 60);

/// What kind of session a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A signed-in account: the API's access token.
    User,
    /// A guest with a display name: opens one group's call, nothing else.
    Guest,
    /// A member's call pass: opens one group's call, with the member's role.
    Member,
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
    /// For a call pass (guest or member): the only group whose call it opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// For a member's call pass: the member's role when it was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// For a call pass to a stored group: the group's participant limit when it was issued.
    /// The pass that opens a room sets its capacity (never above the host's own limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
    /// For a call pass to a stored group: the lowest role that may start a recording (the
    /// group's "who may record") when it was issued. Absent: the call cannot be recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rec: Option<Role>,
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
    /// A member holding a pass for their group's call.
    Member {
        /// The account id.
        id: String,
        /// The display name.
        name: String,
        /// The group whose call the pass opens.
        group: GroupId,
        /// The member's role when the pass was issued.
        role: Role,
    },
}

impl Principal {
    /// The id and display name of whoever the token speaks for (an account or a guest).
    pub fn id_and_name(&self) -> (&str, &str) {
        match self {
            Self::User { id, name } | Self::Guest { id, name, .. } | Self::Member { id, name, .. } => {
                (id, name)
            }
        }
    }

    /// The group whose call this principal's token opens, if it is a call pass.
    pub fn call_group(&self) -> Option<&GroupId> {
        match self {
            Self::User { .. } => None,
            Self::Guest { group, .. } | Self::Member { group, .. } => Some(group),
        }
    }
}

impl AccessClaims {
    /// Claims for an account's access token issued at `now`, which must be on the Unix-epoch
    /// clock (JWT times are Unix seconds).
    pub fn user(id: &str, name: &str, now: Timestamp) -> Self {
        Self::new(id, SessionKind::User, name, None, None, now, ACCESS_TTL)
    }

    /// Claims for a guest's pass to a link call, issued at `now` (Unix-epoch clock): it lasts
    /// a whole call, since nothing about a link call can change.
    pub fn guest(id: &str, name: &str, group: GroupId, now: Timestamp) -> Self {
        Self::new(id, SessionKind::Guest, name, Some(group), None, now, GUEST_TTL)
    }

    /// Claims for a guest's pass to a stored group's call: as short as a member's, so turning
    /// guests off takes effect within minutes (reconnecting guests ask again).
    pub fn group_guest(id: &str, name: &str, group: GroupId, now: Timestamp) -> Self {
        Self::new(id, SessionKind::Guest, name, Some(group), None, now, CALL_PASS_TTL)
    }

    /// Claims for a member's pass to `group`'s call, issued at `now` (Unix-epoch clock) after
    /// the host checked that the account is a member with `role`.
    pub fn member(id: &str, name: &str, group: GroupId, role: Role, now: Timestamp) -> Self {
        Self::new(id, SessionKind::Member, name, Some(group), Some(role), now, CALL_PASS_TTL)
    }

    fn new(
        id: &str,
        kind: SessionKind,
        name: &str,
        group: Option<GroupId>,
        role: Option<Role>,
        now: Timestamp,
        ttl: Duration,
    ) -> Self {
        let iat = now.as_millis() / 1000;
        Self {
            sub: id.to_owned(),
            kind,
            name: name.to_owned(),
            group,
            role,
            cap: None,
            rec: None,
            iat,
            exp: iat + ttl.as_secs(),
        }
    }

    /// The same claims, carrying what the room of a stored group's call needs of the group's
    /// `settings`: its participant limit and who may record.
    pub fn with_group_settings(mut self, settings: &crate::groups::GroupSettings) -> Self {
        self.cap = Some(settings.max_participants);
        self.rec = Some(settings.record_role);
        self
    }

    /// Who the claims speak for, if they are consistent: an account token names no group and
    /// no role, a guest pass a group only, a member's pass a group and a role.
    pub fn principal(&self) -> Option<Principal> {
        let (id, name) = (self.sub.clone(), self.name.clone());
        match (self.kind, self.group.clone(), self.role) {
            (SessionKind::User, None, None) => Some(Principal::User { id, name }),
            (SessionKind::Guest, Some(group), None) => Some(Principal::Guest { id, name, group }),
            (SessionKind::Member, Some(group), Some(role)) => {
                Some(Principal::Member { id, name, group, role })
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
        let group = GroupId::parse("team-1").expect("valid");
        let mut member_without_role = AccessClaims::member("u1", "Ada", group.clone(), Role::Admin, NOW);
        member_without_role.role = None;
        assert_eq!(member_without_role.principal(), None);
        let mut guest_with_role = AccessClaims::guest("g1", "Visitor", group, NOW);
        guest_with_role.role = Some(Role::Owner);
        assert_eq!(guest_with_role.principal(), None, "a guest cannot claim a role");
    }

    #[test]
    fn a_member_pass_opens_one_group_call_for_a_short_while() {
        let group = GroupId::parse("team-1").expect("valid");
        let pass = AccessClaims::member("u1", "Ada", group.clone(), Role::Admin, NOW);
        assert_eq!(pass.exp - pass.iat, 10 * 60);
        let principal = pass.principal().expect("consistent");
        assert_eq!(principal.call_group(), Some(&group));
        assert_eq!(AccessClaims::user("u1", "Ada", NOW).principal().expect("ok").call_group(), None);
        let json = serde_json::to_value(&pass).expect("serializes");
        assert_eq!((json["kind"].as_str(), json["role"].as_str()), (Some("member"), Some("admin")));
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

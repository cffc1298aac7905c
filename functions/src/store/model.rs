//! What the store keeps, as plain values shared by every adapter.

use peershare_core::GroupId;
use peershare_core::Timestamp;
use peershare_core::accounts::Profile;
use peershare_core::groups::{GroupDescription, GroupName, GroupSettings, InviteState, Role};

/// An account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Random, stable id.
    pub id: String,
    /// Name, avatar and preferences.
    pub profile: Profile,
    /// When the account was made.
    pub created_at: Timestamp,
}

/// What a sign-in provider vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `google`, `github`, `microsoft` or `dev`.
    pub provider: String,
    /// The provider's stable id for the person.
    pub subject: String,
    /// Their email address, when the provider shares it.
    pub email: Option<String>,
}

/// A persistent group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its id (`g_…` for stored groups).
    pub id: GroupId,
    /// Its name.
    pub name: GroupName,
    /// Its description (may be empty).
    pub description: GroupDescription,
    /// Who may do what, and call defaults.
    pub settings: GroupSettings,
    /// When it was made.
    pub created_at: Timestamp,
}

/// One member of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The account.
    pub user: User,
    /// Their role.
    pub role: Role,
    /// When they joined.
    pub joined_at: Timestamp,
}

/// An invite link as stored (the token itself is only ever shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    /// Public id, for listing and revoking.
    pub id: String,
    /// The group it admits to.
    pub group: GroupId,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// Expiry, use limit, uses and revocation.
    pub state: InviteState,
}

/// A new invite: its id, the SHA-256 of its token, and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvite {
    /// Public id.
    pub id: String,
    /// SHA-256 of the secret token.
    pub token_hash: [u8; 32],
    /// The group it admits to.
    pub group: GroupId,
    /// Who creates it.
    pub created_by: String,
    /// Expiry and use limit.
    pub state: InviteState,
}

/// One call of a group, for its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// The call's id.
    pub id: String,
    /// The group.
    pub group: GroupId,
    /// When the first person joined.
    pub started_at: Timestamp,
    /// When the last person left (absent while the call goes on).
    pub ended_at: Option<Timestamp>,
    /// Everyone who took part, in order of joining.
    pub participants: Vec<CallAttendance>,
}

/// One stint of one person in a call (rejoining makes a second one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAttendance {
    /// Account id, or a guest's id.
    pub participant: String,
    /// Their name in the call.
    pub display_name: String,
    /// When they joined.
    pub joined_at: Timestamp,
    /// When they left (absent while they are in the call).
    pub left_at: Option<Timestamp>,
}

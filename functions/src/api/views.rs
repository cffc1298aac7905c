//! The API's request and response bodies (JSON), with their OpenAPI schemas and TypeScript
//! declarations for the web client. Times are milliseconds since the Unix epoch.

use crate::store::{CallAttendance, CallRecord, Group, Invite, Member, User};
use peershare_core::Timestamp;
use peershare_core::accounts::Preferences;
use peershare_core::groups::{GroupSettings, InviteError, Role};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// An account as its owner and other members see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct UserView {
    /// Account id.
    pub id: String,
    /// The name shown in groups and calls.
    pub display_name: String,
    /// An `https` image URL.
    #[ts(optional = nullable)]
    pub avatar_url: Option<String>,
}

/// The signed-in account's own profile, with preferences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct ProfileView {
    /// Who.
    #[serde(flatten)]
    pub user: UserView,
    /// Call preferences.
    pub preferences: Preferences,
    /// When the account was made.
    #[ts(type = "number")]
    pub created_at: u64,
}

/// A session: a short-lived access token (send it as `Authorization: Bearer …`) for the
/// account. The refresh token travels in an HttpOnly cookie, never in a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct SessionView {
    /// The access token (EdDSA JWT).
    pub access_token: String,
    /// When it expires; refresh before then.
    #[ts(type = "number")]
    pub expires_at: u64,
    /// The account.
    pub user: ProfileView,
}

/// A group as one member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct GroupView {
    /// Group id (`g_…`), also its call's id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description (may be empty).
    pub description: String,
    /// Who may do what, and call defaults.
    pub settings: GroupSettings,
    /// The caller's role.
    pub role: Role,
    /// When it was made.
    #[ts(type = "number")]
    pub created_at: u64,
}

/// Groups of the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct GroupList {
    /// Newest first.
    pub groups: Vec<GroupView>,
}

/// `POST /api/groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// 1 to 80 characters.
    pub name: String,
    /// Up to 500 characters.
    #[ts(optional)]
    #[serde(default)]
    pub description: Option<String>,
}

/// `PATCH /api/groups/{id}`: absent fields stay.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    /// New name.
    #[ts(optional)]
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[ts(optional)]
    #[serde(default)]
    pub description: Option<String>,
}

/// One member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct MemberView {
    /// Who.
    #[serde(flatten)]
    pub user: UserView,
    /// Their role.
    pub role: Role,
    /// When they joined.
    #[ts(type = "number")]
    pub joined_at: u64,
}

/// A group's members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct MemberList {
    /// Owners first, then by joining time.
    pub members: Vec<MemberView>,
}

/// `PATCH /api/groups/{id}/members/{user}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// The new role.
    pub role: Role,
}

/// Whether an invite still admits people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    /// It admits people.
    Active,
    /// Its time is up.
    Expired,
    /// As many people joined as it allows.
    UsedUp,
    /// An admin revoked it.
    Revoked,
}

/// An invite link's record (the token is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct InviteView {
    /// Id, for revoking.
    pub id: String,
    /// Who created it.
    pub created_by: String,
    /// When.
    #[ts(type = "number")]
    pub created_at: u64,
    /// When it stops working.
    #[ts(type = "number")]
    pub expires_at: u64,
    /// Most people it admits (unlimited when absent).
    #[ts(optional = nullable)]
    pub max_uses: Option<u32>,
    /// People who joined through it.
    pub uses: u32,
    /// Whether it still admits people.
    pub status: InviteStatus,
}

/// A group's invites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct InviteList {
    /// Newest first.
    pub invites: Vec<InviteView>,
}

/// A new invite with its secret token: share `path` (on this origin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct CreatedInvite {
    /// The record.
    pub invite: InviteView,
    /// The secret token.
    pub token: String,
    /// The page that accepts it, e.g. `/invite/<token>`.
    pub path: String,
}

/// What an invite link shows before it is accepted. The group is named only while the invite
/// still admits people: a link that was revoked, ran out or expired says only that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct InvitePreview {
    /// The group's id (while the invite is active).
    #[ts(optional = nullable)]
    pub group_id: Option<String>,
    /// The group's name (while the invite is active).
    #[ts(optional = nullable)]
    pub group_name: Option<String>,
    /// The group's description (while the invite is active).
    #[ts(optional = nullable)]
    pub group_description: Option<String>,
    /// When the invite stops working.
    #[ts(type = "number")]
    pub expires_at: u64,
    /// Whether it still admits people.
    pub status: InviteStatus,
}

/// The result of accepting an invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct Joined {
    /// The group, as the new member sees it.
    pub group: GroupView,
    /// False when the caller already was a member (the invite was not used).
    pub newly_joined: bool,
}

/// One stint of one person in a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct AttendanceView {
    /// Account id, or a guest's id.
    pub participant: String,
    /// Their name in the call.
    pub display_name: String,
    /// When they joined.
    #[ts(type = "number")]
    pub joined_at: u64,
    /// When they left (absent while in the call).
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub left_at: Option<u64>,
}

/// One call of a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct CallView {
    /// Call id.
    pub id: String,
    /// When the first person joined.
    #[ts(type = "number")]
    pub started_at: u64,
    /// When the last person left (absent while it goes on).
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub ended_at: Option<u64>,
    /// Length in milliseconds, once ended.
    #[ts(optional = nullable)]
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    /// Who took part, in order of joining.
    pub participants: Vec<AttendanceView>,
}

/// A group's call history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct CallHistory {
    /// Newest first.
    pub calls: Vec<CallView>,
}

/// `POST /api/groups/{id}/call-pass`: a guest says who they are; members send nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct CallPassRequest {
    /// A guest's display name (ignored for members, whose profile name is used).
    #[ts(optional)]
    #[serde(default)]
    pub name: Option<String>,
}

/// A pass that opens one group's call socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct CallPassView {
    /// The pass (EdDSA JWT): offer it as the WebSocket subprotocol `peershare.pass.<token>`.
    pub token: String,
    /// When it expires.
    #[ts(type = "number")]
    pub expires_at: u64,
    /// The group (or link call) it opens.
    pub group: String,
    /// The holder's role, for members (absent for guests).
    #[ts(optional = nullable)]
    pub role: Option<Role>,
    /// The lowest role that may start a recording in this group (absent in a link call, which
    /// cannot be recorded).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub record_role: Option<Role>,
}

/// `POST /api/auth/dev`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct DevSignIn {
    /// The name to sign in as; the same name is the same account.
    pub name: String,
}

/// Ways to sign in on this deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema, TS)]
pub struct SignInOptions {
    /// OAuth providers configured here (`google`, `github`, `microsoft`).
    pub providers: Vec<String>,
    /// Whether `POST /api/auth/dev` works.
    pub dev_sign_in: bool,
}

fn ms(t: Timestamp) -> u64 {
    t.as_millis()
}

impl From<&User> for UserView {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            display_name: user.profile.display_name.as_str().to_owned(),
            avatar_url: user.profile.avatar_url.clone(),
        }
    }
}

impl From<&User> for ProfileView {
    fn from(user: &User) -> Self {
        Self {
            user: user.into(),
            preferences: user.profile.preferences.clone(),
            created_at: ms(user.created_at),
        }
    }
}

impl GroupView {
    /// `group` as seen by a member with `role`.
    pub fn new(group: &Group, role: Role) -> Self {
        Self {
            id: group.id.as_str().to_owned(),
            name: group.name.as_str().to_owned(),
            description: group.description.as_str().to_owned(),
            settings: group.settings,
            role,
            created_at: ms(group.created_at),
        }
    }
}

impl From<&Member> for MemberView {
    fn from(member: &Member) -> Self {
        Self { user: (&member.user).into(), role: member.role, joined_at: ms(member.joined_at) }
    }
}

impl InviteStatus {
    /// The status of `invite` at `now`.
    pub fn of(invite: &Invite, now: Timestamp) -> Self {
        match invite.state.admits(now) {
            Ok(()) => Self::Active,
            Err(InviteError::Revoked) => Self::Revoked,
            Err(InviteError::UsedUp) => Self::UsedUp,
            Err(_) => Self::Expired,
        }
    }
}

impl InviteView {
    /// `invite` as listed at `now`.
    pub fn new(invite: &Invite, now: Timestamp) -> Self {
        Self {
            id: invite.id.clone(),
            created_by: invite.created_by.clone(),
            created_at: ms(invite.created_at),
            expires_at: ms(invite.state.expires_at),
            max_uses: invite.state.max_uses,
            uses: invite.state.uses,
            status: InviteStatus::of(invite, now),
        }
    }
}

impl From<&CallAttendance> for AttendanceView {
    fn from(a: &CallAttendance) -> Self {
        Self {
            participant: a.participant.clone(),
            display_name: a.display_name.clone(),
            joined_at: ms(a.joined_at),
            left_at: a.left_at.map(ms),
        }
    }
}

impl From<&CallRecord> for CallView {
    fn from(call: &CallRecord) -> Self {
        Self {
            id: call.id.clone(),
            started_at: ms(call.started_at),
            ended_at: call.ended_at.map(ms),
            duration_ms: call.ended_at.map(|end| end.since(call.started_at).as_millis() as u64),
            participants: call.participants.iter().map(Into::into).collect(),
        }
    }
}

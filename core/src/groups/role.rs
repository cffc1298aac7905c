//! Roles in a group, and where a caller stands relative to one group.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A member's role in a group, lowest first, so `Role::Admin >= Role::Member`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Calls, sees members and history, and invites when the settings allow.
    Member,
    /// Also renames, describes, changes settings, manages invites and removes members.
    Admin,
    /// Also deletes the group and changes roles; a group always keeps at least one.
    Owner,
}

/// Where the caller of a request stands relative to one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No valid session.
    Anonymous,
    /// Signed in, but not a member (and no guest pass for this group).
    Outsider,
    /// A guest token for this group's call: a display name and nothing else.
    Guest,
    /// A member with this role.
    Member(Role),
}

//! Everything a caller may try to do to a group.

use super::Role;

/// One operation on a group, as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the group: name, description, settings, own role.
    View,
    /// List the members and their roles.
    ListMembers,
    /// Read the call history.
    ViewHistory,
    /// Start or join the group's call.
    JoinCall,
    /// Start or stop a recording of the call (everyone must still consent).
    Record,
    /// List the group's recordings and download them.
    ViewRecordings,
    /// Delete a recording (its files go too).
    DeleteRecording,
    /// Change the name or the description.
    Rename,
    /// Change the settings.
    ChangeSettings,
    /// Delete the group with its invites and history.
    Delete,
    /// Create an invite link.
    CreateInvite,
    /// List and revoke invite links.
    ManageInvites,
    /// Remove a member who has this role.
    RemoveMember(Role),
    /// Give a member a different role.
    ChangeRole,
    /// Leave the group.
    Leave,
}

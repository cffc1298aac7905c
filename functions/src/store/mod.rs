//! The storage trait the API runs over, and its adapters: SQLite (embedded, `peershare dev`)
//! and DynamoDB (Lambda). Every invariant that must hold under concurrent requests (invite use
//! limits, a group keeping an owner, refresh rotation, a media node's capacity) is applied
//! atomically inside the adapter: a transaction in SQLite, a conditional write in DynamoDB.

#[cfg(feature = "dynamodb")]
pub mod dynamodb;
mod errors;
mod media_nodes;
mod model;
mod recordings;
pub mod sqlite;

pub use errors::{MembershipChangeError, ProfileUpdateError, RedeemError, SettingsChangeError, StoreError};
pub use media_nodes::{MediaNodeEntry, MediaNodeRegistry, NodeAllocation, NodeRegistration, Reservation};
pub use model::{CallAttendance, CallRecord, Group, Identity, Invite, Member, NewInvite, User};
pub use recordings::{
    ClaimRequest, MAX_TAKEOVERS, RecordingOutput, RecordingRecord, RecordingStatus, RecordingStore,
    TAKEN_OVER_TOO_OFTEN,
};

use async_trait::async_trait;
use peershare_core::accounts::{Profile, ProfilePatch};
use peershare_core::auth::{RefreshOutcome, RefreshRecord};
use peershare_core::groups::{GroupDescription, GroupName, Role, SettingsPatch};
use peershare_core::{GroupId, Timestamp};

/// SHA-256 of a secret token (refresh tokens, invite tokens): what the store keeps instead.
pub type TokenHash = [u8; 32];

/// What joining through an invite did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The user became a member (the invite's use count went up by one).
    Joined(GroupId),
    /// The user already was a member; the invite was not used up by this.
    AlreadyMember(GroupId),
}

/// Persistent state of accounts, sessions, groups, invites, call history, recordings and the
/// media-node registry.
#[async_trait]
pub trait Store: RecordingStore + MediaNodeRegistry + Send + Sync + 'static {
    /// The account linked to `identity`; a new account with `new_id` and `profile` when the
    /// identity is new.
    async fn sign_in(
        &self,
        identity: &Identity,
        new_id: &str,
        profile: &Profile,
        now: Timestamp,
    ) -> Result<User, StoreError>;

    /// The account with this id.
    async fn user(&self, id: &str) -> Result<Option<User>, StoreError>;

    /// Applies `patch` to the account's profile atomically and returns the account.
    async fn update_profile(&self, id: &str, patch: &ProfilePatch) -> Result<User, ProfileUpdateError>;

    /// Stores a new refresh token.
    async fn put_refresh(
        &self,
        token_hash: TokenHash,
        record: &RefreshRecord,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    /// Presents a refresh token: applies core's rotation rule in one atomic step. On `Rotate`
    /// the presented token is marked used and `successor` stored in its family; on
    /// `ReuseDetected` the family is revoked.
    async fn rotate_refresh(
        &self,
        presented: TokenHash,
        successor: TokenHash,
        now: Timestamp,
    ) -> Result<RefreshOutcome, StoreError>;

    /// Revokes the family of a refresh token (sign-out). Unknown tokens are ignored.
    async fn revoke_refresh(&self, presented: TokenHash) -> Result<(), StoreError>;

    /// Stores a new group with `owner` as its only member.
    async fn create_group(&self, group: &Group, owner: &str, now: Timestamp) -> Result<(), StoreError>;

    /// The group, with `user`'s role in it (`None` when not a member).
    async fn group_for(
        &self,
        id: &GroupId,
        user: Option<&str>,
    ) -> Result<Option<(Group, Option<Role>)>, StoreError>;

    /// The groups `user` belongs to, with their role, most recently created first.
    async fn groups_of(&self, user: &str) -> Result<Vec<(Group, Role)>, StoreError>;

    /// Renames or redescribes a group; `None` when it does not exist.
    async fn rename_group(
        &self,
        id: &GroupId,
        name: Option<&GroupName>,
        description: Option<&GroupDescription>,
    ) -> Result<Option<Group>, StoreError>;

    /// Applies a settings patch by someone with role `by`, atomically.
    async fn change_settings(
        &self,
        id: &GroupId,
        patch: &SettingsPatch,
        by: Role,
    ) -> Result<Group, SettingsChangeError>;

    /// Deletes a group with its members, invites, history and recordings' metadata; whether it
    /// existed. (The recordings' objects are the caller's to delete from recording storage.)
    async fn delete_group(&self, id: &GroupId) -> Result<bool, StoreError>;

    /// The members of a group, owners first, then by joining time.
    async fn members(&self, id: &GroupId) -> Result<Vec<Member>, StoreError>;

    /// Gives `user`, whose role the caller saw as `expected`, the role `role`. Refused when
    /// the role changed meanwhile or when the group would lose its last owner.
    async fn change_role(
        &self,
        id: &GroupId,
        user: &str,
        expected: Role,
        role: Role,
    ) -> Result<(), MembershipChangeError>;

    /// Removes `user`, whose role the caller saw as `expected` (also how people leave).
    /// Refused when the role changed meanwhile or when the group would lose its last owner.
    async fn remove_member(
        &self,
        id: &GroupId,
        user: &str,
        expected: Role,
    ) -> Result<(), MembershipChangeError>;

    /// Stores a new invite.
    async fn create_invite(&self, invite: &NewInvite, now: Timestamp) -> Result<Invite, StoreError>;

    /// A group's invites, newest first.
    async fn invites(&self, id: &GroupId) -> Result<Vec<Invite>, StoreError>;

    /// Revokes one of a group's invites; whether it existed.
    async fn revoke_invite(&self, id: &GroupId, invite: &str) -> Result<bool, StoreError>;

    /// The invite with this token hash and its group.
    async fn invite_by_token(&self, token_hash: TokenHash) -> Result<Option<(Invite, Group)>, StoreError>;

    /// Joins `user` to the invite's group as a member if the invite admits one more at `now`;
    /// the check and the use count are one atomic step.
    async fn redeem_invite(
        &self,
        token_hash: TokenHash,
        user: &str,
        now: Timestamp,
    ) -> Result<Redeemed, RedeemError>;

    /// A group's call started (idempotent per call id).
    async fn call_started(&self, call: &str, group: &GroupId, at: Timestamp) -> Result<(), StoreError>;

    /// Someone joined a group's call.
    async fn call_joined(
        &self,
        call: &str,
        participant: &str,
        display_name: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// Someone left a group's call: closes their stint that began at `joined_at` (one person
    /// may be in a call from two devices at once).
    async fn call_left(
        &self,
        call: &str,
        participant: &str,
        joined_at: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError>;

    /// A group's call ended (closes every open stint).
    async fn call_ended(&self, call: &str, at: Timestamp) -> Result<(), StoreError>;

    /// A group's most recent calls, newest first, at most `limit`.
    async fn calls(&self, id: &GroupId, limit: usize) -> Result<Vec<CallRecord>, StoreError>;
}

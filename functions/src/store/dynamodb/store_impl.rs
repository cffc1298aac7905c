//! [`Store`], [`RecordingStore`] and [`MediaNodeRegistry`] for [`DynamoStore`]: each operation is its concern's module's function.

use super::{DynamoStore, accounts, groups, history, invites, media_nodes, members, recordings, sessions};
use crate::store::{
    CallRecord, ClaimRequest, Group, Identity, Invite, MediaNodeEntry, MediaNodeRegistry, Member,
    MembershipChangeError, NewInvite, NodeAllocation, NodeRegistration, ProfileUpdateError, RecordingOutput,
    RecordingRecord, RecordingStatus, RecordingStore, RedeemError, Redeemed, Reservation,
    SettingsChangeError, Store, StoreError, TokenHash, User,
};
use async_trait::async_trait;
use peershare_core::accounts::{Profile, ProfilePatch};
use peershare_core::auth::{RefreshOutcome, RefreshRecord};
use peershare_core::groups::{GroupDescription, GroupName, Role, SettingsPatch};
use peershare_core::room::{ConsentRecord, StopReason};
use peershare_core::{GroupId, Timestamp};

#[async_trait]
impl Store for DynamoStore {
    async fn sign_in(
        &self,
        identity: &Identity,
        new_id: &str,
        profile: &Profile,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        accounts::sign_in(self, identity, new_id, profile, now).await
    }

    async fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        accounts::user(self, id).await
    }

    async fn update_profile(&self, id: &str, patch: &ProfilePatch) -> Result<User, ProfileUpdateError> {
        accounts::update_profile(self, id, patch).await
    }

    async fn put_refresh(
        &self,
        token_hash: TokenHash,
        record: &RefreshRecord,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sessions::put(self, token_hash, record, now).await
    }

    async fn rotate_refresh(
        &self,
        presented: TokenHash,
        successor: TokenHash,
        now: Timestamp,
    ) -> Result<RefreshOutcome, StoreError> {
        sessions::rotate(self, presented, successor, now).await
    }

    async fn revoke_refresh(&self, presented: TokenHash) -> Result<(), StoreError> {
        sessions::revoke(self, presented).await
    }

    async fn create_group(&self, group: &Group, owner: &str, now: Timestamp) -> Result<(), StoreError> {
        groups::create(self, group, owner, now).await
    }

    async fn group_for(
        &self,
        id: &GroupId,
        user: Option<&str>,
    ) -> Result<Option<(Group, Option<Role>)>, StoreError> {
        groups::group_for(self, id, user).await
    }

    async fn groups_of(&self, user: &str) -> Result<Vec<(Group, Role)>, StoreError> {
        groups::groups_of(self, user).await
    }

    async fn rename_group(
        &self,
        id: &GroupId,
        name: Option<&GroupName>,
        description: Option<&GroupDescription>,
    ) -> Result<Option<Group>, StoreError> {
        groups::rename(self, id, name, description).await
    }

    async fn change_settings(
        &self,
        id: &GroupId,
        patch: &SettingsPatch,
        by: Role,
    ) -> Result<Group, SettingsChangeError> {
        groups::change_settings(self, id, patch, by).await
    }

    async fn delete_group(&self, id: &GroupId) -> Result<bool, StoreError> {
        groups::delete(self, id).await
    }

    async fn members(&self, id: &GroupId) -> Result<Vec<Member>, StoreError> {
        members::list(self, id).await
    }

    async fn change_role(
        &self,
        id: &GroupId,
        user: &str,
        expected: Role,
        role: Role,
    ) -> Result<(), MembershipChangeError> {
        members::change_role(self, id, user, expected, role).await
    }

    async fn remove_member(
        &self,
        id: &GroupId,
        user: &str,
        expected: Role,
    ) -> Result<(), MembershipChangeError> {
        members::remove(self, id, user, expected).await
    }

    async fn create_invite(&self, invite: &NewInvite, now: Timestamp) -> Result<Invite, StoreError> {
        invites::create(self, invite, now).await
    }

    async fn invites(&self, id: &GroupId) -> Result<Vec<Invite>, StoreError> {
        invites::list(self, id).await
    }

    async fn revoke_invite(&self, id: &GroupId, invite: &str) -> Result<bool, StoreError> {
        invites::revoke(self, id, invite).await
    }

    async fn invite_by_token(&self, token_hash: TokenHash) -> Result<Option<(Invite, Group)>, StoreError> {
        invites::by_token(self, token_hash).await
    }

    async fn redeem_invite(
        &self,
        token_hash: TokenHash,
        user: &str,
        now: Timestamp,
    ) -> Result<Redeemed, RedeemError> {
        invites::redeem(self, token_hash, user, now).await
    }

    async fn call_started(&self, call: &str, group: &GroupId, at: Timestamp) -> Result<(), StoreError> {
        history::started(self, call, group, at).await
    }

    async fn call_joined(
        &self,
        call: &str,
        participant: &str,
        display_name: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        history::joined(self, call, participant, display_name, at).await
    }

    async fn call_left(
        &self,
        call: &str,
        participant: &str,
        joined_at: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        history::left(self, call, participant, joined_at, at).await
    }

    async fn call_ended(&self, call: &str, at: Timestamp) -> Result<(), StoreError> {
        history::ended(self, call, at).await
    }

    async fn calls(&self, id: &GroupId, limit: usize) -> Result<Vec<CallRecord>, StoreError> {
        history::list(self, id, limit).await
    }
}

#[async_trait]
impl RecordingStore for DynamoStore {
    async fn recording_started(&self, record: &RecordingRecord) -> Result<(), StoreError> {
        recordings::started(self, record).await
    }

    async fn recording_consent(&self, id: &str, consent: &ConsentRecord) -> Result<(), StoreError> {
        recordings::consent(self, id, consent).await
    }

    async fn recording_stopped(&self, id: &str, at: Timestamp, reason: StopReason) -> Result<(), StoreError> {
        recordings::stopped(self, id, at, reason).await
    }

    async fn claim_queued_recording(
        &self,
        claim: &ClaimRequest,
    ) -> Result<Option<RecordingRecord>, StoreError> {
        recordings::claim(self, claim).await
    }

    async fn renew_recording_claim(
        &self,
        id: &str,
        claimant: &str,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        recordings::renew_claim(self, id, claimant, until).await
    }

    async fn compositions_pending(&self) -> Result<bool, StoreError> {
        recordings::compositions_pending(self).await
    }

    async fn set_recording_status(
        &self,
        id: &str,
        claimant: &str,
        status: &RecordingStatus,
        output: Option<&RecordingOutput>,
    ) -> Result<bool, StoreError> {
        recordings::set_status(self, id, claimant, status, output).await
    }

    async fn recording(&self, id: &str) -> Result<Option<RecordingRecord>, StoreError> {
        recordings::get(self, id).await
    }

    async fn recordings(&self, group: &GroupId, limit: usize) -> Result<Vec<RecordingRecord>, StoreError> {
        recordings::list(self, group, limit).await
    }

    async fn delete_recording(&self, id: &str) -> Result<bool, StoreError> {
        recordings::delete(self, id).await
    }
}

#[async_trait]
impl MediaNodeRegistry for DynamoStore {
    async fn register_node(
        &self,
        node: &NodeRegistration,
        now: Timestamp,
    ) -> Result<Vec<NodeAllocation>, StoreError> {
        media_nodes::register(self, node, now).await
    }

    async fn node_heartbeat(
        &self,
        id: &str,
        load: u32,
        now: Timestamp,
    ) -> Result<Option<MediaNodeEntry>, StoreError> {
        media_nodes::heartbeat(self, id, load, now).await
    }

    async fn media_nodes(&self) -> Result<Vec<MediaNodeEntry>, StoreError> {
        media_nodes::list(self).await
    }

    async fn media_node(&self, id: &str) -> Result<Option<MediaNodeEntry>, StoreError> {
        media_nodes::get(self, id).await
    }

    async fn reserve_on_node(
        &self,
        allocation: &NodeAllocation,
        alive_since: Timestamp,
    ) -> Result<Reservation, StoreError> {
        media_nodes::reserve(self, allocation, alive_since).await
    }

    async fn release_on_node(
        &self,
        node_id: &str,
        call_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        media_nodes::release(self, node_id, call_id, now).await
    }

    async fn node_allocations(&self, node_id: &str) -> Result<Vec<NodeAllocation>, StoreError> {
        media_nodes::node_allocations(self, node_id).await
    }

    async fn set_node_draining(&self, id: &str, draining: bool) -> Result<bool, StoreError> {
        media_nodes::set_draining(self, id, draining).await
    }

    async fn remove_node(&self, id: &str) -> Result<Vec<NodeAllocation>, StoreError> {
        media_nodes::remove(self, id).await
    }
}

//! [`Store`], [`RecordingStore`] and [`MediaNodeRegistry`] for [`SqliteStore`]: each operation runs on one connection of the pool, on tokio's
//! blocking threads, with the SQL of its concern's module.

use super::{SqliteStore, accounts, groups, history, invites, media_nodes, members, recordings, sessions};
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

/// Runs a query function with owned copies of its arguments on a pooled connection, mapping
/// SQLite's error into the operation's.
macro_rules! on_connection {
    ($store:expr, |$conn:ident| $body:expr) => {
        $store.with_connection(move |$conn| $body.map_err(Into::into)).await
    };
}

#[async_trait]
impl Store for SqliteStore {
    async fn sign_in(
        &self,
        identity: &Identity,
        new_id: &str,
        profile: &Profile,
        now: Timestamp,
    ) -> Result<User, StoreError> {
        let (identity, new_id, profile) = (identity.clone(), new_id.to_owned(), profile.clone());
        on_connection!(self, |c| accounts::sign_in(c, &identity, &new_id, &profile, now))
    }

    async fn user(&self, id: &str) -> Result<Option<User>, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| accounts::user(c, &id))
    }

    async fn update_profile(&self, id: &str, patch: &ProfilePatch) -> Result<User, ProfileUpdateError> {
        let (id, patch) = (id.to_owned(), patch.clone());
        on_connection!(self, |c| accounts::update_profile(c, &id, &patch))
    }

    async fn put_refresh(
        &self,
        token_hash: TokenHash,
        record: &RefreshRecord,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let record = record.clone();
        on_connection!(self, |c| sessions::put(c, token_hash, &record, now))
    }

    async fn rotate_refresh(
        &self,
        presented: TokenHash,
        successor: TokenHash,
        now: Timestamp,
    ) -> Result<RefreshOutcome, StoreError> {
        on_connection!(self, |c| sessions::rotate(c, presented, successor, now))
    }

    async fn revoke_refresh(&self, presented: TokenHash) -> Result<(), StoreError> {
        on_connection!(self, |c| sessions::revoke(c, presented))
    }

    async fn create_group(&self, group: &Group, owner: &str, now: Timestamp) -> Result<(), StoreError> {
        let (group, owner) = (group.clone(), owner.to_owned());
        on_connection!(self, |c| groups::create(c, &group, &owner, now))
    }

    async fn group_for(
        &self,
        id: &GroupId,
        user: Option<&str>,
    ) -> Result<Option<(Group, Option<Role>)>, StoreError> {
        let (id, user) = (id.clone(), user.map(str::to_owned));
        on_connection!(self, |c| groups::group_for(c, &id, user.as_deref()))
    }

    async fn groups_of(&self, user: &str) -> Result<Vec<(Group, Role)>, StoreError> {
        let user = user.to_owned();
        on_connection!(self, |c| groups::groups_of(c, &user))
    }

    async fn rename_group(
        &self,
        id: &GroupId,
        name: Option<&GroupName>,
        description: Option<&GroupDescription>,
    ) -> Result<Option<Group>, StoreError> {
        let (id, name, description) = (id.clone(), name.cloned(), description.cloned());
        on_connection!(self, |c| groups::rename(c, &id, name.as_ref(), description.as_ref()))
    }

    async fn change_settings(
        &self,
        id: &GroupId,
        patch: &SettingsPatch,
        by: Role,
    ) -> Result<Group, SettingsChangeError> {
        let (id, patch) = (id.clone(), *patch);
        on_connection!(self, |c| groups::change_settings(c, &id, &patch, by))
    }

    async fn delete_group(&self, id: &GroupId) -> Result<bool, StoreError> {
        let id = id.clone();
        on_connection!(self, |c| groups::delete(c, &id))
    }

    async fn members(&self, id: &GroupId) -> Result<Vec<Member>, StoreError> {
        let id = id.clone();
        on_connection!(self, |c| members::list(c, &id))
    }

    async fn change_role(
        &self,
        id: &GroupId,
        user: &str,
        expected: Role,
        role: Role,
    ) -> Result<(), MembershipChangeError> {
        let (id, user) = (id.clone(), user.to_owned());
        on_connection!(self, |c| members::change_role(c, &id, &user, expected, role))
    }

    async fn remove_member(
        &self,
        id: &GroupId,
        user: &str,
        expected: Role,
    ) -> Result<(), MembershipChangeError> {
        let (id, user) = (id.clone(), user.to_owned());
        on_connection!(self, |c| members::remove(c, &id, &user, expected))
    }

    async fn create_invite(&self, invite: &NewInvite, now: Timestamp) -> Result<Invite, StoreError> {
        let invite = invite.clone();
        on_connection!(self, |c| invites::create(c, &invite, now))
    }

    async fn invites(&self, id: &GroupId) -> Result<Vec<Invite>, StoreError> {
        let id = id.clone();
        on_connection!(self, |c| invites::list(c, &id))
    }

    async fn revoke_invite(&self, id: &GroupId, invite: &str) -> Result<bool, StoreError> {
        let (id, invite) = (id.clone(), invite.to_owned());
        on_connection!(self, |c| invites::revoke(c, &id, &invite))
    }

    async fn invite_by_token(&self, token_hash: TokenHash) -> Result<Option<(Invite, Group)>, StoreError> {
        on_connection!(self, |c| invites::by_token(c, token_hash))
    }

    async fn redeem_invite(
        &self,
        token_hash: TokenHash,
        user: &str,
        now: Timestamp,
    ) -> Result<Redeemed, RedeemError> {
        let user = user.to_owned();
        on_connection!(self, |c| invites::redeem(c, token_hash, &user, now))
    }

    async fn call_started(&self, call: &str, group: &GroupId, at: Timestamp) -> Result<(), StoreError> {
        let (call, group) = (call.to_owned(), group.clone());
        on_connection!(self, |c| history::started(c, &call, &group, at))
    }

    async fn call_joined(
        &self,
        call: &str,
        participant: &str,
        display_name: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let (call, participant, display_name) =
            (call.to_owned(), participant.to_owned(), display_name.to_owned());
        on_connection!(self, |c| history::joined(c, &call, &participant, &display_name, at))
    }

    async fn call_left(
        &self,
        call: &str,
        participant: &str,
        joined_at: Timestamp,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let (call, participant) = (call.to_owned(), participant.to_owned());
        on_connection!(self, |c| history::left(c, &call, &participant, joined_at, at))
    }

    async fn call_ended(&self, call: &str, at: Timestamp) -> Result<(), StoreError> {
        let call = call.to_owned();
        on_connection!(self, |c| history::ended(c, &call, at))
    }

    async fn calls(&self, id: &GroupId, limit: usize) -> Result<Vec<CallRecord>, StoreError> {
        let id = id.clone();
        on_connection!(self, |c| history::list(c, &id, limit))
    }
}

#[async_trait]
impl RecordingStore for SqliteStore {
    async fn recording_started(&self, record: &RecordingRecord) -> Result<(), StoreError> {
        let record = record.clone();
        on_connection!(self, |c| recordings::started(c, &record))
    }

    async fn recording_consent(&self, id: &str, consent: &ConsentRecord) -> Result<(), StoreError> {
        let (id, consent) = (id.to_owned(), consent.clone());
        on_connection!(self, |c| recordings::consent(c, &id, &consent))
    }

    async fn recording_stopped(&self, id: &str, at: Timestamp, reason: StopReason) -> Result<(), StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| recordings::stopped(c, &id, at, reason))
    }

    async fn claim_queued_recording(
        &self,
        claim: &ClaimRequest,
    ) -> Result<Option<RecordingRecord>, StoreError> {
        let claim = claim.clone();
        on_connection!(self, |c| recordings::claim(c, &claim))
    }

    async fn renew_recording_claim(
        &self,
        id: &str,
        claimant: &str,
        until: Timestamp,
    ) -> Result<bool, StoreError> {
        let (id, claimant) = (id.to_owned(), claimant.to_owned());
        on_connection!(self, |c| recordings::renew_claim(c, &id, &claimant, until))
    }

    async fn compositions_pending(&self) -> Result<bool, StoreError> {
        on_connection!(self, |c| recordings::compositions_pending(c))
    }

    async fn set_recording_status(
        &self,
        id: &str,
        claimant: &str,
        status: &RecordingStatus,
        output: Option<&RecordingOutput>,
    ) -> Result<bool, StoreError> {
        let (id, claimant, status, output) =
            (id.to_owned(), claimant.to_owned(), status.clone(), output.cloned());
        on_connection!(self, |c| recordings::set_status(c, &id, &claimant, &status, output.as_ref()))
    }

    async fn recording(&self, id: &str) -> Result<Option<RecordingRecord>, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| recordings::get(c, &id))
    }

    async fn recordings(&self, group: &GroupId, limit: usize) -> Result<Vec<RecordingRecord>, StoreError> {
        let group = group.clone();
        on_connection!(self, |c| recordings::list(c, &group, limit))
    }

    async fn delete_recording(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| recordings::delete(c, &id))
    }
}

#[async_trait]
impl MediaNodeRegistry for SqliteStore {
    async fn register_node(
        &self,
        node: &NodeRegistration,
        now: Timestamp,
    ) -> Result<Vec<NodeAllocation>, StoreError> {
        let node = node.clone();
        on_connection!(self, |c| media_nodes::register(c, &node, now))
    }

    async fn node_heartbeat(
        &self,
        id: &str,
        load: u32,
        now: Timestamp,
    ) -> Result<Option<MediaNodeEntry>, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| media_nodes::heartbeat(c, &id, load, now))
    }

    async fn media_nodes(&self) -> Result<Vec<MediaNodeEntry>, StoreError> {
        on_connection!(self, |c| media_nodes::list(c))
    }

    async fn media_node(&self, id: &str) -> Result<Option<MediaNodeEntry>, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| media_nodes::get(c, &id))
    }

    async fn reserve_on_node(
        &self,
        allocation: &NodeAllocation,
        alive_since: Timestamp,
    ) -> Result<Reservation, StoreError> {
        let allocation = allocation.clone();
        on_connection!(self, |c| media_nodes::reserve(c, &allocation, alive_since))
    }

    async fn release_on_node(
        &self,
        node_id: &str,
        call_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (node_id, call_id) = (node_id.to_owned(), call_id.to_owned());
        on_connection!(self, |c| media_nodes::release(c, &node_id, &call_id, now))
    }

    async fn node_allocations(&self, node_id: &str) -> Result<Vec<NodeAllocation>, StoreError> {
        let node_id = node_id.to_owned();
        on_connection!(self, |c| media_nodes::node_allocations(c, &node_id))
    }

    async fn set_node_draining(&self, id: &str, draining: bool) -> Result<bool, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| media_nodes::set_draining(c, &id, draining))
    }

    async fn remove_node(&self, id: &str) -> Result<Vec<NodeAllocation>, StoreError> {
        let id = id.to_owned();
        on_connection!(self, |c| media_nodes::remove(c, &id))
    }
}

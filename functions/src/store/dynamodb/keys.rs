//! The table's keys: how each kind of item is addressed (see the module doc of
//! [`super`] for the whole layout). Every prefix ends in `#`, so one kind's keys never
//! start another's.

use super::items::{Item, s};
use crate::store::TokenHash;
use peershare_core::{GroupId, Timestamp};

/// Partition key attribute.
pub(super) const PK: &str = "pk";
/// Sort key attribute.
pub(super) const SK: &str = "sk";
/// The user → groups index.
pub(super) const GSI1: &str = "gsi1";
/// Partition key attribute of [`GSI1`].
pub(super) const GSI1_PK: &str = "gsi1pk";
/// Sort key attribute of [`GSI1`].
pub(super) const GSI1_SK: &str = "gsi1sk";

/// Sort key of a group's own item.
pub(super) const GROUP_SK: &str = "GROUP";
/// Sort key prefix of a group's members.
pub(super) const MEMBER_PREFIX: &str = "MEMBER#";
/// Sort key prefix of a group's invites.
pub(super) const INVITE_PREFIX: &str = "INVITE#";
/// Sort key prefix of a group's calls (by start time), and of a media node's call sessions.
pub(super) const CALL_PREFIX: &str = "CALL#";
/// Sort key prefix of a call's stints (by joining time).
pub(super) const STINT_PREFIX: &str = "STINT#";
/// Sort key prefix of a group's recordings (by start time).
pub(super) const RECORDING_PREFIX: &str = "RECORDING#";
/// [`GSI1`]'s partition of the composition queue: queued recordings, by stopping time.
pub(super) const RECORDING_QUEUE: &str = "RECORDING_QUEUE";
/// [`GSI1`]'s partition of the recordings being composed (claimed off the queue), so that the
/// fleet can tell whether any is (its composers run on the media nodes).
pub(super) const RECORDING_COMPOSING: &str = "RECORDING_COMPOSING";
/// The one partition of every media node's item, so that listing them is one strongly
/// consistent query.
pub(super) const MEDIA_NODES: &str = "MEDIA_NODES";
/// Sort key prefix of the media nodes in [`MEDIA_NODES`].
pub(super) const NODE_PREFIX: &str = "NODE#";

/// A key from its two parts.
pub(super) fn key(pk: String, sk: impl Into<String>) -> Item {
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

/// An account: `USER#{id}` / `PROFILE`.
pub(super) fn user(id: &str) -> Item {
    key(format!("USER#{id}"), "PROFILE")
}

/// A provider identity, pointing at its account: `IDENTITY#{provider}#{subject}` / `IDENTITY`.
pub(super) fn identity(provider: &str, subject: &str) -> Item {
    key(format!("IDENTITY#{provider}#{subject}"), "IDENTITY")
}

/// A refresh token: `REFRESH#{hash}` / `REFRESH`.
pub(super) fn refresh(hash: &TokenHash) -> Item {
    key(format!("REFRESH#{}", hex(hash)), "REFRESH")
}

/// A refresh token family (sign-in), which carries its revocation: `FAMILY#{id}` / `FAMILY`.
pub(super) fn family(id: &str) -> Item {
    key(format!("FAMILY#{id}"), "FAMILY")
}

/// The partition of a group: the group, its members, invites and calls.
pub(super) fn group_pk(id: &GroupId) -> String {
    format!("GROUP#{}", id.as_str())
}

/// A group: `GROUP#{id}` / `GROUP`.
pub(super) fn group(id: &GroupId) -> Item {
    key(group_pk(id), GROUP_SK)
}

/// A membership: `GROUP#{id}` / `MEMBER#{user}`.
pub(super) fn member(id: &GroupId, user: &str) -> Item {
    key(group_pk(id), format!("{MEMBER_PREFIX}{user}"))
}

/// [`GSI1`]'s keys of a membership: `USER#{user}` / `GROUP#{id}`.
pub(super) fn member_index(id: &GroupId, user: &str) -> [(String, String); 2] {
    [(GSI1_PK.to_owned(), format!("USER#{user}")), (GSI1_SK.to_owned(), group_pk(id))]
}

/// [`GSI1`]'s partition of a user's memberships.
pub(super) fn memberships_of(user: &str) -> String {
    format!("USER#{user}")
}

/// An invite: `GROUP#{id}` / `INVITE#{invite}`.
pub(super) fn invite(id: &GroupId, invite: &str) -> Item {
    key(group_pk(id), format!("{INVITE_PREFIX}{invite}"))
}

/// An invite token, pointing at its invite: `INVITE_TOKEN#{hash}` / `INVITE_TOKEN`.
pub(super) fn invite_token(hash: &TokenHash) -> Item {
    invite_token_hex(&hex(hash))
}

/// [`invite_token`] from the hex of the hash, as invites keep it.
pub(super) fn invite_token_hex(hex: &str) -> Item {
    key(format!("INVITE_TOKEN#{hex}"), "INVITE_TOKEN")
}

/// A call in its group's list: `GROUP#{id}` / `CALL#{started_at, 20 digits}#{call}`.
pub(super) fn call_entry(id: &GroupId, started_at: Timestamp, call: &str) -> Item {
    key(group_pk(id), format!("{CALL_PREFIX}{:020}#{call}", started_at.as_millis()))
}

/// The partition of a call: the call and its stints.
pub(super) fn call_pk(call: &str) -> String {
    format!("CALL#{call}")
}

/// A call: `CALL#{call}` / `CALL`.
pub(super) fn call(call: &str) -> Item {
    key(call_pk(call), "CALL")
}

/// One stint in a call: `CALL#{call}` / `STINT#{joined_at, 20 digits}#{participant}`.
pub(super) fn stint(call: &str, joined_at: Timestamp, participant: &str) -> Item {
    key(call_pk(call), format!("{STINT_PREFIX}{:020}#{participant}", joined_at.as_millis()))
}

/// A recording in its group's list: `GROUP#{id}` / `RECORDING#{started_at, 20 digits}#{recording}`.
pub(super) fn recording_entry(id: &GroupId, started_at: Timestamp, recording: &str) -> Item {
    key(group_pk(id), format!("{RECORDING_PREFIX}{:020}#{recording}", started_at.as_millis()))
}

/// A recording: `RECORDING#{recording}` / `RECORDING`.
pub(super) fn recording(recording: &str) -> Item {
    key(format!("{RECORDING_PREFIX}{recording}"), "RECORDING")
}

/// [`GSI1`]'s sort key of a queued recording: `{stopped_at, 20 digits}#{recording}` (one
/// never stopped sorts as stopped at 0).
pub(super) fn queue_sk(stopped_at: Option<Timestamp>, recording: &str) -> String {
    format!("{:020}#{recording}", stopped_at.map_or(0, Timestamp::as_millis))
}

/// A media node: `MEDIA_NODES` / `NODE#{id}`.
pub(super) fn media_node(id: &str) -> Item {
    key(MEDIA_NODES.to_owned(), format!("{NODE_PREFIX}{id}"))
}

/// The partition of a media node's allocations.
pub(super) fn node_allocations_pk(id: &str) -> String {
    format!("MEDIA_NODE#{id}")
}

/// A call session reserved on a media node: `MEDIA_NODE#{id}` / `CALL#{call}`.
pub(super) fn node_allocation(id: &str, call: &str) -> Item {
    key(node_allocations_pk(id), format!("{CALL_PREFIX}{call}"))
}

/// Lower-case hex of a token hash.
pub(super) fn hex(hash: &TokenHash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_order_by_time_then_name() {
        let sk = |item: Item| item.get(SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
        let early = sk(stint("c", Timestamp::from_millis(999), "zed"));
        let late = sk(stint("c", Timestamp::from_millis(1000), "ada"));
        assert!(early < late);
        assert_eq!(hex(&[0xab; 32]).len(), 64);
    }
}

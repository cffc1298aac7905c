//! The DynamoDB store (Lambda): one table, defined as data in `migrations/dynamodb/table.json`,
//! with its TTL in `migrations/dynamodb/time_to_live.json`.
//!
//! # Layout
//! String keys `pk` / `sk`; one GSI, `gsi1` (`gsi1pk` / `gsi1sk`, projecting `member_role`).
//!
//! | item | `pk` | `sk` | notes |
//! |---|---|---|---|
//! | account | `USER#{id}` | `PROFILE` | profile, `item_version` |
//! | identity link | `IDENTITY#{provider}#{subject}` | `IDENTITY` | `user_id` |
//! | refresh token | `REFRESH#{sha256 hex}` | `REFRESH` | `family_id`, `used`, `revoked` |
//! | token family | `FAMILY#{family}` | `FAMILY` | `revoked` for the whole family |
//! | group | `GROUP#{id}` | `GROUP` | settings (JSON), `owners`, `item_version` |
//! | member | `GROUP#{id}` | `MEMBER#{user}` | `member_role`; gsi1: `USER#{user}` / `GROUP#{id}` |
//! | invite | `GROUP#{id}` | `INVITE#{invite}` | `uses`, `max_uses`, `expires_at`, `revoked` |
//! | invite token | `INVITE_TOKEN#{sha256 hex}` | `INVITE_TOKEN` | points at the invite |
//! | call in history | `GROUP#{id}` | `CALL#{started_at:020}#{call}` | for listing and deletion |
//! | call | `CALL#{call}` | `CALL` | `group_id`, `started_at`, `ended_at` |
//! | stint | `CALL#{call}` | `STINT#{joined_at:020}#{participant}` | `left_at` |
//! | recording in a group | `GROUP#{id}` | `RECORDING#{started_at:020}#{recording}` | for listing and deletion |
//! | recording | `RECORDING#{recording}` | `RECORDING` | `recording_status`, `consents`; gsi1 while queued: `RECORDING_QUEUE` / `{stopped_at:020}#{recording}`, while composed `RECORDING_COMPOSING` / the same |
//! | media node | `MEDIA_NODES` | `NODE#{id}` | registration, `reserved`, `unreserved` (capacity − reserved), `allocation_count`, `last_heartbeat`, `draining`, `fence` while replaced; `expires_ttl` |
//! | node allocation | `MEDIA_NODE#{id}` | `CALL#{call}` | `participants`, `room`, `created_at`; `expires_ttl` |
//!
//! Timestamps are numbers of milliseconds, except `expires_ttl`, which is in epoch seconds as
//! DynamoDB's TTL reads it: an hour past a node's last heartbeat, a week past an allocation's
//! creation, so a dead deployment's registry vanishes by itself. Every media node is in the one
//! `MEDIA_NODES` partition, so the allocator reads the whole fleet with one strongly consistent
//! query; a partition takes about 1000 writes a second, which at one heartbeat per node every
//! 5 s bounds a fleet at about 5000 nodes (fewer with reservations' writes): beyond that, shard
//! the partition. Lookups by secret (identity, tokens) are items of
//! their own rather than GSI entries, so they read with strong consistency; the GSI is queried
//! for a user's list of groups, where a membership a moment old may still be missing, and for
//! the composition queue, where a recording a moment queued may wait for the next claim and
//! one a moment claimed is skipped by the claim's condition.
//!
//! # Invariants under concurrency
//! Every rule that spans a read and a write is a conditional write or one TransactWriteItems,
//! and core decides, as in the SQLite store: joining counts the invite use only while the
//! invite admits one more, and adds the member only if absent; a role change or removal
//! requires the role the caller saw and, for an owner, `owners > 1` on the group's counter;
//! rotation marks the token used only while unused and unrevoked and its family is live;
//! settings and profiles change only at the version that was read; a recording is stopped only
//! while recording, claimed only while queued, and an answer is appended only while its
//! `participant@at` key is absent from `consent_keys`. A reservation on a media node puts its
//! allocation only if absent and adds to the node only while it is registered, unfenced, not
//! draining, heartbeating since the caller's bound, and `unreserved >= participants`; a release
//! deletes the allocation as read and gives back its participants in the same transaction;
//! registering a node again or removing it fences the node first (no reservation passes a
//! fence), drops its allocations, and replaces the node only while its fence is there. A
//! cancelled step reads again and lets core name the outcome, a bounded number of times.

mod accounts;
mod batch;
mod client;
mod errors;
mod groups;
mod history;
mod invites;
mod items;
mod keys;
mod media_nodes;
mod members;
mod recordings;
mod retry;
mod sessions;
mod store_impl;
mod table;
mod transact;

pub use client::DynamoStore;
pub use table::{TABLE_JSON, TABLE_NAME_PLACEHOLDER, TIME_TO_LIVE_JSON, ensure_table};

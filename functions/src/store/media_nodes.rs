//! The media-node registry: each node registers itself and heartbeats its load; an allocator
//! reserves participants on a node for a call session. Both adapters implement
//! [`MediaNodeRegistry`]; a reservation is one atomic step (a transaction in SQLite, a
//! conditional TransactWriteItems in DynamoDB), so rooms reserving at once never oversubscribe a
//! node. The store only keeps times: whether a node is alive is core's rule
//! ([`peershare_core::fleet::FleetPolicy::alive`]).

use super::StoreError;
use async_trait::async_trait;
use peershare_core::Timestamp;
use peershare_core::fleet::NodeRecord;
use serde::{Deserialize, Serialize};

/// A media node as it registers itself (core checks it before the registry stores it).
pub use peershare_core::fleet::NodeRegistration;

/// A registered node as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaNodeEntry {
    /// What it registered.
    pub registration: NodeRegistration,
    /// Participants reserved by its allocations (the sum of their `participants`).
    pub reserved: u32,
    /// Participants it reported at its last heartbeat.
    pub load: u32,
    /// It takes no new calls.
    pub draining: bool,
    /// When it (last) registered.
    pub registered_at: Timestamp,
    /// When it last heartbeat (its registration counts as one).
    pub last_heartbeat: Timestamp,
    /// Since when it holds no allocation (None while it holds one).
    pub idle_since: Option<Timestamp>,
}

impl MediaNodeEntry {
    /// The record core's fleet policy reads: `reserved` is the larger of the reservations and
    /// the reported load.
    pub fn record(&self) -> NodeRecord {
        NodeRecord {
            id: self.registration.id.clone(),
            region: self.registration.region.clone(),
            capacity: self.registration.capacity,
            reserved: self.reserved.max(self.load),
            draining: self.draining,
            last_heartbeat: self.last_heartbeat,
        }
    }
}

/// One call session reserved on a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAllocation {
    /// The node it is reserved on.
    pub node_id: String,
    /// The call session's id on the node.
    pub call_id: String,
    /// Participants reserved for it.
    pub participants: u32,
    /// The room it is for (a group id or a link-call key; opaque to the store).
    pub room: String,
    /// When it was reserved.
    pub created_at: Timestamp,
}

/// What a reservation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Reserved now.
    Reserved,
    /// This call session was reserved on this node already: nothing changed (idempotent retry).
    AlreadyReserved,
    /// The node has not that much room left.
    NoRoom,
    /// The node is draining.
    Draining,
    /// The node's last heartbeat is older than `alive_since` (or it is re-registering or being
    /// removed at this very moment).
    Dead,
    /// No such node is registered.
    UnknownNode,
}

/// The registry of media nodes and of the call sessions reserved on them.
#[async_trait]
pub trait MediaNodeRegistry: Send + Sync {
    /// Registers `node` at `now` (heartbeat now, reserved 0, load 0, not draining, idle since
    /// now). A node registering again under its id restarted: its entry is replaced and its old
    /// allocations are dropped and returned (their calls must move).
    async fn register_node(
        &self,
        node: &NodeRegistration,
        now: Timestamp,
    ) -> Result<Vec<NodeAllocation>, StoreError>;

    /// A heartbeat: `last_heartbeat = now`, `load = load`; returns the entry as it stands after
    /// it (its `draining` tells the node to drain), or None for an unknown node (it must
    /// register again).
    async fn node_heartbeat(
        &self,
        id: &str,
        load: u32,
        now: Timestamp,
    ) -> Result<Option<MediaNodeEntry>, StoreError>;

    /// Every registered node (alive or not; core decides), ordered by id. Read with strong
    /// consistency.
    async fn media_nodes(&self) -> Result<Vec<MediaNodeEntry>, StoreError>;

    /// One node.
    async fn media_node(&self, id: &str) -> Result<Option<MediaNodeEntry>, StoreError>;

    /// Reserves `allocation.participants` on `allocation.node_id` in one atomic step, only if
    /// the node is registered, not draining, its last heartbeat is at or after `alive_since`,
    /// and reserved + participants <= capacity; clears `idle_since`. The same (node, call) again
    /// is `AlreadyReserved` and counts once.
    async fn reserve_on_node(
        &self,
        allocation: &NodeAllocation,
        alive_since: Timestamp,
    ) -> Result<Reservation, StoreError>;

    /// Removes the allocation and gives back its participants, once; the node is idle since
    /// `now` when none is left. Whether it existed.
    async fn release_on_node(&self, node_id: &str, call_id: &str, now: Timestamp)
    -> Result<bool, StoreError>;

    /// A node's allocations, by call id.
    async fn node_allocations(&self, node_id: &str) -> Result<Vec<NodeAllocation>, StoreError>;

    /// Marks the node draining (or not). Whether it is registered.
    async fn set_node_draining(&self, id: &str, draining: bool) -> Result<bool, StoreError>;

    /// Removes the node and its allocations (it left, or it is dead); returns those
    /// allocations.
    async fn remove_node(&self, id: &str) -> Result<Vec<NodeAllocation>, StoreError>;
}

//! Media nodes for the rooms of this process: the allocation interface rooms use, with two
//! implementations: the node that runs in-process ([`InProcessNode`], the default) and a fleet
//! of node processes behind the registry ([`FleetNodes`], `--media-fleet`).

mod fleet_nodes;
mod in_process;
mod node_control;

pub use fleet_nodes::FleetNodes;
pub use in_process::{IN_PROCESS_NODE_ID, IN_PROCESS_NODE_PATH, InProcessNode};
pub use node_control::NodeControl;

use peershare_core::media::MediaNodeLease;
use peershare_core::protocol::ParticipantId;
use peershare_media_node::sfu::RecordingSpec;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, so allocators can be used as trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why no call session could be opened.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct AllocationError(pub String);

/// A room's request for a call session on a media node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeAsk {
    /// The room asking (its group id or link-call key).
    pub room: String,
    /// Participants to reserve room for.
    pub participants: u32,
    /// A node not to use: the one whose session this replaces (it was lost).
    pub avoid: Option<String>,
}

/// An allocator's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allocated {
    /// A call session is open on a node.
    Lease(MediaNodeLease),
    /// No node has room; one is starting: ask again after `retry_after`.
    Pending {
        /// When to ask again.
        retry_after: Duration,
    },
}

/// Opens, checks, trims and ends call sessions on media nodes for rooms.
pub trait MediaNodeAllocator: std::fmt::Debug + Send + Sync {
    /// Opens a call session on a node with room for the ask's participants, or says one is
    /// starting.
    fn allocate(&self, ask: NodeAsk) -> BoxFuture<'_, Result<Allocated, AllocationError>>;
    /// Whether the call session is still open on its node (a participant's link to it failed).
    fn check(&self, lease: MediaNodeLease) -> BoxFuture<'_, bool>;
    /// Removes a participant from a call session (they left the room).
    fn remove_participant(&self, lease: MediaNodeLease, participant: ParticipantId) -> BoxFuture<'_, ()>;
    /// Tells a call session what to record; why the node refused, if it did.
    fn record(&self, lease: MediaNodeLease, plan: RecordingSpec) -> BoxFuture<'_, Result<(), String>>;
    /// Ends a call session and frees what it held.
    fn release(&self, lease: MediaNodeLease) -> BoxFuture<'_, ()>;
}

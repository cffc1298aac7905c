//! Media nodes for the rooms of this process: the allocation interface rooms use, and its
//! implementation on the node that runs in-process. A cloud allocator (a node registry
//! reached over HTTP) implements the same trait.

use peershare_core::media::MediaNodeLease;
use peershare_core::protocol::ParticipantId;
use peershare_media_node::sfu::RecordingSpec;
use peershare_media_node::udp_host::NodeHandle;
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

/// The node running inside `peershare dev`, its control API mounted at [`IN_PROCESS_NODE_PATH`].
#[derive(Debug, Clone)]
pub struct InProcessNode {
    node: NodeHandle,
}

/// Where the in-process node's control API is mounted; browsers resolve it against the page.
pub const IN_PROCESS_NODE_PATH: &str = "/media";

/// The in-process node's id (the audience of its tokens).
pub const IN_PROCESS_NODE_ID: &str = "local";

impl InProcessNode {
    /// Allocates on `node`.
    pub fn new(node: NodeHandle) -> Self {
        Self { node }
    }
}

impl MediaNodeAllocator for InProcessNode {
    fn allocate(&self, ask: NodeAsk) -> BoxFuture<'_, Result<Allocated, AllocationError>> {
        Box::pin(async move {
            let stats = self.node.stats();
            let participants = ask.participants;
            tracing::info!(participants, node_participants = stats.participants, "opening a call session");
            let call_id = format!("call-{:016x}", rand::random::<u64>());
            self.node.create_call(&call_id).await.map_err(|e| AllocationError(e.to_string()))?;
            Ok(Allocated::Lease(MediaNodeLease {
                node_id: IN_PROCESS_NODE_ID.into(),
                url: IN_PROCESS_NODE_PATH.into(),
                call_id,
                control_url: String::new(),
            }))
        })
    }

    fn check(&self, lease: MediaNodeLease) -> BoxFuture<'_, bool> {
        Box::pin(async move { self.node.call_participants(&lease.call_id).await.is_ok() })
    }

    fn remove_participant(&self, lease: MediaNodeLease, participant: ParticipantId) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // The participant may never have connected to the node; that is not an error.
            let _ = self.node.remove_participant(&lease.call_id, participant).await;
        })
    }

    fn record(&self, lease: MediaNodeLease, plan: RecordingSpec) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.node.set_recording(&lease.call_id, plan).await.map_err(|e| {
                tracing::error!(call = %lease.call_id, error = %e, "the media node did not take the recording plan");
                e.to_string()
            })
        })
    }

    fn release(&self, lease: MediaNodeLease) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Err(e) = self.node.end_call(&lease.call_id).await {
                tracing::warn!(call = %lease.call_id, error = %e, "could not end the call session");
            }
        })
    }
}

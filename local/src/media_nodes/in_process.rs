//! The node that runs inside `peershare dev`'s own process.

use super::{Allocated, AllocationError, BoxFuture, MediaNodeAllocator, NodeAsk};
use peershare_core::media::MediaNodeLease;
use peershare_core::protocol::ParticipantId;
use peershare_media_node::sfu::RecordingSpec;
use peershare_media_node::udp_host::NodeHandle;

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

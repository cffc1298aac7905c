//! Call sessions on the fleet's nodes: the fleet (its registry in the store) reserves room on
//! the node core's policy picks, then the session is opened on that node over its control API.

use super::{Allocated, AllocationError, BoxFuture, MediaNodeAllocator, NodeAsk, NodeControl};
use peershare_core::media::MediaNodeLease;
use peershare_core::protocol::ParticipantId;
use peershare_core::time::Timestamp;
use peershare_functions::clock::{Clock, SystemClock};
use peershare_functions::fleet::{AllocationAnswer, AllocationAsk, Fleet};
use peershare_media_node::sfu::RecordingSpec;
use std::sync::Arc;

/// Rooms' allocator over a fleet of node processes.
#[derive(Debug, Clone)]
pub struct FleetNodes {
    fleet: Arc<Fleet>,
    control: NodeControl,
}

impl FleetNodes {
    /// Allocates on `fleet`'s nodes, reaching them with `control`.
    pub fn new(fleet: Arc<Fleet>, control: NodeControl) -> Self {
        Self { fleet, control }
    }
}

fn now() -> Timestamp {
    SystemClock.now()
}

impl MediaNodeAllocator for FleetNodes {
    fn allocate(&self, ask: NodeAsk) -> BoxFuture<'_, Result<Allocated, AllocationError>> {
        Box::pin(async move {
            let fleet_ask = AllocationAsk {
                room: ask.room,
                participants: ask.participants,
                region: None,
                avoid: ask.avoid,
            };
            let answer =
                self.fleet.allocate(&fleet_ask, now()).await.map_err(|e| AllocationError(e.to_string()))?;
            let lease = match answer {
                AllocationAnswer::Pending { retry_after } => return Ok(Allocated::Pending { retry_after }),
                AllocationAnswer::Lease(lease) => lease,
            };
            if let Err(why) = self.control.open(&lease).await {
                // The reservation is given back; the room asks again or refuses the waiting.
                let _ = self.fleet.release(&lease.node_id, &lease.call_id, now()).await;
                return Err(AllocationError(format!(
                    "media node {} did not open the call: {why}",
                    lease.node_id
                )));
            }
            tracing::info!(node = %lease.node_id, call = %lease.call_id, "call session opened on a fleet node");
            Ok(Allocated::Lease(lease))
        })
    }

    fn check(&self, lease: MediaNodeLease) -> BoxFuture<'_, bool> {
        Box::pin(async move { self.control.check(&lease).await })
    }

    fn remove_participant(&self, lease: MediaNodeLease, participant: ParticipantId) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // The participant may never have connected to the node, or the node may be gone.
            let _ = self.control.remove(&lease, participant).await;
        })
    }

    fn record(&self, lease: MediaNodeLease, plan: RecordingSpec) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            self.control.record(&lease, &plan).await.inspect_err(|e| {
                tracing::error!(call = %lease.call_id, error = %e, "the media node did not take the recording plan");
            })
        })
    }

    fn release(&self, lease: MediaNodeLease) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Err(e) = self.control.end(&lease).await {
                tracing::debug!(call = %lease.call_id, error = %e, "could not end the call session (the node may be gone)");
            }
            if let Err(e) = self.fleet.release(&lease.node_id, &lease.call_id, now()).await {
                tracing::warn!(call = %lease.call_id, error = %e, "could not free the call session's reservation");
            }
        })
    }
}

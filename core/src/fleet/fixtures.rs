//! What the fleet's tests share: a fixed now, a live node, and a call's request.

use super::{AllocationRequest, NodeRecord};
use crate::time::Timestamp;

pub(super) const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

/// A live, non-draining node of capacity 100 in `region` with `reserved` participants.
pub(super) fn node(id: &str, region: &str, reserved: u32) -> NodeRecord {
    NodeRecord {
        id: id.into(),
        region: region.into(),
        capacity: 100,
        reserved,
        draining: false,
        last_heartbeat: NOW,
    }
}

/// A call of `participants` from `region`.
pub(super) fn ask(participants: u32, region: &str) -> AllocationRequest {
    AllocationRequest { participants, region: region.into() }
}

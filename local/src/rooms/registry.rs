//! Which rooms are open: finds a group's room task or starts one.

use super::{RoomEvent, RoomServices, RoomStatus, Vacate, host};
use peershare_core::GroupId;
use peershare_core::room::AccessNotice;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::{mpsc, watch};

/// A way to talk to a running room.
#[derive(Debug, Clone)]
pub struct RoomHandle {
    events: mpsc::UnboundedSender<RoomEvent>,
    status: watch::Receiver<RoomStatus>,
}

impl RoomHandle {
    /// Sends an event to the room. Returns false if the room has stopped.
    pub fn send(&self, event: RoomEvent) -> bool {
        self.events.send(event).is_ok()
    }

    /// The room's latest status.
    pub fn status(&self) -> RoomStatus {
        self.status.borrow().clone()
    }
}

/// All open rooms of this process.
#[derive(Debug, Clone)]
pub struct RoomRegistry {
    rooms: Arc<Mutex<HashMap<GroupId, RoomHandle>>>,
    services: RoomServices,
}

impl RoomRegistry {
    /// An empty registry whose rooms use `services`.
    pub fn new(services: RoomServices) -> Self {
        Self { rooms: Arc::default(), services }
    }

    /// Sends a new connection's `Connected` event (or another event that opens a room) to the
    /// group's room, starting the room if it is not running, limited to `cap` participants (the group's setting, from the call pass).
    /// The lock is held while sending, so a room never shuts down with an event on its way in.
    pub fn connect(&self, group: &GroupId, cap: Option<u32>, event: RoomEvent) {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        let handle = rooms.entry(group.clone()).or_insert_with(|| self.spawn(group.clone(), cap));
        if let Err(mpsc::error::SendError(event)) = handle.events.send(event) {
            // The task ended on its own (it only does so after removing itself, so this is a
            // defensive path): start a fresh room.
            let fresh = self.spawn(group.clone(), cap);
            fresh.send(event);
            rooms.insert(group.clone(), fresh);
        }
    }

    /// Sends a later event of a connection to the group's room, if the room is still open. A
    /// room closes only once it has let go of all its connections, so events that arrive after
    /// that (a frame or a disconnect racing the room's own close) have nobody to reach.
    pub fn forward(&self, group: &GroupId, event: RoomEvent) {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(handle) = rooms.get(group) {
            handle.send(event);
        }
    }

    /// Tells the group's room that access to it changed, opening the room if it is not running:
    /// it keeps the change for as long as a pass issued before it could be presented.
    pub fn access_changed(&self, group: &GroupId, notice: AccessNotice) {
        self.connect(group, None, RoomEvent::AccessChanged(notice));
    }

    /// Status of a group's room, if it is open.
    pub fn status(&self, group: &GroupId) -> Option<RoomStatus> {
        self.rooms.lock().unwrap_or_else(PoisonError::into_inner).get(group).map(RoomHandle::status)
    }

    /// Number of open rooms and connections across them.
    pub fn totals(&self) -> (usize, u32) {
        let rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        (rooms.len(), rooms.values().map(|h| h.status().connections).sum())
    }

    fn spawn(&self, group: GroupId, cap: Option<u32>) -> RoomHandle {
        let mut services = self.services.clone();
        services.config = services.config.capped(cap);
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let capacity = services.config.capacity;
        let (status_tx, status_rx) =
            watch::channel(RoomStatus { participants: 0, joinable: true, connections: 0, capacity });
        let slot = Slot { rooms: self.rooms.clone(), group: group.clone() };
        tokio::spawn(host::run(group, services, events_tx.clone(), events_rx, status_tx, slot));
        RoomHandle { events: events_tx, status: status_rx }
    }
}

/// `peershare dev`'s API tells the rooms of its own process.
#[async_trait::async_trait]
impl peershare_functions::rooms::CallRooms for RoomRegistry {
    async fn access_changed(&self, group: &GroupId, notice: AccessNotice) {
        RoomRegistry::access_changed(self, group, notice);
    }

    async fn media_node_lost(&self, group: &GroupId, lease: peershare_core::media::MediaNodeLease) {
        self.forward(group, RoomEvent::MediaNodeLost(lease));
    }
}

/// A room task's place in the registry: all it may do to it is leave.
#[derive(Debug)]
struct Slot {
    rooms: Arc<Mutex<HashMap<GroupId, RoomHandle>>>,
    group: GroupId,
}

impl Vacate for Slot {
    fn vacate_if_idle(&self, events: &mpsc::UnboundedReceiver<RoomEvent>) -> bool {
        // Under the registry's lock, so no connection is on its way in while it goes.
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if !events.is_empty() {
            return false;
        }
        rooms.remove(&self.group);
        true
    }
}

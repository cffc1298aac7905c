//! Call rooms on tokio: one task per active group, each driving a core [`Room`].
//!
//! [`Room`]: peershare_core::room::Room

mod history;
mod host;
mod outbox;
mod registry;

pub use outbox::{Outbox, OutboxReader, Outgoing, Overflow, outbox};
pub use registry::{RoomHandle, RoomRegistry};

use crate::media_nodes::{Allocated, MediaNodeAllocator};
use peershare_core::auth::Ticket;
use peershare_core::media::{MediaNodeLease, MediaTokenSigner};
use peershare_core::room::{AccessNotice, ConnectionId, RoomConfig};
use std::sync::Arc;
use tokio::sync::mpsc;

/// What a connection tells its room.
#[derive(Debug)]
pub enum RoomEvent {
    /// A socket opened; frames for it go to `outbox`.
    Connected {
        /// The connection's id.
        conn: ConnectionId,
        /// Where to put frames for this connection.
        outbox: Outbox,
        /// Who holds the connection's call pass, as the gate admitted them.
        ticket: Ticket,
    },
    /// A text frame arrived.
    Text(ConnectionId, String),
    /// A binary frame arrived.
    Binary(ConnectionId),
    /// The socket closed.
    Disconnected(ConnectionId),
    /// The answer to the room's request for a media node.
    MediaNode(Result<Allocated, String>),
    /// The call session's node is gone (a check after a failed link, or the fleet saw it die).
    MediaNodeLost(MediaNodeLease),
    /// The API changed who may be in the group's call.
    AccessChanged(AccessNotice),
    /// The media node refused the room's recording plan.
    RecordingFailed(String),
}

/// What the rest of the server may read about a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomStatus {
    /// Participants in the call.
    pub participants: u32,
    /// A newcomer would be admitted straight away.
    pub joinable: bool,
    /// Open connections (including those not joined yet).
    pub connections: u32,
    /// Most participants this room admits.
    pub capacity: u32,
}

/// What every room of this process uses.
#[derive(Debug, Clone)]
pub struct RoomServices {
    /// Limits and timings.
    pub config: RoomConfig,
    /// Signs media tokens.
    pub signer: Arc<dyn MediaTokenSigner>,
    /// Opens call sessions on media nodes.
    pub media: Arc<dyn MediaNodeAllocator>,
    /// Where stored groups' call history is written (none: no history).
    pub history: Option<Arc<dyn peershare_functions::store::Store>>,
}

/// How a room task leaves the registry once it is empty: the one thing the host may ask of it.
pub(crate) trait Vacate: Send + 'static {
    /// Removes the room from the registry unless an event is queued for it (then the room
    /// carries on); true when it left.
    fn vacate_if_idle(&self, events: &mpsc::UnboundedReceiver<RoomEvent>) -> bool;
}

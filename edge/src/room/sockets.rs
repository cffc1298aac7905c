//! The room's sockets, owned by the runtime (WebSocket Hibernation): each carries its
//! connection number as a tag, to find it, and the admitted ticket as its attachment, which
//! survives hibernation.

use crate::gate::Ticket;
use peershare_core::room::ConnectionId;
use serde::{Deserialize, Serialize};
use worker::{State, WebSocket};

/// What a socket carries across hibernation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The room's handle for the connection.
    pub conn: ConnectionId,
    /// Who the Worker admitted.
    pub ticket: Ticket,
    /// When the socket opened (Unix ms): its join timeout runs from then, even across the
    /// room losing its memory.
    #[serde(default)]
    pub connected_at: u64,
}

/// The tag of connection `conn`.
pub fn tag(conn: ConnectionId) -> String {
    format!("c{}", conn.0)
}

/// The open socket of `conn`, if any.
pub fn find(state: &State, conn: ConnectionId) -> Option<WebSocket> {
    state.get_websockets_with_tag(&tag(conn)).into_iter().next()
}

/// The attachment of `ws`, when it has one.
pub fn attachment(ws: &WebSocket) -> Option<Attachment> {
    ws.deserialize_attachment::<Attachment>().ok().flatten()
}

/// Every open socket's attachment.
pub fn all(state: &State) -> Vec<Attachment> {
    state.get_websockets().iter().filter_map(attachment).collect()
}

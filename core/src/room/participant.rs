//! A connection's standing in the room: waiting to join, waiting for a node, or in the call.

use crate::auth::Ticket;
use crate::groups::Role;
use crate::protocol::{MediaState, ParticipantId};
use crate::time::Timestamp;

/// Where a connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Standing {
    /// Connected, has not sent `join` yet.
    Connecting {
        /// When the connection opened.
        since: Timestamp,
        /// Who holds the connection's pass, as the host verified it.
        ticket: Option<Ticket>,
    },
    /// Sent a valid `join`, but the call needs a media node before it can take them.
    WaitingForNode(Member),
    /// In the call.
    Joined(Member),
}

/// A participant who has sent a valid `join`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Member {
    pub id: ParticipantId,
    pub display_name: String,
    pub media: MediaState,
    pub joined_at: Timestamp,
    pub last_seen: Timestamp,
    /// The client's resume key: a reconnect presenting it takes over this seat.
    pub resume: Option<String>,
    /// Who holds the seat's pass (the host's verified identity), if the host said.
    pub identity: Option<String>,
    /// A guest in a group's call, as the pass says.
    pub guest: bool,
    /// Their role in the group, as the pass says.
    pub role: Option<Role>,
}

/// Where a connection stands, without its data: cheap to copy while the room changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// Has not sent `join`.
    Connecting,
    /// Waiting for a media node.
    Waiting,
    /// In the call as this participant.
    Joined(ParticipantId),
}

impl Standing {
    /// The phase of this standing.
    pub(super) fn phase(&self) -> Phase {
        match self {
            Standing::Connecting { .. } => Phase::Connecting,
            Standing::WaitingForNode(_) => Phase::Waiting,
            Standing::Joined(m) => Phase::Joined(m.id),
        }
    }
}

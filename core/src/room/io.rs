//! What goes into a room and what comes out.

use super::{AccessNotice, CallEvent, RecordingPlan, RoomSnapshot};
use crate::auth::Ticket;
use crate::media::MediaNodeLease;
use crate::protocol::{ParticipantId, ServerMessage};

/// A host's handle for one client connection (one WebSocket). Hosts choose the numbers; the
/// room only compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct ConnectionId(pub u64);

/// Something that happened, fed to [`super::Room::handle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A connection was opened; it must send `join` before the join timeout.
    Connected(ConnectionId),
    /// The host verified who holds a connection: the [`Ticket`] its call pass admits. The
    /// participant is shown under the ticket's name whatever their `join` says, marked as a
    /// guest or with their role as it says; one identity (the ticket's participant) holds one
    /// seat: a second join with it takes over the first's seat, and a resume key only takes
    /// back a seat of the same identity. Hosts send it right after [`Input::Connected`].
    Identified {
        /// The connection.
        conn: ConnectionId,
        /// Who holds its pass.
        ticket: Ticket,
    },
    /// A text frame arrived on a connection.
    Text(ConnectionId, String),
    /// A binary frame arrived on a connection (the protocol is text-only).
    Binary(ConnectionId),
    /// The connection closed (the socket is gone; nothing can be sent to it any more).
    Disconnected(ConnectionId),
    /// Time passed; the host calls this at or after [`super::Room::wakes_at`].
    Timeout,
    /// The host opened a call session on a media node, as asked with
    /// [`Output::NeedsMediaNode`].
    MediaNodeAllocated(MediaNodeLease),
    /// The API changed who may be in this group's call: the room closes the connections of
    /// those who may no longer be in it (`access_revoked`), tells everyone a changed role, and
    /// refuses passes issued before the change while such a pass could still be valid.
    AccessChanged(AccessNotice),
    /// The media node refused a recording plan (it has no storage, or failed): the recording
    /// stops, and its asker is told why.
    RecordingFailed {
        /// Why.
        reason: String,
    },
    /// The host could not provide the media node the room asked for with
    /// [`Output::NeedsMediaNode`].
    MediaNodeUnavailable {
        /// Why, for the participants who were waiting for it.
        reason: String,
    },
    /// No node has room yet, but one is starting (the allocator asked the fleet to grow): the
    /// room tells the participants and asks again after `retry_after` (clamped to 1–30 s),
    /// until [`super::RoomConfig::media_node_wait`] has passed since it first asked.
    MediaNodePending {
        /// When the allocator suggests asking again.
        retry_after: std::time::Duration,
    },
    /// The node of this call session stopped (it missed its heartbeats, its process exited, or
    /// the check asked with [`Output::CheckMediaNode`] found it gone): the room moves the call
    /// to another node, with everyone keeping their seat. A lease the call no longer uses
    /// changes nothing.
    MediaNodeLost(MediaNodeLease),
}

/// How the room wants a connection closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    /// WebSocket close code (1000 normal, 4000–4999 protocol errors).
    pub code: u16,
    /// Short reason text (the wire name of the error code).
    pub reason: &'static str,
}

/// Something the host must do, drained with [`super::Room::poll_output`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Send a message to one connection.
    Send(ConnectionId, ServerMessage),
    /// Send the same message to each of these connections.
    Broadcast(Vec<ConnectionId>, ServerMessage),
    /// Close a connection after sending everything queued before this output.
    Close(ConnectionId, CloseFrame),
    /// Store this snapshot; [`super::Room::restore`] rebuilds the room from it.
    Persist(RoomSnapshot),
    /// More participants want in than peer-to-peer can carry: the room needs a media node.
    /// Answer with [`Input::MediaNodeAllocated`] or [`Input::MediaNodeUnavailable`].
    NeedsMediaNode {
        /// Participants the call would have on the node, including those waiting.
        participants: u32,
        /// The lost call session this one replaces: allocate on another node than its own.
        replacing: Option<MediaNodeLease>,
    },
    /// A participant reported that their link to this call session's node failed: check
    /// whether the node still has the session (a short request to its control API) and answer
    /// [`Input::MediaNodeLost`] if not. Asked at most once per
    /// [`super::RoomConfig::media_node_check_interval`].
    CheckMediaNode(MediaNodeLease),
    /// A participant left a call that runs on a media node: remove them from the node.
    RemoveFromMediaNode {
        /// The call session they were in.
        lease: MediaNodeLease,
        /// Who left.
        participant: ParticipantId,
    },
    /// Something for the call's history (stored groups keep it), recordings' audit trails
    /// included: write it, in order.
    History(CallEvent),
    /// Tell the call's media node what to record: the whole plan (a stopped one to stop).
    /// Sent on every change of who is written, and again when the call moves onto a node. When
    /// the node refuses it, answer [`Input::RecordingFailed`].
    RecordOnMediaNode {
        /// The call session.
        lease: MediaNodeLease,
        /// What to write.
        plan: RecordingPlan,
    },
    /// The room no longer needs this call session: end it on the node and free it.
    ReleaseMediaNode(MediaNodeLease),
    /// The room has no connections left and remembers no access change: the host may drop it.
    Empty,
}

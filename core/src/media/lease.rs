//! A media node assigned to one call.

use serde::{Deserialize, Serialize};

/// A call session the host opened on a media node for this room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaNodeLease {
    /// The node's id; media tokens name it as their audience.
    pub node_id: String,
    /// Base URL of the node's control API, as browsers reach it.
    pub url: String,
    /// The call session's id on that node.
    pub call_id: String,
    /// Base URL of the node's control API as signaling hosts reach it (empty when the host
    /// knows its node without it, as `peershare dev` knows the node in its own process).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub control_url: String,
}

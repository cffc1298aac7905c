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

impl MediaNodeLease {
    /// Whether the node is reached through the API's proxy (its control URL is the proxy's path).
    pub fn through_api(&self) -> bool {
        self.control_url.starts_with('/')
    }

    /// The base URL a signaling host calls for this session: the lease's control URL, or, when
    /// that is a path (a node reached through the API, [`crate::fleet::NodeReach::ThroughApi`]),
    /// that path on `api_origin`.
    pub fn control_base(&self, api_origin: &str) -> String {
        if self.through_api() {
            format!("{}{}", api_origin.trim_end_matches('/'), self.control_url)
        } else {
            self.control_url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(control_url: &str) -> MediaNodeLease {
        MediaNodeLease {
            node_id: "n-1".into(),
            url: control_url.into(),
            call_id: "call_1".into(),
            control_url: control_url.into(),
        }
    }

    #[test]
    fn a_path_is_on_the_api_and_a_url_is_the_nodes_own() {
        assert_eq!(
            lease("/api/media-nodes/n-1").control_base("https://api.example/"),
            "https://api.example/api/media-nodes/n-1"
        );
        assert_eq!(
            lease("https://203.0.113.7:8090").control_base("https://api.example"),
            "https://203.0.113.7:8090"
        );
    }
}

//! What a media node tells the registry about itself, checked before anything is stored: the
//! registry's routes take these from the network, so every field is hostile until
//! [`NodeRegistration::check`] says otherwise.

use serde::{Deserialize, Serialize};

/// Longest node id, region and version.
const MAX_ID_CHARS: usize = 64;
const MAX_REGION_CHARS: usize = 32;
const MAX_VERSION_CHARS: usize = 64;
/// Longest URL.
const MAX_URL_CHARS: usize = 512;
/// Most participants one node may claim to carry.
pub const MAX_NODE_CAPACITY: u32 = 100_000;

/// A media node as it registers itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeRegistration {
    /// Its id (the audience of its media tokens): letters, digits, `.`, `_`, `-`.
    pub id: String,
    /// Where it runs (`eu-west-1`, `local`): letters, digits, `-`.
    pub region: String,
    /// Base URL of its control API as browsers reach it.
    pub public_url: String,
    /// Base URL of its control API as signaling hosts reach it.
    pub control_url: String,
    /// Most participants it carries.
    pub capacity: u32,
    /// Its software version.
    pub version: String,
    /// SHA-256 of its control API's certificate (DER, lowercase hex), for a node the API
    /// reaches over TLS pinned to it ([`super::NodeReach::ThroughApi`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_sha256: Option<String>,
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    /// The id is empty, too long or has other characters.
    #[error("id must be 1 to {MAX_ID_CHARS} letters, digits, '.', '_' or '-'")]
    Id,
    /// The region is empty, too long or has other characters.
    #[error("region must be 1 to {MAX_REGION_CHARS} letters, digits or '-'")]
    Region,
    /// A URL is not an absolute http(s) URL of reasonable length.
    #[error("{0} must be an http:// or https:// URL of at most {MAX_URL_CHARS} characters, without spaces")]
    Url(&'static str),
    /// The capacity is zero or absurd.
    #[error("capacity must be 1 to {MAX_NODE_CAPACITY}")]
    Capacity,
    /// The version is too long or has control characters.
    #[error("version must be at most {MAX_VERSION_CHARS} printable ASCII characters")]
    Version,
    /// The certificate pin is not a SHA-256 in lowercase hex.
    #[error("tls_sha256 must be 64 lowercase hex digits")]
    Pin,
}

impl NodeRegistration {
    /// Checks every field; the first problem found.
    pub fn check(&self) -> Result<(), RegistrationError> {
        if !valid_id(&self.id) {
            return Err(RegistrationError::Id);
        }
        if !valid_region(&self.region) {
            return Err(RegistrationError::Region);
        }
        if !valid_url(&self.public_url) {
            return Err(RegistrationError::Url("public_url"));
        }
        if !valid_url(&self.control_url) {
            return Err(RegistrationError::Url("control_url"));
        }
        if !(1..=MAX_NODE_CAPACITY).contains(&self.capacity) {
            return Err(RegistrationError::Capacity);
        }
        let version_ok =
            self.version.len() <= MAX_VERSION_CHARS && self.version.bytes().all(|b| b.is_ascii_graphic());
        if !version_ok {
            return Err(RegistrationError::Version);
        }
        if self.tls_sha256.as_deref().is_some_and(|pin| !super::proxy::valid_pin(pin)) {
            return Err(RegistrationError::Pin);
        }
        Ok(())
    }
}

/// Whether `region` may name a region: 1 to 32 letters, digits or `-`.
pub fn valid_region(region: &str) -> bool {
    (1..=MAX_REGION_CHARS).contains(&region.len())
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether `id` may name a media node.
pub fn valid_id(id: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        // A path segment of its own (the proxy's `/api/media-nodes/{id}`): never `.` or `..`.
        && !id.bytes().all(|b| b == b'.')
}

fn valid_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    url.len() <= MAX_URL_CHARS
        && rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && url.bytes().all(|b| b.is_ascii_graphic())
}

/// A node's heartbeat: it is alive, and carries this many participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// Participants connected to it now.
    pub load: u32,
}

/// The registry's answer to a registration or a heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeartbeatAnswer {
    /// Take no new calls and leave once empty.
    pub draining: bool,
    /// Heartbeat this often (milliseconds).
    pub heartbeat_interval_ms: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> NodeRegistration {
        NodeRegistration {
            id: "i-0abc.eu_1".into(),
            region: "eu-west-1".into(),
            public_url: "https://node-1.example.com:8443".into(),
            control_url: "http://10.0.0.7:8090".into(),
            capacity: 500,
            version: "0.1.0+abc".into(),
            tls_sha256: None,
        }
    }

    #[test]
    fn a_well_formed_registration_passes() {
        assert_eq!(node().check(), Ok(()));
    }

    #[test]
    fn every_field_is_checked() {
        let cases: Vec<(NodeRegistration, RegistrationError)> = vec![
            (NodeRegistration { id: String::new(), ..node() }, RegistrationError::Id),
            (NodeRegistration { id: "a/../b".into(), ..node() }, RegistrationError::Id),
            (NodeRegistration { id: "n".repeat(65), ..node() }, RegistrationError::Id),
            (NodeRegistration { id: "..".into(), ..node() }, RegistrationError::Id),
            (NodeRegistration { region: "eu west".into(), ..node() }, RegistrationError::Region),
            (NodeRegistration { region: String::new(), ..node() }, RegistrationError::Region),
            (
                NodeRegistration { public_url: "javascript:alert(1)".into(), ..node() },
                RegistrationError::Url("public_url"),
            ),
            (
                NodeRegistration { public_url: "https://".into(), ..node() },
                RegistrationError::Url("public_url"),
            ),
            (
                NodeRegistration { public_url: "https:///path".into(), ..node() },
                RegistrationError::Url("public_url"),
            ),
            (
                NodeRegistration { control_url: "http://a b".into(), ..node() },
                RegistrationError::Url("control_url"),
            ),
            (
                NodeRegistration { control_url: format!("http://{}", "a".repeat(600)), ..node() },
                RegistrationError::Url("control_url"),
            ),
            (NodeRegistration { capacity: 0, ..node() }, RegistrationError::Capacity),
            (NodeRegistration { capacity: MAX_NODE_CAPACITY + 1, ..node() }, RegistrationError::Capacity),
            (NodeRegistration { version: "1\n2".into(), ..node() }, RegistrationError::Version),
            (NodeRegistration { tls_sha256: Some("AB".repeat(32)), ..node() }, RegistrationError::Pin),
            (NodeRegistration { tls_sha256: Some(String::new()), ..node() }, RegistrationError::Pin),
        ];
        for (registration, expected) in cases {
            assert_eq!(registration.check(), Err(expected.clone()), "{registration:?}");
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"id":"n","region":"r","public_url":"http://a","control_url":"http://a","capacity":1,"version":"1","admin":true}"#;
        assert!(serde_json::from_str::<NodeRegistration>(json).is_err());
    }
}

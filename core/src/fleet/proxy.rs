//! Media nodes reached through the API: `/api/media-nodes/{node}/v1/calls/…`.
//!
//! Where browsers and signaling hosts cannot reach a node's own address (a site on HTTPS may not
//! call `http://IP:port`; a deployed Worker may not fetch an IP address or a custom port), the
//! fleet hands out leases whose URLs are this path, and the API forwards each request to the
//! node over TLS pinned to the certificate the node registered. These rules say which requests
//! pass and where leases point; the API host only moves the bytes.

use super::NodeRegistration;

/// Where the API serves the nodes' control routes: `{PROXY_PREFIX}{node}/v1/calls/…`.
pub const PROXY_PREFIX: &str = "/api/media-nodes/";
/// Largest request body forwarded to a node (an SDP offer is a few KiB; a recording plan less).
pub const MAX_PROXIED_REQUEST_BYTES: usize = 64 * 1024;
/// Largest answer read from a node (an SDP answer, an error body).
pub const MAX_PROXIED_ANSWER_BYTES: usize = 64 * 1024;
/// Longest call id and participant id in a forwarded path.
const MAX_SEGMENT_CHARS: usize = 128;

/// How the fleet's nodes are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeReach {
    /// At the URLs they registered (nodes on the callers' network, `peershare dev`).
    #[default]
    Direct,
    /// Through the API's proxy: every node must register an `https` control URL and the
    /// SHA-256 of its certificate.
    ThroughApi,
}

/// Why a node may not join a fleet that reaches its nodes through the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReachError {
    /// The registration pins no certificate, or its control URL is not `https`.
    #[error(
        "this fleet reaches its nodes through the API: register an https control_url and its certificate's tls_sha256"
    )]
    NeedsPinnedTls,
}

impl NodeReach {
    /// Through the API when `proxy` is set (a host's `--fleet-proxy` flag), else direct.
    pub fn proxied_if(proxy: bool) -> Self {
        if proxy { Self::ThroughApi } else { Self::Direct }
    }

    /// Whether `node` can be reached this way.
    pub fn admits(self, node: &NodeRegistration) -> Result<(), ReachError> {
        match self {
            Self::Direct => Ok(()),
            Self::ThroughApi if node.tls_sha256.is_some() && node.control_url.starts_with("https://") => {
                Ok(())
            }
            Self::ThroughApi => Err(ReachError::NeedsPinnedTls),
        }
    }

    /// The lease's URLs for `node`: as browsers reach it, then as signaling hosts do. Through
    /// the API both are the proxy's path, which pages resolve against their site and hosts
    /// against the API's origin ([`crate::media::MediaNodeLease::control_base`]).
    pub fn lease_urls(self, node: &NodeRegistration) -> (String, String) {
        match self {
            Self::Direct => (node.public_url.clone(), node.control_url.clone()),
            Self::ThroughApi => {
                let path = proxied_base(&node.id);
                (path.clone(), path)
            }
        }
    }
}

/// What a signaling host's check of a call session on its node (`GET /v1/calls/{call}`) found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    /// The node has the session.
    Alive,
    /// The node no longer has it, or is gone: the call moves.
    Lost,
    /// Something between the host and the node failed (the API behind the proxy: a cold start,
    /// its throttle, its store): nothing is known, and a call never moves for that.
    Unknown,
}

impl SessionCheck {
    /// Whether the call stays on its node: only a node found gone moves it, never the API's
    /// failure to say.
    pub fn keeps_session(self) -> bool {
        self != Self::Lost
    }
}

/// Longest wait for a session check through the API: above the proxy's own deadlines (3 s to
/// connect, 5 s to answer), so the proxy says which it was.
pub const PROXIED_CHECK_WITHIN_MS: u64 = 9_000;

/// What the answer to a session check says: its status, or `None` when none came (in time).
/// At a node's own address every failure is the node's; through the API only the proxy's
/// `502`/`504` (the node unreachable, or silent) and a `404` (no such session, or node) are,
/// and no answer within [`PROXIED_CHECK_WITHIN_MS`] is the API's failure, not the node's.
pub fn session_check(status: Option<u16>, through_api: bool) -> SessionCheck {
    match status {
        Some(200..=299) => SessionCheck::Alive,
        _ if !through_api => SessionCheck::Lost,
        Some(404 | 502 | 504) => SessionCheck::Lost,
        Some(_) | None => SessionCheck::Unknown,
    }
}

/// The proxy's base path for node `id`.
pub fn proxied_base(id: &str) -> String {
    format!("{PROXY_PREFIX}{id}")
}

/// A request the proxy forwards: to which node, and the path on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// The node's id.
    pub node: String,
    /// The path on the node's control API (`/v1/calls/…`).
    pub path: String,
}

/// Why the proxy refuses a request before any node sees it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyRefusal {
    /// The path names no node control route.
    #[error("{0:?} is not a media node's control route")]
    NotARoute(String),
    /// The route exists, but not for this method.
    #[error("{method} is not allowed on this media node route")]
    Method {
        /// The method asked for.
        method: String,
    },
}

/// Which forwarded request `method` on `path` (the part after [`PROXY_PREFIX`]) is: only the
/// node's control routes, with their methods, and path segments of safe characters.
pub fn parse(method: &str, path: &str) -> Result<ProxiedRequest, ProxyRefusal> {
    let not_a_route = || ProxyRefusal::NotARoute(path.chars().take(200).collect());
    let segments: Vec<&str> = path.split('/').collect();
    let (node, rest) = segments.split_first().ok_or_else(not_a_route)?;
    if !super::valid_node_id(node) || !safe_segment(node) || !rest.iter().all(|s| safe_segment(s)) {
        return Err(not_a_route());
    }
    let allowed: &[&str] = match rest {
        ["v1", "calls", _] => &["GET", "POST", "DELETE"],
        ["v1", "calls", _, "participants"] => &["POST"],
        ["v1", "calls", _, "participants", id] if id.bytes().all(|b| b.is_ascii_digit()) => &["DELETE"],
        ["v1", "calls", _, "recording"] => &["PUT"],
        _ => return Err(not_a_route()),
    };
    if !allowed.contains(&method) {
        return Err(ProxyRefusal::Method { method: method.chars().take(16).collect() });
    }
    Ok(ProxiedRequest { node: (*node).to_owned(), path: format!("/{}", rest.join("/")) })
}

/// A path segment the proxy passes on: 1 to 128 letters, digits, `_`, `-`, `.`, never only dots.
fn safe_segment(segment: &str) -> bool {
    (1..=MAX_SEGMENT_CHARS).contains(&segment.len())
        && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !segment.bytes().all(|b| b == b'.')
}

/// The pin of a certificate (DER): its SHA-256 in lowercase hex, as nodes register it.
pub fn certificate_pin(der: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(der).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `pin` is a certificate's SHA-256 as nodes register it: 64 lowercase hex digits.
pub fn valid_pin(pin: &str) -> bool {
    pin.len() == 64 && pin.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(pin: Option<&str>, control_url: &str) -> NodeRegistration {
        NodeRegistration {
            id: "i-0abc".into(),
            region: "eu-west-1".into(),
            public_url: control_url.into(),
            control_url: control_url.into(),
            capacity: 100,
            version: "1".into(),
            tls_sha256: pin.map(str::to_owned),
        }
    }

    const PIN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn through_the_api_a_node_needs_https_and_a_pinned_certificate() {
        let through = NodeReach::ThroughApi;
        assert_eq!(through.admits(&node(Some(PIN), "https://203.0.113.7:8090")), Ok(()));
        assert_eq!(through.admits(&node(None, "https://203.0.113.7:8090")), Err(ReachError::NeedsPinnedTls));
        assert_eq!(
            through.admits(&node(Some(PIN), "http://203.0.113.7:8090")),
            Err(ReachError::NeedsPinnedTls)
        );
        assert_eq!(NodeReach::Direct.admits(&node(None, "http://203.0.113.7:8090")), Ok(()));
    }

    #[test]
    fn leases_point_at_the_proxy_only_through_the_api() {
        let n = node(Some(PIN), "https://203.0.113.7:8090");
        assert_eq!(
            NodeReach::ThroughApi.lease_urls(&n),
            ("/api/media-nodes/i-0abc".to_owned(), "/api/media-nodes/i-0abc".to_owned())
        );
        assert_eq!(
            NodeReach::Direct.lease_urls(&n),
            ("https://203.0.113.7:8090".to_owned(), "https://203.0.113.7:8090".to_owned())
        );
    }

    #[test]
    fn the_control_routes_pass_with_their_methods() {
        let ok = |method: &str, path: &str, on_node: &str| {
            assert_eq!(
                parse(method, path),
                Ok(ProxiedRequest { node: "n-1".into(), path: on_node.into() }),
                "{method} {path}"
            );
        };
        ok("POST", "n-1/v1/calls/call_x", "/v1/calls/call_x");
        ok("GET", "n-1/v1/calls/call_x", "/v1/calls/call_x");
        ok("DELETE", "n-1/v1/calls/call_x", "/v1/calls/call_x");
        ok("POST", "n-1/v1/calls/call_x/participants", "/v1/calls/call_x/participants");
        ok("DELETE", "n-1/v1/calls/call_x/participants/7", "/v1/calls/call_x/participants/7");
        ok("PUT", "n-1/v1/calls/call_x/recording", "/v1/calls/call_x/recording");
    }

    #[test]
    fn anything_else_is_refused_before_a_node_sees_it() {
        let not_a_route = [
            "",
            "n-1",
            "n-1/",
            "n-1/health",
            "n-1/metrics",
            "n-1/v1/calls",
            "n-1/v1/calls/",
            "n-1/v1/calls/../../metrics",
            "n-1/v1/calls/..",
            "n-1/v1/calls/a%2F..",
            "n-1/v1/calls/a?x=1",
            "n-1/v1/calls/a/participants/x",
            "n-1/v1/calls/a/other",
            "n-1//v1/calls/a",
            "../n-1/v1/calls/a",
            "n 1/v1/calls/a",
            "../v1/calls/a",
            "./v1/calls/a",
        ];
        for path in not_a_route {
            assert!(matches!(parse("POST", path), Err(ProxyRefusal::NotARoute(_))), "{path:?}");
        }
        let long = format!("n-1/v1/calls/{}", "c".repeat(129));
        assert!(matches!(parse("GET", &long), Err(ProxyRefusal::NotARoute(_))));
        for (method, path) in [
            ("PUT", "n-1/v1/calls/a"),
            ("GET", "n-1/v1/calls/a/participants"),
            ("POST", "n-1/v1/calls/a/participants/3"),
            ("POST", "n-1/v1/calls/a/recording"),
            ("TRACE", "n-1/v1/calls/a"),
        ] {
            assert_eq!(
                parse(method, path),
                Err(ProxyRefusal::Method { method: method.into() }),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn only_the_node_or_the_proxy_saying_so_loses_a_session_through_the_api() {
        assert_eq!(session_check(Some(200), true), SessionCheck::Alive);
        for lost in [404, 502, 504] {
            assert_eq!(session_check(Some(lost), true), SessionCheck::Lost, "{lost}");
        }
        for unknown in [Some(429), Some(500), Some(503), Some(401), None] {
            assert_eq!(session_check(unknown, true), SessionCheck::Unknown, "{unknown:?}");
            assert_eq!(session_check(unknown, false), SessionCheck::Lost, "at its own address: {unknown:?}");
        }
        assert_eq!(session_check(Some(204), false), SessionCheck::Alive);
        let keeps = |check: SessionCheck| check.keeps_session();
        assert_eq!(
            (keeps(SessionCheck::Alive), keeps(SessionCheck::Unknown), keeps(SessionCheck::Lost)),
            (true, true, false)
        );
    }

    #[test]
    fn pins_are_64_lowercase_hex_digits() {
        // SHA-256 of the empty input, as `sha256sum` prints it.
        assert_eq!(certificate_pin(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert!(valid_pin(&certificate_pin(b"a certificate")));
        assert!(valid_pin(PIN));
        assert!(!valid_pin(&PIN.to_uppercase()));
        assert!(!valid_pin(&PIN[1..]));
        assert!(!valid_pin(&format!("{PIN}0")));
        assert!(!valid_pin(&PIN.replace('a', "g")));
    }
}

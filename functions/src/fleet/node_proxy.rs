//! The API's proxy to its media nodes (`/api/media-nodes/{node}/v1/calls/…`), for a fleet whose
//! nodes browsers and the Worker cannot reach themselves ([`NodeReach::ThroughApi`]). Core
//! decides which requests pass ([`peershare_core::fleet::parse_proxied`]); this forwards them
//! to the registered node over TLS pinned to its certificate, with the caller's bearer token
//! (the node checks it), and hands back the node's status and body, within byte limits.

use super::pinned_tls::pinned_client;
use crate::store::{Store, StoreError};
use peershare_core::fleet::{
    MAX_PROXIED_ANSWER_BYTES, NodeReach, ProxiedRequest, ProxyRefusal, parse_proxied,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Pinned clients kept (one per node certificate, so connections to a node are reused).
const MAX_CLIENTS: usize = 256;

/// Why a request did not reach its node, or its answer did not come back.
#[derive(Debug, thiserror::Error)]
pub enum NodeProxyError {
    /// This deployment reaches its nodes directly: there is no proxy.
    #[error("this deployment's media nodes are not reached through the API")]
    NotProxied,
    /// The path or method is not one of the nodes' control routes.
    #[error(transparent)]
    Refused(#[from] ProxyRefusal),
    /// No such node is registered.
    #[error("no media node {0} is registered")]
    UnknownNode(String),
    /// The node registered no certificate to pin (it joined before the fleet was proxied).
    #[error("media node {0} registered no certificate")]
    NotPinned(String),
    /// The node could not be reached, or did not present its certificate.
    #[error("media node {node} could not be reached: {why}")]
    Unreachable {
        /// The node.
        node: String,
        /// What failed.
        why: String,
    },
    /// The node did not answer in time.
    #[error("media node {0} did not answer in time")]
    TimedOut(String),
    /// The node's answer is larger than [`MAX_PROXIED_ANSWER_BYTES`].
    #[error("media node {0} answered more than {MAX_PROXIED_ANSWER_BYTES} bytes")]
    AnswerTooLarge(String),
    /// The registry could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the caller sent, beyond the path: passed to the node as is.
#[derive(Debug, Clone, Default)]
pub struct Forwarded {
    /// The `Authorization` header (the node checks the token).
    pub authorization: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The body (already bounded by the route).
    pub body: Vec<u8>,
}

/// The node's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeAnswer {
    /// Its status.
    pub status: u16,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// Its body.
    pub body: Vec<u8>,
}

/// Forwards requests to the fleet's nodes.
#[derive(Debug)]
pub struct NodeProxy {
    store: Arc<dyn Store>,
    reach: NodeReach,
    clients: Mutex<HashMap<String, reqwest::Client>>,
}

impl NodeProxy {
    /// A proxy to the nodes in `store`'s registry, if the fleet reaches them `reach`.
    pub fn new(store: Arc<dyn Store>, reach: NodeReach) -> Self {
        Self { store, reach, clients: Mutex::default() }
    }

    /// Forwards `method` on `path` (after [`peershare_core::fleet::PROXY_PREFIX`]) to its node.
    pub async fn forward(
        &self,
        method: &str,
        path: &str,
        request: Forwarded,
    ) -> Result<NodeAnswer, NodeProxyError> {
        if self.reach != NodeReach::ThroughApi {
            return Err(NodeProxyError::NotProxied);
        }
        let ProxiedRequest { node, path } = parse_proxied(method, path)?;
        let entry =
            self.store.media_node(&node).await?.ok_or_else(|| NodeProxyError::UnknownNode(node.clone()))?;
        let pin = entry.registration.tls_sha256.ok_or_else(|| NodeProxyError::NotPinned(node.clone()))?;
        let client =
            self.client(&pin).map_err(|why| NodeProxyError::Unreachable { node: node.clone(), why })?;
        let url = format!("{}{path}", entry.registration.control_url.trim_end_matches('/'));
        let method = reqwest::Method::from_bytes(method.as_bytes())
            .map_err(|e| NodeProxyError::Unreachable { node: node.clone(), why: e.to_string() })?;
        let mut outgoing = client.request(method, url).body(request.body);
        if let Some(authorization) = request.authorization {
            outgoing = outgoing.header(reqwest::header::AUTHORIZATION, authorization);
        }
        if let Some(content_type) = request.content_type {
            outgoing = outgoing.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        let failed = |e: reqwest::Error| {
            if e.is_timeout() {
                NodeProxyError::TimedOut(node.clone())
            } else {
                NodeProxyError::Unreachable { node: node.clone(), why: error_chain(&e) }
            }
        };
        let mut response = outgoing.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            if body.len() + chunk.len() > MAX_PROXIED_ANSWER_BYTES {
                return Err(NodeProxyError::AnswerTooLarge(node));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(NodeAnswer { status, content_type, body })
    }

    /// The client pinned to `pin`, made on first use.
    fn client(&self, pin: &str) -> Result<reqwest::Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = clients.get(pin) {
            return Ok(client.clone());
        }
        if clients.len() >= MAX_CLIENTS {
            // Nodes come and go: forget the old ones' clients rather than keep them all.
            clients.clear();
        }
        let client = pinned_client(pin)?;
        clients.insert(pin.to_owned(), client.clone());
        Ok(client)
    }
}

/// `error` and its sources, for a log line that says why (a certificate mismatch is a source).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

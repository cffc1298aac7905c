//! A signaling host's side of a media node's control API (`/v1/calls/…`), with room tokens
//! this process signs: open, check and end call sessions, remove participants, send recording
//! plans. Every request has a deadline.

use peershare_core::fleet::{PROXIED_CHECK_WITHIN_MS, SessionCheck, session_check};
use peershare_core::media::{MediaClaims, MediaNodeLease, MediaTokenSigner, RecordingOrder};
use peershare_core::protocol::ParticipantId;
use peershare_functions::clock::{Clock, SystemClock};
use peershare_media_node::sfu::RecordingSpec;
use std::sync::Arc;
use std::time::Duration;

/// Longest wait for a node's answer to a control request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for a node's answer when checking that a session is still there.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Talks to media nodes' control APIs.
#[derive(Debug, Clone)]
pub struct NodeControl {
    http: reqwest::Client,
    signer: Arc<dyn MediaTokenSigner>,
    api_origin: String,
}

impl NodeControl {
    /// A client signing room tokens with `signer`; leases whose nodes are reached through the
    /// API are called at `api_origin`.
    pub fn new(signer: Arc<dyn MediaTokenSigner>, api_origin: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { http, signer, api_origin }
    }

    fn request(
        &self,
        method: reqwest::Method,
        lease: &MediaNodeLease,
        tail: &str,
    ) -> Result<reqwest::RequestBuilder, String> {
        let now = SystemClock.now();
        let token = self
            .signer
            .sign(&MediaClaims::room(&lease.node_id, &lease.call_id, now))
            .map_err(|e| e.to_string())?;
        let base = lease.control_base(&self.api_origin);
        let url = format!("{}/v1/calls/{}{tail}", base.trim_end_matches('/'), lease.call_id);
        Ok(self.http.request(method, url).bearer_auth(token))
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(), String> {
        let response = request.send().await.map_err(|e| e.to_string())?;
        if response.status().is_success() {
            return Ok(());
        }
        let status = response.status();
        Err(format!("{status} {}", response.text().await.unwrap_or_default()))
    }

    /// Opens the lease's call session on its node.
    pub async fn open(&self, lease: &MediaNodeLease) -> Result<(), String> {
        self.send(self.request(reqwest::Method::POST, lease, "")?).await
    }

    /// Whether the session is still open on its node (it answers within the check deadline);
    /// through the API, only the node's or the proxy's answer can say it is not.
    pub async fn check(&self, lease: &MediaNodeLease) -> bool {
        let through_api = lease.through_api();
        let limit = if through_api { Duration::from_millis(PROXIED_CHECK_WITHIN_MS) } else { CHECK_TIMEOUT };
        let status = match self.request(reqwest::Method::GET, lease, "") {
            Ok(request) => request.timeout(limit).send().await.ok().map(|r| r.status().as_u16()),
            Err(_) => return false,
        };
        let verdict = session_check(status, through_api);
        if verdict == SessionCheck::Unknown {
            tracing::warn!(call = %lease.call_id, ?status, "could not check a call session: keeping it");
        }
        verdict.keeps_session()
    }

    /// Ends the session.
    pub async fn end(&self, lease: &MediaNodeLease) -> Result<(), String> {
        self.send(self.request(reqwest::Method::DELETE, lease, "")?).await
    }

    /// Removes a participant from the session.
    pub async fn remove(&self, lease: &MediaNodeLease, participant: ParticipantId) -> Result<(), String> {
        let tail = format!("/participants/{}", participant.0);
        self.send(self.request(reqwest::Method::DELETE, lease, &tail)?).await
    }

    /// Sends a recording plan.
    pub async fn record(&self, lease: &MediaNodeLease, spec: &RecordingSpec) -> Result<(), String> {
        let order = RecordingOrder {
            recording: spec.id.clone(),
            revision: spec.revision,
            participants: spec.participants.iter().map(|p| p.0).collect(),
            stopped: spec.stopped,
            part: spec.part,
        };
        self.send(self.request(reqwest::Method::PUT, lease, "/recording")?.json(&order)).await
    }
}

//! Call sessions on media nodes over their control API (`POST/DELETE /v1/calls/{call}`,
//! `DELETE …/participants/{id}`), with room tokens the edge signs. The node is the first of a
//! configured list that accepts, or the one the API's fleet reserved (`MEDIA_FLEET=api`: the
//! allocator at `API_ORIGIN`, which may answer that a node is starting).

use crate::clock::now;
use crate::config::{EdgeConfig, MediaNode};
use peershare_core::GroupId;
use peershare_core::fleet::{PROXIED_CHECK_WITHIN_MS, SessionCheck, session_check};
use peershare_core::media::{MediaClaims, MediaNodeLease, MediaTokenSigner, RecordingOrder};
use peershare_core::protocol::ParticipantId;
use peershare_core::room::RecordingPlan;
use serde::Deserialize;
use std::time::Duration;
use worker::{Fetch, Headers, Method, Request, RequestInit};

/// Longest wait for a node's answer when checking a call session on it.
const CHECK_WITHIN: Duration = Duration::from_secs(2);
/// Longest wait for the fleet's allocator (it may ask the scaler for a node first).
const ALLOCATE_WITHIN: Duration = Duration::from_secs(10);
/// Largest answer read from the allocator.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// What a room's request for a call session came to.
#[derive(Debug)]
pub enum Allocated {
    /// A session is open on a node.
    Lease(MediaNodeLease),
    /// No node has room; the fleet is starting one: ask again after this long.
    Pending(Duration),
}

/// The allocator's answer: `200 {"lease"}` or `202 {"retry_after_ms"}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FleetAnswer {
    Lease { lease: MediaNodeLease },
    Pending { retry_after_ms: u64 },
}

/// A call session for the room of `call` with `participants`, on another node than `avoid`
/// (a node the call just lost) when there is one.
pub async fn allocate(
    config: &EdgeConfig,
    call: Option<&GroupId>,
    participants: u32,
    avoid: Option<&str>,
) -> Result<Allocated, String> {
    if !config.media_fleet {
        return allocate_listed(config, avoid).await.map(Allocated::Lease);
    }
    let call = call.ok_or("the room does not know its call's id")?;
    let body = serde_json::json!({ "room": call.as_str(), "participants": participants, "avoid": avoid });
    let answer =
        within(ALLOCATE_WITHIN, fleet_request(config, Method::Post, "/allocations", Some(body))).await?;
    let lease = match serde_json::from_str::<FleetAnswer>(&answer) {
        Ok(FleetAnswer::Lease { lease }) => lease,
        Ok(FleetAnswer::Pending { retry_after_ms }) => {
            return Ok(Allocated::Pending(Duration::from_millis(retry_after_ms)));
        }
        Err(e) => return Err(format!("the fleet's allocator answered something else: {e}")),
    };
    let node = node_of(config, &lease).ok_or("the fleet's lease names no node")?;
    let path = format!("/v1/calls/{}", lease.call_id);
    let opened = send(&node, config.media_signer.as_ref(), Method::Post, &path, &lease.call_id, None);
    if let Err(why) = within(CHECK_WITHIN, opened).await {
        // The reservation is given back; the room asks again or tells the waiting.
        release_reservation(config, &lease).await;
        return Err(format!("media node {} did not open the call: {why}", lease.node_id));
    }
    Ok(Allocated::Lease(lease))
}

/// `method` on the fleet's route `path` (under `/api/internal/media-nodes`) at the API, with
/// the internal secret; the answer's body when it is a success.
async fn fleet_request(
    config: &EdgeConfig,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<String, String> {
    let secret = config.internal_secret.as_deref().ok_or("INTERNAL_SECRET is not set")?;
    let url = format!("{}/api/internal/media-nodes{path}", config.api_origin);
    let mut response = bearer_request(method, &url, secret, body.map(|b| b.to_string())).await?;
    let text = response.text().await.map_err(|e| e.to_string())?;
    if text.len() > MAX_ANSWER_BYTES {
        return Err(format!("the fleet answered more than {MAX_ANSWER_BYTES} bytes"));
    }
    match response.status_code() {
        200..=299 => Ok(text),
        status => Err(format!("the fleet answered {status} {text}")),
    }
}

/// Frees the session's reservation in the fleet's registry (a listed node has none).
async fn release_reservation(config: &EdgeConfig, lease: &MediaNodeLease) {
    if !config.media_fleet {
        return;
    }
    let path = format!("/{}/allocations/{}", lease.node_id, lease.call_id);
    if let Err(why) = within(CHECK_WITHIN, fleet_request(config, Method::Delete, &path, None)).await {
        worker::console_warn!("could not free call session {} in the fleet: {why}", lease.call_id);
    }
}

/// Opens a call session on the first listed node that accepts one, other than `avoid`.
async fn allocate_listed(config: &EdgeConfig, avoid: Option<&str>) -> Result<MediaNodeLease, String> {
    let mut candidates: Vec<&MediaNode> =
        config.media_nodes.iter().filter(|n| Some(n.id.as_str()) != avoid).collect();
    if candidates.is_empty() {
        // The lost node is the only one configured: it may be back (restarted) by now.
        candidates = config.media_nodes.iter().collect();
    }
    if candidates.is_empty() {
        return Err("no media node is configured for calls of three or more".into());
    }
    let call_id = crate::random_id("call");
    let mut refusals = Vec::new();
    for node in candidates {
        match send(
            node,
            config.media_signer.as_ref(),
            Method::Post,
            &format!("/v1/calls/{call_id}"),
            &call_id,
            None,
        )
        .await
        {
            Ok(()) => {
                return Ok(MediaNodeLease {
                    node_id: node.id.clone(),
                    url: node.public_url.clone(),
                    call_id,
                    control_url: node.control_url.clone(),
                });
            }
            Err(why) => refusals.push(format!("{}: {why}", node.id)),
        }
    }
    Err(format!("no media node could take the call ({})", refusals.join("; ")))
}

/// Whether the call session is still open on its node: a participant's link to the node
/// failed, and a node that does not answer within [`CHECK_WITHIN`], or no longer has the
/// session, has lost the call.
pub async fn check(config: &EdgeConfig, lease: &MediaNodeLease) -> bool {
    let Some(node) = node_of(config, lease) else { return false };
    let path = format!("/v1/calls/{}", lease.call_id);
    let through_api = lease.through_api();
    let limit = if through_api { Duration::from_millis(PROXIED_CHECK_WITHIN_MS) } else { CHECK_WITHIN };
    let asked = async {
        let token = room_token(&node, config.media_signer.as_ref(), &lease.call_id)?;
        let url = format!("{}{path}", node.control_url.trim_end_matches('/'));
        Ok(bearer_request(Method::Get, &url, &token, None).await?.status_code())
    };
    let status = within(limit, asked).await.ok();
    let verdict = session_check(status, through_api);
    if verdict == SessionCheck::Unknown {
        worker::console_warn!(
            "could not check call session {} (answer {status:?}): keeping it",
            lease.call_id
        );
    }
    verdict.keeps_session()
}

/// Removes a participant from the call session (they may never have reached the node).
pub async fn remove_participant(config: &EdgeConfig, lease: &MediaNodeLease, who: ParticipantId) {
    if let Some(node) = node_of(config, lease) {
        let path = format!("/v1/calls/{}/participants/{}", lease.call_id, who.0);
        let _ = send(&node, config.media_signer.as_ref(), Method::Delete, &path, &lease.call_id, None).await;
    }
}

/// Ends the call session, and frees its reservation in the fleet; a node that does not answer
/// within [`CHECK_WITHIN`] (it may be the one the call just lost) is not waited for.
pub async fn release(config: &EdgeConfig, lease: &MediaNodeLease) {
    if let Some(node) = node_of(config, lease) {
        let path = format!("/v1/calls/{}", lease.call_id);
        let ended = send(&node, config.media_signer.as_ref(), Method::Delete, &path, &lease.call_id, None);
        if let Err(why) = within(CHECK_WITHIN, ended).await {
            worker::console_warn!("could not end call session {} on {}: {why}", lease.call_id, node.id);
        }
    }
    release_reservation(config, lease).await;
}

/// `work`'s outcome, or an error once `limit` has passed.
async fn within<T>(
    limit: Duration,
    work: impl std::future::Future<Output = Result<T, String>>,
) -> Result<T, String> {
    let timeout = worker::Delay::from(limit);
    futures_util::pin_mut!(work, timeout);
    match futures_util::future::select(work, timeout).await {
        futures_util::future::Either::Left((answer, _)) => answer,
        futures_util::future::Either::Right(_) => Err(format!("no answer within {} s", limit.as_secs())),
    }
}

/// Tells the call session what to record, as the room's `plan` for `recording` says; tries
/// twice (plans are numbered, so a repeat is harmless). Why the node refused, if it did.
pub async fn record(
    config: &EdgeConfig,
    lease: &MediaNodeLease,
    recording: &str,
    plan: &RecordingPlan,
) -> Result<(), String> {
    let Some(node) = node_of(config, lease) else { return Err(format!("no media node {}", lease.node_id)) };
    let path = format!("/v1/calls/{}/recording", lease.call_id);
    let body = serde_json::to_string(&RecordingOrder::new(recording, plan)).map_err(|e| e.to_string())?;
    let mut outcome = Err(String::new());
    for _ in 0..2 {
        outcome =
            send(&node, config.media_signer.as_ref(), Method::Put, &path, &lease.call_id, Some(body.clone()))
                .await;
        if outcome.is_ok() {
            break;
        }
    }
    if let Err(why) = &outcome {
        worker::console_error!(
            "the media node {} did not take the recording plan of {}: {why}",
            node.id,
            lease.call_id
        );
    }
    outcome
}

/// The node a call session is on: a listed one, or the fleet's as its lease names it.
fn node_of(config: &EdgeConfig, lease: &MediaNodeLease) -> Option<MediaNode> {
    if config.media_fleet {
        return (!lease.control_url.is_empty()).then(|| MediaNode {
            id: lease.node_id.clone(),
            control_url: lease.control_base(&config.api_origin),
            public_url: lease.url.clone(),
        });
    }
    config.media_nodes.iter().find(|n| n.id == lease.node_id).cloned()
}

async fn send(
    node: &MediaNode,
    signer: &dyn MediaTokenSigner,
    method: Method,
    path: &str,
    call: &str,
    body: Option<String>,
) -> Result<(), String> {
    let token = room_token(node, signer, call)?;
    let url = format!("{}{path}", node.control_url.trim_end_matches('/'));
    let mut response = bearer_request(method, &url, &token, body).await?;
    match response.status_code() {
        200..=299 => Ok(()),
        status => Err(format!("{status} {}", response.text().await.unwrap_or_default())),
    }
}

/// A room token for `call` on `node`.
fn room_token(node: &MediaNode, signer: &dyn MediaTokenSigner, call: &str) -> Result<String, String> {
    signer.sign(&MediaClaims::room(&node.id, call, now())).map_err(|e| e.to_string())
}

/// `method` on `url` with `Authorization: Bearer {bearer}` and, if given, a JSON `body`.
async fn bearer_request(
    method: Method,
    url: &str,
    bearer: &str,
    body: Option<String>,
) -> Result<worker::Response, String> {
    let headers = Headers::new();
    headers.set("authorization", &format!("Bearer {bearer}")).map_err(|e| e.to_string())?;
    let mut init = RequestInit::new();
    if let Some(body) = body {
        headers.set("content-type", "application/json").map_err(|e| e.to_string())?;
        init.with_body(Some(body.into()));
    }
    init.with_method(method).with_headers(headers);
    let request = Request::new_with_init(url, &init).map_err(|e| e.to_string())?;
    Fetch::Request(request).send().await.map_err(|e| e.to_string())
}

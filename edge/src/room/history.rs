//! A stored group's call history on its way from the room to the API: the room's events are
//! queued in Durable Object storage in the same batch that decided them (so a restart loses
//! none), then delivered to the API's internal route with the deployment's internal secret,
//! and dropped from the queue once the API has them. A delivery that fails stays queued and is
//! tried again after the next batch or alarm; the API writes each event once however often it
//! arrives (every event names its call).

use crate::config::EdgeConfig;
use crate::error::EdgeError;
use peershare_core::GroupId;
use peershare_core::room::CallEvent;
use worker::{Fetch, Headers, Method, Request, RequestInit, Storage};

/// Storage key of the events not delivered yet.
pub const HISTORY_KEY: &str = "history";

/// Storage key of the group this object is the room of (a Durable Object cannot tell its own
/// name).
pub const GROUP_KEY: &str = "group";

/// Most events one delivery carries (the API's limit).
const BATCH: usize = 200;

/// Appends `events` to the queue.
pub async fn queue(storage: &Storage, events: Vec<CallEvent>) -> Result<(), EdgeError> {
    let mut queued: Vec<CallEvent> = storage.get(HISTORY_KEY).await?.unwrap_or_default();
    queued.extend(events);
    storage.put(HISTORY_KEY, &queued).await?;
    Ok(())
}

/// The events still queued.
pub async fn pending(storage: &Storage) -> Result<Vec<CallEvent>, EdgeError> {
    Ok(storage.get(HISTORY_KEY).await?.unwrap_or_default())
}

/// Delivers what is queued, until nothing is; true when nothing is left. Handlers of the same
/// object interleave while this waits on the API, so each round reads the queue again and drops
/// only what it delivered (others only ever append), and one delivery runs at a time (the
/// caller's lock). Without an internal secret (or for a link call) there is nowhere to deliver
/// to, and the queue is dropped.
pub async fn deliver(storage: &Storage, config: &EdgeConfig) -> Result<bool, EdgeError> {
    if pending(storage).await?.is_empty() {
        return Ok(true);
    }
    let group: Option<String> = storage.get(GROUP_KEY).await?;
    let group = group.and_then(|g| GroupId::parse(&g).ok()).filter(GroupId::is_stored);
    let (Some(secret), Some(group)) = (config.internal_secret.as_deref(), group) else {
        storage.delete(HISTORY_KEY).await?;
        return Ok(true);
    };
    loop {
        let queued = pending(storage).await?;
        if queued.is_empty() {
            return Ok(true);
        }
        let batch = &queued[..queued.len().min(BATCH)];
        if !post(config, secret, &group, batch).await {
            return Ok(false);
        }
        let sent = batch.len();
        let mut now_queued = pending(storage).await?;
        now_queued.drain(..sent.min(now_queued.len()));
        if now_queued.is_empty() {
            storage.delete(HISTORY_KEY).await?;
        } else {
            storage.put(HISTORY_KEY, &now_queued).await?;
        }
    }
}

/// Sends one delivery; the API's status.
async fn send(url: &str, secret: &str, events: &[CallEvent]) -> worker::Result<u16> {
    let headers = Headers::new();
    headers.set("authorization", &format!("Bearer {secret}"))?;
    headers.set("content-type", "application/json")?;
    let body = serde_json::to_string(events).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let response = Fetch::Request(Request::new_with_init(url, &init)?).send().await?;
    Ok(response.status_code())
}

/// One delivery; true when the API took it.
async fn post(config: &EdgeConfig, secret: &str, group: &GroupId, events: &[CallEvent]) -> bool {
    let url = format!("{}/api/internal/groups/{}/history", config.api_origin, group.as_str());
    match send(&url, secret, events).await {
        Ok(204) => true,
        Ok(status) => {
            worker::console_warn!("call history for {group} refused by the API: {status}; kept for later");
            false
        }
        Err(e) => {
            worker::console_warn!("call history for {group} not delivered: {e}; kept for later");
            false
        }
    }
}

//! Signaling relay under load: many WebSockets in rooms, each participant paired with one other
//! in its room and sending it ICE-candidate messages at a steady rate; measures delivery, rate
//! and latency. Run against `peershare dev` here and against the Worker by the edge benchmark.

use super::server_process::ServerProcess;
use anyhow::{Context, bail};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Barrier;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

/// Messages each client sends.
const MESSAGES_PER_CLIENT: u32 = 200;
/// Gap between a client's messages (20 per second per client).
const SEND_INTERVAL: Duration = Duration::from_millis(50);

/// What the run measured.
#[derive(Debug, Serialize)]
pub(super) struct SignalingResult {
    connections: u32,
    rooms: u32,
    messages_sent: u64,
    messages_received: u64,
    messages_lost: u64,
    offered_per_second: f64,
    relayed_per_second: f64,
    latency_p50_ms: f64,
    latency_p99_ms: f64,
    latency_max_ms: f64,
    /// Peak memory of the host, filled in by the caller.
    pub(super) server_peak_rss_mib: f64,
    connect_seconds: f64,
}

/// The WebSocket request for `url` with a guest's call pass from the server's API.
pub(super) async fn with_guest_pass(
    url: &str,
    index: u32,
) -> anyhow::Result<tokio_tungstenite::tungstenite::handshake::client::Request> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let http_url = url.replacen("ws://", "http://", 1).replacen("/call", "/call-pass", 1);
    let reply = reqwest::Client::new()
        .post(&http_url)
        .json(&json!({ "name": format!("bench-{index}") }))
        .send()
        .await
        .with_context(|| format!("call pass from {http_url}"))?;
    if !reply.status().is_success() {
        bail!("call pass from {http_url}: {}", reply.status());
    }
    let pass: Value = reply.json().await?;
    let token = pass["token"].as_str().context("no token in the call pass")?;
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", format!("peershare.v1, peershare.pass.{token}").parse()?);
    Ok(request)
}

/// Runs the load against a fresh release server.
pub(super) fn run(connections: u32) -> anyhow::Result<SignalingResult> {
    if connections < 2 || !connections.is_multiple_of(2) {
        bail!("--connections must be an even number of at least 2");
    }
    let server = ServerProcess::start()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let mut result = runtime.block_on(load(&server.addr, connections, 2))?;
    result.server_peak_rss_mib = server.peak_rss_kib()? as f64 / 1024.0;
    Ok(result)
}

struct ClientOutcome {
    sent: u64,
    latencies_us: Vec<u64>,
}

/// `connections` WebSockets to the host at `addr`, `per_room` (even) in each room.
pub(super) async fn load(addr: &str, connections: u32, per_room: u32) -> anyhow::Result<SignalingResult> {
    if per_room < 2 || !per_room.is_multiple_of(2) || !connections.is_multiple_of(per_room) {
        bail!("rooms of {per_room} must be even and divide {connections} connections");
    }
    let origin = Instant::now();
    let joined = Arc::new(Barrier::new(connections as usize + 1));
    let mut tasks = Vec::new();
    for i in 0..connections {
        let url = format!("ws://{addr}/api/groups/bench-{}/call", i / per_room);
        let joined = joined.clone();
        tasks.push(tokio::spawn(async move { client(url, i, origin, joined).await }));
        if i % 50 == 49 {
            // Spread the connection burst a little so the accept queue never overflows.
            tokio::task::yield_now().await;
        }
    }
    joined.wait().await;
    let connect_seconds = origin.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3)?;
    let mut sent = 0;
    let mut received = 0;
    for task in tasks {
        let outcome = task.await??;
        sent += outcome.sent;
        received += outcome.latencies_us.len() as u64;
        for l in outcome.latencies_us {
            histogram.record(l.max(1))?;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ms = |us: u64| us as f64 / 1000.0;
    Ok(SignalingResult {
        connections,
        rooms: connections / per_room,
        messages_sent: sent,
        messages_received: received,
        messages_lost: sent.saturating_sub(received),
        offered_per_second: f64::from(connections) / SEND_INTERVAL.as_secs_f64(),
        relayed_per_second: received as f64 / elapsed,
        latency_p50_ms: ms(histogram.value_at_quantile(0.50)),
        latency_p99_ms: ms(histogram.value_at_quantile(0.99)),
        latency_max_ms: ms(histogram.max()),
        server_peak_rss_mib: 0.0,
        connect_seconds,
    })
}

async fn client(
    url: String,
    index: u32,
    origin: Instant,
    joined: Arc<Barrier>,
) -> anyhow::Result<ClientOutcome> {
    let request = with_guest_pass(&url, index).await?;
    let (ws, _) = connect_async(request).await.with_context(|| format!("connect {url}"))?;
    let (mut tx, mut rx) = ws.split();
    let join = json!({"type":"join","version":1,"display_name":format!("bench-{index}"),"media":{"audio":true,"video":true}});
    tx.send(Message::text(join.to_string())).await?;
    // Each client talks to its partner: 0 with 1, 2 with 3, and so on (always in the same room).
    let partner = format!("bench-{}", index ^ 1);
    let is_partner = |p: &Value| (p["display_name"] == partner.as_str()).then(|| p["id"].as_u64()).flatten();
    let mut peer = None;
    while peer.is_none() {
        let v = next_json(&mut rx).await?;
        peer = match v["type"].as_str() {
            Some("welcome") => v["participants"].as_array().into_iter().flatten().find_map(is_partner),
            Some("participant_joined") => is_partner(&v["participant"]),
            Some("error") => bail!("server error while joining: {v}"),
            _ => None,
        };
    }
    let peer = peer.context("no peer")?;
    joined.wait().await;

    let sender = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(SEND_INTERVAL);
        for seq in 0..MESSAGES_PER_CLIENT {
            ticker.tick().await;
            let sent_at = origin.elapsed().as_micros() as u64;
            let candidate =
                format!("candidate:{seq} 1 udp 2122260223 192.0.2.{} {sent_at} typ host", index % 250);
            let m = json!({"type":"ice_candidate","to":peer,"candidate":{"candidate":candidate,"sdpMid":"0","sdpMLineIndex":0}});
            tx.send(Message::text(m.to_string())).await?;
            if seq % 100 == 99 {
                tx.send(Message::text(json!({"type":"ping","nonce":seq}).to_string())).await?;
            }
        }
        anyhow::Ok(tx)
    });

    let mut latencies_us = Vec::with_capacity(MESSAGES_PER_CLIENT as usize);
    let deadline = Instant::now() + SEND_INTERVAL * MESSAGES_PER_CLIENT + Duration::from_secs(30);
    while latencies_us.len() < MESSAGES_PER_CLIENT as usize && Instant::now() < deadline {
        let Ok(v) = tokio::time::timeout_at(deadline.into(), next_json(&mut rx)).await else { break };
        let v = v?;
        if v["type"] == "ice_candidate" {
            let sent_at: u64 = v["candidate"]["candidate"]
                .as_str()
                .and_then(|c| c.split(' ').nth(5))
                .and_then(|t| t.parse().ok())
                .context("bench candidate without timestamp")?;
            latencies_us.push((origin.elapsed().as_micros() as u64).saturating_sub(sent_at));
        }
    }
    let mut tx = sender.await??;
    let _ = tx.send(Message::text(json!({"type":"leave"}).to_string())).await;
    Ok(ClientOutcome { sent: u64::from(MESSAGES_PER_CLIENT), latencies_us })
}

pub(super) async fn next_json<S>(rx: &mut S) -> anyhow::Result<Value>
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match rx.next().await {
            Some(Ok(Message::Text(t))) => return Ok(serde_json::from_str(&t)?),
            Some(Ok(Message::Close(f))) => bail!("server closed the connection: {f:?}"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
            None => bail!("connection ended"),
        }
    }
}

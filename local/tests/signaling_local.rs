//! The signaling conformance suite on `peershare dev` (in-process, real sockets).

mod support;
#[macro_use]
mod conformance;

use conformance::HostOptions;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use support::{DEADLINE, Received, Server, config, start};
use tokio_tungstenite::tungstenite::Message;

async fn local(options: HostOptions) -> Server {
    let capacity = options.room_capacity.map(|c| c.to_string());
    let mut args = Vec::new();
    if let Some(capacity) = &capacity {
        args.extend(["--room-capacity", capacity.as_str()]);
    }
    start(config(&args)).await
}

conformance_suite!(local);

/// A participant who stops reading costs the server at most core's outbox budget (1 MiB): the
/// host drops them once that much waits for them, and everyone else carries on.
#[tokio::test]
async fn a_reader_that_stalls_is_dropped_at_its_byte_budget_while_the_others_keep_receiving() {
    let server = start(config(&[])).await;
    let pass = server.guest_pass("stall", "Ada").await;
    let mut ada = server.connect_stalling("stall", &pass).await;
    ada.send_join("Ada", None).await;
    let ada_id = ada.recv_type("welcome").await["you"].clone();
    let (bob, _) = server.join("stall", "Bob").await;
    // From here on Ada reads nothing. Bob sends her 150 of the largest messages the room relays
    // (9 MB, within his burst): more than the kernel buffers between them (4 MiB at most on the
    // server's side here) plus the 1 MiB budget. Without the budget, 150 frames would simply
    // wait for her, and only her heartbeat timeout (30 s) would remove her, as `timed_out`.
    let offer =
        json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"x".repeat(60 * 1024)}});
    let (mut to_room, mut from_room) = bob.ws.split();
    for _ in 0..150 {
        to_room.send(Message::text(offer.to_string())).await.expect("Bob sends");
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let left = loop {
        let frame = tokio::time::timeout_at(deadline, from_room.next()).await.expect("Ada was never dropped");
        let Some(Ok(Message::Text(text))) = frame else { panic!("Bob's connection ended: {frame:?}") };
        let message: Value = serde_json::from_str(&text).expect("json");
        assert_ne!(message["code"], "rate_limited", "the test stays within Bob's burst");
        if message["type"] == "participant_left" {
            break message;
        }
    };
    assert_eq!(left["id"], ada_id);
    assert_eq!(left["reason"], "connection_lost", "dropped at the budget, not timed out");
    assert_eq!(server.call_status("stall").await["participants"], 1);

    // Bob is still heard and still hears: his ping is answered once his budget refills.
    let deadline = tokio::time::Instant::now() + DEADLINE;
    'pong: loop {
        assert!(tokio::time::Instant::now() < deadline, "Bob's ping was never answered");
        to_room.send(Message::text(json!({"type":"ping","nonce":9}).to_string())).await.expect("ping");
        while let Ok(Some(Ok(Message::Text(text)))) =
            tokio::time::timeout(Duration::from_millis(500), from_room.next()).await
        {
            if serde_json::from_str::<Value>(&text).expect("json")["type"] == "pong" {
                break 'pong;
            }
        }
    }
    // Ada's connection ends: what the kernel had buffered for her, then the end.
    while let Received::Json(_) = ada.next().await {}
}

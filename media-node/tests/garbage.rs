//! Garbage on the node's one UDP socket, from strangers and from a participant's own address,
//! while a call runs: the node counts and drops it, and the call goes on.

mod support;

use peershare_core::protocol::TrackKind;
use peershare_media_node::control_api::Health;
use peershare_media_node::sfu::SfuStats;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use support::{Node, Rng};
use tokio::net::UdpSocket;

const STUN_MAGIC_COOKIE: [u8; 4] = [0x21, 0x12, 0xA4, 0x42];

/// A well-formed STUN binding request (USERNAME, PRIORITY, MESSAGE-INTEGRITY) whose integrity
/// is not valid: it names a participant's ufrag but was not keyed with their ICE password.
fn forged_binding_request(rng: &mut Rng, username: &str) -> Vec<u8> {
    let mut attrs = Vec::new();
    attrs.extend_from_slice(&0x0024u16.to_be_bytes());
    attrs.extend_from_slice(&4u16.to_be_bytes());
    attrs.extend_from_slice(&rng.bytes(4));
    attrs.extend_from_slice(&0x0006u16.to_be_bytes());
    attrs.extend_from_slice(&(username.len() as u16).to_be_bytes());
    attrs.extend_from_slice(username.as_bytes());
    while attrs.len() % 4 != 0 {
        attrs.push(0);
    }
    attrs.extend_from_slice(&0x0008u16.to_be_bytes());
    attrs.extend_from_slice(&20u16.to_be_bytes());
    attrs.extend_from_slice(&rng.bytes(20));
    let mut msg = vec![0x00, 0x01];
    msg.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
    msg.extend_from_slice(&STUN_MAGIC_COOKIE);
    msg.extend_from_slice(&rng.bytes(12));
    msg.extend_from_slice(&attrs);
    msg
}

/// An RTP-looking datagram (version 2, a dynamic payload type) with a random header and body,
/// sometimes shorter than an RTP header.
fn rtp_like(rng: &mut Rng) -> Vec<u8> {
    let len = if rng.below(4) == 0 { rng.below(12) } else { 12 + rng.below(1_200) };
    let mut d = rng.bytes(len.max(1));
    d[0] = 0x80 | (d[0] & 0x3F);
    if let Some(b) = d.get_mut(1) {
        *b = [96u8, 111, 0x80 | 96, 200, 201, 205, 206][rng.below(7)];
    }
    d
}

/// Thousands of datagrams: random bytes of random lengths (some empty, some larger than the
/// node reads), truncated STUN, STUN naming real ufrags with bad integrity, RTP/RTCP-looking
/// and DTLS-looking records.
fn garbage(rng: &mut Rng, count: usize, ufrags: &[String]) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| match i % 6 {
            0 => {
                let len = match rng.below(20) {
                    0 => 0,
                    1 => 2_049 + rng.below(2_000),
                    _ => rng.below(1_500),
                };
                rng.bytes(len)
            }
            1 => {
                let ufrag = &ufrags[rng.below(ufrags.len())];
                let mut truncated = forged_binding_request(rng, &format!("{ufrag}:attacker"));
                truncated.truncate(rng.below(truncated.len()));
                truncated
            }
            2 => {
                let ufrag = &ufrags[rng.below(ufrags.len())];
                forged_binding_request(rng, &format!("{ufrag}:attacker"))
            }
            3 => rtp_like(rng),
            4 => {
                let len = 1 + rng.below(300);
                let mut d = rng.bytes(len);
                d[0] = 20 + rng.below(44) as u8;
                if d.len() > 2 {
                    d[1] = 0xFE;
                    d[2] = 0xFD;
                }
                d
            }
            _ => {
                // Outside every range RFC 7983 demultiplexes.
                let len = 1 + rng.below(400);
                let mut d = rng.bytes(len);
                d[0] = 192 + rng.below(64) as u8;
                d
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_datagrams_are_counted_and_dropped_while_media_keeps_flowing() {
    let node = Node::start().await;
    node.create_call("noisy").await;
    let a = node.join("noisy", 1).await;
    let b = node.join("noisy", 2).await;
    a.wait_frames_from(&[2], 10, 5).await;
    b.wait_frames_from(&[1], 10, 5).await;
    let ufrags = vec![a.node_ufrag.clone(), b.node_ufrag.clone(), "nobody".to_owned()];
    let mut rng = Rng::new(0x5EED_6A2B_A6E0);

    // From a stranger's socket: the node knows neither the address nor a valid check from it.
    // (Counting from a snapshot taken once media flows: before ICE completes, a client's answer
    // to one of the node's own checks may arrive before its address is bound, and is dropped.)
    let before = node.wait_stats("a snapshot with media flowing", |s| s.frames_forwarded > 0).await;
    let stranger = UdpSocket::bind("127.0.0.1:0").await.expect("bind a stranger's socket");
    let datagrams = garbage(&mut rng, 3_000, &ufrags);
    let mut sent = 0u64;
    for (i, d) in datagrams.iter().enumerate() {
        if stranger.send_to(d, node.media_addr()).await.is_ok() {
            sent += 1;
        }
        if i % 32 == 31 {
            // Pace the burst so the kernel's receive buffer does not drop it before the node
            // sees it: the count below is of what the node refused, not what the kernel lost.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    assert_eq!(sent, 3_000);
    // It is unroutable (forged checks naming a real ufrag fail that session's integrity check),
    // or, whatever reaches a session, refused by it.
    let refused = |s: &SfuStats| {
        s.unroutable_datagrams - before.unroutable_datagrams + s.rejected_datagrams
            - before.rejected_datagrams
    };
    let stats = node
        .wait_stats("the stranger's garbage counted as unroutable or rejected", |s| {
            refused(s) >= sent * 95 / 100
        })
        .await;
    assert!(stats.datagrams_in - before.datagrams_in >= refused(&stats));
    assert!(
        stats.unroutable_datagrams - before.unroutable_datagrams >= sent * 80 / 100,
        "forged ICE checks are unroutable too: {before:?} -> {stats:?}"
    );
    assert!(refused(&stats) <= sent, "only the garbage was refused: {before:?} -> {stats:?}");

    // From participant 1's own address, which the node has bound to its session: everything
    // reaches that session, which must refuse it without dropping the call.
    let before = node.handle.stats();
    let from_known = garbage(&mut rng, 600, &ufrags);
    let outside_every_range =
        from_known.iter().filter(|d| d.first().is_some_and(|b| *b >= 192)).count() as u64;
    assert_eq!(a.send_raw(from_known).await, 600);
    node.wait_stats("garbage from a known address refused by its session", |s| {
        s.rejected_datagrams - before.rejected_datagrams >= outside_every_range * 95 / 100
    })
    .await;

    // The call goes on: both still get fresh audio and video from each other.
    let a_before = (a.received(2, TrackKind::Audio).frames, a.received(2, TrackKind::Video).frames);
    let b_before = (b.received(1, TrackKind::Audio).frames, b.received(1, TrackKind::Video).frames);
    a.wait("media from 2 after the garbage", |s| {
        s.from(2, TrackKind::Audio).frames >= a_before.0 + 25
            && s.from(2, TrackKind::Video).frames >= a_before.1 + 15
    })
    .await;
    b.wait("media from 1 after the garbage", |s| {
        s.from(1, TrackKind::Audio).frames >= b_before.0 + 25
            && s.from(1, TrackKind::Video).frames >= b_before.1 + 15
    })
    .await;
    a.assert_clean();
    b.assert_clean();

    let response = node.http.get(node.ops_url("/health")).send().await.expect("health request");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let health: Health = response.json().await.expect("health is JSON");
    assert_eq!(health.status, "ok");
    assert_eq!(health.participants, 2);
    assert!(!node.handle.is_stopped());
    assert_eq!(node.handle.stats().participants, 2, "nobody was disconnected by the garbage");
}

/// How long the flood lasts.
const FLOOD: Duration = Duration::from_secs(6);

/// Threads sending it: more senders than the node has readers, so its socket never drains.
const FLOODERS: u64 = 2;

/// Sends small random datagrams to `target` until `stop`, for at most twice [`FLOOD`] and a
/// bounded count; returns how many went out.
fn flood(target: std::net::SocketAddr, seed: u64, stop: &AtomicBool) -> u64 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind a flooder's socket");
    let mut rng = Rng::new(seed);
    let datagrams: Vec<Vec<u8>> = (0..256)
        .map(|_| {
            let len = 20 + rng.below(200);
            rng.bytes(len)
        })
        .collect();
    let started = Instant::now();
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) && started.elapsed() < 2 * FLOOD && sent < 5_000_000 {
        if socket.send_to(&datagrams[sent as usize % datagrams.len()], target).is_ok() {
            sent += 1;
        }
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_does_not_stop_the_nodes_timers() {
    let node = Node::start().await;
    node.create_call("flood").await;
    let a = node.join("flood", 1).await;
    let b = node.join("flood", 2).await;
    a.wait_frames_from(&[2], 10, 5).await;
    b.wait_frames_from(&[1], 10, 5).await;
    let before = node.wait_stats("a snapshot with media flowing", |s| s.frames_forwarded > 0).await;

    // Strangers send small garbage as fast as two threads can, for a bounded time and count.
    let target = node.media_addr();
    let stop = Arc::new(AtomicBool::new(false));
    let flooders: Vec<_> = (0..FLOODERS)
        .map(|i| {
            let stopped = stop.clone();
            std::thread::spawn(move || flood(target, i, &stopped))
        })
        .collect();

    // The node refreshes its published statistics from its timer path once a second; while
    // the socket never drains, those timers (and every session's RTCP, retransmissions and
    // consent checks) must still get their turn.
    let start = Instant::now();
    let mut refreshes = vec![Duration::ZERO];
    let mut last = node.handle.stats();
    while start.elapsed() < FLOOD {
        let stats = node.handle.stats();
        if stats != last {
            refreshes.push(start.elapsed());
            last = stats;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let sent: u64 = flooders.into_iter().map(|f| f.join().expect("a flooder ends")).sum();
    refreshes.push(start.elapsed());
    // Once a second when idle; a busy two-core machine may stretch that, but never to a stall.
    let longest_gap = refreshes.windows(2).map(|w| w[1] - w[0]).max().unwrap_or_default();
    assert!(
        refreshes.len() >= 4 && longest_gap < FLOOD * 3 / 4,
        "the node's timers stalled during a flood of {sent} datagrams: statistics refreshed at {refreshes:?}"
    );
    let after = node.handle.stats();
    assert!(after.unroutable_datagrams - before.unroutable_datagrams >= 1_000, "{before:?} -> {after:?}");

    // And the call survives it.
    let a_before = a.received(2, TrackKind::Video).frames;
    let b_before = b.received(1, TrackKind::Video).frames;
    a.wait("video from 2 after the flood", |s| s.from(2, TrackKind::Video).frames >= a_before + 15).await;
    b.wait("video from 1 after the flood", |s| s.from(1, TrackKind::Video).frames >= b_before + 15).await;
    assert_eq!(node.handle.stats().participants, 2);
}

//! The media node's UDP demultiplexer on arbitrary datagrams.
//!
//! Input: one byte that picks the source address, then the datagram. The node reads a
//! datagram's STUN USERNAME before anything has authenticated it, so this must never panic and
//! must route only to what was registered.

#![no_main]

use libfuzzer_sys::fuzz_target;
use peershare_media_node::sfu::{Demux, Route, stun_local_ufrag};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Ufrags registered for participants 1 and 2 (the seed corpus's binding requests name them).
const UFRAGS: [(&str, u32); 2] = [("nodeufrag1", 1), ("nodeufrag2", 2)];

/// Source addresses the first input byte picks from: two bound to participants, two never bound
/// (one of them the IPv4-mapped form of a bound IPv4 address, which must not match it).
fn source(selector: u8) -> SocketAddr {
    let ip = match selector % 4 {
        0 => IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
        1 => IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
        2 => IpAddr::V6(Ipv4Addr::new(192, 0, 2, 1).to_ipv6_mapped()),
        _ => IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)),
    };
    SocketAddr::new(ip, 40_000 + u16::from(selector / 4))
}

/// Participant bound to `addr`, if any (source 0 → 1 and source 1 → 2, on port 40 000).
fn bound_to(addr: SocketAddr) -> Option<u32> {
    [(source(0), 1), (source(1), 2)].into_iter().find(|(a, _)| *a == addr).map(|(_, k)| k)
}

/// What `stun_local_ufrag` promises about a ufrag it found in `datagram`.
fn check_ufrag(datagram: &[u8], ufrag: &str) {
    assert!(datagram.len() >= 20, "ufrag from a datagram shorter than a STUN header");
    assert_eq!(datagram[0] & 0xC0, 0, "ufrag from a non-STUN first byte");
    assert_eq!(datagram[4..8], [0x21, 0x12, 0xA4, 0x42], "ufrag without the magic cookie");
    assert!(!ufrag.is_empty(), "empty ufrag");
    assert!(!ufrag.contains(':'), "ufrag {ufrag:?} still holds the separator");
    // It borrows from the declared body, and the sender's part follows after a colon.
    let body_end = 20 + usize::from(u16::from_be_bytes([datagram[2], datagram[3]]));
    let start = (ufrag.as_ptr() as usize).wrapping_sub(datagram.as_ptr() as usize);
    let end = start + ufrag.len();
    assert!(start >= 24 && end < body_end && body_end <= datagram.len(), "ufrag outside the body");
    assert_eq!(&datagram[start..end], ufrag.as_bytes());
    assert_eq!(datagram[end], b':');
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, datagram)) = data.split_first() else {
        return;
    };
    let from = source(selector);
    let ufrag = stun_local_ufrag(datagram);
    if let Some(u) = ufrag {
        check_ufrag(datagram, u);
    }

    let mut demux = Demux::default();
    for (u, key) in UFRAGS {
        demux.add_ufrag(u.to_owned(), key);
    }
    demux.bind_addr(source(0), 1);
    demux.bind_addr(source(1), 2);
    let registered = |u: &str| UFRAGS.iter().find(|(r, _)| *r == u).map(|(_, k)| *k);

    let expected = match (bound_to(from), ufrag.and_then(registered)) {
        (Some(key), _) => Route::Known(key),
        (None, Some(key)) => Route::ByUfrag(key),
        (None, None) => Route::Unknown,
    };
    assert_eq!(demux.route(from, datagram), expected, "from {from}, ufrag {ufrag:?}");

    // A removed participant is never routed to again, by address or by ufrag.
    demux.remove(1);
    let after = demux.route(from, datagram);
    assert!(
        !matches!(after, Route::Known(1) | Route::ByUfrag(1)),
        "routed to removed participant: {after:?}"
    );
    assert_eq!(demux.bound_addresses(), 1);
});

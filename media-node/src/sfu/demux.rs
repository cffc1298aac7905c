//! Which participant a datagram belongs to: by its source address once that address has
//! carried a valid ICE check, by the ICE username of a STUN request before that.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::SocketAddr;

const STUN_HEADER_LEN: usize = 20;
const STUN_MAGIC_COOKIE: [u8; 4] = [0x21, 0x12, 0xA4, 0x42];
const ATTR_USERNAME: u16 = 0x0006;

/// The node's own ufrag from a STUN message's USERNAME attribute (`<recipient>:<sender>`), or
/// `None` if the datagram is not a well-formed STUN message with one.
pub fn stun_local_ufrag(datagram: &[u8]) -> Option<&str> {
    if datagram.len() < STUN_HEADER_LEN || datagram[0] & 0xC0 != 0 || datagram[4..8] != STUN_MAGIC_COOKIE {
        return None;
    }
    let body_len = usize::from(u16::from_be_bytes([datagram[2], datagram[3]]));
    let body = datagram.get(STUN_HEADER_LEN..STUN_HEADER_LEN.checked_add(body_len)?)?;
    let mut rest = body;
    while rest.len() >= 4 {
        let kind = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        let value = rest.get(4..4 + len)?;
        if kind == ATTR_USERNAME {
            let username = std::str::from_utf8(value).ok()?;
            return username.split_once(':').map(|(local, _)| local).filter(|l| !l.is_empty());
        }
        let padded = (4 + len).div_ceil(4) * 4;
        rest = rest.get(padded..)?;
    }
    None
}

/// Routes datagrams to participants.
#[derive(Debug)]
pub struct Demux<K> {
    by_ufrag: HashMap<String, K>,
    by_addr: HashMap<SocketAddr, K>,
}

impl<K> Default for Demux<K> {
    fn default() -> Self {
        Self { by_ufrag: HashMap::new(), by_addr: HashMap::new() }
    }
}

/// How a datagram was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<K> {
    /// From an address already bound to this participant.
    Known(K),
    /// A STUN message naming this participant's ufrag, from an address not bound yet.
    ByUfrag(K),
    /// Nobody's.
    Unknown,
}

impl<K: Copy + Eq + Hash> Demux<K> {
    /// Registers a participant's local ICE ufrag.
    pub fn add_ufrag(&mut self, ufrag: String, key: K) {
        self.by_ufrag.insert(ufrag, key);
    }

    /// Binds a source address to a participant (after their `Rtc` accepted a check from it).
    pub fn bind_addr(&mut self, addr: SocketAddr, key: K) {
        self.by_addr.insert(addr, key);
    }

    /// Finds the participant a datagram from `source` belongs to.
    pub fn route(&self, source: SocketAddr, datagram: &[u8]) -> Route<K> {
        if let Some(key) = self.by_addr.get(&source) {
            return Route::Known(*key);
        }
        match stun_local_ufrag(datagram).and_then(|u| self.by_ufrag.get(u)) {
            Some(key) => Route::ByUfrag(*key),
            None => Route::Unknown,
        }
    }

    /// Forgets everything about a participant.
    pub fn remove(&mut self, key: K) {
        self.by_ufrag.retain(|_, k| *k != key);
        self.by_addr.retain(|_, k| *k != key);
    }

    /// Number of bound addresses (for tests and metrics).
    pub fn bound_addresses(&self) -> usize {
        self.by_addr.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A STUN binding request with the given USERNAME and a trailing FINGERPRINT-sized attribute.
    fn binding_request(username: &str) -> Vec<u8> {
        let mut attrs = Vec::new();
        attrs.extend_from_slice(&ATTR_USERNAME.to_be_bytes());
        attrs.extend_from_slice(&(username.len() as u16).to_be_bytes());
        attrs.extend_from_slice(username.as_bytes());
        while attrs.len() % 4 != 0 {
            attrs.push(0);
        }
        attrs.extend_from_slice(&[0x80, 0x28, 0, 4, 1, 2, 3, 4]);
        let mut msg = vec![0x00, 0x01];
        msg.extend_from_slice(&(attrs.len() as u16).to_be_bytes());
        msg.extend_from_slice(&STUN_MAGIC_COOKIE);
        msg.extend_from_slice(&[7; 12]);
        msg.extend_from_slice(&attrs);
        msg
    }

    #[test]
    fn reads_the_recipients_ufrag_from_username() {
        assert_eq!(stun_local_ufrag(&binding_request("nodeufrag:client")), Some("nodeufrag"));
        assert_eq!(stun_local_ufrag(&binding_request("abc:d")), Some("abc"), "odd lengths are padded");
    }

    #[test]
    fn rejects_what_is_not_stun_with_a_username() {
        assert_eq!(stun_local_ufrag(b""), None);
        assert_eq!(stun_local_ufrag(&[0x80; 40]), None, "RTP");
        assert_eq!(stun_local_ufrag(&binding_request("nocolon")), None);
        assert_eq!(stun_local_ufrag(&binding_request(":sender")), None);
        let mut truncated = binding_request("nodeufrag:client");
        truncated.truncate(26);
        assert_eq!(stun_local_ufrag(&truncated), None, "length field beyond the datagram");
        let mut lying = binding_request("nodeufrag:client");
        lying[23] = 200;
        assert_eq!(stun_local_ufrag(&lying), None, "attribute longer than the body");
    }

    #[test]
    fn routes_by_address_first_then_by_ufrag() {
        let mut demux = Demux::default();
        demux.add_ufrag("aaaa".into(), 1u32);
        demux.add_ufrag("bbbb".into(), 2u32);
        let a: SocketAddr = "10.0.0.1:5000".parse().expect("addr");
        let b: SocketAddr = "10.0.0.2:5000".parse().expect("addr");
        assert_eq!(demux.route(a, &binding_request("aaaa:x")), Route::ByUfrag(1));
        assert_eq!(demux.route(a, &[0x80; 40]), Route::Unknown, "media from an unbound address");
        demux.bind_addr(a, 1);
        assert_eq!(demux.route(a, &[0x80; 40]), Route::Known(1));
        assert_eq!(demux.route(b, &binding_request("bbbb:x")), Route::ByUfrag(2));
        demux.remove(1);
        assert_eq!(demux.route(a, &[0x80; 40]), Route::Unknown);
        assert_eq!(demux.route(a, &binding_request("aaaa:x")), Route::Unknown);
        assert_eq!(demux.bound_addresses(), 0);
    }
}

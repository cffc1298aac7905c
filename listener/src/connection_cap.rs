//! How many connections each address holds open: a slot per connection, taken when it is
//! accepted and given back when its socket is dropped, however it ended (a WebSocket keeps its
//! slot while it lives, since the socket moves into it).

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Open connections per address, up to a limit.
#[derive(Debug, Clone)]
pub struct ConnectionCap {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    limit: usize,
}

/// One connection's place under the cap; dropping it frees the place.
#[derive(Debug)]
pub struct Slot {
    cap: ConnectionCap,
    address: IpAddr,
}

impl ConnectionCap {
    /// A cap of `limit` open connections per address.
    pub fn new(limit: usize) -> Self {
        Self { open: Arc::default(), limit }
    }

    /// A slot for a new connection from `address`, unless it already holds `limit`.
    pub fn admit(&self, address: IpAddr) -> Option<Slot> {
        let address = canonical(address);
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(address).or_insert(0);
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(Slot { cap: self.clone(), address })
    }

    /// Connections `address` holds open now.
    pub fn open(&self, address: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&canonical(address)).copied().unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.cap.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

/// An IPv4 address in its IPv4-mapped IPv6 form counts as itself.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// A socket that holds its connection's [`Slot`] for as long as it lives.
#[derive(Debug)]
pub struct Counted<S> {
    inner: S,
    _slot: Slot,
}

impl<S> Counted<S> {
    /// `inner`, counted under `slot`.
    pub fn new(inner: S, slot: Slot) -> Self {
        Self { inner, _slot: slot }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn each_address_holds_up_to_the_limit_and_a_closed_connection_frees_its_place() {
        let cap = ConnectionCap::new(2);
        let a = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let b = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        let first = cap.admit(a).expect("first");
        let _second = cap.admit(a).expect("second");
        assert!(cap.admit(a).is_none(), "a third from the same address");
        assert!(cap.admit(b).is_some(), "another address has its own places");
        drop(first);
        assert_eq!(cap.open(a), 1);
        assert!(cap.admit(a).is_some());
    }

    #[test]
    fn an_ipv4_mapped_address_is_the_same_address() {
        let cap = ConnectionCap::new(1);
        let v4 = Ipv4Addr::new(198, 51, 100, 7);
        let _held = cap.admit(IpAddr::V4(v4)).expect("first");
        assert!(cap.admit(IpAddr::V6(v4.to_ipv6_mapped())).is_none());
        assert!(cap.admit(IpAddr::V6(Ipv6Addr::LOCALHOST)).is_some());
    }
}

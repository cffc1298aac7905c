//! PeerShare's media node: a selective forwarding unit built on str0m.
//!
//! [`sfu`] is the sans-IO forwarding core; [`udp_host`] runs it on one UDP socket; the
//! [`control_api`] lets signaling hosts open calls and browsers join them.

pub mod config;
pub mod control_api;
pub mod metrics;
pub mod sfu;
pub mod token;
pub mod udp_host;

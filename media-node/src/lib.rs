//! PeerShare's media node: a selective forwarding unit built on str0m.
//!
//! [`sfu`] is the sans-IO forwarding core; [`udp_host`] runs it on one UDP socket; the
//! [`control_api`] lets signaling hosts open calls and browsers join them.

#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod control_api;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "server")]
pub mod recording_shipper;
#[cfg(feature = "server")]
pub mod registration;
pub mod sfu;
#[cfg(feature = "server")]
pub mod token;
#[cfg(feature = "server")]
pub mod udp_host;

//! The edge stack on one machine, started one way for every test and benchmark: the Worker in
//! workerd (the open-source Workers runtime, on the project's `edge/workerd.capnp`) in front of
//! a given API, with its vars, and a media node its rooms open call sessions on.
//!
//! The Rust tests use this library; the benchmark and the browser tests run the
//! `peershare-stack` binary built on it (`peershare-stack edge --api-origin URL …`).

pub mod media_node;
pub mod vars;
pub mod workerd;

pub use media_node::MediaNode;
pub use vars::WorkerVars;
pub use workerd::{Workerd, WorkerdConfig, WorkerdLog};

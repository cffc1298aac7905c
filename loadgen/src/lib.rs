//! The media node under load, for `cargo xtask bench`: the node as its own process (its CPU and
//! memory read from `/proc`), its control API, and the report of the forwarding benchmark.
//! `peershare-loadgen` raises calls of str0m clients step by step;
//! `peershare-recording-bench` measures what recording costs.

pub mod node_api;
pub mod node_process;
pub mod report;

//! PeerShare's pure core: everything that decides, nothing that does I/O.
//!
//! Hosts (the `peershare dev` tokio server, the Cloudflare Durable Object, tests) feed
//! inputs in and carry outputs out. Time is always an argument, never read from a clock,
//! so the same call behaves the same in every host and in a unit test.

pub mod accounts;
pub mod auth;
pub mod fleet;
pub mod group_id;
pub mod groups;
pub mod http_error;
pub mod media;
pub mod protocol;
pub mod recording_links;
pub mod room;
pub mod text;
pub mod time;
pub mod turn_credentials;
pub mod turn_quota;
pub mod typescript;
pub mod web_headers;

pub use group_id::GroupId;
pub use time::Timestamp;

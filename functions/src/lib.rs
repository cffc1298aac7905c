//! PeerShare's API functions: accounts, groups, invites and call history as axum Routers over
//! a storage trait, run by Lambda and by `peershare dev`.

pub mod api;
pub mod clock;
pub mod fleet;
pub mod history;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod oauth;
pub mod recordings;
pub mod rooms;
pub mod session;
pub mod store;

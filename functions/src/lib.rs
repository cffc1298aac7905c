//! PeerShare's API functions: accounts, groups, invites and call history as axum Routers over
//! a storage trait, run by Lambda and by `peershare dev`. So far: the storage trait with its
//! SQLite (embedded) and DynamoDB adapters.

pub mod store;

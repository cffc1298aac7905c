//! The embedded store: one SQLite file under the dev data directory.

mod accounts;
mod connection;
mod groups;
mod history;
mod invites;
mod media_nodes;
mod members;
mod migrate;
mod recordings;
mod rows;
mod sessions;
mod store_impl;

pub use connection::{OpenError, SqliteStore, open_unmigrated};
pub use migrate::{MIGRATIONS, MigrateError, Migrated, Migration, migrate, migrate_with};

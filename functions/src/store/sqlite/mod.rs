//! The embedded store: one SQLite file under the dev data directory.

mod connection;
mod invites;
mod migrate;

pub use connection::{OpenError, SqliteStore};
pub use invites::{RedeemError, Redeemed};
pub use migrate::{MIGRATIONS, MigrateError, Migrated, Migration, migrate, migrate_with};

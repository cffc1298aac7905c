//! The embedded store: one SQLite file under the dev data directory.

mod migrate;

pub use migrate::{MIGRATIONS, MigrateError, Migrated, Migration, migrate, migrate_with};

//! Storage adapters.

pub mod sqlite;

//! Versioned schema migrations for the embedded store, read from `migrations/sqlite/`.
//!
//! Each migration runs in its own transaction together with its record in
//! `schema_migrations`, so a failing one leaves the database as it was. Migrating an up-to-date
//! database does nothing; a database changed by a newer binary, or whose recorded migrations
//! differ from this binary's, is refused rather than guessed at.

use rusqlite::{Connection, OptionalExtension, params};

/// One schema step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// Its version: 1, 2, 3… with no gaps.
    pub version: u32,
    /// Its file name, recorded with it.
    pub name: &'static str,
    /// The SQL it runs.
    pub sql: &'static str,
}

/// This binary's migrations, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_accounts_and_groups.sql",
        sql: include_str!("../../../../migrations/sqlite/0001_accounts_and_groups.sql"),
    },
    Migration {
        version: 2,
        name: "0002_refresh_used_at.sql",
        sql: include_str!("../../../../migrations/sqlite/0002_refresh_used_at.sql"),
    },
    Migration {
        version: 3,
        name: "0003_recordings.sql",
        sql: include_str!("../../../../migrations/sqlite/0003_recordings.sql"),
    },
    Migration {
        version: 4,
        name: "0004_media_nodes.sql",
        sql: include_str!("../../../../migrations/sqlite/0004_media_nodes.sql"),
    },
    Migration {
        version: 5,
        name: "0005_node_certificates.sql",
        sql: include_str!("../../../../migrations/sqlite/0005_node_certificates.sql"),
    },
    Migration {
        version: 6,
        name: "0006_recording_claims.sql",
        sql: include_str!("../../../../migrations/sqlite/0006_recording_claims.sql"),
    },
];

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrated {
    /// Versions applied by this run, oldest first (empty when already up to date).
    pub applied: Vec<u32>,
    /// The version the database is at now.
    pub version: u32,
}

impl std::fmt::Display for Migrated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.applied.as_slice() {
            [] => write!(f, "already at schema version {}", self.version),
            applied => write!(f, "applied {applied:?}; now at schema version {}", self.version),
        }
    }
}

/// Why the schema could not be brought up to date.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The database was migrated by a newer PeerShare.
    #[error(
        "the database is at schema version {database}, newer than this binary's {known}: upgrade PeerShare"
    )]
    FromTheFuture {
        /// The database's version.
        database: u32,
        /// The newest version this binary knows.
        known: u32,
    },
    /// A recorded migration is not the one this binary has under that version.
    #[error("schema version {version} was applied as {recorded:?}, but this binary's is {expected:?}")]
    Mismatch {
        /// The version.
        version: u32,
        /// The name recorded in the database.
        recorded: String,
        /// This binary's name for it.
        expected: String,
    },
    /// SQLite refused a statement (the failing migration was rolled back).
    #[error("migration {version} failed: {source}")]
    Failed {
        /// The migration that failed (0 for the bookkeeping table).
        version: u32,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

/// Brings the database up to this binary's schema.
pub fn migrate(conn: &mut Connection) -> Result<Migrated, MigrateError> {
    migrate_with(conn, MIGRATIONS)
}

/// Brings the database up to the schema `migrations` describe (tests pass their own).
pub fn migrate_with(conn: &mut Connection, migrations: &[Migration]) -> Result<Migrated, MigrateError> {
    let failed = |version| move |source| MigrateError::Failed { version, source };
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version     INTEGER PRIMARY KEY,
             name        TEXT NOT NULL,
             applied_at  INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER))
         );",
    )
    .map_err(failed(0))?;
    let known = migrations.last().map_or(0, |m| m.version);
    let current: u32 = conn
        .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
        .map_err(failed(0))?;
    if current > known {
        return Err(MigrateError::FromTheFuture { database: current, known });
    }
    for m in migrations.iter().filter(|m| m.version <= current) {
        let recorded: Option<String> = conn
            .query_row("SELECT name FROM schema_migrations WHERE version = ?1", [m.version], |r| r.get(0))
            .optional()
            .map_err(failed(0))?;
        if recorded.as_deref() != Some(m.name) {
            return Err(MigrateError::Mismatch {
                version: m.version,
                recorded: recorded.unwrap_or_default(),
                expected: m.name.to_owned(),
            });
        }
    }
    let mut applied = Vec::new();
    for m in migrations.iter().filter(|m| m.version > current) {
        let tx = conn.transaction().map_err(failed(m.version))?;
        tx.execute_batch(m.sql).map_err(failed(m.version))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)",
            params![m.version, m.name],
        )
        .map_err(failed(m.version))?;
        tx.commit().map_err(failed(m.version))?;
        applied.push(m.version);
    }
    Ok(Migrated { applied, version: known.max(current) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Connection {
        Connection::open_in_memory().expect("an in-memory database")
    }

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .expect("query");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<Result<_, _>>().expect("names")
    }

    #[test]
    fn versions_rise_by_one_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{} is named after its version",
                m.name
            );
        }
    }

    #[test]
    fn a_fresh_database_gets_every_table() {
        let mut conn = memory();
        let done = migrate(&mut conn).expect("migrates");
        assert_eq!(done.applied, (1..=MIGRATIONS.len() as u32).collect::<Vec<_>>());
        let want = [
            "call_participants",
            "calls",
            "groups",
            "identities",
            "invites",
            "media_nodes",
            "members",
            "node_allocations",
            "recording_consents",
            "recordings",
            "refresh_tokens",
            "schema_migrations",
            "users",
        ];
        assert_eq!(tables(&conn), want);
    }

    #[test]
    fn migrating_twice_changes_nothing_and_keeps_rows() {
        let mut conn = memory();
        migrate(&mut conn).expect("migrates");
        conn.execute("INSERT INTO users (id, display_name, created_at) VALUES ('u1', 'Ada', 1)", [])
            .expect("a user");
        let again = migrate(&mut conn).expect("migrates again");
        assert_eq!(again, Migrated { applied: vec![], version: MIGRATIONS.len() as u32 });
        let name: String =
            conn.query_row("SELECT display_name FROM users WHERE id = 'u1'", [], |r| r.get(0)).expect("kept");
        assert_eq!(name, "Ada");
    }

    #[test]
    fn a_later_migration_applies_on_top_and_keeps_rows() {
        let mut conn = memory();
        migrate(&mut conn).expect("migrates");
        conn.execute("INSERT INTO users (id, display_name, created_at) VALUES ('u1', 'Ada', 1)", [])
            .expect("a user");
        let mut next = MIGRATIONS.to_vec();
        next.push(Migration {
            version: MIGRATIONS.len() as u32 + 1,
            name: "9999_pronouns.sql",
            sql: "ALTER TABLE users ADD COLUMN pronouns TEXT NOT NULL DEFAULT '';",
        });
        let done = migrate_with(&mut conn, &next).expect("migrates");
        assert_eq!(done.applied, vec![MIGRATIONS.len() as u32 + 1]);
        let row: (String, String) = conn
            .query_row("SELECT display_name, pronouns FROM users WHERE id = 'u1'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("kept");
        assert_eq!(row, ("Ada".into(), String::new()));
    }

    #[test]
    fn a_failing_migration_leaves_no_trace() {
        let mut conn = memory();
        migrate(&mut conn).expect("migrates");
        let mut next = MIGRATIONS.to_vec();
        next.push(Migration {
            version: MIGRATIONS.len() as u32 + 1,
            name: "9999_broken.sql",
            sql: "CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL;",
        });
        let err = migrate_with(&mut conn, &next).expect_err("refused");
        assert!(
            matches!(err, MigrateError::Failed { version, .. } if version == MIGRATIONS.len() as u32 + 1),
            "{err}"
        );
        assert!(!tables(&conn).contains(&"half_done".to_owned()), "rolled back");
        assert_eq!(migrate(&mut conn).expect("still fine").version, MIGRATIONS.len() as u32);
    }

    #[test]
    fn a_newer_or_different_history_is_refused() {
        let mut conn = memory();
        migrate(&mut conn).expect("migrates");
        let err = migrate_with(&mut conn, &[]).expect_err("newer than an empty binary");
        let latest = MIGRATIONS.len() as u32;
        assert!(
            matches!(err, MigrateError::FromTheFuture { database, known: 0 } if database == latest),
            "{err}"
        );
        let mut renamed = MIGRATIONS.to_vec();
        renamed[0].name = "0001_other.sql";
        let err = migrate_with(&mut conn, &renamed).expect_err("a different first migration");
        assert!(matches!(err, MigrateError::Mismatch { version: 1, .. }), "{err}");
    }

    #[test]
    fn tokens_used_before_used_at_existed_count_as_used_long_ago() {
        let mut conn = memory();
        migrate_with(&mut conn, &MIGRATIONS[..1]).expect("version 1");
        conn.execute_batch(
            "INSERT INTO users (id, display_name, created_at) VALUES ('u1', 'Ada', 1);
             INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at, used, created_at)
                 VALUES (x'01', 'f', 'u1', 9, 1, 1), (x'02', 'f', 'u1', 9, 0, 1);",
        )
        .expect("rows");
        migrate(&mut conn).expect("to the latest");
        let used_at: Vec<Option<i64>> = conn
            .prepare("SELECT used_at FROM refresh_tokens ORDER BY token_hash")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("reads");
        assert_eq!(used_at, vec![Some(0), None]);
    }

    #[test]
    fn the_schema_enforces_roles_and_cascades_group_deletion() {
        let mut conn = memory();
        migrate(&mut conn).expect("migrates");
        conn.execute_batch(
            "INSERT INTO users (id, display_name, created_at) VALUES ('u1', 'Ada', 1);
             INSERT INTO groups (id, name, settings, created_at) VALUES ('g1', 'Team', '{}', 1);
             INSERT INTO members (group_id, user_id, role, joined_at) VALUES ('g1', 'u1', 'owner', 1);",
        )
        .expect("rows");
        let bad_role = conn.execute(
            "INSERT INTO members (group_id, user_id, role, joined_at) VALUES ('g1', 'u1', 'king', 1)",
            [],
        );
        assert!(bad_role.is_err(), "roles are checked");
        conn.execute("DELETE FROM groups WHERE id = 'g1'", []).expect("delete");
        let members: i64 = conn.query_row("SELECT COUNT(*) FROM members", [], |r| r.get(0)).expect("count");
        assert_eq!(members, 0, "members go with their group");
    }
}

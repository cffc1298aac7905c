//! The embedded store's handle: a few SQLite connections to one file (WAL, so readers do not
//! wait for writers), each query run on tokio's blocking pool. Invariants that span a read and
//! a write hold through `BEGIN IMMEDIATE` transactions, not through sharing one connection.

use super::{MigrateError, migrate};
use rusqlite::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a writer waits for another to finish before SQLite reports "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections opened to the file.
const CONNECTIONS: usize = 4;

/// Why the store could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// SQLite could not open or configure the file.
    #[error("cannot open the database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The schema could not be brought up to date.
    #[error(transparent)]
    Migrate(#[from] MigrateError),
}

/// The embedded store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    connections: Arc<[Mutex<Connection>]>,
    next: Arc<AtomicUsize>,
}

impl SqliteStore {
    /// Opens (creating if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, OpenError> {
        let mut first = configure(Connection::open(path)?)?;
        migrate(&mut first)?;
        let mut connections = vec![Mutex::new(first)];
        for _ in 1..CONNECTIONS {
            connections.push(Mutex::new(configure(Connection::open(path)?)?));
        }
        Ok(Self { connections: connections.into(), next: Arc::new(AtomicUsize::new(0)) })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub(super) async fn with_connection<T, E>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let connections = self.connections.clone();
        let index = self.next.fetch_add(1, Ordering::Relaxed) % connections.len();
        let joined = tokio::task::spawn_blocking(move || {
            let mut guard = connections[index].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut guard)
        })
        .await;
        match joined {
            Ok(result) => result,
            // A query panicked on the blocking pool: carry on unwinding in the caller.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
    }

    /// Runs raw SQL (tests and diagnostics).
    pub async fn execute_batch(&self, sql: &str) -> Result<(), rusqlite::Error> {
        let sql = sql.to_owned();
        self.with_connection(move |conn| conn.execute_batch(&sql)).await
    }

    /// Counts rows of a query returning one integer (tests).
    pub async fn count(&self, sql: &str) -> Result<i64, rusqlite::Error> {
        let sql = sql.to_owned();
        self.with_connection(move |conn| conn.query_row(&sql, [], |r| r.get(0))).await
    }
}

/// One configured connection to `path` whose schema is left as it is (`peershare migrate`).
pub fn open_unmigrated(path: &Path) -> Result<Connection, rusqlite::Error> {
    configure(Connection::open(path)?)
}

fn configure(conn: Connection) -> Result<Connection, rusqlite::Error> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")?;
    Ok(conn)
}

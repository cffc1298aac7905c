//! The store suite on the embedded SQLite adapter (a fresh file per test).

mod store_suite;

use peershare_functions::store::sqlite::SqliteStore;
use std::sync::Arc;

async fn sqlite(test: &str) -> store_suite::Shared {
    let dir = std::env::temp_dir().join(format!("peershare-store-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    Arc::new(SqliteStore::open(&dir.join("store.db")).expect("opens"))
}

store_suite!(sqlite);

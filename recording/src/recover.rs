//! Reading a track back, whether it was finished or its node died: the finished object, or the
//! uploaded parts joined (the open upload is completed from its ledger) followed by the tail
//! checkpoints that reach past them.

use crate::layout::{parts_ledger_key, tail_offset, tail_prefix};
use crate::storage::{ObjectStore, StorageError};
use crate::upload::PartsLedger;
use std::io::Write;
use std::path::Path;

/// Writes the track at `key` to the file `to` as far as storage has it; returns its length.
pub async fn fetch_track(store: &dyn ObjectStore, key: &str, to: &Path) -> Result<u64, StorageError> {
    let ledger_key = parts_ledger_key(key);
    if let Some(json) = store.get(&ledger_key).await? {
        let ledger: PartsLedger =
            serde_json::from_slice(&json).map_err(|e| StorageError::Service(format!("{ledger_key}: {e}")))?;
        tracing::info!(%key, parts = ledger.parts.len(), "joining the parts of a track whose upload never finished");
        if let Err(e) = store.complete_upload(key, &ledger.upload, &ledger.parts).await {
            // Completed already (the uploader died after completing, before deleting the ledger).
            if store.list(key).await?.iter().all(|o| o.key != key) {
                return Err(e);
            }
        }
        store.delete(&ledger_key).await?;
    }
    let mut len = if store.download(key, to).await? {
        tokio::fs::metadata(to).await?.len()
    } else {
        std::fs::File::create(to)?;
        0
    };
    let mut tails: Vec<(u64, String)> = store
        .list(&tail_prefix(key))
        .await?
        .into_iter()
        .filter_map(|o| tail_offset(&o.key).map(|offset| (offset, o.key)))
        .collect();
    tails.sort();
    let mut file = std::fs::OpenOptions::new().append(true).open(to)?;
    for (offset, tail) in tails {
        if offset > len {
            tracing::warn!(%key, offset, len, "a gap before a tail checkpoint: the track ends here");
            break;
        }
        let Some(bytes) = store.get(&tail).await? else { continue };
        let end = offset + bytes.len() as u64;
        if end > len {
            file.write_all(&bytes[(len - offset) as usize..])?;
            len = end;
        }
    }
    file.sync_data()?;
    Ok(len)
}

//! Recording storage, the same behaviour in a folder and in S3 (moto, speaking S3's wire
//! protocol): a growing track shipped in parts reads back whole, and a track whose shipper died
//! reads back up to its last checkpoint.

use peershare_recording::layout::{TrackSource, tail_prefix, track_key, track_name};
use peershare_recording::recover::fetch_track;
use peershare_recording::storage::{LocalStore, ObjectStore, S3Store};
use peershare_recording::upload::StreamUpload;
use std::sync::Arc;

/// A fresh bucket in this binary's moto.
async fn s3(bucket: &str) -> Arc<dyn ObjectStore> {
    let store = S3Store::new(peershare_moto::s3_client(), bucket);
    store.ensure_bucket().await.expect("moto makes the bucket");
    Arc::new(store)
}

fn local(dir: &tempdir::Dir) -> Arc<dyn ObjectStore> {
    Arc::new(LocalStore::new(dir.path()).expect("makes the folder"))
}

/// Both stores, each empty.
async fn stores(test: &str) -> (tempdir::Dir, Vec<(&'static str, Arc<dyn ObjectStore>)>) {
    let dir = tempdir::Dir::new(test);
    let stores = vec![("folder", local(&dir)), ("s3", s3(&test.replace('_', "-")).await)];
    (dir, stores)
}

/// `len` bytes that differ from position to position.
fn media(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

const KEY_NAME: &str = "r_g_team_1800000000000";

fn key() -> String {
    track_key(KEY_NAME, &track_name(1, TrackSource::Camera, 0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_track_shipped_in_parts_reads_back_whole() {
    let (dir, stores) = stores("shipped-whole").await;
    for (name, store) in stores {
        let bytes = media(12 * 1024 * 1024 + 12_345);
        let mut upload = StreamUpload::new(store.clone(), key());
        for (i, chunk) in bytes.chunks(97_003).enumerate() {
            upload.push(chunk).await.expect("ships");
            if i % 10 == 0 {
                upload.checkpoint().await.expect("checkpoints");
            }
        }
        assert_eq!(upload.finish().await.expect("finishes"), bytes.len() as u64);
        assert_eq!(upload.pending_bytes(), 0);
        let out = dir.path().join(format!("{name}.webm"));
        assert_eq!(fetch_track(store.as_ref(), &key(), &out).await.expect("reads"), bytes.len() as u64);
        assert!(std::fs::read(&out).expect("read back") == bytes, "{name}: the bytes differ");
        assert!(store.list(&tail_prefix(&key())).await.expect("lists").is_empty(), "{name}: no tails left");
        assert!(store.open_uploads("recordings/").await.expect("lists").is_empty(), "{name}: no open upload");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_track_whose_shipper_died_reads_back_up_to_its_last_checkpoint() {
    let (dir, stores) = stores("shipper-died").await;
    for (name, store) in stores {
        // 7 MiB: in S3 one 5 MiB part and checkpoints after it; in a folder, parts only.
        let bytes = media(7 * 1024 * 1024 + 777);
        let mut upload = StreamUpload::new(store.clone(), key());
        let mut saved = 0;
        for chunk in bytes.chunks(64 * 1024) {
            upload.push(chunk).await.expect("ships");
            if upload.unsaved_bytes() >= 512 * 1024 {
                upload.checkpoint().await.expect("checkpoints");
                saved = upload.len();
            }
        }
        let lost = upload.unsaved_bytes() as u64;
        assert!(lost > 0, "{name}: some bytes were never saved, as in a crash");
        drop(upload); // the node dies: no finish
        let out = dir.path().join(format!("{name}-crash.webm"));
        let len = fetch_track(store.as_ref(), &key(), &out).await.expect("recovers");
        assert_eq!(len, saved, "{name}: everything up to the last checkpoint, nothing after");
        assert_eq!(len + lost, bytes.len() as u64);
        assert!(std::fs::read(&out).expect("read back") == bytes[..len as usize], "{name}: the bytes differ");
        assert!(
            store.open_uploads("recordings/").await.expect("lists").is_empty(),
            "{name}: the upload was joined"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_recording_removes_its_objects_and_open_uploads() {
    let (_dir, stores) = stores("delete-prefix").await;
    for (name, store) in stores {
        let mut open = StreamUpload::new(store.clone(), key());
        open.push(&media(6 * 1024 * 1024)).await.expect("ships a part");
        open.push(&media(1000)).await.expect("pends");
        open.checkpoint().await.expect("checkpoints");
        store.put("recordings/r_other/keep.json", b"{}".to_vec()).await.expect("puts");
        store.delete_prefix(&format!("recordings/{KEY_NAME}/")).await.expect("deletes");
        assert!(store.list(&format!("recordings/{KEY_NAME}/")).await.expect("lists").is_empty(), "{name}");
        assert!(
            store.open_uploads(&format!("recordings/{KEY_NAME}/")).await.expect("lists").is_empty(),
            "{name}"
        );
        assert_eq!(store.list("recordings/").await.expect("lists").len(), 1, "{name}: others stay");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_that_climb_out_are_refused_by_every_store() {
    let (_dir, stores) = stores("bad-keys").await;
    for (name, store) in stores {
        for bad in ["../escape", "recordings/../../etc/passwd", "/abs", ".uploads/x"] {
            assert!(store.put(bad, b"x".to_vec()).await.is_err(), "{name}: {bad}");
            assert!(store.get(bad).await.is_err(), "{name}: {bad}");
        }
    }
}

/// A temporary folder removed when dropped.
mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Self {
            let path =
                std::env::temp_dir().join(format!("peershare-recording-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).expect("makes a temp folder");
            Self(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

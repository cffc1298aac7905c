//! The cloud path of a recording after the call, against the AWS stand-ins (moto speaking
//! DynamoDB's and S3's wire protocols): the room's audit events land in DynamoDB, the node's
//! tracks in S3, and the composer claims the stopped recording, composes it with the group's
//! quality, stores the MP4 in S3 and marks it ready; a second claim finds nothing.

use peershare_core::accounts::{DisplayName, Profile};
use peershare_core::groups::{GroupDescription, GroupName, GroupSettings, RecordingQuality};
use peershare_core::protocol::ParticipantId;
use peershare_core::room::{CallEvent, ConsentRecord, RecordingEvent, StopReason, recording_id};
use peershare_core::{GroupId, Timestamp};
use peershare_functions::history;
use peershare_functions::recordings::RecordingFiles;
use peershare_functions::recordings::composer::Composer;
use peershare_functions::store::dynamodb::DynamoStore;
use peershare_functions::store::{Group, Identity, RecordingStatus, Store};
use peershare_moto as moto;
use peershare_recording::probe;
use peershare_recording::sample;
use peershare_recording::storage::{ObjectStore, S3Store, Storage};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_recording_is_composed_from_s3_into_s3_and_marked_ready_in_dynamodb() {
    let dynamo = moto::dynamodb_client();
    DynamoStore::ensure_table(&dynamo, "peershare-composer").await.expect("a table");
    let store: Arc<dyn Store> = Arc::new(DynamoStore::new(dynamo, "peershare-composer"));
    let s3 = S3Store::new(moto::s3_client(), "recordings-composer");
    s3.ensure_bucket().await.expect("a bucket");
    let objects: Arc<dyn ObjectStore> = Arc::new(s3.clone());

    let now = Timestamp::from_millis(1_800_000_000_000);
    let identity = Identity { provider: "dev".into(), subject: "ada".into(), email: None };
    let ada = store
        .sign_in(&identity, "u_ada", &Profile::new(DisplayName::parse("Ada").expect("name"), None), now)
        .await
        .expect("signs in");
    let gid = GroupId::parse("g_composer").expect("id");
    let settings = GroupSettings { recording_quality: RecordingQuality::Low, ..GroupSettings::default() };
    let group = Group {
        id: gid.clone(),
        name: GroupName::parse("Composer").expect("name"),
        description: GroupDescription::default(),
        settings,
        created_at: now,
    };
    store.create_group(&group, &ada.id, now).await.expect("a group");

    let id = recording_id(&gid, now);
    let work = std::env::temp_dir().join(format!("peershare-composer-cloud-{}", std::process::id()));
    sample::three_person_call(&objects, &id, &work.join("sources"), 6.0).await.expect("records into S3");
    let consent = ConsentRecord {
        participant: ParticipantId(1),
        identity: Some(ada.id.clone()),
        display_name: "Ada".into(),
        allowed: true,
        at: now,
    };
    for event in &recorded(now, now, &consent) {
        history::apply(store.as_ref(), &gid, event).await.expect("the room's events land in DynamoDB");
    }
    assert_eq!(store.recording(&id).await.expect("reads").expect("exists").status, RecordingStatus::Queued);

    let files = Arc::new(RecordingFiles::new(Storage::Bucket(s3), Vec::new()));
    let composer = Composer::new(store.clone(), files, work.join("composing"));
    assert_eq!(composer.compose_next().await.expect("the store answers"), Some(id.clone()));
    assert_eq!(composer.compose_next().await.expect("the store answers"), None, "nothing else is queued");

    let record = store.recording(&id).await.expect("reads").expect("exists");
    assert_eq!(record.status, RecordingStatus::Ready, "{record:?}");
    let output = record.output.expect("an output");
    let file = work.join("composed.mp4");
    assert!(objects.download(&output.object_key, &file).await.expect("downloads"), "the MP4 is in S3");
    assert_eq!(std::fs::metadata(&file).expect("a file").len(), output.size_bytes);
    let info = probe::probe(&file).await.expect("probes");
    let codecs: Vec<_> = info.streams.iter().map(|s| s.codec_name.as_str()).collect();
    assert_eq!(codecs, ["h264", "aac"]);
    assert_eq!(info.streams[0].height, Some(360), "the group's low quality: 360p");
    assert!((output.duration_ms as f64 / 1000.0 - 6.0).abs() < 1.0, "{output:?}");

    // A composer stopped in the middle (its node drains) gives the recording back to the
    // queue, and another composes it.
    let later = Timestamp::from_millis(now.as_millis() + 60_000);
    let second = recording_id(&gid, later);
    sample::three_person_call(&objects, &second, &work.join("sources-2"), 6.0)
        .await
        .expect("records into S3");
    for event in &recorded(now, later, &consent) {
        history::apply(store.as_ref(), &gid, event).await.expect("lands in DynamoDB");
    }
    let (watched, id) = (store.clone(), second.clone());
    let claimed = async move {
        loop {
            let status = watched.recording(&id).await.expect("reads").expect("exists").status;
            if matches!(status, RecordingStatus::Processing { .. }) {
                return;
            }
            assert_eq!(status, RecordingStatus::Queued, "stopped before it was composed");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), composer.clone().run(claimed))
        .await
        .expect("the composer stops when told");
    let given_back = store.recording(&second).await.expect("reads").expect("exists");
    assert_eq!(given_back.status, RecordingStatus::Queued, "back in the queue: {given_back:?}");
    assert!(store.compositions_pending().await.expect("reads"), "still to be composed");
    assert_eq!(composer.compose_next().await.expect("the store answers"), Some(second.clone()));
    assert_eq!(
        store.recording(&second).await.expect("reads").expect("exists").status,
        RecordingStatus::Ready
    );
    assert!(!store.compositions_pending().await.expect("reads"));
    let _ = std::fs::remove_dir_all(&work);
}

/// The room's events of a call that began at `call` with a 6-second recording from `start`.
fn recorded(call: Timestamp, start: Timestamp, consent: &ConsentRecord) -> [CallEvent; 3] {
    [
        CallEvent::Started { at: call },
        CallEvent::Recording {
            call_started_at: call,
            event: RecordingEvent::Started {
                started_at: start,
                started_by: consent.clone(),
                asked_at: start,
                consents: vec![consent.clone()],
            },
        },
        CallEvent::Recording {
            call_started_at: call,
            event: RecordingEvent::Stopped {
                started_at: start,
                at: Timestamp::from_millis(start.as_millis() + 6_000),
                by: None,
                reason: StopReason::Stopped,
            },
        },
    ]
}

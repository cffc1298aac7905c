//! The recording routes, tried the way an attacker would: members list and download; outsiders,
//! guests and the signed-out do not; links expire, cannot be altered, and stop working once the
//! recording is deleted; only admins and owners delete, and not while it runs. Once with the
//! folder (links this server signs) and once with S3 in moto (presigned links).

mod api_support;

use api_support::TestApi;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use peershare_core::GroupId;
use peershare_core::protocol::ParticipantId;
use peershare_core::room::{CallEvent, ConsentRecord, RecordingEvent, StopReason, recording_id};
use peershare_functions::clock::Clock;
use peershare_functions::history;
use peershare_functions::recordings::RecordingFiles;
use peershare_functions::store::{ClaimRequest, RecordingOutput, RecordingStatus};
use peershare_recording::layout::{composed_key, recording_prefix, track_key};
use peershare_recording::storage::{LocalStore, ObjectStore, S3Store};
use serde_json::Value;
use std::sync::Arc;

const MP4: &[u8] = b"\x00\x00\x00\x18ftypisom-a-composed-recording";

fn consent(participant: u32, identity: &str, name: &str, at: peershare_core::Timestamp) -> ConsentRecord {
    ConsentRecord {
        participant: ParticipantId(participant),
        identity: Some(identity.into()),
        display_name: name.into(),
        allowed: true,
        at,
    }
}

/// A group of Ada (owner), Bob (member) and Cy (admin) with one recording of `status`; returns
/// (ada, bob, cy, outsider) tokens, the group id and the recording id.
async fn seeded(api: &TestApi, store: &Arc<dyn ObjectStore>, ready: bool) -> ([String; 4], String, String) {
    let (ada, _, ada_id) = api.sign_in("Ada").await;
    let (bob, _, _) = api.sign_in("Bob").await;
    let (cy, _, cy_id) = api.sign_in("Cy").await;
    let (eve, _, _) = api.sign_in("Eve").await;
    let group = api.create_group(&ada, "Team").await;
    for token in [&bob, &cy] {
        let (invite, _) = api.invite(&ada, &group, None).await;
        api.accept(token, &invite).await;
    }
    let promote = serde_json::json!({ "role": "admin" });
    let reply = api
        .call(Method::PATCH, &format!("/api/groups/{group}/members/{cy_id}"), Some(&ada), Some(promote))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");

    let gid = GroupId::parse(&group).expect("id");
    let now = api_support::wall_now();
    let id = recording_id(&gid, now);
    let events = [
        CallEvent::Started { at: now },
        CallEvent::Recording {
            call_started_at: now,
            event: RecordingEvent::Started {
                started_at: now,
                started_by: consent(1, &ada_id, "Ada", now),
                asked_at: now,
                consents: vec![consent(1, &ada_id, "Ada", now), consent(2, "u_bob", "Bob", now)],
            },
        },
    ];
    for event in &events {
        history::apply(api.state.store.as_ref(), &gid, event).await.expect("writes");
    }
    store.put(&track_key(&id, "p1-camera-0"), b"track".to_vec()).await.expect("a track");
    if ready {
        let stop = CallEvent::Recording {
            call_started_at: now,
            event: RecordingEvent::Stopped {
                started_at: now,
                at: now,
                by: None,
                reason: StopReason::Stopped,
            },
        };
        history::apply(api.state.store.as_ref(), &gid, &stop).await.expect("writes");
        store.put(&composed_key(&id), MP4.to_vec()).await.expect("the MP4");
        let output = RecordingOutput {
            object_key: composed_key(&id),
            size_bytes: MP4.len() as u64,
            duration_ms: 20_000,
        };
        // A composer claims it and reports it composed.
        let now = api.clock.now();
        let claim = ClaimRequest { claimant: "composer".into(), now, until: now, take_expired: false };
        let claimed = api.state.store.claim_queued_recording(&claim).await.expect("claims");
        assert_eq!(claimed.map(|r| r.id), Some(id.clone()));
        let ready =
            api.state.store.set_recording_status(&id, "composer", &RecordingStatus::Ready, Some(&output));
        assert!(ready.await.expect("answers"), "ready");
    }
    ([ada, bob, cy, eve], group, id)
}

fn list_path(group: &str) -> String {
    format!("/api/groups/{group}/recordings")
}

/// Downloads a link this server signed (a path on this API).
async fn fetch_signed(api: &TestApi, url: &str) -> (StatusCode, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let response = api
        .app
        .clone()
        .oneshot(Request::get(url).body(Body::empty()).expect("request"))
        .await
        .expect("answers");
    let status = response.status();
    (status, response.into_body().collect().await.expect("body").to_bytes().to_vec())
}

fn folder_api(name: &str) -> (TestApi, Arc<dyn ObjectStore>) {
    let dir = std::env::temp_dir().join(format!("peershare-api-recordings-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let folder = Arc::new(LocalStore::new(&dir).expect("a folder"));
    let store: Arc<dyn ObjectStore> = folder.clone();
    (
        TestApi::new().with_recordings(RecordingFiles::in_folder(
            folder,
            b"link-secret-for-tests-0123456789abcdef".to_vec(),
        )),
        store,
    )
}

#[tokio::test]
async fn members_list_and_download_and_nobody_else_does() {
    let (api, store) = folder_api("members");
    let ([ada, bob, _cy, eve], group, id) = seeded(&api, &store, true).await;
    let list = api.call(Method::GET, &list_path(&group), Some(&bob), None).await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let recording = &list.json["recordings"][0];
    assert_eq!(recording["id"], Value::String(id.clone()));
    assert_eq!(recording["status"], "ready");
    assert_eq!(recording["participants"], serde_json::json!(["Ada", "Bob"]));
    assert_eq!(
        (recording["duration_ms"].as_u64(), recording["size_bytes"].as_u64()),
        (Some(20_000), Some(MP4.len() as u64))
    );
    assert_eq!(list.json["can_delete"], false, "a member does not delete");
    let url = recording["download_url"].as_str().expect("a link").to_owned();
    assert_eq!(
        fetch_signed(&api, &url).await,
        (StatusCode::OK, MP4.to_vec()),
        "a member's link downloads the MP4"
    );

    assert_eq!(
        api.call(Method::GET, &list_path(&group), Some(&eve), None).await.status,
        StatusCode::NOT_FOUND,
        "an outsider sees no group"
    );
    assert_eq!(api.call(Method::GET, &list_path(&group), None, None).await.status, StatusCode::UNAUTHORIZED);
    let owner = api.call(Method::GET, &list_path(&group), Some(&ada), None).await;
    assert_eq!(owner.json["can_delete"], true);
}

#[tokio::test]
async fn links_expire_cannot_be_altered_and_die_with_their_recording() {
    let (api, store) = folder_api("links");
    let ([ada, bob, _cy, _eve], group, id) = seeded(&api, &store, true).await;
    let list = api.call(Method::GET, &list_path(&group), Some(&bob), None).await;
    let url = list.json["recordings"][0]["download_url"].as_str().expect("a link").to_owned();

    let later = url.replace("expires=", "expires=9");
    assert_eq!(fetch_signed(&api, &later).await.0, StatusCode::FORBIDDEN, "a longer life is forged");
    let tampered = format!("{}x", url);
    assert_eq!(fetch_signed(&api, &tampered).await.0, StatusCode::FORBIDDEN, "an altered signature");
    let other = url.replace(&id, &format!("{id}0"));
    assert!(
        matches!(fetch_signed(&api, &other).await.0, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "another recording"
    );
    let bare = url.split('?').next().expect("a path").to_owned();
    assert_eq!(fetch_signed(&api, &bare).await.0, StatusCode::FORBIDDEN, "no signature at all");

    api.clock.advance(std::time::Duration::from_secs(peershare_core::recording_links::LINK_TTL_SECS));
    let (status, body) = fetch_signed(&api, &url).await;
    assert_eq!(status, StatusCode::GONE, "{}", String::from_utf8_lossy(&body));

    let fresh = api.call(Method::GET, &list_path(&group), Some(&bob), None).await;
    let fresh = fresh.json["recordings"][0]["download_url"].as_str().expect("a link").to_owned();
    assert_eq!(fetch_signed(&api, &fresh).await.0, StatusCode::OK, "the list hands out a fresh link");
    let deleted = api.call(Method::DELETE, &format!("{}/{id}", list_path(&group)), Some(&ada), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted:?}");
    assert_eq!(
        fetch_signed(&api, &fresh).await.0,
        StatusCode::NOT_FOUND,
        "a deleted recording's link stops working"
    );
    assert!(store.list(&recording_prefix(&id)).await.expect("lists").is_empty(), "its files are gone");
    let after = api.call(Method::GET, &list_path(&group), Some(&bob), None).await;
    assert_eq!(after.json["recordings"], serde_json::json!([]));
}

#[tokio::test]
async fn only_admins_and_owners_delete_and_never_a_running_recording() {
    let (api, store) = folder_api("delete");
    let ([_ada, bob, cy, eve], group, id) = seeded(&api, &store, false).await;
    let path = format!("{}/{id}", list_path(&group));
    let running = api.call(Method::DELETE, &path, Some(&cy), None).await;
    assert_eq!((running.status, running.code()), (StatusCode::CONFLICT, "recording_in_progress"));
    assert_eq!(api.call(Method::DELETE, &path, Some(&bob), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(api.call(Method::DELETE, &path, Some(&eve), None).await.status, StatusCode::NOT_FOUND);
    let missing = api.call(Method::DELETE, &format!("{}/r_nope", list_path(&group)), Some(&cy), None).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "recording_not_found"));
    let listed = api.call(Method::GET, &list_path(&group), Some(&bob), None).await;
    assert_eq!(listed.json["recordings"][0]["status"], "recording");
    assert_eq!(listed.json["recordings"][0]["download_url"], Value::Null, "nothing to download yet");
    assert!(!store.list(&recording_prefix(&id)).await.expect("lists").is_empty(), "nothing was deleted");
}

#[tokio::test]
async fn deleting_the_group_deletes_its_recordings_files() {
    let (api, store) = folder_api("group");
    let ([ada, ..], group, id) = seeded(&api, &store, true).await;
    let reply = api.call(Method::DELETE, &format!("/api/groups/{group}"), Some(&ada), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(store.list(&recording_prefix(&id)).await.expect("lists").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_the_cloud_links_are_presigned_s3_urls_that_stop_with_the_object() {
    let s3 = S3Store::new(peershare_moto::s3_client(), "recordings-api");
    s3.ensure_bucket().await.expect("a bucket");
    let store: Arc<dyn ObjectStore> = Arc::new(s3.clone());
    let api = TestApi::new().with_recordings(RecordingFiles::in_bucket(s3));
    let ([ada, bob, ..], group, id) = seeded(&api, &store, true).await;
    let list = api.call(Method::GET, &list_path(&group), Some(&bob), None).await;
    let url = list.json["recordings"][0]["download_url"].as_str().expect("a presigned link").to_owned();
    assert!(url.contains("X-Amz-Signature=") && url.contains("X-Amz-Expires=900"), "{url}");
    let http = reqwest::Client::new();
    let got = http.get(&url).send().await.expect("S3 answers");
    assert_eq!(got.status(), 200);
    assert!(got.headers()["content-disposition"].to_str().expect("ascii").contains("attachment"));
    assert_eq!(got.bytes().await.expect("body").as_ref(), MP4);
    // moto does not check SigV4 signatures or expiry, so an altered or stale presigned link is
    // S3's to refuse (links this server signs are tried that way above).
    let deleted = api.call(Method::DELETE, &format!("{}/{id}", list_path(&group)), Some(&ada), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let gone = http.get(&url).send().await.expect("S3 answers").status();
    // S3 answers a missing object 404, or 403 to those who may not list the bucket.
    assert!(gone == 404 || gone == 403, "the object is gone: {gone}");
}

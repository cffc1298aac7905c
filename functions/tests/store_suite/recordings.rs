use super::{Shared, at, group, user};
use peershare_core::protocol::ParticipantId;
use peershare_core::room::{ConsentRecord, StopReason, call_id, recording_id};
use peershare_core::{GroupId, Timestamp};
use peershare_functions::store::{
    ClaimRequest, RecordingOutput, RecordingRecord, RecordingStatus, TAKEN_OVER_TOO_OFTEN,
};
use std::collections::HashSet;

/// Participant `p`'s answer at `NOW + ms`.
fn answer(p: u32, allowed: bool, ms: u64) -> ConsentRecord {
    ConsentRecord {
        participant: ParticipantId(p),
        identity: Some(format!("user-{p}")),
        display_name: format!("Person {p}"),
        allowed,
        at: at(ms),
    }
}

/// A recording of `group`'s call that began at `NOW + started_ms`, asked for by participant 1,
/// with participants 1 and 2 agreeing.
fn recording(group: &GroupId, started_ms: u64) -> RecordingRecord {
    RecordingRecord {
        id: recording_id(group, at(started_ms)),
        group: group.clone(),
        call_id: call_id(group, at(0)),
        started_at: at(started_ms),
        stopped_at: None,
        stop_reason: None,
        started_by: answer(1, true, started_ms),
        consents: vec![answer(1, true, started_ms), answer(2, true, started_ms)],
        status: RecordingStatus::Recording,
        output: None,
    }
}

/// A group `g_team` owned by `ada`.
async fn team(store: &Shared) -> GroupId {
    user(store, "ada").await;
    group(store, "g_team", "ada", 0).await.id
}

/// When the tests' composers claim, and until when their claims hold.
const CLAIMED_AT: Timestamp = at(100_000);
const CLAIMED_UNTIL: Timestamp = at(400_000);

/// Composer `by`'s claim at `NOW + now_ms`, holding for 300 s, expired claims included.
fn claim_at(by: &str, now_ms: u64) -> ClaimRequest {
    ClaimRequest { claimant: by.into(), now: at(now_ms), until: at(now_ms + 300_000), take_expired: true }
}

/// Composer A's claim at [`CLAIMED_AT`], holding until [`CLAIMED_UNTIL`].
async fn claim(store: &Shared) -> Option<RecordingRecord> {
    let request =
        ClaimRequest { claimant: A.into(), now: CLAIMED_AT, until: CLAIMED_UNTIL, take_expired: true };
    store.claim_queued_recording(&request).await.expect("claims")
}

/// The tests' composers.
const A: &str = "composer-a";
const B: &str = "composer-b";

/// Composer `by` reports `status` for `id`: whether it held the claim.
async fn report(
    store: &Shared,
    id: &str,
    by: &str,
    status: &RecordingStatus,
    output: Option<&RecordingOutput>,
) -> bool {
    store.set_recording_status(id, by, status, output).await.expect("answers")
}

/// Starts `record` and stops it at `NOW + stopped_ms`.
async fn queued(store: &Shared, record: &RecordingRecord, stopped_ms: u64) {
    store.recording_started(record).await.expect("records");
    store.recording_stopped(&record.id, at(stopped_ms), StopReason::Stopped).await.expect("records");
}

pub async fn a_recording_start_is_stored_once(store: Shared) {
    let g = team(&store).await;
    let first = recording(&g, 1000);
    store.recording_started(&first).await.expect("records");
    assert_eq!(store.recording(&first.id).await.expect("reads"), Some(first.clone()));
    let mut again = first.clone();
    again.call_id = "c_other".into();
    again.consents = vec![answer(3, false, 1500)];
    store.recording_started(&again).await.expect("a repeated start is ignored");
    assert_eq!(store.recording(&first.id).await.expect("reads"), Some(first), "unchanged");
    assert_eq!(store.recording("r_g_team_1").await.expect("reads"), None);
}

pub async fn recording_consents_append_in_order_once(store: Shared) {
    let g = team(&store).await;
    let record = recording(&g, 1000);
    store.recording_started(&record).await.expect("records");
    let answers =
        [answer(3, true, 2000), answer(2, false, 3000), answer(3, false, 3000), answer(2, true, 4000)];
    for a in &answers {
        store.recording_consent(&record.id, a).await.expect("appends");
    }
    store.recording_consent(&record.id, &answers[1]).await.expect("a repeated answer is ignored");
    store
        .recording_consent(&record.id, &answer(1, true, 1000))
        .await
        .expect("a start answer again is ignored");
    store.recording_consent("r_unknown_1", &answers[0]).await.expect("an unknown recording is ignored");
    assert_eq!(store.recording("r_unknown_1").await.expect("reads"), None, "not created");
    let stored = store.recording(&record.id).await.expect("reads").expect("exists");
    let mut want = record.consents.clone();
    want.extend(answers);
    assert_eq!(stored.consents, want, "the start's answers, then the others in the order given");
}

pub async fn a_recording_stops_once_and_is_queued(store: Shared) {
    let g = team(&store).await;
    let record = recording(&g, 1000);
    store.recording_started(&record).await.expect("records");
    store.recording_stopped(&record.id, at(5000), StopReason::Stopped).await.expect("records");
    store
        .recording_stopped(&record.id, at(9000), StopReason::CallEnded)
        .await
        .expect("a second stop is ignored");
    store.recording_stopped("r_unknown_1", at(5000), StopReason::Stopped).await.expect("unknown is ignored");
    assert_eq!(store.recording("r_unknown_1").await.expect("reads"), None, "not created");
    let stored = store.recording(&record.id).await.expect("reads").expect("exists");
    assert_eq!(
        stored,
        RecordingRecord {
            stopped_at: Some(at(5000)),
            stop_reason: Some(StopReason::Stopped),
            status: RecordingStatus::Queued,
            ..record
        }
    );
}

pub async fn claims_take_queued_recordings_oldest_stop_first(store: Shared) {
    let g = team(&store).await;
    let (a, b, c, running) =
        (recording(&g, 1000), recording(&g, 2000), recording(&g, 3000), recording(&g, 4000));
    store.recording_started(&running).await.expect("records");
    assert_eq!(claim(&store).await, None, "a running one is not queued");
    queued(&store, &b, 10_000).await;
    queued(&store, &c, 12_000).await;
    queued(&store, &a, 11_000).await;
    let claimed = claim(&store).await.expect("one is queued");
    assert_eq!(claimed.id, b.id, "stopped first");
    assert_eq!(claimed.status, RecordingStatus::Processing { percent: 0 });
    assert_eq!(claimed.consents, b.consents, "with its audit trail");
    let stored = store.recording(&b.id).await.expect("reads").expect("exists");
    assert_eq!(stored, claimed, "the claim is stored");
    let next = claim(&store).await.expect("two are queued");
    assert_eq!(next.id, a.id);
    let last = claim(&store).await.expect("one is queued");
    assert_eq!(last.id, c.id);
    assert_eq!(claim(&store).await, None, "the queue is empty");
}

pub async fn a_claim_that_ran_out_is_taken_again_and_a_renewed_one_is_not(store: Shared) {
    let g = team(&store).await;
    let (a, b) = (recording(&g, 1000), recording(&g, 2000));
    queued(&store, &a, 10_000).await;
    queued(&store, &b, 11_000).await;
    let first = claim(&store).await.expect("queued");
    let second = claim(&store).await.expect("queued");
    assert_eq!((first.id.as_str(), second.id.as_str()), (a.id.as_str(), b.id.as_str()));
    assert_eq!(claim(&store).await, None, "both are held");
    // A renews a; b's composer dies. Once b's claim has run out, B takes it.
    assert!(store.renew_recording_claim(&a.id, A, at(900_000)).await.expect("renews"));
    assert!(!store.renew_recording_claim(&a.id, B, at(900_000)).await.expect("answers"), "not B's to renew");
    assert!(report(&store, &b.id, A, &RecordingStatus::Processing { percent: 60 }, None).await);
    let claim_by = |by: &'static str, ms| {
        let store = store.clone();
        async move { store.claim_queued_recording(&claim_at(by, ms)).await.expect("claims") }
    };
    assert_eq!(claim_by(B, 300_000).await, None, "a claim holds until its time");
    let taken = claim_by(B, 400_001).await.expect("b's claim ran out");
    assert_eq!(taken.id, b.id);
    assert_eq!(taken.status, RecordingStatus::Processing { percent: 0 }, "composed again from the start");
    // The composer that lost it can no longer renew, report, finish or give it back.
    assert!(!store.renew_recording_claim(&b.id, A, at(500_000)).await.expect("answers"));
    assert!(!report(&store, &b.id, A, &RecordingStatus::Processing { percent: 90 }, None).await);
    assert!(!report(&store, &b.id, A, &RecordingStatus::Queued, None).await);
    assert!(!report(&store, &b.id, A, &RecordingStatus::Ready, None).await);
    assert_eq!(
        store.recording(&b.id).await.expect("reads").expect("exists").status,
        RecordingStatus::Processing { percent: 0 }
    );
    assert!(report(&store, &b.id, B, &RecordingStatus::Processing { percent: 10 }, None).await, "B holds it");
    assert_eq!(claim_by(B, 650_000).await, None, "a's renewed claim holds, b's new one too");
    // Claims that ran out are only taken when asked.
    let not_expired = ClaimRequest { take_expired: false, ..claim_at(B, 2_000_000) };
    assert_eq!(store.claim_queued_recording(&not_expired).await.expect("claims"), None);
    let a_again = claim_by(B, 900_001).await.expect("a's renewal ran out");
    assert_eq!(a_again.id, a.id);
    // Queued recordings come before claims that ran out.
    let c = recording(&g, 3000);
    queued(&store, &c, 12_000).await;
    assert_eq!(claim_by(A, 3_000_000).await.expect("queued").id, c.id);
    // Only a recording being composed can be renewed.
    assert!(report(&store, &c.id, A, &RecordingStatus::Ready, None).await);
    assert!(!store.renew_recording_claim(&c.id, A, at(3_000_000)).await.expect("answers"));
    assert!(!store.renew_recording_claim("r_unknown_1", A, at(3_000_000)).await.expect("answers"));
}

pub async fn a_recording_whose_composers_keep_dying_fails_instead_of_being_taken_again(store: Shared) {
    let g = team(&store).await;
    let r = recording(&g, 1000);
    queued(&store, &r, 10_000).await;
    assert!(claim(&store).await.is_some());
    // Every composer that takes it dies (its claim runs out): taken over twice, then failed.
    for (n, at_ms) in [(1, 1_000_000), (2, 2_000_000)] {
        let taken = store.claim_queued_recording(&claim_at(B, at_ms)).await.expect("claims");
        assert_eq!(taken.map(|t| t.id), Some(r.id.clone()), "takeover {n}");
    }
    assert_eq!(store.claim_queued_recording(&claim_at(B, 3_000_000)).await.expect("claims"), None);
    let failed = store.recording(&r.id).await.expect("reads").expect("exists");
    assert_eq!(failed.status, RecordingStatus::Failed { reason: TAKEN_OVER_TOO_OFTEN.into() });
    assert!(!store.compositions_pending().await.expect("reads"), "no node is kept for it");
}

pub async fn ten_claims_at_once_take_three_queued_recordings_once_each(store: Shared) {
    let g = team(&store).await;
    for (i, started) in [1000, 2000, 3000].into_iter().enumerate() {
        queued(&store, &recording(&g, started), 10_000 + i as u64).await;
    }
    let claims: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.claim_queued_recording(&claim_at(A, 100_000)).await })
        })
        .collect();
    let mut claimed = Vec::new();
    for claim in claims {
        if let Some(record) = claim.await.expect("joins").expect("claims") {
            claimed.push(record.id);
        }
    }
    assert_eq!(claimed.len(), 3, "{claimed:?}");
    assert_eq!(claimed.iter().collect::<HashSet<_>>().len(), 3, "each once: {claimed:?}");
    assert_eq!(claim(&store).await, None);
}

pub async fn compositions_are_pending_from_the_stop_until_ready_or_failed(store: Shared) {
    let g = team(&store).await;
    let pending = |store: Shared| async move { store.compositions_pending().await.expect("reads") };
    assert!(!pending(store.clone()).await, "nothing recorded");
    let (a, b) = (recording(&g, 1000), recording(&g, 2000));
    store.recording_started(&a).await.expect("records");
    assert!(!pending(store.clone()).await, "a running recording is not for the composer yet");
    queued(&store, &b, 5000).await;
    store.recording_stopped(&a.id, at(6000), StopReason::Stopped).await.expect("stops");
    assert!(pending(store.clone()).await, "queued");
    let first = claim(&store).await.expect("queued");
    let second = claim(&store).await.expect("queued");
    assert!(pending(store.clone()).await, "both being composed");
    let progress = RecordingStatus::Processing { percent: 35 };
    assert!(report(&store, &first.id, A, &progress, None).await);
    assert!(report(&store, &first.id, A, &RecordingStatus::Ready, None).await);
    assert!(pending(store.clone()).await, "one is still being composed");
    assert!(report(&store, &second.id, A, &progress, None).await);
    assert!(pending(store.clone()).await, "its progress keeps it pending");
    let failed = RecordingStatus::Failed { reason: "no media".into() };
    assert!(report(&store, &second.id, A, &failed, None).await);
    assert!(!pending(store.clone()).await, "ready and failed are done");
}

pub async fn recording_status_and_output_round_trip(store: Shared) {
    let g = team(&store).await;
    let record = recording(&g, 1000);
    queued(&store, &record, 5000).await;
    claim(&store).await.expect("queued");
    let status_of = |store: Shared, id: String| async move {
        let stored = store.recording(&id).await.expect("reads").expect("exists");
        (stored.status, stored.output)
    };
    assert!(report(&store, &record.id, A, &RecordingStatus::Processing { percent: 40 }, None).await);
    assert_eq!(
        status_of(store.clone(), record.id.clone()).await,
        (RecordingStatus::Processing { percent: 40 }, None)
    );
    // Given back (its composer stops), it is queued again and taken again.
    assert!(report(&store, &record.id, A, &RecordingStatus::Queued, None).await);
    assert_eq!(status_of(store.clone(), record.id.clone()).await, (RecordingStatus::Queued, None));
    assert!(
        !report(&store, &record.id, A, &RecordingStatus::Processing { percent: 50 }, None).await,
        "no longer A's"
    );
    let again =
        store.claim_queued_recording(&claim_at(B, 200_000)).await.expect("claims").expect("queued again");
    assert_eq!(again.id, record.id);
    let output = RecordingOutput {
        object_key: format!("{}/composed.mp4", record.id),
        size_bytes: 5_000_000_000,
        duration_ms: 4000,
    };
    assert!(report(&store, &record.id, B, &RecordingStatus::Ready, Some(&output)).await);
    assert_eq!(
        status_of(store.clone(), record.id.clone()).await,
        (RecordingStatus::Ready, Some(output.clone()))
    );
    let failed = RecordingStatus::Failed { reason: "the media could not be decoded".into() };
    assert!(
        !report(&store, &record.id, B, &failed, None).await,
        "a finished recording takes no more reports"
    );
    assert_eq!(status_of(store.clone(), record.id.clone()).await, (RecordingStatus::Ready, Some(output)));
    let stored = store.recording(&record.id).await.expect("reads").expect("exists");
    assert_eq!((stored.stopped_at, stored.consents), (Some(at(5000)), record.consents), "the rest is kept");
    assert_eq!(claim(&store).await, None, "no longer queued");
    assert!(!report(&store, "r_unknown_1", A, &RecordingStatus::Ready, None).await, "unknown is nobody's");
    assert_eq!(store.recording("r_unknown_1").await.expect("reads"), None, "not created");
}

pub async fn recordings_are_listed_newest_first_per_group(store: Shared) {
    let g = team(&store).await;
    let other = group(&store, "g_other", "ada", 1).await.id;
    for started in [1000, 3000, 2000, 4000] {
        store.recording_started(&recording(&g, started)).await.expect("records");
    }
    store.recording_started(&recording(&other, 5000)).await.expect("records");
    let ids = |records: Vec<RecordingRecord>| records.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let want = |starts: &[u64]| starts.iter().map(|ms| recording_id(&g, at(*ms))).collect::<Vec<_>>();
    assert_eq!(ids(store.recordings(&g, 10).await.expect("reads")), want(&[4000, 3000, 2000, 1000]));
    assert_eq!(ids(store.recordings(&g, 2).await.expect("reads")), want(&[4000, 3000]), "limited");
    assert_eq!(store.recordings(&g, 0).await.expect("reads"), vec![]);
    let listed = store.recordings(&other, 10).await.expect("reads");
    assert_eq!(listed, vec![recording(&other, 5000)], "whole records, of that group only");
}

pub async fn deleting_a_recording_says_whether_it_existed(store: Shared) {
    let g = team(&store).await;
    let (kept, doomed) = (recording(&g, 1000), recording(&g, 2000));
    store.recording_started(&kept).await.expect("records");
    queued(&store, &doomed, 3000).await;
    assert!(store.delete_recording(&doomed.id).await.expect("deletes"));
    assert!(!store.delete_recording(&doomed.id).await.expect("deletes"), "already gone");
    assert_eq!(store.recording(&doomed.id).await.expect("reads"), None);
    assert_eq!(store.recordings(&g, 10).await.expect("reads"), vec![kept]);
    assert_eq!(claim(&store).await, None, "out of the queue too");
}

pub async fn deleting_a_group_deletes_its_recordings(store: Shared) {
    let g = team(&store).await;
    let other = group(&store, "g_other", "ada", 1).await.id;
    let (running, waiting, kept) = (recording(&g, 1000), recording(&g, 2000), recording(&other, 3000));
    store.recording_started(&running).await.expect("records");
    store.recording_consent(&running.id, &answer(3, true, 1500)).await.expect("records");
    queued(&store, &waiting, 4000).await;
    store.recording_started(&kept).await.expect("records");
    assert!(store.delete_group(&g).await.expect("deletes"));
    assert_eq!(store.recordings(&g, 10).await.expect("reads"), vec![]);
    assert_eq!(store.recording(&running.id).await.expect("reads"), None);
    assert_eq!(store.recording(&waiting.id).await.expect("reads"), None);
    assert_eq!(claim(&store).await, None, "out of the queue too");
    assert_eq!(store.recordings(&other, 10).await.expect("reads"), vec![kept], "other groups' are kept");
    assert!(store.recording_started(&running).await.is_err(), "a deleted group records nothing");
}

//! Writing a call's history: the room decides the events (core's `CallEvent`); this turns each
//! into the store's row. Every event names its call, and the store's writes are idempotent, so
//! an event delivered twice (a retried delivery from the Worker) writes one row.

use crate::store::{RecordingRecord, RecordingStatus, Store, StoreError};
use peershare_core::room::{CallEvent, RecordingEvent, call_id, recording_id};
use peershare_core::{GroupId, Timestamp};

/// Writes `event` of `group`'s call. Events of participants the host did not identify (no
/// pass holder) are not history.
pub async fn apply(store: &dyn Store, group: &GroupId, event: &CallEvent) -> Result<(), StoreError> {
    let call = call_id(group, event.call_started_at());
    match event {
        CallEvent::Started { at } => {
            close_abandoned(store, group, &call, *at).await?;
            store.call_started(&call, group, *at).await
        }
        CallEvent::Joined { identity: Some(who), display_name, at, .. } => {
            store.call_joined(&call, who, display_name, *at).await
        }
        CallEvent::Left { identity: Some(who), joined_at, at, .. } => {
            store.call_left(&call, who, *joined_at, *at).await
        }
        CallEvent::Ended { at, .. } => store.call_ended(&call, *at).await,
        CallEvent::Recording { event, .. } => {
            let recording = recording_id(group, event.started_at());
            match event {
                RecordingEvent::Started { started_at, started_by, consents, .. } => {
                    let record = RecordingRecord {
                        id: recording,
                        group: group.clone(),
                        call_id: call,
                        started_at: *started_at,
                        stopped_at: None,
                        stop_reason: None,
                        started_by: started_by.clone(),
                        consents: consents.clone(),
                        status: RecordingStatus::Recording,
                        output: None,
                    };
                    store.recording_started(&record).await
                }
                RecordingEvent::Consent { consent, .. } => store.recording_consent(&recording, consent).await,
                RecordingEvent::Stopped { at, reason, .. } => {
                    store.recording_stopped(&recording, *at, *reason).await
                }
            }
        }
        CallEvent::Joined { identity: None, .. } | CallEvent::Left { identity: None, .. } => Ok(()),
    }
}

/// How many of a group's latest calls a new call looks through for abandoned ones.
const ABANDONED_LOOKBACK: usize = 20;

/// A group has one room, so one call at a time: a call still open when the next one starts was
/// abandoned (its host crashed, or its end never arrived). It ends at the last moment anything
/// was heard of it, and so do its open stints: never open forever, never longer than known.
async fn close_abandoned(
    store: &dyn Store,
    group: &GroupId,
    new_call: &str,
    starts: Timestamp,
) -> Result<(), StoreError> {
    for earlier in store.calls(group, ABANDONED_LOOKBACK).await? {
        if earlier.ended_at.is_some() || earlier.id == new_call || earlier.started_at >= starts {
            continue;
        }
        let last_heard = earlier
            .participants
            .iter()
            .flat_map(|stint| [Some(stint.joined_at), stint.left_at])
            .flatten()
            .max()
            .unwrap_or(earlier.started_at)
            .max(earlier.started_at);
        store.call_ended(&earlier.id, last_heard).await?;
    }
    Ok(())
}

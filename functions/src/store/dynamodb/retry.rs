//! Pacing of optimistic steps: a step whose condition failed or whose transaction collided
//! with another reads again and retries a bounded number of times, after a short, jittered,
//! growing pause so that contenders spread out instead of colliding again.

use crate::store::StoreError;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

/// Most tries of one step before the store reports contention.
pub(super) const ATTEMPTS: u32 = 12;

/// First pause, doubled on every further try.
const BASE: Duration = Duration::from_millis(4);

/// Longest pause.
const CAP: Duration = Duration::from_millis(250);

/// Counts a failed try of `what` and pauses before the next; an error once [`ATTEMPTS`] tries
/// have failed.
pub(super) async fn pause(attempt: &mut u32, what: &str) -> Result<(), StoreError> {
    *attempt += 1;
    if *attempt >= ATTEMPTS {
        return Err(contention(what));
    }
    let full = BASE.saturating_mul(1 << (*attempt).min(16)).min(CAP);
    // Between half and all of `full`, at random.
    let jitter = RandomState::new().hash_one(*attempt) % (full.as_micros().max(2) as u64 / 2);
    tokio::time::sleep(full / 2 + Duration::from_micros(jitter)).await;
    Ok(())
}

/// The error for a step that kept colliding.
pub(super) fn contention(what: &str) -> StoreError {
    StoreError(format!("{what}: still conflicting after {ATTEMPTS} tries"))
}

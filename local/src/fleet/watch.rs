//! Keeps the local fleet true to its nodes: a node process that exited is forgotten at once,
//! and every heartbeat interval the fleet's size is looked at (dead nodes forgotten, idle ones
//! drained, the warm minimum kept). Rooms whose sessions were on a forgotten node move.

use super::ProcessFleet;
use peershare_core::time::Timestamp;
use peershare_functions::clock::{Clock, SystemClock};
use peershare_functions::fleet::{Fleet, FleetError, LostSession};
use peershare_functions::rooms::CallRooms;
use std::sync::Arc;
use std::time::Duration;

/// How often exited node processes are looked for.
const REAP_EVERY: Duration = Duration::from_millis(200);

/// Watches `processes` and `fleet` for as long as the server runs.
pub fn spawn(fleet: Arc<Fleet>, processes: Arc<ProcessFleet>, rooms: Arc<dyn CallRooms>) {
    let tick_every = fleet.settings().policy.heartbeat_interval;
    tokio::spawn(async move {
        let mut reap = tokio::time::interval(REAP_EVERY);
        let mut tick = tokio::time::interval(tick_every);
        loop {
            tokio::select! {
                _ = reap.tick() => {
                    for id in processes.reap_exited() {
                        match fleet.leave(&id).await {
                            Ok(lost) => tell(rooms.as_ref(), lost).await,
                            // It left the registry before it exited (drained): nothing to move.
                            Err(FleetError::UnknownNode(_)) => {}
                            Err(e) => tracing::warn!(node = %id, error = %e, "could not forget an exited media node"),
                        }
                    }
                }
                _ = tick.tick() => match fleet.tick(now()).await {
                    Ok(report) => tell(rooms.as_ref(), report.lost).await,
                    Err(e) => tracing::warn!(error = %e, "could not look at the fleet's size"),
                },
            }
        }
    });
}

async fn tell(rooms: &dyn CallRooms, sessions: Vec<LostSession>) {
    LostSession::tell(rooms, sessions).await;
}

fn now() -> Timestamp {
    SystemClock.now()
}

//! Writes a stored group's call history: the room emits the events (core's `CallEvent`); this
//! task turns them into store rows, in order, off the room's loop.

use peershare_core::GroupId;
use peershare_core::room::CallEvent;
use peershare_functions::store::Store;
use std::sync::Arc;
use tokio::sync::mpsc;

/// The room's side of its history writer.
#[derive(Debug)]
pub struct HistoryWriter {
    events: Option<mpsc::UnboundedSender<CallEvent>>,
}

impl HistoryWriter {
    /// A writer for `group`'s room: stored groups get history, link calls do not.
    pub fn new(group: &GroupId, store: Option<Arc<dyn Store>>) -> Self {
        let events = match store {
            Some(store) if group.is_stored() => {
                let (tx, rx) = mpsc::unbounded_channel();
                tokio::spawn(write(group.clone(), store, rx));
                Some(tx)
            }
            _ => None,
        };
        Self { events }
    }

    /// Queues `event` for writing.
    pub fn record(&self, event: CallEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }
}

/// Applies events in order; a failed write is logged and the call goes on.
async fn write(group: GroupId, store: Arc<dyn Store>, mut events: mpsc::UnboundedReceiver<CallEvent>) {
    while let Some(event) = events.recv().await {
        if let Err(error) = peershare_functions::history::apply(store.as_ref(), &group, &event).await {
            tracing::warn!(%group, %error, ?event, "could not write call history");
        }
    }
}

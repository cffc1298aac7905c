//! Writes a stored group's call history: core derives the events from the room's snapshots;
//! this task turns them into store rows, in order, off the room's loop.

use peershare_core::GroupId;
use peershare_core::room::{CallEvent, ConnectionId};
use peershare_functions::session::random_id;
use peershare_functions::store::Store;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;

/// The room's side of its history writer.
#[derive(Debug)]
pub struct HistoryWriter {
    events: Option<mpsc::UnboundedSender<(CallEvent, Option<String>)>>,
    who: HashMap<ConnectionId, String>,
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
        Self { events, who: HashMap::new() }
    }

    /// Remembers whose pass opened `connection` (an account id or a guest's id).
    pub fn connected(&mut self, connection: ConnectionId, participant: String) {
        self.who.insert(connection, participant);
    }

    /// Forgets a closed connection (after its room handled the close, so its departure was
    /// recorded if it had joined).
    pub fn disconnected(&mut self, connection: ConnectionId) {
        self.who.remove(&connection);
    }

    /// Queues `event` for writing.
    pub fn record(&mut self, event: CallEvent) {
        let Some(events) = &self.events else { return };
        let participant = match &event {
            CallEvent::Joined { connection, .. } => self.who.get(connection).cloned(),
            CallEvent::Left { connection, .. } => self.who.remove(connection),
            _ => None,
        };
        let _ = events.send((event, participant));
    }
}

/// Applies events in order; a failed write is logged and the call goes on.
async fn write(
    group: GroupId,
    store: Arc<dyn Store>,
    mut events: mpsc::UnboundedReceiver<(CallEvent, Option<String>)>,
) {
    let mut call: Option<String> = None;
    while let Some((event, participant)) = events.recv().await {
        let result = match (&event, &call, participant) {
            (CallEvent::Started { at }, _, _) => {
                let id = random_id("c_", 16);
                let result = store.call_started(&id, &group, *at).await;
                call = Some(id);
                result
            }
            (CallEvent::Joined { display_name, at, .. }, Some(id), Some(who)) => {
                store.call_joined(id, &who, display_name, *at).await
            }
            (CallEvent::Left { joined_at, at, .. }, Some(id), Some(who)) => {
                store.call_left(id, &who, *joined_at, *at).await
            }
            (CallEvent::Ended { at }, Some(id), _) => {
                let result = store.call_ended(id, *at).await;
                call = None;
                result
            }
            _ => Ok(()),
        };
        if let Err(error) = result {
            tracing::warn!(%group, %error, ?event, "could not write call history");
        }
    }
}

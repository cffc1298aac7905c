//! Call rooms on tokio: one task per active group, each driving a core [`Room`].
//!
//! [`Room`]: peershare_core::room::Room

mod history;
mod host;
mod outbox;
mod registry;

pub use host::{RoomEvent, RoomStatus};
pub use outbox::{Outbox, OutboxReader, Outgoing, Overflow, outbox};
pub use registry::{RoomHandle, RoomRegistry, RoomServices};

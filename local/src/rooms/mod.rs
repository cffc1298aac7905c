//! Call rooms on tokio: one task per active group, each driving a core [`Room`].
//!
//! [`Room`]: peershare_core::room::Room

mod history;
mod host;
mod registry;

pub use host::{Outgoing, RoomEvent, RoomStatus};
pub use registry::{RoomHandle, RoomRegistry, RoomServices};

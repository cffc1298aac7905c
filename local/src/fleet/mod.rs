//! `peershare dev`'s media-node fleet (`--media-fleet N`): node processes started and retired
//! by [`ProcessFleet`] (the local [`Scaler`](peershare_functions::fleet::Scaler)), registered
//! with this server's own registry routes, and [`watch`]ed: a node process that exits, or whose
//! heartbeats stop, is forgotten and the rooms it carried move their calls.

mod process_fleet;
pub mod watch;

pub use process_fleet::{NodeLaunch, ProcessFleet};

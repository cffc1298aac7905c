//! `peershare-fleet-sim`: the media-node fleet policy of `peershare-core` (`fleet::allocate`
//! for every call, `fleet::scale` on every scaler tick) driven through a synthetic day of calls
//! by a discrete-event simulation, to see what each policy setting costs and how long calls
//! wait. The policy is core's; this crate only plays the hosts (registry, scaler, nodes) and
//! the callers.

pub mod assumptions;
pub mod call_mix;
pub mod config;
pub mod diurnal;
pub mod error;
pub mod events;
pub mod fleet_state;
pub mod metrics;
pub mod model;
pub mod population;
pub mod report;
pub mod simulation;

pub use config::{Setting, SimConfig};
pub use error::SimError;
pub use model::Model;
pub use population::{Population, PopulationConfig};
pub use report::RowReport;
pub use simulation::{Progress, simulate};

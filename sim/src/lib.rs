//! `peershare-fleet-sim`: the media-node fleet policy of `peershare-core` (`fleet::allocate`
//! for every call, `fleet::scale` on every scaler tick) driven through a synthetic day of calls
//! by a discrete-event simulation, to see what each policy setting costs and how long calls
//! wait. The policy is core's; this crate only plays the hosts (registry, scaler, nodes) and
//! the callers.

pub mod call_mix;
pub mod diurnal;
pub mod error;
pub mod population;

pub use error::SimError;
pub use population::{Population, PopulationConfig};

//! The media-node fleet's service: the registry's routes call it (nodes register and
//! heartbeat; signaling hosts allocate and release), and `peershare dev` calls it in-process.
//! The decisions are core's ([`peershare_core::fleet`]); the store reserves with a conditional
//! write; a [`Scaler`] starts nodes (an EC2 Auto Scaling group in the cloud, processes locally).

#[cfg(feature = "autoscaling")]
mod asg_scaler;
mod node_proxy;
mod pinned_tls;
mod scaler;
mod service;
mod waiting;

#[cfg(feature = "autoscaling")]
pub use asg_scaler::{AsgGroups, AsgGroupsError, AsgScaler, is_instance_id};
pub use node_proxy::{Forwarded, NodeAnswer, NodeProxy, NodeProxyError};
pub use scaler::{FixedFleet, Scaler, ScalerError};
pub use service::{
    AllocationAnswer, AllocationAsk, Fleet, FleetError, FleetSettings, LostSession, TickReport,
};

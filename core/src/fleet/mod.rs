//! The media-node fleet's rules, pure: which node takes a call ([`allocate`]) and how big the
//! fleet should be, and which idle nodes leave ([`scale`]), never below the warm capacity
//! ([`WarmCapacity`]) of the moment. Hosts keep the registry (DynamoDB in the cloud, SQLite in
//! `peershare dev`) and reserve what the policy picked with a conditional write; the policy
//! itself never touches a store, a clock or a socket.

mod allocation;
#[cfg(test)]
mod fixtures;
mod proxy;
mod registration;
mod scaling;
mod warm;

pub use allocation::{Allocation, AllocationRequest, FleetPolicy, NodeRecord, allocate};
pub use proxy::{
    MAX_PROXIED_ANSWER_BYTES, MAX_PROXIED_REQUEST_BYTES, NodeReach, PROXIED_CHECK_WITHIN_MS, PROXY_PREFIX,
    ProxiedRequest, ProxyRefusal, ReachError, SessionCheck, certificate_pin, parse as parse_proxied,
    proxied_base, session_check, valid_pin,
};
pub use registration::{
    Heartbeat, HeartbeatAnswer, MAX_NODE_CAPACITY, NodeRegistration, RegistrationError,
    valid_id as valid_node_id, valid_region,
};
pub use scaling::{NodeLoad, ScaleDecision, ScalePolicy, composition_demand, scale};
pub use warm::{MAX_WARM_NODES, WarmCapacity, WarmCapacityError};

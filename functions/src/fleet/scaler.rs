//! What starts and stops media nodes: an EC2 Auto Scaling group in the cloud, child processes
//! in `peershare dev`, nothing for a fixed fleet.

use async_trait::async_trait;

/// Why capacity could not be changed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ScalerError(pub String);

/// Starts and stops the machines (or processes) that run media nodes.
#[async_trait]
pub trait Scaler: std::fmt::Debug + Send + Sync {
    /// Whether asking for capacity can bring a new node (a fixed fleet cannot).
    fn can_grow(&self) -> bool;

    /// Makes sure `region` will run at least `nodes` nodes, counting those still starting.
    async fn grow_to(&self, region: &str, nodes: u32) -> Result<(), ScalerError>;

    /// Node `id` of `region` left the fleet (it drained and left, or it died): stop what ran
    /// it, if anything still does, so that it is not replaced.
    async fn retire(&self, id: &str, region: &str) -> Result<(), ScalerError>;
}

/// A fleet of nodes an operator runs by hand: nothing to start or stop.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixedFleet;

#[async_trait]
impl Scaler for FixedFleet {
    fn can_grow(&self) -> bool {
        false
    }

    async fn grow_to(&self, _region: &str, _nodes: u32) -> Result<(), ScalerError> {
        Ok(())
    }

    async fn retire(&self, _id: &str, _region: &str) -> Result<(), ScalerError> {
        Ok(())
    }
}

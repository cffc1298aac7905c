//! The API with a media-node fleet over its store, and a [`Scaler`] that only keeps what it is
//! asked (starting and stopping machines is the cloud's and `peershare dev`'s, tested there).

use super::TestApi;
use peershare_core::fleet::{FleetPolicy, NodeReach, ScalePolicy};
use peershare_functions::api;
use peershare_functions::fleet::{Fleet, FleetSettings, Scaler, ScalerError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The secret the tests' media nodes present.
pub const FLEET_SECRET: &str = "fleet-secret-for-tests-0123456789";

/// What a [`WatchedScaler`] was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScalerCall {
    /// `grow_to(region, nodes)`.
    GrowTo(String, u32),
    /// `retire(id, region)`.
    Retire(String, String),
}

/// A scaler that starts nothing and keeps every call, in order; it fails them while told to.
#[derive(Debug, Default)]
pub struct WatchedScaler {
    can_grow: bool,
    failing: AtomicBool,
    calls: Mutex<Vec<ScalerCall>>,
}

impl WatchedScaler {
    /// One that says it can start nodes (allocations wait: 202) or not (503).
    pub fn new(can_grow: bool) -> Arc<Self> {
        Arc::new(Self { can_grow, ..Self::default() })
    }

    /// From now on every call fails (as a cloud API that is down), or succeeds again.
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Every call so far, emptied.
    pub fn take(&self) -> Vec<ScalerCall> {
        self.calls.lock().expect("not poisoned").drain(..).collect()
    }

    fn record(&self, call: ScalerCall) -> Result<(), ScalerError> {
        self.calls.lock().expect("not poisoned").push(call);
        if self.failing.load(Ordering::SeqCst) {
            return Err(ScalerError("the cloud is down".into()));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Scaler for WatchedScaler {
    fn can_grow(&self) -> bool {
        self.can_grow
    }

    async fn grow_to(&self, region: &str, nodes: u32) -> Result<(), ScalerError> {
        self.record(ScalerCall::GrowTo(region.to_owned(), nodes))
    }

    async fn retire(&self, id: &str, region: &str) -> Result<(), ScalerError> {
        self.record(ScalerCall::Retire(id.to_owned(), region.to_owned()))
    }
}

/// The fleet's settings in these tests: nodes of 10, no warm minimum, idle nodes drain after a
/// minute, a look at the fleet's size on every heartbeat.
pub fn fleet_settings() -> FleetSettings {
    FleetSettings {
        policy: FleetPolicy::default(),
        scale: ScalePolicy {
            node_capacity: 10,
            warm_minimum: Default::default(),
            quiet_period: Duration::from_secs(60),
        },
        node_secret: FLEET_SECRET.into(),
        default_region: "local".into(),
        retry_after: Duration::from_secs(2),
        tick_every: Duration::ZERO,
        reach: NodeReach::Direct,
        composers_on_nodes: false,
    }
}

impl TestApi {
    /// A fresh API keeping a media-node fleet in its store, grown by `scaler`.
    pub fn with_fleet(scaler: Arc<dyn Scaler>) -> Self {
        Self::with_fleet_settings(scaler, fleet_settings())
    }

    /// A fresh API keeping a media-node fleet of these `settings` in its store, grown by
    /// `scaler`.
    pub fn with_fleet_settings(scaler: Arc<dyn Scaler>, settings: FleetSettings) -> Self {
        let mut api = Self::new();
        api.set_fleet(scaler, settings);
        api
    }

    /// From now on this API keeps a media-node fleet of these `settings` in its store, grown
    /// by `scaler`.
    pub fn set_fleet(&mut self, scaler: Arc<dyn Scaler>, settings: FleetSettings) {
        let fleet = Fleet::new(self.state.store.clone(), scaler, settings);
        self.state.fleet = Some(Arc::new(fleet));
        self.app = api::router(self.state.clone());
    }
}

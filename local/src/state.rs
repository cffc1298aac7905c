//! What every request handler can reach.

use crate::config::DevConfig;
use crate::rooms::RoomRegistry;
use peershare_functions::api::ApiState;
use std::sync::Arc;

/// Shared state of the server.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Open call rooms.
    pub rooms: RoomRegistry,
    /// The validated configuration.
    pub config: Arc<DevConfig>,
    /// Accounts, groups and sessions (the functions' API state).
    pub api: ApiState,
    /// How often each pass holder may ask for TURN credentials.
    pub turn_quota: Arc<std::sync::Mutex<peershare_core::turn_quota::TurnQuota>>,
}

//! What every API handler can reach: the store, the session keys, the clock and the settings
//! of this deployment.

use crate::clock::Clock;
use crate::session::SessionTokens;
use crate::store::Store;
use std::sync::Arc;

/// Settings of one API deployment.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Whether the refresh cookie is marked `Secure` (always in production; browsers also
    /// accept it on `http://localhost` and `http://127.0.0.1`).
    pub secure_cookies: bool,
    /// Whether `POST /api/auth/dev` signs people in by name alone (`peershare dev` without
    /// OAuth providers; never in production).
    pub dev_sign_in: bool,
    /// This site's public origin (`https://peershare.example`), for OAuth redirect URIs.
    pub public_url: String,
    /// The secret the signaling hosts (the Worker's rooms) present to deliver call history
    /// (`POST /api/internal/groups/{id}/history`); none: nobody may.
    pub internal_secret: Option<String>,
}

/// Shared state of the API.
#[derive(Debug, Clone)]
pub struct ApiState {
    /// Persistent state.
    pub store: Arc<dyn Store>,
    /// Signs and verifies access tokens and call passes.
    pub tokens: Arc<SessionTokens>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Deployment settings.
    pub settings: Arc<ApiSettings>,
    /// The OAuth providers configured here.
    pub oauth: Arc<crate::oauth::OAuthClients>,
    /// Where the groups' call rooms hear of access changes.
    pub rooms: Arc<dyn crate::rooms::CallRooms>,
    /// Recording storage and its download links; `None` where recordings are not kept.
    pub recordings: Option<Arc<crate::recordings::RecordingFiles>>,
    /// The media-node fleet (none: this deployment keeps no registry).
    pub fleet: Option<Arc<crate::fleet::Fleet>>,
}

impl ApiState {
    /// Tells `group`'s call room that access to it changed, now.
    pub async fn tell_room(
        &self,
        group: &peershare_core::GroupId,
        change: peershare_core::room::AccessChange,
    ) {
        let notice = peershare_core::room::AccessNotice { change, at: self.clock.now() };
        self.rooms.access_changed(group, notice).await;
    }
}

impl std::fmt::Debug for dyn Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

//! Telling a group's call room that access to it changed: a member removed or leaving, a role
//! changed, guests switched off, the group deleted. The API makes the change in its store, then
//! tells the room, which closes the connections of those it shuts out and refuses their earlier
//! passes (core's `AccessLedger`). Where the rooms run is the host's business: in the same
//! process for `peershare dev`, behind the Worker (its Durable Objects) for Lambda.

use async_trait::async_trait;
use peershare_core::GroupId;
use peershare_core::media::MediaNodeLease;
use peershare_core::room::AccessNotice;
use std::time::Duration;

/// The path at a Worker's origin that takes a group's access notices.
pub fn access_path(group: &GroupId) -> String {
    format!("/api/internal/rooms/{}/access", group.as_str())
}

/// The path at a Worker's origin that takes news of a room's lost media node.
pub fn media_node_lost_path(group: &GroupId) -> String {
    format!("/api/internal/rooms/{}/media-node-lost", group.as_str())
}

/// Where a deployment's call rooms are told of access changes and of lost media nodes.
#[async_trait]
pub trait CallRooms: Send + Sync + std::fmt::Debug {
    /// Tells `group`'s room about `notice`. The store already holds the change, so a room that
    /// cannot be reached does not undo it: the failure is logged, and the passes the room would
    /// have refused expire within [`peershare_core::auth::CALL_PASS_TTL`].
    async fn access_changed(&self, group: &GroupId, notice: AccessNotice);

    /// Tells `group`'s room that the node of its call session `lease` is gone (it stopped
    /// heartbeating, or restarted): the room moves the call. A room that cannot be reached
    /// still learns it from its participants' reports.
    async fn media_node_lost(&self, group: &GroupId, lease: MediaNodeLease);
}

/// Rooms behind a Worker: told with `POST {origin}/api/internal/rooms/{id}/access`, carrying
/// the deployment's internal secret.
#[derive(Debug, Clone)]
pub struct EdgeRooms {
    http: reqwest::Client,
    origin: String,
    secret: Option<String>,
}

/// How long the API waits for the Worker to take a notice.
const NOTICE_TIMEOUT: Duration = Duration::from_secs(3);

/// Tries per notice: a Worker that blinked gets a second chance.
const NOTICE_TRIES: u32 = 2;

impl EdgeRooms {
    /// Rooms at the Worker of `origin` (`https://peershare.example`), told with `secret` (the
    /// Worker's `INTERNAL_SECRET`; without one nothing can be told).
    pub fn new(origin: &str, secret: Option<String>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(NOTICE_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { http, origin: origin.trim_end_matches('/').to_owned(), secret }
    }
}

impl EdgeRooms {
    /// Posts `body` to the Worker's `path` with the internal secret, trying twice.
    async fn tell(&self, group: &GroupId, path: &str, body: &impl serde::Serialize, what: &str) {
        let Some(secret) = self.secret.as_deref() else {
            tracing::error!(%group, "{what} not told to the call room: no internal secret is configured");
            return;
        };
        let url = format!("{}{path}", self.origin);
        let mut last = String::new();
        for _ in 0..NOTICE_TRIES {
            match self.http.post(&url).bearer_auth(secret).json(body).send().await {
                Ok(answer) if answer.status().is_success() => return,
                Ok(answer) => last = format!("answered {}", answer.status()),
                Err(e) => last = e.to_string(),
            }
        }
        tracing::error!(%group, %url, error = %last, "the call room did not take the {what}");
    }
}

#[async_trait]
impl CallRooms for EdgeRooms {
    async fn access_changed(&self, group: &GroupId, notice: AccessNotice) {
        self.tell(group, &access_path(group), &notice, "access change").await;
    }

    async fn media_node_lost(&self, group: &GroupId, lease: MediaNodeLease) {
        self.tell(group, &media_node_lost_path(group), &lease, "lost media node").await;
    }
}

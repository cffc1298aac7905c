//! Joining the fleet: the node registers with the registry (the API's fleet routes), heartbeats
//! its load, learns from the answers when it is to drain, and leaves the registry once it is
//! drained and carries no call; the process then exits. A node that has not reached the
//! registry for `--orphan-after-secs` while nobody is connected exits too: the registry has
//! forgotten it, nobody will be sent to it, and its starter may be gone (a `peershare dev`
//! killed without a chance to stop its nodes).

use crate::udp_host::NodeHandle;
use peershare_core::fleet::{Heartbeat, HeartbeatAnswer, NodeRegistration};
use std::time::{Duration, Instant};

/// Longest wait for the registry's answer to one request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);
/// Shortest and longest heartbeat interval the node accepts from the registry.
const MIN_INTERVAL: Duration = Duration::from_millis(200);
const MAX_INTERVAL: Duration = Duration::from_secs(60);
/// Longest pause between attempts to register.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Where the registry is and how to reach it.
#[derive(Debug, Clone, clap::Args)]
pub struct RegistryArgs {
    /// Base URL of the API whose fleet registry this node joins (e.g. `https://api.example.com`);
    /// without it the node serves the hosts configured with its address and joins no fleet.
    #[arg(long = "registry-url", env = "PEERSHARE_REGISTRY_URL")]
    pub url: Option<String>,

    /// The fleet's shared secret, presented to the registry.
    #[arg(long = "fleet-secret", env = "PEERSHARE_FLEET_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// The region this node serves (callers' regions are matched against it).
    #[arg(long, env = "PEERSHARE_MEDIA_REGION", default_value = "local")]
    pub region: String,

    /// Base URL of the control API as browsers reach it (default: `http://` the public IP and
    /// the control API's port).
    #[arg(long = "public-url", env = "PEERSHARE_MEDIA_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Base URL of the control API as signaling hosts reach it (default: the public URL).
    #[arg(long = "control-url", env = "PEERSHARE_MEDIA_CONTROL_URL")]
    pub control_url: Option<String>,

    /// Seconds without reaching the registry after which a node nobody is connected to exits
    /// (0: never).
    #[arg(long = "orphan-after-secs", env = "PEERSHARE_ORPHAN_AFTER_SECS", default_value_t = 120)]
    pub orphan_after_secs: u64,
}

impl RegistryArgs {
    /// How long the registry may be out of reach before an empty node exits; `None`: forever.
    pub fn orphan_after(&self) -> Option<Duration> {
        (self.orphan_after_secs > 0).then(|| Duration::from_secs(self.orphan_after_secs))
    }
}

/// Why a request to the registry failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// No answer, or not one that could be read.
    #[error("the registry could not be reached: {0}")]
    Unreachable(#[from] reqwest::Error),
    /// The registry answered with an error.
    #[error("the registry refused: {status} {body}")]
    Refused {
        /// Its status.
        status: u16,
        /// Its JSON error body.
        body: String,
    },
}

/// The node's side of the registry's fleet routes.
#[derive(Debug, Clone)]
pub struct Registrar {
    http: reqwest::Client,
    base: String,
    secret: String,
    registration: NodeRegistration,
}

impl Registrar {
    /// A registrar for `registration` at the registry under `base`.
    pub fn new(base: &str, secret: &str, registration: NodeRegistration) -> Result<Self, RegistryError> {
        let http = reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            secret: secret.to_owned(),
            registration,
        })
    }

    /// What this node registers as.
    pub fn registration(&self) -> &NodeRegistration {
        &self.registration
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/api/internal/media-nodes/{}{tail}", self.base, self.registration.id)
    }

    /// Registers (again): the registry starts the node afresh, with nothing reserved.
    pub async fn register(&self) -> Result<HeartbeatAnswer, RegistryError> {
        let response =
            self.http.put(self.url("")).bearer_auth(&self.secret).json(&self.registration).send().await?;
        Ok(answer(response).await?.json().await?)
    }

    /// Says the node is alive with `load` participants; `None` when the registry does not know
    /// the node (it was dropped as dead): register again.
    pub async fn heartbeat(&self, load: u32) -> Result<Option<HeartbeatAnswer>, RegistryError> {
        let response = self
            .http
            .post(self.url("/heartbeat"))
            .bearer_auth(&self.secret)
            .json(&Heartbeat { load })
            .send()
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        Ok(Some(answer(response).await?.json().await?))
    }

    /// Leaves the registry (the node is about to exit).
    pub async fn leave(&self) -> Result<(), RegistryError> {
        let response = self.http.delete(self.url("")).bearer_auth(&self.secret).send().await?;
        answer(response).await.map(drop)
    }
}

async fn answer(response: reqwest::Response) -> Result<reqwest::Response, RegistryError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    Err(RegistryError::Refused { status: status.as_u16(), body: body.chars().take(512).collect() })
}

/// When the node last reached the registry, and how long it may go without while empty.
struct Contact {
    last: Instant,
    orphan_after: Option<Duration>,
}

impl Contact {
    /// Whether the node should give up: out of reach too long, and nobody connected.
    fn orphaned(&self, node: &NodeHandle) -> bool {
        self.orphan_after.is_some_and(|limit| self.last.elapsed() >= limit) && node.stats().participants == 0
    }
}

/// Keeps `node` in the fleet: registers (retrying with backoff), heartbeats at the interval the
/// registry asks for, registers again when the registry forgot it, and returns once the
/// registry asked it to drain and it carries no call (after leaving the registry), or once it
/// could not reach the registry for `orphan_after` with nobody connected. `started` is when the
/// process started, for the log of how long joining took.
pub async fn run(registrar: Registrar, node: NodeHandle, started: Instant, orphan_after: Option<Duration>) {
    let mut contact = Contact { last: Instant::now(), orphan_after };
    let Some(mut answer) = register_until_accepted(&registrar, &node, &mut contact).await else { return };
    tracing::info!(
        node = %registrar.registration.id,
        region = %registrar.registration.region,
        ms_since_start = started.elapsed().as_millis() as u64,
        "registered with the fleet"
    );
    loop {
        // A draining node takes no new calls: once nobody is connected, what sessions remain
        // are ones nobody will join again.
        if answer.draining && node.stats().participants == 0 {
            match registrar.leave().await {
                Ok(()) => tracing::info!("drained: left the fleet"),
                Err(e) => {
                    tracing::warn!(error = %e, "drained, but could not leave the registry (it will expire)")
                }
            }
            return;
        }
        tokio::time::sleep(interval(&answer)).await;
        let load = u32::try_from(node.stats().participants).unwrap_or(u32::MAX);
        match registrar.heartbeat(load).await {
            Ok(Some(next)) => {
                contact.last = Instant::now();
                if next.draining && !answer.draining {
                    tracing::info!(calls = node.stats().calls, "draining: no new calls; leaving once empty");
                }
                answer = next;
            }
            Ok(None) => {
                tracing::warn!("the registry forgot this node; registering again");
                let Some(next) = register_until_accepted(&registrar, &node, &mut contact).await else {
                    return;
                };
                answer = next;
            }
            Err(e) => {
                if contact.orphaned(&node) {
                    tracing::warn!(error = %e, "the registry has been out of reach too long and nobody is connected: exiting");
                    return;
                }
                tracing::warn!(error = %e, "heartbeat failed; trying again at the next interval");
            }
        }
    }
}

/// Registers, retrying with backoff; `None` once the node is orphaned (see [`Contact`]).
async fn register_until_accepted(
    registrar: &Registrar,
    node: &NodeHandle,
    contact: &mut Contact,
) -> Option<HeartbeatAnswer> {
    let mut pause = Duration::from_millis(250);
    loop {
        match registrar.register().await {
            Ok(answer) => {
                contact.last = Instant::now();
                return Some(answer);
            }
            Err(e) if contact.orphaned(node) => {
                tracing::warn!(error = %e, "the registry has been out of reach too long and nobody is connected: exiting");
                return None;
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = pause.as_millis() as u64, "could not register");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_BACKOFF);
            }
        }
    }
}

fn interval(answer: &HeartbeatAnswer) -> Duration {
    Duration::from_millis(answer.heartbeat_interval_ms).clamp(MIN_INTERVAL, MAX_INTERVAL)
}

//! [`Fleet`]: registration and heartbeats, allocation with a conditional reservation, and the
//! periodic look at the fleet's size (scale up through the [`Scaler`], drain idle nodes,
//! forget dead ones).

use super::node_proxy::NodeProxy;
use super::waiting::WaitingCalls;
use super::{Scaler, ScalerError};
use crate::store::{MediaNodeEntry, NodeAllocation, Reservation, Store, StoreError};
use peershare_core::fleet::{
    AllocationRequest, FleetPolicy, HeartbeatAnswer, NodeLoad, NodeReach, NodeRecord, NodeRegistration,
    ReachError, RegistrationError, ScalePolicy, allocate, composition_demand, scale, valid_node_id,
    valid_region,
};
use peershare_core::media::MediaNodeLease;
use peershare_core::{GroupId, Timestamp};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Most participants one allocation may reserve.
const MAX_PARTICIPANTS: u32 = 1_000;
/// Reservations tried before giving up when other allocators keep taking the picked node.
const ATTEMPTS: usize = 5;

/// The fleet's settings.
#[derive(Debug, Clone)]
pub struct FleetSettings {
    /// Allocation: target utilisation and heartbeat interval.
    pub policy: FleetPolicy,
    /// Size: node capacity, warm minimum per region, quiet period before an idle node drains.
    pub scale: ScalePolicy,
    /// The secret nodes present to register and heartbeat.
    pub node_secret: String,
    /// The region of callers who do not say theirs.
    pub default_region: String,
    /// How long a room waits before asking again while a node starts.
    pub retry_after: Duration,
    /// How often, at most, heartbeats lead to a look at the fleet's size.
    pub tick_every: Duration,
    /// How browsers and signaling hosts reach the nodes: at their own URLs, or through the
    /// API's proxy (then only nodes with a pinned certificate may register).
    pub reach: NodeReach,
    /// Whether the recordings' composers run on the nodes (the cloud's `peershare-composer`):
    /// then recordings waiting to be composed keep a node of the default region running.
    pub composers_on_nodes: bool,
}

/// A signaling host's request for a call session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationAsk {
    /// The room asking: its group id (a stored group's or a link call's).
    pub room: String,
    /// Participants to reserve room for.
    pub participants: u32,
    /// The callers' region (the fleet's default when absent).
    #[serde(default)]
    pub region: Option<String>,
    /// A node not to use (the call just lost its session there).
    #[serde(default)]
    pub avoid: Option<String>,
}

impl AllocationAsk {
    fn check(&self) -> Result<(), FleetError> {
        // The room is told under this key when the session is lost: it must name one.
        if let Err(e) = GroupId::parse(&self.room) {
            return Err(FleetError::InvalidAsk(format!("room: {e}")));
        }
        if !(1..=MAX_PARTICIPANTS).contains(&self.participants) {
            return Err(FleetError::InvalidAsk(format!("participants must be 1 to {MAX_PARTICIPANTS}")));
        }
        if self.region.as_deref().is_some_and(|region| !valid_region(region)) {
            return Err(FleetError::InvalidAsk("region must be 1 to 32 letters, digits or '-'".into()));
        }
        if self.avoid.as_deref().is_some_and(|id| !valid_node_id(id)) {
            return Err(FleetError::InvalidAsk("avoid must be a node id".into()));
        }
        Ok(())
    }
}

/// The answer to an allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocationAnswer {
    /// A call session is reserved on a node (the host opens it there).
    Lease(MediaNodeLease),
    /// No node has room; one is starting: ask again after this long.
    Pending {
        /// When to ask again.
        retry_after: Duration,
    },
}

/// What a look at the fleet's size did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Nodes each region should run, as asked of the scaler.
    pub desired: BTreeMap<String, u32>,
    /// Nodes now draining.
    pub drained: Vec<String>,
    /// Nodes whose heartbeats stopped, forgotten.
    pub forgotten: Vec<String>,
    /// The call sessions those nodes carried: their calls must move.
    pub lost: Vec<LostSession>,
    /// Live nodes seen.
    pub nodes: usize,
    /// Participants reserved on them.
    pub participants: u64,
    /// Whether recordings wait for the nodes' composers (a node is kept for them).
    pub compositions_pending: bool,
}

/// A call session whose node is gone: its room must move the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostSession {
    /// The room (a group id or a link-call key).
    pub room: String,
    /// The session as the room knows it.
    pub lease: MediaNodeLease,
}

impl LostSession {
    /// Tells the rooms of `sessions` that their node is gone, so they move their calls.
    pub async fn tell(rooms: &dyn crate::rooms::CallRooms, sessions: Vec<LostSession>) {
        for session in sessions {
            match peershare_core::GroupId::parse(&session.room) {
                Ok(group) => {
                    tracing::warn!(room = %session.room, node = %session.lease.node_id, "the call's media node is gone: moving it");
                    rooms.media_node_lost(&group, session.lease).await;
                }
                Err(e) => tracing::warn!(room = %session.room, error = %e, "a lost session names no room"),
            }
        }
    }
}

fn lost(reach: NodeReach, node: &NodeRegistration, sessions: Vec<NodeAllocation>) -> Vec<LostSession> {
    sessions
        .into_iter()
        .map(|s| LostSession { lease: Fleet::lease_of(reach, node, &s.call_id), room: s.room })
        .collect()
}

/// Why the fleet could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// An allocation request that is not valid.
    #[error("invalid allocation request: {0}")]
    InvalidAsk(String),
    /// A registration that is not valid.
    #[error("invalid registration: {0}")]
    InvalidRegistration(#[from] RegistrationError),
    /// The fleet reaches its nodes through the API and this one cannot be reached that way.
    #[error("{0}")]
    Unreachable(#[from] ReachError),
    /// The node's id in the path is not the one in the body.
    #[error("the node id in the path is not the registration's")]
    IdMismatch,
    /// The registry does not know this node (it was forgotten): register again.
    #[error("no media node {0} is registered")]
    UnknownNode(String),
    /// No node has room and none can be started.
    #[error("no media node has room for this call ({0})")]
    NoCapacity(String),
    /// Other allocators kept taking the room this one picked.
    #[error("the media nodes are busy with other allocations; try again")]
    Contended,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The scaler failed.
    #[error("could not change the fleet's size: {0}")]
    Scaler(#[from] ScalerError),
}

/// The fleet: its registry (in the store), its scaler and its rules.
#[derive(Debug)]
pub struct Fleet {
    store: Arc<dyn Store>,
    scaler: Arc<dyn Scaler>,
    settings: FleetSettings,
    last_tick: Mutex<Option<Timestamp>>,
    ticking: tokio::sync::Mutex<()>,
    waiting: WaitingCalls,
    proxy: NodeProxy,
}

impl Fleet {
    /// A fleet over `store`'s registry, grown by `scaler`.
    pub fn new(store: Arc<dyn Store>, scaler: Arc<dyn Scaler>, settings: FleetSettings) -> Self {
        Self {
            proxy: NodeProxy::new(store.clone(), settings.reach),
            store,
            scaler,
            settings,
            last_tick: Mutex::new(None),
            ticking: tokio::sync::Mutex::new(()),
            waiting: WaitingCalls::default(),
        }
    }

    /// Its settings.
    pub fn settings(&self) -> &FleetSettings {
        &self.settings
    }

    /// Its proxy to the nodes (which refuses everything unless the fleet is reached through it).
    pub fn proxy(&self) -> &NodeProxy {
        &self.proxy
    }

    /// The lease of call session `call_id` on `node`, reached as `reach` says.
    pub fn lease_of(reach: NodeReach, node: &NodeRegistration, call_id: &str) -> MediaNodeLease {
        let (url, control_url) = reach.lease_urls(node);
        MediaNodeLease { node_id: node.id.clone(), url, call_id: call_id.to_owned(), control_url }
    }

    fn answer(&self, draining: bool) -> HeartbeatAnswer {
        HeartbeatAnswer {
            draining,
            heartbeat_interval_ms: self.settings.policy.heartbeat_interval.as_millis() as u64,
        }
    }

    /// Registers (or restarts) `node` under `path_id`; the sessions a restarted node dropped.
    pub async fn register(
        &self,
        path_id: &str,
        node: &NodeRegistration,
        now: Timestamp,
    ) -> Result<(HeartbeatAnswer, Vec<LostSession>), FleetError> {
        node.check()?;
        if node.id != path_id {
            return Err(FleetError::IdMismatch);
        }
        self.settings.reach.admits(node)?;
        let before = self.store.media_node(&node.id).await?;
        let dropped = self.store.register_node(node, now).await?;
        tracing::info!(node = %node.id, region = %node.region, capacity = node.capacity, dropped = dropped.len(), "media node registered");
        let dropped =
            before.map_or_else(Vec::new, |old| lost(self.settings.reach, &old.registration, dropped));
        Ok((self.answer(false), dropped))
    }

    /// A heartbeat of node `id` carrying `load` participants.
    pub async fn heartbeat(
        &self,
        id: &str,
        load: u32,
        now: Timestamp,
    ) -> Result<HeartbeatAnswer, FleetError> {
        let entry = self.store.node_heartbeat(id, load, now).await?;
        let entry = entry.ok_or_else(|| FleetError::UnknownNode(id.to_owned()))?;
        Ok(self.answer(entry.draining))
    }

    /// Node `id` leaves the fleet (drained, or stopping): forgotten, and what ran it retired.
    /// The sessions it still carried, even when retiring it failed (their rooms must hear).
    pub async fn leave(&self, id: &str) -> Result<Vec<LostSession>, FleetError> {
        let Some(entry) = self.store.media_node(id).await? else {
            return Err(FleetError::UnknownNode(id.to_owned()));
        };
        let sessions = self.store.remove_node(id).await?;
        tracing::info!(node = %id, sessions = sessions.len(), "media node left the fleet");
        if let Err(e) = self.scaler.retire(id, &entry.registration.region).await {
            tracing::warn!(node = %id, error = %e, "could not retire a node that left");
        }
        Ok(lost(self.settings.reach, &entry.registration, sessions))
    }

    /// Finds a node for `ask`: a lease reserved on it, or `Pending` while the scaler starts one.
    pub async fn allocate(
        &self,
        ask: &AllocationAsk,
        now: Timestamp,
    ) -> Result<AllocationAnswer, FleetError> {
        ask.check()?;
        let region = ask.region.clone().unwrap_or_else(|| self.settings.default_region.clone());
        let request = AllocationRequest { participants: ask.participants, region };
        let alive_since = Timestamp::from_millis(
            now.as_millis().saturating_sub(self.settings.policy.heartbeat_interval.as_millis() as u64 * 2),
        );
        // Nodes that refused a reservation in this allocation are not picked again (one that
        // restarts or leaves meanwhile refuses until it is back).
        let mut refused: Vec<String> = Vec::new();
        for _ in 0..ATTEMPTS {
            let entries: Vec<MediaNodeEntry> = self
                .store
                .media_nodes()
                .await?
                .into_iter()
                .filter(|e| Some(e.registration.id.as_str()) != ask.avoid.as_deref())
                .filter(|e| !refused.contains(&e.registration.id))
                // Registered before the fleet was proxied, it cannot be reached now.
                .filter(|e| self.settings.reach.admits(&e.registration).is_ok())
                .collect();
            let records: Vec<NodeRecord> = entries.iter().map(MediaNodeEntry::record).collect();
            let picked = allocate(&records, &request, &self.settings.policy, now);
            if picked.scale_up.is_some()
                && let Err(e) = self.grow(&entries, &records, &ask.room, &request, now).await
            {
                // A node with room still takes the call; without one, nothing is starting.
                if picked.node.is_none() {
                    return Err(e);
                }
                tracing::warn!(error = %e, "could not ask for more media nodes");
            }
            let Some(node_id) = picked.node else {
                if self.scaler.can_grow() {
                    self.waiting.wait(&ask.room, request, now);
                    return Ok(AllocationAnswer::Pending { retry_after: self.settings.retry_after });
                }
                return Err(FleetError::NoCapacity(format!("{} live nodes, none can start", records.len())));
            };
            let Some(node) = entries.iter().find(|e| e.registration.id == node_id) else { continue };
            let call_id = format!("call-{:016x}", rand::random::<u64>());
            let allocation = NodeAllocation {
                node_id: node_id.clone(),
                call_id: call_id.clone(),
                participants: ask.participants,
                room: ask.room.clone(),
                created_at: now,
            };
            match self.store.reserve_on_node(&allocation, alive_since).await? {
                Reservation::Reserved | Reservation::AlreadyReserved => {
                    self.waiting.served(&ask.room);
                    return Ok(AllocationAnswer::Lease(Self::lease_of(
                        self.settings.reach,
                        &node.registration,
                        &call_id,
                    )));
                }
                why => {
                    tracing::debug!(node = %node_id, ?why, "the picked node refused the reservation");
                    refused.push(node_id);
                }
            }
        }
        Err(FleetError::Contended)
    }

    /// Asks the scaler for what the fleet needs with `room`'s `request` waiting, and the other
    /// calls still waiting.
    async fn grow(
        &self,
        entries: &[MediaNodeEntry],
        records: &[NodeRecord],
        room: &str,
        request: &AllocationRequest,
        now: Timestamp,
    ) -> Result<(), FleetError> {
        // A waiting room asks again every `retry_after`: one quiet for three of those is gone.
        let fresh_for = (self.settings.retry_after * 3).max(std::time::Duration::from_secs(5));
        let mut waiting = self.waiting.with(room, request, now, fresh_for);
        waiting.extend(self.composition_demand().await);
        let loads: Vec<NodeLoad<'_>> = records
            .iter()
            .zip(entries)
            .map(|(node, e)| NodeLoad { node, idle_since: e.idle_since })
            .collect();
        let decision = scale(&loads, &waiting, &self.settings.policy, &self.settings.scale, now);
        if let Some(nodes) = decision.desired.get(&request.region) {
            self.scaler.grow_to(&request.region, *nodes).await?;
        }
        Ok(())
    }

    /// What recordings waiting for the nodes' composers ask of the fleet (nothing where the
    /// composers run elsewhere). A store that cannot say counts as pending: draining the node
    /// that composes would lose its work.
    async fn composition_demand(&self) -> Vec<AllocationRequest> {
        if !self.settings.composers_on_nodes {
            return Vec::new();
        }
        let pending = self.store.compositions_pending().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not tell whether recordings wait to be composed");
            true
        });
        if pending { vec![composition_demand(&self.settings.default_region)] } else { Vec::new() }
    }

    /// Frees a call session's reservation; whether it was there.
    pub async fn release(&self, node: &str, call: &str, now: Timestamp) -> Result<bool, FleetError> {
        Ok(self.store.release_on_node(node, call, now).await?)
    }

    /// Looks at the fleet's size when [`FleetSettings::tick_every`] has passed since the last
    /// look from this process.
    pub async fn tick_if_due(&self, now: Timestamp) -> Result<Option<TickReport>, FleetError> {
        {
            let Ok(mut last) = self.last_tick.lock() else { return Ok(None) };
            if last.is_some_and(|at| now.since(at) < self.settings.tick_every) {
                return Ok(None);
            }
            *last = Some(now);
        }
        self.tick(now).await.map(Some)
    }

    /// Looks at the fleet's size: forgets nodes whose heartbeats stopped (their sessions must
    /// move), asks the scaler for what each region needs (the warm minimum included), and
    /// marks idle nodes beyond that draining. Only reading the registry fails it: a step that
    /// fails later is logged and tried again at the next look, so the sessions of the nodes
    /// already forgotten are always reported.
    pub async fn tick(&self, now: Timestamp) -> Result<TickReport, FleetError> {
        // One look at a time in this process: two would forget the same node twice.
        let _one_at_a_time = self.ticking.lock().await;
        let entries = self.store.media_nodes().await?;
        let mut report = TickReport::default();
        let (live, dead): (Vec<MediaNodeEntry>, Vec<MediaNodeEntry>) =
            entries.into_iter().partition(|e| self.settings.policy.alive(&e.record(), now));
        for entry in dead {
            // It may have heartbeat or registered again since the list was read.
            match self.store.media_node(&entry.registration.id).await {
                Ok(Some(now_entry)) if now_entry.last_heartbeat == entry.last_heartbeat => {}
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(node = %entry.registration.id, error = %e, "could not read a silent node again");
                    continue;
                }
            }
            let sessions = match self.store.remove_node(&entry.registration.id).await {
                Ok(sessions) => sessions,
                Err(e) => {
                    tracing::warn!(node = %entry.registration.id, error = %e, "could not forget a dead node");
                    continue;
                }
            };
            tracing::warn!(node = %entry.registration.id, sessions = sessions.len(), "media node stopped heartbeating: forgotten");
            if let Err(e) = self.scaler.retire(&entry.registration.id, &entry.registration.region).await {
                tracing::warn!(node = %entry.registration.id, error = %e, "could not retire a dead node");
            }
            report.forgotten.push(entry.registration.id.clone());
            report.lost.extend(lost(self.settings.reach, &entry.registration, sessions));
        }
        // Nodes the fleet cannot reach the way it must (registered before it was proxied) take
        // no call: they drain, and leave once empty, and the fleet grows without them.
        let (live, unreachable): (Vec<MediaNodeEntry>, Vec<MediaNodeEntry>) =
            live.into_iter().partition(|e| self.settings.reach.admits(&e.registration).is_ok());
        for entry in unreachable.iter().filter(|e| !e.draining) {
            match self.store.set_node_draining(&entry.registration.id, true).await {
                Ok(_) => report.drained.push(entry.registration.id.clone()),
                Err(e) => {
                    tracing::warn!(node = %entry.registration.id, error = %e, "could not drain an unreachable node")
                }
            }
        }
        let records: Vec<NodeRecord> = live.iter().map(MediaNodeEntry::record).collect();
        let loads: Vec<NodeLoad<'_>> =
            records.iter().zip(&live).map(|(node, e)| NodeLoad { node, idle_since: e.idle_since }).collect();
        let composing = self.composition_demand().await;
        report.compositions_pending = !composing.is_empty();
        let decision = scale(&loads, &composing, &self.settings.policy, &self.settings.scale, now);
        for (region, nodes) in &decision.desired {
            if let Err(e) = self.scaler.grow_to(region, *nodes).await {
                tracing::warn!(%region, nodes, error = %e, "could not change the fleet's size");
            }
        }
        for id in &decision.drain {
            match self.store.set_node_draining(id, true).await {
                Ok(true) => {
                    tracing::info!(node = %id, "idle beyond the quiet period: draining");
                    report.drained.push(id.clone());
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(node = %id, error = %e, "could not mark an idle node draining"),
            }
        }
        report.desired = decision.desired;
        report.nodes = records.len();
        report.participants = records.iter().map(|r| u64::from(r.reserved)).sum();
        // The deployment's monitoring counts nodes and participants from this line (cdk/lib/monitoring.ts).
        tracing::info!(
            nodes = report.nodes,
            participants = report.participants,
            compositions_pending = u8::from(report.compositions_pending),
            "fleet looked at"
        );
        Ok(report)
    }
}

//! `peershare dev`: the whole platform in one process on embedded defaults.
//!
//! The HTTP surface is an axum [`Router`]; call rooms run as tokio tasks around the pure
//! `peershare_core::room::Room`. Integration tests start it on port 0 with [`serve`].

pub mod accounts;
pub mod api_error;
pub mod call_socket;
pub mod config;
pub mod fleet;
pub mod media_nodes;
pub mod openapi;
pub mod rooms;
pub mod state;
pub mod status_endpoints;
pub mod telemetry;
pub mod turn_endpoint;
pub mod web_client;

use axum::Router;
use axum::routing::get;
use config::DevConfig;
use fleet::{NodeLaunch, ProcessFleet};
use media_nodes::{
    FleetNodes, IN_PROCESS_NODE_ID, IN_PROCESS_NODE_PATH, InProcessNode, MediaNodeAllocator, NodeControl,
};
use peershare_core::fleet::{FleetPolicy, NodeReach, ScalePolicy};
use peershare_core::media::MediaTokenSigner;
use peershare_core::room::RoomConfig;
use peershare_functions::fleet::{Fleet, FleetSettings};
use peershare_functions::recordings::RecordingFiles;
use peershare_functions::recordings::composer::Composer;
use peershare_functions::rooms::{CallRooms, EdgeRooms};
use peershare_media_node::control_api::{self, ControlState};
use peershare_media_node::token::{MediaTokenKeys, TokenVerifier};
use peershare_media_node::{metrics, udp_host};
use peershare_recording::storage::{LocalStore, Storage};
use rooms::{RoomRegistry, RoomServices};
use state::AppState;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The application's routes over `state`: the functions' API, the call socket and its
/// helpers, the OpenAPI description, the in-process media node's control API and the web
/// client.
pub fn app(state: AppState, media_node: Router) -> Router {
    let calls = Router::new()
        .route("/healthz", get(status_endpoints::healthz))
        .route("/api/turn-credentials", get(turn_endpoint::turn_credentials))
        .route("/api/groups/{id}/call", get(call_socket::call_socket))
        .route("/api/groups/{id}/call/status", get(status_endpoints::call_status))
        .route("/api/openapi.json", get(openapi::serve))
        .route("/api/{*rest}", axum::routing::any(status_endpoints::api_not_found))
        .method_not_allowed_fallback(peershare_functions::api::method_not_allowed)
        .with_state(state.clone());
    Router::new()
        .merge(peershare_functions::api::router(state.api.clone()))
        .merge(calls)
        .nest_service(IN_PROCESS_NODE_PATH, media_node)
        .merge(web_client::router(&state.config.web_dir, &media_origins(&state.config)))
        .layer(TraceLayer::new_for_http())
}

/// Where the pages' media nodes are besides the page's own origin: a local fleet's nodes listen
/// on loopback ports of their own.
fn media_origins(config: &DevConfig) -> Vec<String> {
    if config.fleet.max_nodes > 0 { vec!["http://127.0.0.1:*".to_owned()] } else { Vec::new() }
}

/// Why the platform could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The media node's UDP socket could not be bound.
    #[error("cannot bind the media node's UDP socket {0}: {1}")]
    MediaSocket(std::net::SocketAddr, std::io::Error),
    /// No key for media tokens.
    #[error(transparent)]
    Key(#[from] peershare_media_node::token::KeyError),
    /// Accounts (store, keys) could not start.
    #[error(transparent)]
    Accounts(#[from] accounts::AccountsError),
    /// Recording storage could not be opened.
    #[error("cannot open recording storage: {0}")]
    Recordings(std::io::Error),
    /// Serving HTTP failed.
    #[error("serving HTTP failed: {0}")]
    Serve(std::io::Error),
    /// The media-node binary for `--media-fleet` cannot be found.
    #[error("--media-fleet needs the peershare-media-node binary: give --media-node-bin ({0})")]
    NodeBinary(String),
}

/// The whole application: its public routes, and the operators' routes (the in-process media
/// node's `/health` and `/metrics`) for a private listener.
pub struct Application {
    /// Everything people and browsers reach.
    pub public: Router,
    /// For `--ops-listen` only.
    pub ops: Router,
}

/// Starts the in-process media node and builds the whole application.
pub async fn build(config: DevConfig, bound: std::net::SocketAddr) -> Result<Application, StartError> {
    let capacity = config.media_capacity as usize;
    let recordings = match config.recordings.open().await.map_err(StartError::Recordings)? {
        Some(storage) => storage,
        None => Storage::Folder(Arc::new(
            LocalStore::new(config.data_dir().join("recordings")).map_err(StartError::Recordings)?,
        )),
    };
    let node = udp_host::start(config.media_udp, None, capacity, Some(recordings.shared()))
        .await
        .map_err(|e| StartError::MediaSocket(config.media_udp, e))?;
    metrics::publish(node.clone(), IN_PROCESS_NODE_ID.into());
    // A fresh key per run (media tokens only live for minutes and only this process signs
    // them), unless a Worker in front shares it.
    let keys = match &config.media_signing_key {
        Some(key) => MediaTokenKeys::from_private_key_base64(key)?,
        None => MediaTokenKeys::generate()?,
    };
    let verifier = TokenVerifier::new(&keys.public_key(), IN_PROCESS_NODE_ID)?;
    let node_state = ControlState::new(node.clone(), verifier, IN_PROCESS_NODE_ID, capacity);
    let node_api = control_api::router(node_state.clone());
    let store = accounts::open_store(&config)?;
    let signer: Arc<dyn MediaTokenSigner> = Arc::new(keys.signer());
    // With `--media-fleet`, calls go to node processes this server starts; else to its own node.
    let fleet = match config.fleet.max_nodes {
        0 => None,
        _ => Some(local_fleet(&config, bound, &keys, store.clone())?),
    };
    let media: Arc<dyn MediaNodeAllocator> = match &fleet {
        Some((fleet, _)) => {
            Arc::new(FleetNodes::new(fleet.clone(), NodeControl::new(signer.clone(), own_origin(bound))))
        }
        None => Arc::new(InProcessNode::new(node)),
    };
    let services = RoomServices {
        config: RoomConfig { capacity: config.room_capacity, ..RoomConfig::default() },
        signer,
        media,
        history: Some(store.clone()),
    };
    let rooms = RoomRegistry::new(services);
    // Access changes (and lost media nodes) reach the rooms of this process, or a Worker's in
    // front of it.
    let told: Arc<dyn CallRooms> = match &config.rooms_url {
        Some(origin) => Arc::new(EdgeRooms::new(origin, config.internal_secret.clone())),
        None => Arc::new(rooms.clone()),
    };
    let mut api = accounts::open(&config, bound, store.clone(), told.clone())?;
    if let Some((fleet, processes)) = fleet {
        api.fleet = Some(fleet.clone());
        fleet::watch::spawn(fleet, processes, told);
    }
    // Recordings: downloads through links this server signs (or S3's), composed in-process.
    let files = Arc::new(RecordingFiles::new(recordings, accounts::link_secret(&config.data_dir())?));
    api.recordings = Some(files.clone());
    Composer::new(store, files, config.data_dir().join("composing")).spawn();
    let state = AppState { rooms, config: Arc::new(config), api, turn_quota: Arc::default() };
    Ok(Application { public: app(state, node_api), ops: control_api::ops_router(node_state) })
}

/// Where this server's own routes are reached from this machine (the fleet's registry, and the
/// proxy to its nodes).
fn own_origin(bound: std::net::SocketAddr) -> String {
    let ip = if bound.ip().is_unspecified() { std::net::Ipv4Addr::LOCALHOST.into() } else { bound.ip() };
    format!("http://{}", std::net::SocketAddr::new(ip, bound.port()))
}

/// The local fleet: node processes (the scaler) and the fleet over the store's registry.
fn local_fleet(
    config: &DevConfig,
    bound: std::net::SocketAddr,
    keys: &MediaTokenKeys,
    store: Arc<dyn peershare_functions::store::Store>,
) -> Result<(Arc<Fleet>, Arc<ProcessFleet>), StartError> {
    let binary = match &config.fleet.node_binary {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .map(|exe| exe.with_file_name("peershare-media-node"))
            .map_err(|e| StartError::NodeBinary(e.to_string()))?,
    };
    if !binary.is_file() {
        return Err(StartError::NodeBinary(format!("{} does not exist", binary.display())));
    }
    let recording_args = match &config.recordings.recordings_bucket {
        Some(bucket) => {
            let mut args = vec!["--recordings-bucket".to_owned(), bucket.clone()];
            if let Some(endpoint) = &config.recordings.s3_endpoint {
                args.extend(["--s3-endpoint".to_owned(), endpoint.clone()]);
            }
            args
        }
        None => {
            let dir = config
                .recordings
                .recordings_dir
                .clone()
                .unwrap_or_else(|| config.data_dir().join("recordings"));
            vec!["--recordings-dir".to_owned(), dir.display().to_string()]
        }
    };
    let launch = NodeLaunch {
        binary,
        registry_url: own_origin(bound),
        secret: format!("{:032x}", rand::random::<u128>()),
        public_key: keys.public_key(),
        capacity: config.media_capacity,
        recording_args,
        tls_self_signed: config.fleet.proxy,
    };
    let heartbeat = std::time::Duration::from_millis(config.fleet.heartbeat_ms);
    let settings = FleetSettings {
        policy: FleetPolicy { heartbeat_interval: heartbeat, ..FleetPolicy::default() },
        scale: ScalePolicy {
            node_capacity: config.media_capacity,
            warm_minimum: [("local".to_owned(), config.fleet.warm_nodes)].into(),
            quiet_period: std::time::Duration::from_secs(config.fleet.quiet_secs),
        },
        node_secret: launch.secret.clone(),
        default_region: "local".to_owned(),
        retry_after: std::time::Duration::from_secs(1),
        tick_every: heartbeat,
        reach: NodeReach::proxied_if(config.fleet.proxy),
        // This server composes recordings itself.
        composers_on_nodes: false,
    };
    let processes = Arc::new(ProcessFleet::new(launch, config.fleet.max_nodes));
    let fleet = Arc::new(Fleet::new(store, processes.clone(), settings));
    Ok((fleet, processes))
}

/// Serves the platform on `listener` (and the operators' routes on `--ops-listen`) until
/// `shutdown` resolves.
pub async fn serve(
    config: DevConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let bound = listener.local_addr().map_err(StartError::Serve)?;
    let limits = config.http.limits();
    let ops_listen = config.ops_listen;
    let application = build(config, bound).await?;
    if let Some(addr) = ops_listen {
        let ops = TcpListener::bind(addr).await.map_err(StartError::Serve)?;
        tokio::spawn(peershare_listener::serve(ops, application.ops, limits, std::future::pending()));
    }
    peershare_listener::serve(listener, application.public, limits, shutdown).await.map_err(StartError::Serve)
}

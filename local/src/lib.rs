//! `peershare dev`: the whole platform in one process on embedded defaults.
//!
//! The HTTP surface is an axum [`Router`]; call rooms run as tokio tasks around the pure
//! `peershare_core::room::Room`. Integration tests start it on port 0 with [`serve`].

pub mod api_error;
pub mod call_socket;
pub mod config;
pub mod rooms;
pub mod state;
pub mod status_endpoints;
pub mod telemetry;
pub mod turn_endpoint;
pub mod web_client;

use axum::Router;
use axum::routing::get;
use config::DevConfig;
use peershare_core::room::RoomConfig;
use rooms::RoomRegistry;
use state::AppState;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

/// The application's routes over `state`.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/turn-credentials", get(turn_endpoint::turn_credentials))
        .route("/groups/{id}/call", get(call_socket::call_socket))
        .route("/groups/{id}/call/status", get(status_endpoints::call_status))
        .fallback(status_endpoints::api_not_found);
    Router::new()
        .route("/healthz", get(status_endpoints::healthz))
        .nest("/api", api)
        .merge(web_client::router(&state.config.web_dir))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// State for `config`.
pub fn state(config: DevConfig) -> AppState {
    let room_config = RoomConfig { capacity: config.room_capacity, ..RoomConfig::default() };
    AppState { rooms: RoomRegistry::new(room_config), config: Arc::new(config) }
}

/// Serves the platform on `listener` until `shutdown` resolves.
pub async fn serve(
    config: DevConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state(config))).with_graceful_shutdown(shutdown).await
}

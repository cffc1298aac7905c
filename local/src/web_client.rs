//! Serves the built web client, with `index.html` for every client-side route.

use crate::api_error::ApiError;
use axum::Router;
use axum::response::IntoResponse;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// A router serving `dir`, or explaining how to build it when it is missing.
pub fn router<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    let index = dir.join("index.html");
    if !index.is_file() {
        tracing::warn!(dir = %dir.display(), "web client not built; `cargo xtask dev` builds it");
        return Router::new().fallback(|| async { ApiError::WebClientMissing.into_response() });
    }
    Router::new().fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
}

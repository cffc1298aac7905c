//! Serves the built web client: its files as they are, `index.html` for the app's own paths
//! (no extension), 404 for a missing file, and core's page headers on every answer.

use crate::api_error::ApiError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use peershare_core::web_headers::page_headers;
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// A router serving `dir`, or explaining how to build it when it is missing; its pages may
/// reach media nodes at `media_origins` besides their own origin.
pub fn router<S: Clone + Send + Sync + 'static>(dir: &Path, media_origins: &[String]) -> Router<S> {
    let index = dir.join("index.html");
    let router = if index.is_file() {
        let app_pages = Router::new().fallback(app_page).with_state(index);
        Router::new().fallback_service(ServeDir::new(dir).fallback(app_pages))
    } else {
        tracing::warn!(dir = %dir.display(), "web client not built; `cargo xtask dev` builds it");
        Router::new().fallback(|| async { ApiError::WebClientMissing.into_response() })
    };
    // The in-process media node is on the page's own origin (`/media`); fleet nodes are not.
    page_headers(media_origins).into_iter().fold(router, |router, (name, value)| match HeaderValue::from_str(
        &value,
    ) {
        Ok(value) => router.layer(SetResponseHeaderLayer::overriding(HeaderName::from_static(name), value)),
        Err(_) => router,
    })
}

/// `index.html` for a path of the app (its router shows the page); 404 for a file that is not
/// there, rather than the page in its place (a missing script would otherwise "load" as HTML).
async fn app_page(State(index): State<PathBuf>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    if path.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        return ApiError::FileNotFound(path).into_response();
    }
    match ServeFile::new(index).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

//! The web client, from the assets binding: files as they are, `index.html` for the app's own
//! paths, 404 for a missing file, core's page headers on every answer. Cloudflare's assets binding types its answers itself; workerd's disk service (local
//! runs and tests) answers every file as `application/octet-stream`, so an answer without a
//! better type gets the one its extension names (the browser test through workerd loads the
//! page and its module script this way).

use crate::config::EdgeConfig;
use crate::error::EdgeError;
use worker::{Env, Request, Response};

/// The binding of the built web client (wrangler.toml's `[assets]`).
const ASSETS_BINDING: &str = "ASSETS";

/// The type that says nothing about a file.
const GENERIC: &str = "application/octet-stream";

/// Serves `req` from the web client.
pub async fn serve(req: Request, env: &Env) -> Result<Response, EdgeError> {
    let url = req.url()?;
    let last = url.path().rsplit('/').next().unwrap_or_default().to_owned();
    let assets = env.assets(ASSETS_BINDING)?;
    let (response, file) = if last.contains('.') {
        (assets.fetch_request(req).await?, last)
    } else {
        let mut index = url.clone();
        index.set_path("/index.html");
        index.set_query(None);
        (assets.fetch(index.to_string(), None).await?, "index.html".to_owned())
    };
    if response.status_code() == 404 {
        return Err(EdgeError::FileNotFound(url.path().to_owned()));
    }
    let headers = response.headers().clone();
    // Only files found get their type; an answer already typed keeps it.
    let typed = headers.get("content-type")?.filter(|t| t != GENERIC);
    if typed.is_none() && (200..300).contains(&response.status_code()) {
        headers.set("content-type", content_type(&file))?;
    }
    let config = EdgeConfig::get(env)?;
    for (name, value) in &config.page_headers {
        headers.set(name, value)?;
    }
    Ok(response.with_headers(headers))
}

/// The media type of a file of the web client's build, by its extension.
fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).as_deref() {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("webp") => "image/webp",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        Some("wasm") => "application/wasm",
        _ => GENERIC,
    }
}

//! PeerShare's Cloudflare Worker: the browser's one origin. It checks call passes at the edge
//! (public keys only, core's rules), hands out TURN credentials, hosts each active call's room
//! in a [`room::CallRoom`] Durable Object (core's room state machine, WebSocket Hibernation),
//! proxies every other `/api/*` request to the API origin, and serves the web client.

mod assets;
mod clock;
mod config;
mod crypto;
mod error;
mod gate;
// The Durable Object macro generates undocumented glue.
#[allow(missing_docs)]
mod room;
mod routes;

pub use room::CallRoom;

use worker::{Context, Env, Request, Response, Result, event};

/// Every request to the Worker.
#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    routes::handle(req, &env).await
}

/// A fresh id: `prefix`, a dash and 16 hex digits from the runtime's random numbers.
fn random_id(prefix: &str) -> String {
    format!("{prefix}-{:016x}", (js_sys::Math::random() * u64::MAX as f64) as u64)
}

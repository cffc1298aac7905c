//! The signaling conformance suite on the Worker: its call rooms are Durable Objects in
//! workerd (the real Workers runtime), in front of a `peershare dev` as the API origin that
//! issues call passes. Needs the built Worker (`cargo xtask edge`).

mod support;
#[macro_use]
mod conformance;

use conformance::HostOptions;
use support::workerd::Workerd;
use support::{Server, config, start};

async fn edge(options: HostOptions) -> Server {
    let api = start(config(&[])).await;
    let jwks = reqwest::get(api.url("/api/auth/keys")).await.expect("keys").text().await.expect("text");
    let mut bindings = vec![("API_ORIGIN", format!("http://{}", api.addr)), ("SESSION_JWKS", jwks)];
    if let Some(capacity) = options.room_capacity {
        bindings.push(("ROOM_CAPACITY", capacity.to_string()));
    }
    let workerd = Workerd::start(&bindings).await;
    Server::fronting(workerd.addr, vec![Box::new(workerd), Box::new(api)])
}

conformance_suite!(edge);

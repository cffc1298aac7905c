//! The signaling conformance suite on `peershare dev` (in-process, real sockets).

mod support;
#[macro_use]
mod conformance;

use conformance::HostOptions;
use support::{Server, config, start};

async fn local(options: HostOptions) -> Server {
    let capacity = options.room_capacity.map(|c| c.to_string());
    let mut args = Vec::new();
    if let Some(capacity) = &capacity {
        args.extend(["--room-capacity", capacity.as_str()]);
    }
    start(config(&args)).await
}

conformance_suite!(local);

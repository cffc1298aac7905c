//! Every HTTP listener of PeerShare's own servers (`peershare dev`, the media node's control
//! API) serves through [`serve`]: hyper's HTTP/1 with a time limit on each request's headers
//! that is also the limit on an idle connection between requests, tower-http's limits on a
//! request's body and on the answer, and a cap on the connections one address holds open
//! (a WebSocket counts until it closes). A client sending a byte at a time, or opening
//! connections and never using them, costs the server a bounded amount for a bounded time.
//! [`serve_with`] does the same over TLS ([`Tls`]), its handshake held to the header limit.

mod connection_cap;
mod tls;

pub use connection_cap::{ConnectionCap, Counted};
pub use tls::{Tls, TlsError};

use axum::Router;
use axum::http::StatusCode;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

/// How long clients may take, and how much one address may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// To send a request's headers, and to start the next request on a kept-alive connection.
    pub headers: Duration,
    /// To send a request's body.
    pub body: Duration,
    /// For the server to answer (a WebSocket's answer is its upgrade, so its life is not
    /// limited by this).
    pub answer: Duration,
    /// Connections one IP address may hold open at once.
    pub connections_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            headers: Duration::from_secs(10),
            body: Duration::from_secs(30),
            answer: Duration::from_secs(30),
            // A browser opens a few connections per tab; a household or an office behind one
            // address opens a few dozen tabs.
            connections_per_address: 256,
        }
    }
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves (connections open
/// then are left to finish).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, limits, None, shutdown).await
}

/// [`serve`], over TLS when `tls` is given: the handshake, like a request's headers, must
/// finish within `limits.headers`.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router
        .layer(RequestBodyTimeoutLayer::new(limits.body))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.answer));
    let cap = ConnectionCap::new(limits.connections_per_address);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: let some connections close.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let Some(slot) = cap.admit(peer.ip()) else {
            tracing::warn!(%peer, limit = limits.connections_per_address, "too many connections from one address");
            tokio::spawn(refuse(stream));
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let headers = limits.headers;
        let tls = tls.clone();
        tokio::spawn(async move {
            let stream = Counted::new(stream, slot);
            let Some(tls) = tls else {
                return serve_connection(stream, service, headers, peer).await;
            };
            match tokio::time::timeout(headers, tls.acceptor().accept(stream)).await {
                Ok(Ok(stream)) => serve_connection(stream, service, headers, peer).await,
                Ok(Err(error)) => tracing::debug!(%peer, %error, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake not finished in time"),
            }
        });
    }
}

/// HTTP/1 (and its upgrades) on one accepted connection, plain or TLS.
async fn serve_connection<S>(
    stream: S,
    service: TowerToHyperService<Router>,
    headers: Duration,
    peer: std::net::SocketAddr,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(headers)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    if let Err(error) = connection.await {
        tracing::debug!(%peer, %error, "connection ended with an error");
    }
}

/// Answers a connection over the cap with 429 and closes it, without reading its request.
async fn refuse(mut stream: TcpStream) {
    let body = serde_json::json!({
        "error": "too_many_connections",
        "message": "too many open connections from your address; close some and try again",
    })
    .to_string();
    let response = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\nretry-after: 5\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.write_all(response.as_bytes())).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), stream.shutdown()).await;
}

/// The limits as command-line flags (each with an environment variable), for a binary's
/// configuration struct to flatten in.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Seconds a client may take to send a request's headers, and to start its next request on
    /// a kept-alive connection.
    #[arg(long, env = "PEERSHARE_HTTP_HEADER_TIMEOUT_SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub http_header_timeout_secs: u64,
    /// Seconds a client may take to send a request's body.
    #[arg(long, env = "PEERSHARE_HTTP_BODY_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub http_body_timeout_secs: u64,
    /// Seconds the server may take to answer before it answers 408.
    #[arg(long, env = "PEERSHARE_HTTP_ANSWER_TIMEOUT_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub http_answer_timeout_secs: u64,
    /// Connections one IP address may hold open at once (WebSockets included).
    #[arg(long, env = "PEERSHARE_MAX_CONNECTIONS_PER_IP", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections_per_ip: u64,
}

impl LimitArgs {
    /// The limits these flags say.
    pub fn limits(&self) -> Limits {
        Limits {
            headers: Duration::from_secs(self.http_header_timeout_secs),
            body: Duration::from_secs(self.http_body_timeout_secs),
            answer: Duration::from_secs(self.http_answer_timeout_secs),
            connections_per_address: usize::try_from(self.max_connections_per_ip).unwrap_or(usize::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        limits: LimitArgs,
    }

    #[test]
    fn the_flags_default_to_the_default_limits() {
        let cli = Cli::try_parse_from(["x"]).expect("parses");
        assert_eq!(cli.limits.limits(), Limits::default());
        let cli =
            Cli::try_parse_from(["x", "--max-connections-per-ip", "5000", "--http-header-timeout-secs", "3"])
                .expect("parses");
        assert_eq!(cli.limits.limits().connections_per_address, 5000);
        assert_eq!(cli.limits.limits().headers, Duration::from_secs(3));
        assert!(Cli::try_parse_from(["x", "--http-header-timeout-secs", "0"]).is_err());
    }
}

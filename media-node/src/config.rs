//! `peershare-media-node` command line and environment: one typed struct.

use std::net::{IpAddr, SocketAddr};

/// A PeerShare media node (SFU).
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "peershare-media-node", version, about)]
pub struct NodeConfig {
    /// UDP address for media (one socket for every participant).
    #[arg(long, env = "PEERSHARE_MEDIA_UDP", default_value = "0.0.0.0:50000")]
    pub udp: SocketAddr,

    /// IP address put in the node's ICE candidate: the public IP browsers reach. Defaults to
    /// the UDP bind address, which must then not be unspecified.
    #[arg(long, env = "PEERSHARE_MEDIA_PUBLIC_IP")]
    pub public_ip: Option<IpAddr>,

    /// Address of the control API (HTTP).
    #[arg(long, env = "PEERSHARE_MEDIA_HTTP", default_value = "0.0.0.0:8090")]
    pub http: SocketAddr,

    /// Private address of `/health` and `/metrics` (HTTP): loopback, or an address only the
    /// operator's network reaches.
    #[arg(long, env = "PEERSHARE_MEDIA_OPS_LISTEN", default_value = "127.0.0.1:9091")]
    pub ops_listen: SocketAddr,

    /// This node's id; media tokens must name it as their audience.
    #[arg(long, env = "PEERSHARE_MEDIA_NODE_ID")]
    pub node_id: String,

    /// Public key that signs media tokens: base64url of the 32-byte Ed25519 key (JWK `x`).
    #[arg(long, env = "PEERSHARE_MEDIA_PUBLIC_KEY")]
    pub public_key: String,

    /// Most participants across all calls.
    #[arg(long, env = "PEERSHARE_MEDIA_CAPACITY", default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub capacity: u32,

    /// Log lines as JSON objects.
    #[arg(long, env = "PEERSHARE_LOG_JSON")]
    pub log_json: bool,

    /// Time limits and the per-address connection cap of the control API's listener.
    #[command(flatten)]
    pub http_limits: peershare_listener::LimitArgs,

    /// Where recordings go; a node without it refuses to record.
    #[command(flatten)]
    pub recordings: peershare_recording::storage::StorageArgs,
}

/// A configuration that cannot work.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// Browsers cannot send to 0.0.0.0.
    #[error("--udp binds {0}, which browsers cannot reach: give --public-ip")]
    NoPublicIp(IpAddr),
}

impl NodeConfig {
    /// Checks what clap cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.public_ip.is_none() && self.udp.ip().is_unspecified() {
            return Err(ConfigError::NoPublicIp(self.udp.ip()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn an_unspecified_bind_needs_a_public_ip() {
        let base = ["node", "--node-id", "n1", "--public-key", "k"];
        let c = NodeConfig::try_parse_from(base).expect("parses");
        assert_eq!(c.validate(), Err(ConfigError::NoPublicIp("0.0.0.0".parse().expect("ip"))));
        let c =
            NodeConfig::try_parse_from(base.iter().chain(&["--public-ip", "203.0.113.7"])).expect("parses");
        assert_eq!(c.validate(), Ok(()));
        assert!(NodeConfig::try_parse_from(["node"]).is_err(), "node id and key are required");
    }
}

//! `peershare-media-node` command line and environment: one typed struct.

use crate::registration::RegistryArgs;
use peershare_core::fleet::{NodeRegistration, RegistrationError, certificate_pin};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

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

    /// Address of the control API (HTTP, or HTTPS with `--tls-cert`).
    #[arg(long, env = "PEERSHARE_MEDIA_HTTP", default_value = "0.0.0.0:8090")]
    pub http: SocketAddr,

    /// PEM file of the control API's certificate chain (the node's first): with `--tls-key`, the
    /// control API speaks HTTPS, which browsers on an HTTPS site need to reach it.
    #[arg(long, env = "PEERSHARE_MEDIA_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM file of that certificate's private key.
    #[arg(long, env = "PEERSHARE_MEDIA_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve the control API over HTTPS with a certificate made at start (its key never leaves
    /// the process) and register its SHA-256, for a fleet whose API reaches its nodes through
    /// a proxy pinned to it (the API's `--fleet-proxy`).
    #[arg(long, env = "PEERSHARE_MEDIA_TLS_SELF_SIGNED", conflicts_with = "tls_cert")]
    pub tls_self_signed: bool,

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

    /// The fleet registry this node joins, if any.
    #[command(flatten)]
    pub registry: RegistryArgs,
}

/// The control API's TLS: the certificate served, and its pin when the node made it.
#[derive(Debug, Clone)]
pub struct ControlTls {
    /// What the listener serves.
    pub tls: peershare_listener::Tls,
    /// SHA-256 of a self-signed certificate (registered with the fleet).
    pub pin: Option<String>,
}

/// How the node joins the fleet: the registry's URL, the fleet secret, and what it registers.
#[derive(Debug, Clone)]
pub struct FleetMembership {
    /// The registry's base URL.
    pub registry_url: String,
    /// The fleet's shared secret.
    pub secret: String,
    /// What the node registers as.
    pub registration: NodeRegistration,
}

/// A configuration that cannot work.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// Browsers cannot send to 0.0.0.0.
    #[error("--udp binds {0}, which browsers cannot reach: give --public-ip")]
    NoPublicIp(IpAddr),
    /// A registry without the secret to present to it.
    #[error("--registry-url needs --fleet-secret (PEERSHARE_FLEET_SECRET)")]
    NoFleetSecret,
    /// What the node would register is not valid.
    #[error("this node cannot register: {0}")]
    Registration(#[from] RegistrationError),
}

impl NodeConfig {
    /// Checks what clap cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.public_ip.is_none() && self.udp.ip().is_unspecified() {
            return Err(ConfigError::NoPublicIp(self.udp.ip()));
        }
        Ok(())
    }

    /// The control API's certificate and key, when given or made (`--tls-self-signed`).
    pub fn tls(&self) -> Result<Option<ControlTls>, peershare_listener::TlsError> {
        if self.tls_self_signed {
            let names =
                vec![self.node_id.clone(), self.public_ip.unwrap_or_else(|| self.udp.ip()).to_string()];
            let (tls, der) = peershare_listener::Tls::self_signed(names)?;
            return Ok(Some(ControlTls { tls, pin: Some(certificate_pin(&der)) }));
        }
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => {
                Ok(Some(ControlTls { tls: peershare_listener::Tls::from_pem_files(cert, key)?, pin: None }))
            }
            _ => Ok(None),
        }
    }

    /// The control API's scheme: `https` with a certificate.
    pub fn control_scheme(&self) -> &'static str {
        if self.tls_cert.is_some() || self.tls_self_signed { "https" } else { "http" }
    }

    /// How this node joins the fleet, when a registry is configured; its control API listens
    /// on `http` (the port of the default URLs) with the certificate `pin` registers, if any.
    pub fn fleet_membership(
        &self,
        http: SocketAddr,
        pin: Option<&str>,
    ) -> Result<Option<FleetMembership>, ConfigError> {
        let Some(registry_url) = self.registry.url.clone() else { return Ok(None) };
        let secret =
            self.registry.secret.clone().filter(|s| !s.is_empty()).ok_or(ConfigError::NoFleetSecret)?;
        let host = self.public_ip.unwrap_or_else(|| self.udp.ip());
        let host = match host {
            IpAddr::V6(v6) => format!("[{v6}]"),
            IpAddr::V4(v4) => v4.to_string(),
        };
        let public_url = self
            .registry
            .public_url
            .clone()
            .unwrap_or_else(|| format!("{}://{host}:{}", self.control_scheme(), http.port()));
        let control_url = self.registry.control_url.clone().unwrap_or_else(|| public_url.clone());
        let registration = NodeRegistration {
            id: self.node_id.clone(),
            region: self.registry.region.clone(),
            public_url,
            control_url,
            capacity: self.capacity,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            tls_sha256: pin.map(str::to_owned),
        };
        registration.check()?;
        Ok(Some(FleetMembership { registry_url, secret, registration }))
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

    #[test]
    fn a_node_joins_a_fleet_only_with_a_registry_and_its_secret() {
        let http: SocketAddr = "0.0.0.0:8090".parse().expect("addr");
        let base = ["node", "--node-id", "n1", "--public-key", "k", "--public-ip", "203.0.113.7"];
        let alone = NodeConfig::try_parse_from(base).expect("parses");
        assert!(alone.fleet_membership(http, None).expect("valid").is_none());
        let with = |extra: &[&str]| {
            NodeConfig::try_parse_from(base.iter().chain(extra)).expect("parses").fleet_membership(http, None)
        };
        assert!(matches!(with(&["--registry-url", "http://api"]), Err(ConfigError::NoFleetSecret)));
        let joined = with(&["--registry-url", "http://api", "--fleet-secret", "s", "--region", "eu-west-1"])
            .expect("valid")
            .expect("joins");
        assert_eq!(joined.registration.public_url, "http://203.0.113.7:8090");
        assert_eq!(joined.registration.control_url, "http://203.0.113.7:8090");
        assert_eq!(joined.registration.region, "eu-west-1");
        assert_eq!(joined.registration.capacity, 500);
        let bad = with(&["--registry-url", "http://api", "--fleet-secret", "s", "--region", "eu west"]);
        assert!(matches!(bad, Err(ConfigError::Registration(RegistrationError::Region))));
        let tls = with(&[
            "--registry-url",
            "http://api",
            "--fleet-secret",
            "s",
            "--tls-cert",
            "/etc/node.pem",
            "--tls-key",
            "/etc/node.key",
        ])
        .expect("valid")
        .expect("joins");
        assert_eq!(
            tls.registration.public_url, "https://203.0.113.7:8090",
            "a node with a certificate registers https"
        );
    }

    #[test]
    fn a_certificate_needs_its_key_and_the_key_its_certificate() {
        let base = ["node", "--node-id", "n1", "--public-key", "k", "--public-ip", "203.0.113.7"];
        for extra in [["--tls-cert", "/etc/node.pem"], ["--tls-key", "/etc/node.key"]] {
            let refused = NodeConfig::try_parse_from(base.iter().chain(&extra)).expect_err("refused");
            assert_eq!(refused.kind(), clap::error::ErrorKind::MissingRequiredArgument, "{extra:?}");
        }
        let plain = NodeConfig::try_parse_from(base).expect("parses");
        assert!(plain.tls().expect("none").is_none());
        assert_eq!(plain.control_scheme(), "http");
    }

    #[test]
    fn a_self_signed_node_registers_https_and_the_pin_of_the_certificate_it_serves() {
        let base = ["node", "--node-id", "n1", "--public-key", "k", "--public-ip", "203.0.113.7"];
        let c = NodeConfig::try_parse_from(base.iter().chain(&["--tls-self-signed"])).expect("parses");
        assert_eq!(c.control_scheme(), "https");
        let made = c.tls().expect("makes a certificate").expect("serves TLS");
        let pin = made.pin.expect("a made certificate is pinned");
        let again = c.tls().expect("makes another").expect("serves TLS").pin.expect("pinned");
        assert_ne!(pin, again, "every start makes a new key");
        let joined = NodeConfig::try_parse_from(base.iter().chain(&[
            "--tls-self-signed",
            "--registry-url",
            "http://api",
            "--fleet-secret",
            "s",
        ]))
        .expect("parses")
        .fleet_membership("0.0.0.0:8090".parse().expect("addr"), Some(&pin))
        .expect("valid")
        .expect("joins");
        assert_eq!(joined.registration.control_url, "https://203.0.113.7:8090");
        assert_eq!(joined.registration.tls_sha256.as_deref(), Some(pin.as_str()));
        let both = NodeConfig::try_parse_from(base.iter().chain(&[
            "--tls-self-signed",
            "--tls-cert",
            "/c.pem",
            "--tls-key",
            "/k.pem",
        ]));
        assert_eq!(both.expect_err("refused").kind(), clap::error::ErrorKind::ArgumentConflict);
    }
}

//! `peershare` command line and environment: one typed struct, validated once at start.

use clap::{Parser, Subcommand, ValueEnum};
use peershare_core::turn_credentials::IceTransportPolicy;
use peershare_functions::oauth::OAuthArgs;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// PeerShare: group video calls.
#[derive(Debug, Parser)]
#[command(name = "peershare", version, about)]
pub struct Cli {
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands of `peershare`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole platform in this process on embedded defaults.
    Dev(Box<DevConfig>),
    /// Create or update the embedded store's schema in the data directory, then exit.
    Migrate(MigrateConfig),
}

/// Configuration of `peershare migrate`.
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateConfig {
    /// Folder holding the SQLite database (default: `$XDG_DATA_HOME/peershare`, or
    /// `~/.local/share/peershare`).
    #[arg(long, env = "PEERSHARE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Configuration of `peershare dev`.
#[derive(Debug, Clone, clap::Args)]
pub struct DevConfig {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "PEERSHARE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Folder holding the built web client (index.html and assets).
    #[arg(long, env = "PEERSHARE_WEB_DIR", default_value = default_web_dir())]
    pub web_dir: PathBuf,

    /// TURN server URLs handed to browsers, comma-separated (e.g. `turn:turn.example.com:3478?transport=udp`).
    #[arg(long, env = "PEERSHARE_TURN_URLS", value_delimiter = ',')]
    pub turn_urls: Vec<String>,

    /// Shared secret of the TURN server (coturn `static-auth-secret`).
    #[arg(long, env = "PEERSHARE_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,

    /// Lifetime of issued TURN credentials, in seconds.
    #[arg(long, env = "PEERSHARE_TURN_TTL_SECS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(10..=86_400))]
    pub turn_ttl_secs: u64,

    /// ICE transport policy for browsers: `relay` forces every call through TURN.
    #[arg(long, env = "PEERSHARE_ICE_TRANSPORT_POLICY", value_enum, default_value_t = PolicyArg::All)]
    pub ice_transport_policy: PolicyArg,

    /// Most participants per call.
    #[arg(long, env = "PEERSHARE_ROOM_CAPACITY", default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub room_capacity: u32,

    /// UDP address of the in-process media node, which carries calls of three or more.
    #[arg(long, env = "PEERSHARE_MEDIA_UDP", default_value = "127.0.0.1:0")]
    pub media_udp: SocketAddr,

    /// Most participants the in-process media node carries across all calls.
    #[arg(long, env = "PEERSHARE_MEDIA_CAPACITY", default_value_t = 200, value_parser = clap::value_parser!(u32).range(3..=100_000))]
    pub media_capacity: u32,

    /// Log format.
    #[arg(long, env = "PEERSHARE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty)]
    pub log_format: LogFormat,

    /// Folder for the SQLite database and the session signing key (default:
    /// `$XDG_DATA_HOME/peershare`, or `~/.local/share/peershare`).
    #[arg(long, env = "PEERSHARE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// This site's public URL, for OAuth redirect URIs (default `http://<listen address>`).
    #[arg(long, env = "PEERSHARE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Sign-in providers.
    #[command(flatten)]
    pub oauth: OAuthArgs,

    /// Time limits and the per-address connection cap of the HTTP listener.
    #[command(flatten)]
    pub http: peershare_listener::LimitArgs,

    /// Where recordings go (default: the `recordings` folder of the data folder).
    #[command(flatten)]
    pub recordings: peershare_recording::storage::StorageArgs,

    /// The secret a Worker in front of this server presents to deliver its calls' history
    /// (its `INTERNAL_SECRET`); none: no Worker may.
    #[arg(long, env = "PEERSHARE_INTERNAL_SECRET", hide_env_values = true)]
    pub internal_secret: Option<String>,

    /// The origin of a Worker in front of this server whose rooms host the calls: access
    /// changes (a member removed, guests switched off) are told to it, with the internal
    /// secret, instead of to this process's rooms.
    #[arg(long, env = "PEERSHARE_ROOMS_URL")]
    pub rooms_url: Option<String>,

    /// Private address for the in-process media node's `/health` and `/metrics` (none: not
    /// served; never on the public listener).
    #[arg(long, env = "PEERSHARE_OPS_LISTEN")]
    pub ops_listen: Option<SocketAddr>,

    /// The private key media tokens are signed with (base64 of an Ed25519 PKCS#8 document),
    /// for a Worker in front of this server that opens call sessions on its nodes (the Worker's
    /// `MEDIA_SIGNING_KEY`); default: a fresh key each run, known to this process only.
    #[arg(long, env = "PEERSHARE_MEDIA_SIGNING_KEY", hide_env_values = true)]
    pub media_signing_key: Option<String>,

    /// Media nodes as a fleet of processes instead of the one in this process.
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// `peershare dev`'s media-node fleet: by default none (one node runs in this process); with
/// `--media-fleet N`, up to N `peershare-media-node` processes, started when group calls need
/// them, registered with this server's registry, drained and stopped when idle.
#[derive(Debug, Clone, clap::Args)]
pub struct FleetArgs {
    /// Most node processes to run (0: the node runs in this process).
    #[arg(long = "media-fleet", env = "PEERSHARE_MEDIA_FLEET", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=64))]
    pub max_nodes: u32,

    /// The `peershare-media-node` binary to start (default: next to this one).
    #[arg(long = "media-node-bin", env = "PEERSHARE_MEDIA_NODE_BIN")]
    pub node_binary: Option<PathBuf>,

    /// Nodes kept running even when idle, for instant group calls.
    #[arg(long = "warm-nodes", env = "PEERSHARE_WARM_NODES", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=64))]
    pub warm_nodes: u32,

    /// Seconds a node stays idle before it drains and stops.
    #[arg(long = "node-quiet-secs", env = "PEERSHARE_NODE_QUIET_SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub quiet_secs: u64,

    /// Browsers and signaling hosts reach the nodes through this server
    /// (`/api/media-nodes/{id}/…`), over TLS pinned to the certificate each node makes itself,
    /// as a deployment behind Cloudflare does; default: at the nodes' own addresses.
    #[arg(long = "media-node-proxy", env = "PEERSHARE_MEDIA_NODE_PROXY")]
    pub proxy: bool,

    /// How often nodes heartbeat (milliseconds); a node missing two is dead.
    #[arg(long = "node-heartbeat-ms", env = "PEERSHARE_NODE_HEARTBEAT_MS", default_value_t = 5_000, value_parser = clap::value_parser!(u64).range(200..=60_000))]
    pub heartbeat_ms: u64,
}

/// The data directory: the given one, or the user's XDG data folder.
pub fn resolve_data_dir(given: Option<&std::path::Path>) -> PathBuf {
    if let Some(dir) = given {
        return dir.to_owned();
    }
    let base = std::env::var_os("XDG_DATA_HOME").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("HOME").map_or_else(|| PathBuf::from("."), |h| PathBuf::from(h).join(".local/share"))
    });
    base.join("peershare")
}

/// `--ice-transport-policy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// Any candidate type.
    All,
    /// TURN relay only.
    Relay,
}

/// `--log-format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// TURN URLs without a secret (or the reverse).
    #[error("--turn-urls and --turn-secret must be given together")]
    TurnHalfConfigured,
    /// `relay` policy without a TURN server: no call could ever connect.
    #[error("--ice-transport-policy relay needs --turn-urls and --turn-secret")]
    RelayWithoutTurn,
    /// A TURN URL with an unknown scheme.
    #[error("TURN URL {0:?} must start with turn:, turns: or stun:")]
    BadTurnUrl(String),
}

fn default_web_dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")
}

impl DevConfig {
    /// Checks combinations clap cannot express.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let has_secret = self.turn_secret.as_deref().is_some_and(|s| !s.is_empty());
        if self.turn_urls.is_empty() == has_secret {
            return Err(ConfigError::TurnHalfConfigured);
        }
        if self.ice_transport_policy == PolicyArg::Relay && self.turn_urls.is_empty() {
            return Err(ConfigError::RelayWithoutTurn);
        }
        if let Some(bad) =
            self.turn_urls.iter().find(|u| !["turn:", "turns:", "stun:"].iter().any(|p| u.starts_with(p)))
        {
            return Err(ConfigError::BadTurnUrl(bad.clone()));
        }
        Ok(())
    }

    /// TURN URLs and secret, when configured.
    pub fn turn(&self) -> Option<(&[String], &str)> {
        match (&self.turn_urls[..], self.turn_secret.as_deref()) {
            ([], _) | (_, None) => None,
            (urls, Some(secret)) => Some((urls, secret)),
        }
    }

    /// Whether signing in by name alone is offered: only while the server listens on loopback
    /// (anyone who can reach a public address could otherwise sign in as anyone) and no OAuth
    /// provider is configured.
    pub fn dev_sign_in_allowed(&self) -> bool {
        self.listen.ip().is_loopback() && self.oauth.providers().is_empty()
    }

    /// The public URL OAuth providers send people back to.
    pub fn public_url(&self, bound: SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}"))
    }

    /// Whether cookies are marked `Secure`: always, except when the public URL is plain
    /// `http://` on a host other than loopback (a LAN address), where browsers would drop them.
    /// Browsers accept `Secure` cookies from `http://localhost` and `http://127.0.0.1`.
    pub fn secure_cookies(&self, bound: SocketAddr) -> bool {
        let url = self.public_url(bound);
        let Some(rest) = url.strip_prefix("http://") else { return true };
        let authority = rest.split('/').next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => authority,
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        host.eq_ignore_ascii_case("localhost")
            || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// Where the database and the session key live.
    pub fn data_dir(&self) -> PathBuf {
        resolve_data_dir(self.data_dir.as_deref())
    }

    /// TURN credential lifetime.
    pub fn turn_ttl(&self) -> Duration {
        Duration::from_secs(self.turn_ttl_secs)
    }

    /// ICE transport policy as the core type.
    pub fn policy(&self) -> IceTransportPolicy {
        match self.ice_transport_policy {
            PolicyArg::All => IceTransportPolicy::All,
            PolicyArg::Relay => IceTransportPolicy::Relay,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> DevConfig {
        let mut full = vec!["peershare", "dev"];
        full.extend_from_slice(args);
        match Cli::try_parse_from(full).expect("parses").command {
            Command::Dev(c) => *c,
            Command::Migrate(_) => unreachable!("parsed dev"),
        }
    }

    #[test]
    fn defaults_are_a_loopback_server_without_turn() {
        let c = parse(&[]);
        assert_eq!(c.listen, "127.0.0.1:8080".parse().expect("addr"));
        assert!(c.turn().is_none());
        assert!(c.validate().is_ok());
        assert!(c.data_dir().ends_with("peershare"));
        assert!(c.dev_sign_in_allowed());
        assert!(!parse(&["--listen", "0.0.0.0:8080"]).dev_sign_in_allowed(), "never on a public address");
        let github = parse(&["--github-client-id", "id", "--github-client-secret", "s"]);
        assert_eq!(github.oauth.providers().len(), 1);
        assert!(!github.dev_sign_in_allowed(), "not once a real provider is configured");
        assert!(parse(&["--github-client-id", "id"]).oauth.providers().is_empty(), "a secret is needed too");
        assert_eq!(parse(&["--data-dir", "/tmp/x"]).data_dir(), PathBuf::from("/tmp/x"));
    }

    #[test]
    fn cookies_are_secure_except_over_plain_http_on_a_lan_address() {
        let bound: SocketAddr = "127.0.0.1:8080".parse().expect("addr");
        assert!(parse(&[]).secure_cookies(bound), "http://127.0.0.1 counts as secure");
        assert!(parse(&["--public-url", "http://localhost:8080"]).secure_cookies(bound));
        assert!(parse(&["--public-url", "http://[::1]:8080/"]).secure_cookies(bound));
        assert!(parse(&["--public-url", "https://calls.example"]).secure_cookies(bound));
        assert!(!parse(&["--public-url", "http://192.168.1.20:8080"]).secure_cookies(bound));
        assert!(!parse(&["--public-url", "http://calls.lan"]).secure_cookies(bound));
        let lan: SocketAddr = "0.0.0.0:8080".parse().expect("addr");
        assert!(
            !parse(&["--listen", "0.0.0.0:8080"]).secure_cookies(lan),
            "the default URL of a LAN listener"
        );
    }

    #[test]
    fn half_configured_turn_is_refused() {
        assert!(matches!(
            parse(&["--turn-urls", "turn:x:3478"]).validate(),
            Err(ConfigError::TurnHalfConfigured)
        ));
        assert!(matches!(parse(&["--turn-secret", "s"]).validate(), Err(ConfigError::TurnHalfConfigured)));
        assert!(matches!(
            parse(&["--ice-transport-policy", "relay"]).validate(),
            Err(ConfigError::TurnHalfConfigured | ConfigError::RelayWithoutTurn)
        ));
        assert!(matches!(
            parse(&["--turn-urls", "http://x", "--turn-secret", "s"]).validate(),
            Err(ConfigError::BadTurnUrl(_))
        ));
    }

    #[test]
    fn turn_urls_are_comma_separated() {
        let c = parse(&["--turn-urls", "turn:a:3478,turns:a:5349", "--turn-secret", "s"]);
        assert!(c.validate().is_ok());
        assert_eq!(c.turn().map(|(u, _)| u.len()), Some(2));
    }
}

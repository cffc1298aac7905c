//! The Lambda function's configuration: environment variables (the function has no command
//! line), read into one typed struct at cold start.

use crate::fleet::{AsgGroups, FleetSettings};
use crate::oauth::{OAuthArgs, OAuthError};
use crate::session::{Jwk, KeyError, SigningKey};
use peershare_core::fleet::{
    FleetPolicy, MAX_NODE_CAPACITY, NodeReach, ScalePolicy, WarmCapacity, valid_region,
};
use std::fmt::Display;
use std::str::FromStr;
use std::time::Duration;

/// Why the function cannot start with its configuration.
#[derive(Debug, thiserror::Error)]
pub enum LambdaConfigError {
    /// The signing key or a retired key is not valid.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// `PEERSHARE_RETIRED_KEYS` is not a JSON array of JWKs.
    #[error("PEERSHARE_RETIRED_KEYS must be a JSON array of Ed25519 JWKs: {0}")]
    RetiredKeys(serde_json::Error),
    /// A provider's configuration is not usable.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// Recording storage could not be opened.
    #[error("cannot open recording storage: {0}")]
    Recordings(std::io::Error),
    /// The media-node fleet's settings do not fit together (the message names the variable).
    #[error("{0}")]
    Fleet(String),
}

/// Configuration of the API function.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "peershare-lambda", about = "PeerShare's API on AWS Lambda")]
pub struct LambdaConfig {
    /// The DynamoDB table (created by the CDK stack from `migrations/dynamodb/table.json`).
    #[arg(long, env = "PEERSHARE_TABLE")]
    pub table: String,

    /// This site's public origin (`https://peershare.example`), for OAuth redirect URIs.
    #[arg(long, env = "PEERSHARE_PUBLIC_URL")]
    pub public_url: String,

    /// The id of the session signing key, named in every token's header.
    #[arg(long, env = "PEERSHARE_SIGNING_KEY_ID")]
    pub signing_key_id: String,

    /// The session signing key: base64 of an Ed25519 PKCS#8 document.
    #[arg(long, env = "PEERSHARE_SIGNING_KEY", hide_env_values = true)]
    pub signing_key: String,

    /// The secret the Worker's rooms present to deliver call history (the Worker's
    /// `INTERNAL_SECRET`); none: the Worker's calls write no history.
    #[arg(long, env = "PEERSHARE_INTERNAL_SECRET", hide_env_values = true)]
    pub internal_secret: Option<String>,

    /// The origin of the Worker whose rooms host the calls, told of access changes with the
    /// internal secret (default: the public URL, where the Worker answers).
    #[arg(long, env = "PEERSHARE_ROOMS_URL")]
    pub rooms_url: Option<String>,

    /// Public keys being retired, as a JSON array of JWKs: tokens they signed still verify.
    #[arg(long, env = "PEERSHARE_RETIRED_KEYS")]
    pub retired_keys: Option<String>,

    /// Sign-in providers.
    #[command(flatten)]
    pub oauth: OAuthArgs,

    /// The recordings' bucket (`PEERSHARE_RECORDINGS_BUCKET`); none: recordings are listed
    /// without download links.
    #[command(flatten)]
    pub recordings: peershare_recording::storage::StorageArgs,

    /// The media-node fleet (`PEERSHARE_FLEET_SECRET`); none: no fleet.
    #[command(flatten)]
    pub fleet: LambdaFleetArgs,
}

const FLEET_SECRET: &str = "PEERSHARE_FLEET_SECRET";
const FLEET_GROUPS: &str = "PEERSHARE_FLEET_GROUPS";
const FLEET_DEFAULT_REGION: &str = "PEERSHARE_FLEET_DEFAULT_REGION";
const FLEET_NODE_CAPACITY: &str = "PEERSHARE_FLEET_NODE_CAPACITY";
const FLEET_TARGET_UTILISATION: &str = "PEERSHARE_FLEET_TARGET_UTILISATION";
const FLEET_HEARTBEAT_MS: &str = "PEERSHARE_FLEET_HEARTBEAT_MS";
const FLEET_QUIET_SECS: &str = "PEERSHARE_FLEET_QUIET_SECS";
const FLEET_WARM_CAPACITY: &str = "PEERSHARE_FLEET_WARM_CAPACITY";

/// Shortest fleet secret taken.
const MIN_SECRET_CHARS: usize = 16;

/// The media-node fleet: EC2 Auto Scaling groups of media nodes, one per region, registered
/// with this API. Enabled by the nodes' secret; without it the fleet's routes answer 404.
#[derive(Debug, Clone, clap::Args)]
pub struct LambdaFleetArgs {
    /// The secret media nodes present to register and heartbeat (the nodes'
    /// `PEERSHARE_FLEET_SECRET`, at least 16 characters); none: no fleet.
    #[arg(long = "fleet-secret", env = "PEERSHARE_FLEET_SECRET", hide_env_values = true)]
    pub secret: Option<String>,

    /// The Auto Scaling group of media nodes in each region: `REGION=GROUP,…`
    /// (`eu-west-1=peershare-nodes-eu,us-east-1=peershare-nodes-us`). Regions are AWS regions:
    /// nodes register with theirs, and each group is reached in its own.
    #[arg(long = "fleet-groups", env = "PEERSHARE_FLEET_GROUPS", value_parser = parse_groups)]
    pub groups: Option<AsgGroups>,

    /// The region of callers who do not say theirs (default: the only region, when there is
    /// one group).
    #[arg(long = "fleet-default-region", env = "PEERSHARE_FLEET_DEFAULT_REGION", value_parser = parse_region)]
    pub default_region: Option<String>,

    /// Participants a new node carries (the nodes' `PEERSHARE_MEDIA_CAPACITY`).
    #[arg(long = "fleet-node-capacity", env = "PEERSHARE_FLEET_NODE_CAPACITY", default_value_t = 500, value_parser = parse_capacity)]
    pub node_capacity: u32,

    /// How full a node is filled before the next one is used, above 0 up to 1.
    #[arg(long = "fleet-target-utilisation", env = "PEERSHARE_FLEET_TARGET_UTILISATION", default_value_t = 0.8, value_parser = parse_utilisation)]
    pub target_utilisation: f64,

    /// How often nodes heartbeat (milliseconds); a node missing two is dead.
    #[arg(long = "fleet-heartbeat-ms", env = "PEERSHARE_FLEET_HEARTBEAT_MS", default_value_t = 5_000, value_parser = parse_heartbeat_ms)]
    pub heartbeat_ms: u64,

    /// Browsers and the Worker reach the nodes through this API (`/api/media-nodes/{id}/…`),
    /// which speaks TLS to each node pinned to the certificate it registered: what a site on
    /// HTTPS behind Cloudflare needs. Nodes must then register with `--tls-self-signed`.
    #[arg(long = "fleet-proxy", env = "PEERSHARE_FLEET_PROXY")]
    pub proxy: bool,

    /// Seconds a node stays idle before it drains and leaves.
    #[arg(long = "fleet-quiet-secs", env = "PEERSHARE_FLEET_QUIET_SECS", default_value_t = 300, value_parser = parse_quiet_secs)]
    pub quiet_secs: u64,

    /// Nodes kept running even when idle, per region and schedule:
    /// `eu-west-1=1,eu-west-1@mon-fri/07-17=3` (UTC; see `peershare_core::fleet::WarmCapacity`).
    #[arg(long = "fleet-warm-capacity", env = "PEERSHARE_FLEET_WARM_CAPACITY", value_parser = parse_warm)]
    pub warm_capacity: Option<WarmCapacity>,
}

/// The fleet as configured: its settings and the group of each region.
#[derive(Debug, Clone)]
pub struct LambdaFleet {
    /// The fleet's settings.
    pub settings: FleetSettings,
    /// The Auto Scaling group of each region.
    pub groups: AsgGroups,
}

impl LambdaFleetArgs {
    /// The fleet, when its secret is set; an error naming the variable when the settings do
    /// not fit together.
    pub fn fleet(&self) -> Result<Option<LambdaFleet>, LambdaConfigError> {
        let Some(secret) = self.secret.as_deref() else { return Ok(None) };
        let refuse = |message: String| Err(LambdaConfigError::Fleet(message));
        if secret.chars().count() < MIN_SECRET_CHARS || secret.trim() != secret {
            return refuse(format!(
                "{FLEET_SECRET} must be at least {MIN_SECRET_CHARS} characters, without surrounding spaces"
            ));
        }
        let groups = self.groups.clone().unwrap_or_default();
        if groups.is_empty() {
            return refuse(format!(
                "{FLEET_GROUPS} must name the Auto Scaling group of at least one region (REGION=GROUP) when {FLEET_SECRET} is set"
            ));
        }
        let default_region = match (&self.default_region, groups.iter().next()) {
            (Some(region), _) => region.clone(),
            (None, Some((only, _))) if groups.iter().count() == 1 => only.to_owned(),
            (None, _) => {
                return refuse(format!(
                    "{FLEET_DEFAULT_REGION} must name one of the regions of {FLEET_GROUPS}"
                ));
            }
        };
        if groups.group(&default_region).is_none() {
            return refuse(format!(
                "{FLEET_DEFAULT_REGION} `{default_region}` has no group in {FLEET_GROUPS} (`{groups}`)"
            ));
        }
        let warm = self.warm_capacity.clone().unwrap_or_default();
        if let Some(region) = warm.regions().into_iter().find(|r| groups.group(r).is_none()) {
            return refuse(format!(
                "{FLEET_WARM_CAPACITY} keeps nodes warm in `{region}`, which has no group in {FLEET_GROUPS} (`{groups}`)"
            ));
        }
        let heartbeat = Duration::from_millis(self.heartbeat_ms);
        let settings = FleetSettings {
            policy: FleetPolicy {
                target_utilisation: self.target_utilisation,
                heartbeat_interval: heartbeat,
            },
            scale: ScalePolicy {
                node_capacity: self.node_capacity,
                warm_minimum: warm,
                quiet_period: Duration::from_secs(self.quiet_secs),
            },
            node_secret: secret.to_owned(),
            default_region,
            // EC2 instances take tens of seconds to boot: rooms ask again every two.
            retry_after: Duration::from_secs(2),
            // Heartbeats look at the fleet at most this often per function instance; the
            // scheduled tick route looks every minute even when no node heartbeats.
            tick_every: heartbeat,
            reach: NodeReach::proxied_if(self.proxy),
            // Set by `LambdaConfig::fleet_settings`, which knows where recordings go.
            composers_on_nodes: false,
        };
        Ok(Some(LambdaFleet { settings, groups }))
    }
}

/// `text` read as a `T` between `min` and `max`; an error naming `var` otherwise.
fn number_in<T: FromStr + PartialOrd + Display>(var: &str, text: &str, min: T, max: T) -> Result<T, String> {
    match text.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("{var} must be a number from {min} to {max}, not `{text}`")),
    }
}

fn parse_groups(text: &str) -> Result<AsgGroups, String> {
    text.parse().map_err(|e| format!("{FLEET_GROUPS}: {e}"))
}

fn parse_region(text: &str) -> Result<String, String> {
    let region = text.trim();
    if !valid_region(region) {
        return Err(format!(
            "{FLEET_DEFAULT_REGION} must be a region (1 to 32 letters, digits or '-'), not `{text}`"
        ));
    }
    Ok(region.to_owned())
}

fn parse_capacity(text: &str) -> Result<u32, String> {
    number_in(FLEET_NODE_CAPACITY, text, 1, MAX_NODE_CAPACITY)
}

fn parse_utilisation(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(u) if u > 0.0 && u <= 1.0 => Ok(u),
        _ => Err(format!("{FLEET_TARGET_UTILISATION} must be a number above 0 up to 1, not `{text}`")),
    }
}

fn parse_heartbeat_ms(text: &str) -> Result<u64, String> {
    number_in(FLEET_HEARTBEAT_MS, text, 200, 60_000)
}

fn parse_quiet_secs(text: &str) -> Result<u64, String> {
    number_in(FLEET_QUIET_SECS, text, 1, 86_400)
}

fn parse_warm(text: &str) -> Result<WarmCapacity, String> {
    text.parse().map_err(|e| format!("{FLEET_WARM_CAPACITY}: {e}"))
}

impl LambdaConfig {
    /// The fleet ([`LambdaFleetArgs::fleet`]); with recordings in a bucket, their composers run
    /// on its nodes (`peershare-composer`), so recordings waiting to be composed keep a node.
    pub fn fleet_settings(&self) -> Result<Option<LambdaFleet>, LambdaConfigError> {
        let mut fleet = self.fleet.fleet()?;
        if let Some(fleet) = &mut fleet {
            fleet.settings.composers_on_nodes = self.recordings.recordings_bucket.is_some();
        }
        Ok(fleet)
    }

    /// Where the call rooms are told of access changes.
    pub fn rooms_url(&self) -> &str {
        self.rooms_url.as_deref().unwrap_or(&self.public_url)
    }

    /// The signing key.
    pub fn signing_key(&self) -> Result<SigningKey, KeyError> {
        SigningKey::from_base64(&self.signing_key_id, &self.signing_key)
    }

    /// The retired public keys.
    pub fn retired_keys(&self) -> Result<Vec<Jwk>, LambdaConfigError> {
        match self.retired_keys.as_deref().map(str::trim) {
            None | Some("") => Ok(Vec::new()),
            Some(json) => serde_json::from_str(json).map_err(LambdaConfigError::RetiredKeys),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(extra: &[&str]) -> Result<LambdaConfig, clap::Error> {
        let key = SigningKey::generate("k1").expect("a key").to_base64();
        let mut args = vec![
            "peershare-lambda",
            "--table",
            "t",
            "--public-url",
            "https://p.example",
            "--signing-key-id",
            "k1",
            "--signing-key",
        ];
        args.push(Box::leak(key.into_boxed_str()));
        args.extend_from_slice(extra);
        LambdaConfig::try_parse_from(args)
    }

    #[test]
    fn a_complete_configuration_yields_its_key_and_no_retired_keys() {
        let config = parse(&[]).expect("parses");
        assert_eq!(config.signing_key().expect("valid").kid(), "k1");
        assert!(config.retired_keys().expect("none").is_empty());
        assert!(config.oauth.providers().is_empty());
    }

    #[test]
    fn retired_keys_are_read_as_jwks_and_garbage_is_refused() {
        let old = SigningKey::generate("k0").expect("a key").public_jwk();
        let json = serde_json::to_string(&[&old]).expect("json");
        assert_eq!(
            parse(&["--retired-keys", &json]).expect("parses").retired_keys().expect("valid"),
            vec![old]
        );
        let bad = parse(&["--retired-keys", "{\"kid\":1}"]).expect("parses");
        assert!(matches!(bad.retired_keys(), Err(LambdaConfigError::RetiredKeys(_))));
    }

    #[test]
    fn a_bad_signing_key_is_named() {
        let mut config = parse(&[]).expect("parses");
        config.signing_key = "not base64!".into();
        let error = config.signing_key().expect_err("refused").to_string();
        assert!(error.contains("base64 of an Ed25519 PKCS#8"), "{error}");
    }

    const SECRET: &str = "fleet-secret-0123456789";

    #[test]
    fn without_its_secret_there_is_no_fleet() {
        let config = parse(&["--fleet-groups", "eu-west-1=nodes-eu"]).expect("parses");
        assert!(config.fleet.fleet().expect("valid").is_none());
        assert!(parse(&[]).expect("parses").fleet.fleet().expect("valid").is_none());
    }

    #[test]
    fn a_fleet_is_read_with_its_defaults() {
        let config =
            parse(&["--fleet-secret", SECRET, "--fleet-groups", "eu-west-1=nodes-eu"]).expect("parses");
        let fleet = config.fleet.fleet().expect("valid").expect("a fleet");
        assert_eq!(fleet.groups.group("eu-west-1"), Some("nodes-eu"));
        let settings = fleet.settings;
        assert_eq!(settings.node_secret, SECRET);
        assert_eq!(settings.default_region, "eu-west-1", "the only region");
        assert_eq!(settings.policy, FleetPolicy::default());
        assert_eq!(settings.scale.node_capacity, 500, "the nodes' default capacity");
        assert_eq!(settings.scale.quiet_period, Duration::from_secs(300));
        assert!(settings.scale.warm_minimum.is_empty());
        assert_eq!(settings.tick_every, Duration::from_secs(5));
    }

    #[test]
    fn every_fleet_setting_is_read() {
        let config = parse(&[
            "--fleet-secret",
            SECRET,
            "--fleet-groups",
            "eu-west-1=nodes-eu,us-east-1=nodes-us",
            "--fleet-default-region",
            "us-east-1",
            "--fleet-node-capacity",
            "200",
            "--fleet-target-utilisation",
            "0.6",
            "--fleet-heartbeat-ms",
            "2000",
            "--fleet-quiet-secs",
            "900",
            "--fleet-warm-capacity",
            "eu-west-1=1,us-east-1@mon-fri/13-21=2",
        ])
        .expect("parses");
        let fleet = config.fleet.fleet().expect("valid").expect("a fleet");
        let settings = fleet.settings;
        assert_eq!(settings.default_region, "us-east-1");
        assert_eq!(
            settings.policy,
            FleetPolicy { target_utilisation: 0.6, heartbeat_interval: Duration::from_secs(2) }
        );
        assert_eq!(settings.scale.node_capacity, 200);
        assert_eq!(settings.scale.quiet_period, Duration::from_secs(900));
        assert_eq!(settings.scale.warm_minimum.to_string(), "eu-west-1=1,us-east-1@mon-fri/13-21=2");
        assert_eq!(fleet.groups.to_string(), "eu-west-1=nodes-eu,us-east-1=nodes-us");
    }

    #[test]
    fn garbage_in_a_fleet_setting_is_refused_naming_its_variable() {
        let cases: [(&str, &str, &str); 12] = [
            (
                "--fleet-groups",
                "eu-west-1",
                "PEERSHARE_FLEET_GROUPS: `eu-west-1` is not REGION=AUTO_SCALING_GROUP",
            ),
            ("--fleet-groups", "eu west=g", "PEERSHARE_FLEET_GROUPS: `eu west` in `eu west=g`"),
            ("--fleet-default-region", "eu/west", "PEERSHARE_FLEET_DEFAULT_REGION must be a region"),
            ("--fleet-node-capacity", "0", "PEERSHARE_FLEET_NODE_CAPACITY must be a number from 1 to 100000"),
            ("--fleet-node-capacity", "lots", "PEERSHARE_FLEET_NODE_CAPACITY must be a number"),
            (
                "--fleet-target-utilisation",
                "0",
                "PEERSHARE_FLEET_TARGET_UTILISATION must be a number above 0",
            ),
            ("--fleet-target-utilisation", "1.5", "PEERSHARE_FLEET_TARGET_UTILISATION"),
            ("--fleet-target-utilisation", "NaN", "PEERSHARE_FLEET_TARGET_UTILISATION"),
            ("--fleet-heartbeat-ms", "10", "PEERSHARE_FLEET_HEARTBEAT_MS must be a number from 200 to 60000"),
            ("--fleet-quiet-secs", "0", "PEERSHARE_FLEET_QUIET_SECS must be a number from 1 to 86400"),
            (
                "--fleet-warm-capacity",
                "eu-west-1=many",
                "PEERSHARE_FLEET_WARM_CAPACITY: `many` in `eu-west-1=many`",
            ),
            ("--fleet-warm-capacity", "eu-west-1@mon/18-08=1", "PEERSHARE_FLEET_WARM_CAPACITY: `18-08`"),
        ];
        for (flag, value, expected) in cases {
            let error = parse(&[flag, value]).expect_err(value).to_string();
            assert!(error.contains(expected), "{flag} {value}: {error}");
        }
    }

    #[test]
    fn fleet_settings_that_do_not_fit_together_are_refused_naming_the_variable() {
        let fleet = |extra: &[&str]| {
            let mut args = vec!["--fleet-secret", SECRET];
            args.extend_from_slice(extra);
            let error = parse(&args).expect("parses").fleet.fleet().expect_err("refused");
            assert!(matches!(error, LambdaConfigError::Fleet(_)), "{error:?}");
            error.to_string()
        };
        let error = fleet(&[]);
        assert!(error.starts_with("PEERSHARE_FLEET_GROUPS must name"), "{error}");
        let error = fleet(&["--fleet-groups", "eu-west-1=a,us-east-1=b"]);
        assert!(error.starts_with("PEERSHARE_FLEET_DEFAULT_REGION must name one of"), "{error}");
        let error = fleet(&["--fleet-groups", "eu-west-1=a", "--fleet-default-region", "us-east-1"]);
        assert!(error.contains("PEERSHARE_FLEET_DEFAULT_REGION `us-east-1` has no group"), "{error}");
        let error = fleet(&["--fleet-groups", "eu-west-1=a", "--fleet-warm-capacity", "us-east-1@daily=1"]);
        assert!(error.contains("PEERSHARE_FLEET_WARM_CAPACITY keeps nodes warm in `us-east-1`"), "{error}");
        let short = parse(&["--fleet-secret", "short", "--fleet-groups", "eu-west-1=a"]).expect("parses");
        let error = short.fleet.fleet().expect_err("refused").to_string();
        assert!(error.starts_with("PEERSHARE_FLEET_SECRET must be at least 16 characters"), "{error}");
    }

    #[test]
    fn the_table_and_the_key_are_required() {
        let error = LambdaConfig::try_parse_from(["peershare-lambda"]).expect_err("refused").to_string();
        for flag in ["--table", "--public-url", "--signing-key-id", "--signing-key"] {
            assert!(error.contains(flag), "{flag} not named in: {error}");
        }
    }
}

//! The Worker's configuration: its vars and secrets (wrangler.toml and `wrangler secret put`,
//! or the environment with edge/workerd.capnp), read into one typed struct once per isolate.

use crate::error::EdgeError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use peershare_core::auth::{Jwks, TokenVerifier};
use peershare_core::media::{JwtSigner, MediaClaims, MediaTokenSigner, SignError};
use peershare_core::room::RoomConfig;
use peershare_core::turn_credentials::IceTransportPolicy;
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use worker::Env;

/// A media node the rooms may open call sessions on.
#[derive(Debug, Clone, Deserialize)]
pub struct MediaNode {
    /// Its id: the audience of its media tokens.
    pub id: String,
    /// Its control API, as the Worker reaches it.
    pub control_url: String,
    /// Its control API, as browsers reach it.
    pub public_url: String,
}

/// Everything the Worker and its rooms are configured with.
#[derive(Debug)]
pub struct EdgeConfig {
    /// Where every other `/api/*` request goes (the API on Lambda, or `peershare dev`).
    pub api_origin: String,
    /// Checks call passes with the API's public keys (`SESSION_JWKS`, the JSON of
    /// `GET /api/auth/keys`).
    pub verifier: TokenVerifier,
    /// TURN URLs and the coturn shared secret, when TURN is configured.
    pub turn: Option<(Vec<String>, String)>,
    /// TURN credential lifetime.
    pub turn_ttl: Duration,
    /// ICE transport policy handed to browsers.
    pub ice_policy: IceTransportPolicy,
    /// Most participants per call.
    pub room_capacity: u32,
    /// Media nodes for calls of three or more: a fixed list (`MEDIA_NODES`).
    pub media_nodes: Vec<MediaNode>,
    /// Media nodes from the API's fleet instead (`MEDIA_FLEET=api`): rooms ask the API's
    /// allocator (`API_ORIGIN`, with `INTERNAL_SECRET`) for a call session on a node of the
    /// fleet, which may be starting.
    pub media_fleet: bool,
    /// The headers of the web client's pages (core's `web_headers`; their policy lets pages
    /// reach the media nodes' origins), made once per isolate.
    pub page_headers: Vec<(&'static str, String)>,
    /// The secret the rooms present to the API to deliver call history (`INTERNAL_SECRET`, the
    /// API's `PEERSHARE_INTERNAL_SECRET`); none: stored groups' calls get no history.
    pub internal_secret: Option<String>,
    /// Signs the room and participant tokens the media nodes check (`MEDIA_SIGNING_KEY`: base64
    /// of an Ed25519 PKCS#8 key whose public half the nodes trust); without nodes, a signer that
    /// refuses (the room never gets a node to sign for).
    pub media_signer: Arc<dyn MediaTokenSigner>,
}

/// The signer of a deployment without media nodes.
#[derive(Debug)]
struct NoMediaNodes;

impl MediaTokenSigner for NoMediaNodes {
    fn sign(&self, _claims: &MediaClaims) -> Result<String, SignError> {
        Err(SignError("no media node is configured".into()))
    }
}

/// A var or secret as text; `None` when it is absent, or null (an unset `fromEnvironment`
/// binding in workerd).
pub fn text(env: &Env, name: &str) -> Option<String> {
    let env: &wasm_bindgen::JsValue = env.as_ref();
    js_sys::Reflect::get(env, &wasm_bindgen::JsValue::from_str(name)).ok().and_then(|v| v.as_string())
}

fn required(env: &Env, name: &'static str) -> Result<String, EdgeError> {
    text(env, name).filter(|v| !v.trim().is_empty()).ok_or(EdgeError::Config(name, "is not set".into()))
}

thread_local! {
    /// The configuration of this isolate, once read.
    static CURRENT: RefCell<Option<Rc<EdgeConfig>>> = const { RefCell::new(None) };
}

impl EdgeConfig {
    /// The configuration, read from the environment on first use and kept for the life of the
    /// isolate (a deploy or a change of vars starts new isolates). A configuration that does
    /// not read is not kept: each request reports it.
    pub fn get(env: &Env) -> Result<Rc<Self>, EdgeError> {
        if let Some(config) = CURRENT.with(|c| c.borrow().clone()) {
            return Ok(config);
        }
        let config = Rc::new(Self::from_env(env)?);
        CURRENT.with(|c| *c.borrow_mut() = Some(config.clone()));
        Ok(config)
    }

    /// The limits and timings of this Worker's rooms.
    pub fn room_config(&self) -> RoomConfig {
        RoomConfig { capacity: self.room_capacity, ..RoomConfig::default() }
    }

    /// Reads the configuration from the Worker's environment.
    fn from_env(env: &Env) -> Result<Self, EdgeError> {
        crate::crypto::install();
        let jwks: Jwks = serde_json::from_str(&required(env, "SESSION_JWKS")?)
            .map_err(|e| EdgeError::Config("SESSION_JWKS", format!("is not a JWK set: {e}")))?;
        let verifier =
            TokenVerifier::new(&jwks.keys).map_err(|e| EdgeError::Config("SESSION_JWKS", e.to_string()))?;
        let turn_urls: Vec<String> = text(env, "TURN_URLS")
            .unwrap_or_default()
            .split(',')
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        let turn = match (turn_urls.is_empty(), text(env, "TURN_SECRET")) {
            (true, _) => None,
            (false, Some(secret)) if !secret.is_empty() => Some((turn_urls, secret)),
            (false, _) => return Err(EdgeError::Config("TURN_SECRET", "is needed with TURN_URLS".into())),
        };
        let number = |name: &'static str, default: u64| -> Result<u64, EdgeError> {
            match text(env, name) {
                None => Ok(default),
                Some(v) => {
                    v.trim().parse().map_err(|_| EdgeError::Config(name, format!("{v:?} is not a number")))
                }
            }
        };
        let ice_policy = match text(env, "ICE_TRANSPORT_POLICY").as_deref().map(str::trim) {
            None | Some("" | "all") => IceTransportPolicy::All,
            Some("relay") => IceTransportPolicy::Relay,
            Some(other) => {
                return Err(EdgeError::Config(
                    "ICE_TRANSPORT_POLICY",
                    format!("{other:?} is not all or relay"),
                ));
            }
        };
        let media_nodes: Vec<MediaNode> = match text(env, "MEDIA_NODES") {
            None => Vec::new(),
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| EdgeError::Config("MEDIA_NODES", format!("is not a list of nodes: {e}")))?,
        };
        let internal_secret = text(env, "INTERNAL_SECRET").filter(|s| !s.trim().is_empty());
        let media_fleet = match text(env, "MEDIA_FLEET").as_deref().map(str::trim) {
            None | Some("") => false,
            Some("api") => true,
            Some(other) => return Err(EdgeError::Config("MEDIA_FLEET", format!("{other:?} is not api"))),
        };
        let page_headers = if media_fleet {
            if !media_nodes.is_empty() {
                return Err(EdgeError::Config("MEDIA_FLEET", "cannot be set with MEDIA_NODES".into()));
            }
            if internal_secret.is_none() {
                return Err(EdgeError::Config("INTERNAL_SECRET", "is needed with MEDIA_FLEET".into()));
            }
            match text(env, "MEDIA_NODE_ORIGINS").filter(|o| !o.trim().is_empty()) {
                Some(origins) => fleet_page_headers(&origins)?,
                // The nodes are reached through the API (its `--fleet-proxy`): pages talk to
                // their own site only.
                None => page_headers(&[]),
            }
        } else {
            page_headers(&media_nodes)
        };
        Ok(Self {
            api_origin: required(env, "API_ORIGIN")?.trim_end_matches('/').to_owned(),
            verifier,
            turn,
            turn_ttl: Duration::from_secs(number("TURN_TTL_SECS", 3600)?),
            ice_policy,
            room_capacity: u32::try_from(number("ROOM_CAPACITY", 8)?)
                .map_err(|_| EdgeError::Config("ROOM_CAPACITY", "is too large".into()))?,
            media_signer: if media_nodes.is_empty() && !media_fleet {
                Arc::new(NoMediaNodes)
            } else {
                Arc::new(media_signer(env)?)
            },
            page_headers,
            media_nodes,
            media_fleet,
            internal_secret,
        })
    }
}

/// The page headers for a deployment whose media nodes are `nodes`: the pages may connect to
/// the origins of their control APIs as browsers reach them.
fn page_headers(nodes: &[MediaNode]) -> Vec<(&'static str, String)> {
    let mut origins: Vec<String> =
        nodes.iter().filter_map(|n| peershare_core::web_headers::origin_of(&n.public_url)).collect();
    origins.sort();
    origins.dedup();
    peershare_core::web_headers::page_headers(&origins)
}

/// The page headers for a deployment whose fleet's nodes are at `origins` (`MEDIA_NODE_ORIGINS`:
/// comma-separated, wildcards allowed, e.g. `https://*.nodes.example.com`).
fn fleet_page_headers(origins: &str) -> Result<Vec<(&'static str, String)>, EdgeError> {
    let sources = origins
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|o| {
            peershare_core::web_headers::fleet_origin_source(o).ok_or_else(|| {
                EdgeError::Config("MEDIA_NODE_ORIGINS", format!("{o:?} is not scheme://[*.]host[:port|:*]"))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if sources.is_empty() {
        return Err(EdgeError::Config("MEDIA_NODE_ORIGINS", "names no origin".into()));
    }
    Ok(peershare_core::web_headers::page_headers(&sources))
}

/// The signer of media tokens, from `MEDIA_SIGNING_KEY`.
fn media_signer(env: &Env) -> Result<JwtSigner, EdgeError> {
    let encoded = required(env, "MEDIA_SIGNING_KEY")?;
    let der = STANDARD
        .decode(encoded.trim())
        .map_err(|e| EdgeError::Config("MEDIA_SIGNING_KEY", format!("is not base64: {e}")))?;
    Ok(JwtSigner::from_pkcs8(&der))
}

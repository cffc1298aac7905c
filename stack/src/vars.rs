//! The Worker's vars, which `edge/workerd.capnp` reads from the environment: the one place the
//! test tooling names them.

use crate::MediaNode;
use anyhow::Context;

/// What a Worker under test is configured with; what is not set stays absent, as in
/// `edge/workerd.capnp` (the Worker's defaults apply).
#[derive(Debug, Clone, Default)]
pub struct WorkerVars {
    api_origin: String,
    session_jwks: String,
    media_nodes: Option<serde_json::Value>,
    media_fleet: bool,
    media_signing_key: Option<String>,
    internal_secret: Option<String>,
    room_capacity: Option<u32>,
    test_hooks: bool,
}

impl WorkerVars {
    /// In front of the API at `api_origin` (`http://host:port`), trusting the session keys it
    /// publishes (`GET /api/auth/keys`, the Worker's `SESSION_JWKS`).
    pub async fn for_api(api_origin: &str) -> anyhow::Result<Self> {
        let keys = format!("{api_origin}/api/auth/keys");
        let jwks = async { reqwest::get(&keys).await?.error_for_status()?.text().await }
            .await
            .with_context(|| format!("the API's session keys ({keys})"))?;
        Ok(Self { api_origin: api_origin.to_owned(), session_jwks: jwks, ..Self::default() })
    }

    /// Rooms open call sessions on `node` (`MEDIA_NODES`), with tokens signed by the key it
    /// trusts (`MEDIA_SIGNING_KEY`).
    pub fn media_node(mut self, node: &MediaNode) -> Self {
        let entry = serde_json::json!({ "id": node.id, "control_url": node.url, "public_url": node.url });
        self.media_nodes = Some(serde_json::json!([entry]));
        self.media_signing_key = Some(node.signing_key.clone());
        self
    }

    /// Rooms ask the API's fleet for call sessions (`MEDIA_FLEET=api`; the API needs the
    /// internal secret too) on nodes reached through the API (its `--media-node-proxy`: no
    /// `MEDIA_NODE_ORIGINS`, pages connect to their own site only, as on Cloudflare), with tokens
    /// signed by `signing_key` (the API's `--media-signing-key`, whose public half its nodes
    /// trust).
    pub fn media_fleet(mut self, signing_key: &str) -> Self {
        self.media_nodes = None;
        self.media_fleet = true;
        self.media_signing_key = Some(signing_key.to_owned());
        self
    }

    /// The secret the rooms present to the API, and the API to the Worker (`INTERNAL_SECRET`).
    pub fn internal_secret(mut self, secret: &str) -> Self {
        self.internal_secret = Some(secret.to_owned());
        self
    }

    /// Most participants per call (`ROOM_CAPACITY`); `None`: the Worker's default.
    pub fn room_capacity(mut self, capacity: Option<u32>) -> Self {
        self.room_capacity = capacity;
        self
    }

    /// The test-only route that makes a room drop its memory (`TEST_HOOKS`); never in production.
    pub fn test_hooks(mut self) -> Self {
        self.test_hooks = true;
        self
    }

    /// The environment workerd is started with: each set var under its name.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let mut env =
            vec![("API_ORIGIN", self.api_origin.clone()), ("SESSION_JWKS", self.session_jwks.clone())];
        let optional = [
            ("MEDIA_NODES", self.media_nodes.as_ref().map(ToString::to_string)),
            ("MEDIA_FLEET", self.media_fleet.then(|| "api".to_owned())),
            ("MEDIA_SIGNING_KEY", self.media_signing_key.clone()),
            ("INTERNAL_SECRET", self.internal_secret.clone()),
            ("ROOM_CAPACITY", self.room_capacity.map(|c| c.to_string())),
            ("TEST_HOOKS", self.test_hooks.then(|| "1".to_owned())),
        ];
        env.extend(optional.into_iter().filter_map(|(name, value)| Some((name, value?))));
        env
    }
}

#[cfg(test)]
mod tests {
    use super::WorkerVars;

    #[test]
    fn only_what_is_set_reaches_the_environment() {
        let bare =
            WorkerVars { api_origin: "http://api".into(), session_jwks: "{}".into(), ..Default::default() };
        let names = |vars: &WorkerVars| vars.env().into_iter().map(|(name, _)| name).collect::<Vec<_>>();
        assert_eq!(names(&bare), ["API_ORIGIN", "SESSION_JWKS"]);
        let full = bare.internal_secret("s").room_capacity(Some(3)).test_hooks();
        assert_eq!(
            names(&full),
            ["API_ORIGIN", "SESSION_JWKS", "INTERNAL_SECRET", "ROOM_CAPACITY", "TEST_HOOKS"]
        );
        assert!(full.env().contains(&("ROOM_CAPACITY", "3".to_owned())));
        assert!(full.env().contains(&("TEST_HOOKS", "1".to_owned())));
        let fleet = full.media_fleet("a2V5");
        assert!(fleet.env().contains(&("MEDIA_FLEET", "api".to_owned())));
        assert!(!names(&fleet).contains(&"MEDIA_NODE_ORIGINS"), "pages reach the nodes through the API");
        assert!(fleet.env().contains(&("MEDIA_SIGNING_KEY", "a2V5".to_owned())));
    }
}

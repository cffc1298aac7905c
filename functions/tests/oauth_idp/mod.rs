//! The local OAuth providers (`e2e/support/oauth-idp.mjs`, oauth2-mock-server: discovery, JWKS,
//! RS256 id_tokens, PKCE, single-use codes) started for a test, and a browser's visit to them.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The local providers, killed when dropped.
pub struct Providers {
    _child: Child,
    /// The Google stand-in's issuer.
    pub google: String,
    /// The Microsoft stand-in's issuer.
    pub microsoft: String,
    /// The GitHub stand-in's base URL.
    pub github: String,
}

/// A loopback port nobody listens on.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Starts the three providers and waits until they listen.
pub async fn providers() -> Providers {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let script = root.join("e2e/support/oauth-idp.mjs");
    assert!(
        root.join("e2e/node_modules/oauth2-mock-server").is_dir(),
        "the local OAuth provider is not installed: run `cargo xtask deps` (npm ci in e2e/)"
    );
    let ports = [free_port(), free_port(), free_port()].map(|p| p.to_string());
    let mut child = Command::new("node")
        .arg(&script)
        .args(&ports)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts");
    let stdout = child.stdout.take().expect("stdout");
    let line =
        tokio::time::timeout(std::time::Duration::from_secs(60), BufReader::new(stdout).lines().next_line())
            .await
            .expect("the providers start within a minute")
            .expect("reads")
            .expect("a line with the providers' URLs");
    let urls: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    let url = |k: &str| urls[k].as_str().expect("url").to_owned();
    Providers { google: url("google"), microsoft: url("microsoft"), github: url("github"), _child: child }
}

/// Follows a provider's authorize URL like a browser (the provider signs in at once) and
/// returns where it sends the browser back, with `site` (our public URL) cut off.
pub async fn sign_in_at_provider(authorize_url: &str, site: &str) -> String {
    let browser =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let reply = browser.get(authorize_url).send().await.expect("the provider answers");
    assert_eq!(reply.status(), 302, "the provider sends the browser back");
    let back = reply.headers()["location"].to_str().expect("ascii").to_owned();
    back.strip_prefix(site)
        .unwrap_or_else(|| panic!("{back} is not our redirect URI under {site}"))
        .to_owned()
}

//! The API against its own OpenAPI description: schemathesis (PyPI) generates requests for
//! every operation of a `peershare dev` and fails on any 5xx or any response that
//! breaks the documented schema.

use crate::bench::server_process::ServerProcess;
use crate::steps::{Steps, cmd};
use anyhow::Context;
use std::path::Path;

/// Examples schemathesis generates per operation and phase.
const EXAMPLES: &str = "25";

/// Runs schemathesis (`binary`) against a fresh `peershare` (`server`), signed in as a dev
/// account.
pub fn run(steps: &mut Steps, binary: &Path, server: &Path) -> anyhow::Result<()> {
    let server = ServerProcess::start_binary(server)?;
    let base = format!("http://{}", server.addr);
    let token = tokio::runtime::Runtime::new()?.block_on(sign_in(&base))?;
    let mut check = cmd(&binary.to_string_lossy(), &["run"]);
    check
        .arg(format!("{base}/api/openapi.json"))
        .args(["--max-examples", EXAMPLES, "--checks", "not_a_server_error,response_schema_conformance"])
        // The call socket is a WebSocket: the conformance suites cover it.
        .args(["--exclude-path-regex", "/call$"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .env("NO_COLOR", "1");
    steps.run("API contract (schemathesis against /api/openapi.json)", check)?;
    drop(server);
    Ok(())
}

async fn sign_in(base: &str) -> anyhow::Result<String> {
    let reply = reqwest::Client::new()
        .post(format!("{base}/api/auth/dev"))
        .json(&serde_json::json!({ "name": "Schemathesis" }))
        .send()
        .await
        .context("dev sign-in")?;
    anyhow::ensure!(reply.status().is_success(), "dev sign-in answered {}", reply.status());
    let session: serde_json::Value = reply.json().await?;
    session["access_token"].as_str().map(str::to_owned).context("no access token")
}

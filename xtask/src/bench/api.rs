//! The API's hot routes under load with wrk (Debian's package): list groups, get a group, and
//! join through an invite link, on a release `peershare dev` over SQLite. Joining is measured
//! with a different, freshly signed-in person per request, so every request is a real join.

use super::server_process::ServerProcess;
use crate::deps;
use crate::steps::{Steps, cmd};
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::Path;

/// Groups the benchmark's owner belongs to (what "list groups" returns).
const OWNER_GROUPS: usize = 10;
/// People signed in ahead of the join run, one per join request.
const JOINERS: usize = 15_000;
/// wrk threads and connections.
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 16;
/// How long each read route is loaded.
const READ_SECONDS: u32 = 10;
/// How long joining is loaded (bounded by the people signed in for it).
const JOIN_SECONDS: u32 = 5;

/// One route's figures.
#[derive(Debug, Serialize)]
pub struct RouteResult {
    name: &'static str,
    route: String,
    requests: u64,
    requests_per_second: f64,
    latency_p50_ms: f64,
    latency_p90_ms: f64,
    latency_p99_ms: f64,
    latency_max_ms: f64,
    non_2xx: u64,
    socket_errors: u64,
}

/// The whole run.
#[derive(Debug, Serialize)]
pub struct ApiResult {
    date: String,
    tool: String,
    threads: u32,
    connections: u32,
    store: &'static str,
    owner_groups: usize,
    people_signed_in: usize,
    sign_in_seconds: f64,
    routes: Vec<RouteResult>,
    server_peak_rss_mib: f64,
}

/// What wrk's `done()` in api.lua prints.
#[derive(Debug, Deserialize)]
struct WrkJson {
    requests: u64,
    duration_us: u64,
    p50_us: u64,
    p90_us: u64,
    p99_us: u64,
    max_us: u64,
    status_errors: u64,
    socket_errors: u64,
    reused_tokens: u64,
}

/// Seeded state the load refers to.
struct Seed {
    owner_token: String,
    group: String,
    invite: String,
    joiner_tokens: Vec<String>,
    sign_in_seconds: f64,
}

/// Runs the three routes against a fresh server and writes `out`.
pub fn run(steps: &mut Steps, out: &Path) -> anyhow::Result<()> {
    deps::apt_install_missing(steps, &[("wrk", "/usr/bin/wrk")])?;
    let server = ServerProcess::start()?;
    let base = format!("http://{}", server.addr);
    let runtime = tokio::runtime::Runtime::new()?;
    let seed = runtime.block_on(seed(&base))?;

    let work = std::env::temp_dir().join(format!("peershare-bench-api-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let script = work.join("api.lua");
    std::fs::write(&script, include_str!("api.lua"))?;
    let tokens = work.join("joiners.txt");
    std::fs::write(&tokens, seed.joiner_tokens.join("\n") + "\n")?;

    let owner = Load { script: &script, bearer: Some(&seed.owner_token), tokens: None, method: "GET" };
    let mut routes = vec![
        wrk("list groups", &base, "/api/groups", READ_SECONDS, &owner)?,
        wrk("get group", &base, &format!("/api/groups/{}", seed.group), READ_SECONDS, &owner)?,
    ];
    let joiners = Load { script: &script, bearer: None, tokens: Some(&tokens), method: "POST" };
    let join = wrk(
        "join via invite",
        &base,
        &format!("/api/invites/{}/accept", seed.invite),
        JOIN_SECONDS,
        &joiners,
    )?;
    let members = runtime.block_on(member_count(&base, &seed.owner_token, &seed.group))?;
    // wrk counts the answers it read before its time was up; up to one request per
    // connection was still in flight and may have joined too.
    let joined = members as u64 - 1;
    if !(join.requests..=join.requests + u64::from(CONNECTIONS)).contains(&joined) {
        bail!("{} joins answered 2xx but {joined} people joined the group", join.requests);
    }
    routes.push(join);

    let result = ApiResult {
        date: super::today()?,
        tool: wrk_version()?,
        threads: THREADS,
        connections: CONNECTIONS,
        store: "SQLite (peershare dev)",
        owner_groups: OWNER_GROUPS,
        people_signed_in: JOINERS,
        sign_in_seconds: seed.sign_in_seconds,
        routes,
        server_peak_rss_mib: server.peak_rss_kib()? as f64 / 1024.0,
    };
    std::fs::write(out, serde_json::to_string_pretty(&result)?)?;
    eprintln!("api: {}", serde_json::to_string(&result)?);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// How one route is loaded.
struct Load<'a> {
    script: &'a Path,
    bearer: Option<&'a str>,
    tokens: Option<&'a Path>,
    method: &'a str,
}

fn wrk(
    name: &'static str,
    base: &str,
    route: &str,
    seconds: u32,
    load: &Load<'_>,
) -> anyhow::Result<RouteResult> {
    let mut c = cmd("wrk", &["--latency", "-t", &THREADS.to_string(), "-c", &CONNECTIONS.to_string()]);
    c.args(["-d", &format!("{seconds}s"), "-s"]).arg(load.script);
    if let Some(bearer) = load.bearer {
        c.args(["-H", &format!("Authorization: Bearer {bearer}")]);
    }
    c.arg(format!("{base}{route}")).arg("--");
    c.arg(load.tokens.map_or_else(|| "-".into(), |p| p.display().to_string()));
    c.args([load.method, "-", &THREADS.to_string()]);
    let output = c.output().context("wrk runs")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk for {name} failed: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    }
    let line =
        stdout.lines().find_map(|l| l.strip_prefix("WRK_JSON ")).context("wrk printed no WRK_JSON line")?;
    let w: WrkJson = serde_json::from_str(line)?;
    if w.reused_tokens > 0 {
        bail!(
            "{name}: {} requests reused a person who had already joined; raise JOINERS above {JOINERS}",
            w.reused_tokens
        );
    }
    if w.status_errors > 0 || w.socket_errors > 0 {
        bail!(
            "{name}: {} non-2xx answers and {} socket errors out of {}",
            w.status_errors,
            w.socket_errors,
            w.requests
        );
    }
    let ms = |us: u64| us as f64 / 1000.0;
    Ok(RouteResult {
        name,
        route: route_pattern(route),
        requests: w.requests,
        requests_per_second: w.requests as f64 / (w.duration_us as f64 / 1e6),
        latency_p50_ms: ms(w.p50_us),
        latency_p90_ms: ms(w.p90_us),
        latency_p99_ms: ms(w.p99_us),
        latency_max_ms: ms(w.max_us),
        non_2xx: w.status_errors,
        socket_errors: w.socket_errors,
    })
}

/// `/api/groups/g_abc` → `/api/groups/{id}` for the report.
fn route_pattern(route: &str) -> String {
    route
        .split('/')
        .enumerate()
        .map(|(i, part)| match (i, part) {
            (3, p) if p.starts_with("g_") => "{id}",
            (3, _) if route.starts_with("/api/invites/") => "{token}",
            (_, p) => p,
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn seed(base: &str) -> anyhow::Result<Seed> {
    let http = reqwest::Client::new();
    let owner_token = sign_in(&http, base, "Bench owner").await?;
    let mut group = String::new();
    for i in 0..OWNER_GROUPS {
        let created = post(
            &http,
            &format!("{base}/api/groups"),
            &owner_token,
            json!({ "name": format!("Bench group {i}") }),
        )
        .await?;
        group = created["id"].as_str().context("a group id")?.to_owned();
    }
    let invite = post(
        &http,
        &format!("{base}/api/groups/{group}/invites"),
        &owner_token,
        json!({ "ttl_ms": 24 * 3600 * 1000 }),
    )
    .await?;
    let invite = invite["token"].as_str().context("an invite token")?.to_owned();

    let started = std::time::Instant::now();
    let mut joiner_tokens = Vec::with_capacity(JOINERS);
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (http, base) = (http.clone(), base.to_owned());
        tasks.spawn(async move {
            let mut tokens = Vec::new();
            for i in (worker..JOINERS).step_by(16) {
                tokens.push(sign_in(&http, &base, &format!("Bench joiner {i}")).await?);
            }
            anyhow::Ok(tokens)
        });
    }
    while let Some(tokens) = tasks.join_next().await {
        let tokens = tokens??;
        joiner_tokens.extend(tokens);
    }
    Ok(Seed { owner_token, group, invite, joiner_tokens, sign_in_seconds: started.elapsed().as_secs_f64() })
}

async fn member_count(base: &str, token: &str, group: &str) -> anyhow::Result<usize> {
    let url = format!("{base}/api/groups/{group}/members");
    let reply: Value = reqwest::Client::new().get(&url).bearer_auth(token).send().await?.json().await?;
    Ok(reply["members"].as_array().context("a member list")?.len())
}

async fn sign_in(http: &reqwest::Client, base: &str, name: &str) -> anyhow::Result<String> {
    let reply = http.post(format!("{base}/api/auth/dev")).json(&json!({ "name": name })).send().await?;
    if !reply.status().is_success() {
        bail!("dev sign-in as {name}: {}", reply.status());
    }
    let session: Value = reply.json().await?;
    Ok(session["access_token"].as_str().context("an access token")?.to_owned())
}

async fn post(http: &reqwest::Client, url: &str, token: &str, body: Value) -> anyhow::Result<Value> {
    let reply = http.post(url).bearer_auth(token).json(&body).send().await?;
    let status = reply.status();
    let body: Value = reply.json().await?;
    if !status.is_success() {
        bail!("POST {url}: {status} {body}");
    }
    Ok(body)
}

fn wrk_version() -> anyhow::Result<String> {
    let out = cmd("wrk", &["--version"]).output()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    Ok(text.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
}

//! `peershare dev --media-fleet`: real `peershare-media-node` processes started by the server,
//! registered with its registry and heartbeating. No node runs until a group call needs one;
//! calls spread over nodes as core's policy says; an idle node drains and exits; a killed
//! node's call moves to another node with everyone in their own seat.

mod support;

use base64::Engine;
use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use support::{Client, DEADLINE, Server, config, start};

/// The node binary the workspace build put next to this test's directory (or the one named by
/// `PEERSHARE_MEDIA_NODE_BIN`). A missing binary fails the test: it is never skipped.
fn node_binary() -> String {
    let path = std::env::var_os("PEERSHARE_MEDIA_NODE_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("test binary path");
        exe.parent().and_then(|deps| deps.parent()).expect("target dir").join("peershare-media-node")
    });
    assert!(
        path.is_file(),
        "{} is missing: build the workspace first (cargo build --workspace)",
        path.display()
    );
    path.to_str().expect("utf8").to_owned()
}

/// A server with a fleet of at most `max` nodes, fast heartbeats and a short quiet period.
async fn fleet_server(max: &str, extra: &[&str]) -> Server {
    let bin = node_binary();
    let mut args = vec!["--media-fleet", max, "--media-node-bin", &bin, "--node-heartbeat-ms", "300"];
    args.extend_from_slice(extra);
    start(config(&args)).await
}

async fn media_nodes(server: &Server) -> u64 {
    let health: Value =
        reqwest::get(server.url("/healthz")).await.expect("healthz").json().await.expect("json");
    health["media_nodes"].as_u64().expect("a fleet server counts its nodes")
}

async fn until_nodes(server: &Server, wanted: u64, what: &str) {
    let deadline = Instant::now() + DEADLINE;
    while media_nodes(server).await != wanted {
        assert!(Instant::now() < deadline, "{what}: still {} nodes", media_nodes(server).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The next message of type `ty`, skipping others (answers pings the room may want).
async fn skip_to(client: &mut Client, ty: &str) -> Value {
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        let message =
            tokio::time::timeout_at(deadline, client.recv()).await.unwrap_or_else(|_| panic!("no {ty}"));
        if message["type"] == ty {
            return message;
        }
    }
}

/// The audience (node id) and participant of a media token.
fn token_claims(access: &Value) -> (String, u64) {
    let token = access["token"].as_str().expect("token");
    let payload = token.split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    let claims: Value = serde_json::from_slice(&bytes).expect("claims");
    (claims["aud"].as_str().expect("aud").to_owned(), claims["participant"].as_u64().expect("participant"))
}

/// Three people in `group`'s call, on a node: the accesses each was given (Ada, Bob, Cy).
async fn three_on_a_node(server: &Server, group: &str) -> ([Client; 3], [Value; 3]) {
    let (mut ada, _) = server.join(group, "Ada").await;
    let (mut bob, _) = server.join(group, "Bob").await;
    skip_to(&mut ada, "participant_joined").await;
    let mut cy = server.connect(group).await;
    cy.send_join("Cy", None).await;
    skip_to(&mut cy, "waiting_for_media_node").await;
    let welcome = skip_to(&mut cy, "welcome").await;
    assert_eq!(welcome["mode"], "media_node", "{welcome}");
    let cy_access = welcome["media_node"].clone();
    let ada_access = skip_to(&mut ada, "move_to_media_node").await["media_node"].clone();
    let bob_access = skip_to(&mut bob, "move_to_media_node").await["media_node"].clone();
    ([ada, bob, cy], [ada_access, bob_access, cy_access])
}

/// The process id of node `id` (a child of this test's server).
fn node_pid(id: &str) -> u32 {
    for entry in std::fs::read_dir("/proc").expect("/proc") {
        let Ok(entry) = entry else { continue };
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let args: Vec<String> =
            cmdline.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        let is_node = args.first().is_some_and(|a| a.ends_with("peershare-media-node"));
        if is_node && args.windows(2).any(|w| w[0] == "--node-id" && w[1] == id) && pid_is_ours(pid) {
            return pid;
        }
    }
    panic!("no process for node {id}");
}

/// Whether `pid`'s parent is this test process (tests of other binaries run nodes too).
fn pid_is_ours(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let parent = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1));
    parent == Some(&std::process::id().to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_node_runs_until_a_group_call_needs_one_and_an_idle_node_drains_and_exits() {
    let server = fleet_server("1", &["--node-quiet-secs", "2"]).await;
    assert_eq!(media_nodes(&server).await, 0, "nothing runs before anyone calls");

    let (mut ada, _) = server.join("fleet-cold", "Ada").await;
    let (bob, _) = server.join("fleet-cold", "Bob").await;
    skip_to(&mut ada, "participant_joined").await;
    assert_eq!(media_nodes(&server).await, 0, "two people talk peer-to-peer");
    let mut cy = server.connect("fleet-cold").await;
    let asked = Instant::now();
    cy.send_join("Cy", None).await;
    skip_to(&mut cy, "waiting_for_media_node").await;
    skip_to(&mut cy, "media_node_starting").await;
    let welcome = skip_to(&mut cy, "welcome").await;
    eprintln!("scale from zero: third join → welcome on a new node in {} ms", asked.elapsed().as_millis());
    assert_eq!(welcome["mode"], "media_node");
    let access = &welcome["media_node"];
    let url = access["url"].as_str().expect("url").to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "a node process of its own: {url}");
    let moved = skip_to(&mut ada, "move_to_media_node").await;
    assert_eq!(moved["media_node"]["url"], url.as_str());
    assert_eq!(media_nodes(&server).await, 1);

    // The node really serves the call: a WebRTC client joins it with Cy's token.
    let http = reqwest::Client::new();
    let call = access["call_id"].as_str().expect("call").to_owned();
    let joined = peershare_test_client::Client::join(peershare_test_client::Join {
        http: &http,
        api: &url,
        call: &call,
        participant: 3,
        token: access["token"].as_str().expect("token"),
        publish: peershare_test_client::Publish::default(),
    })
    .await;
    assert!(joined.is_ok(), "the node took Cy: {joined:?}");
    drop(joined);

    // Everyone leaves: once idle for the quiet period the node drains, leaves and exits.
    drop((ada, bob, cy));
    until_nodes(&server, 0, "the idle node drained and left").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_spread_over_nodes_as_the_policy_fills_them() {
    // Four participants per node, filled to 80 %: two calls of three need two nodes.
    let server = fleet_server("3", &["--media-capacity", "4"]).await;
    let (_first, first) = three_on_a_node(&server, "fleet-one").await;
    let (_second, second) = three_on_a_node(&server, "fleet-two").await;
    let node = |accesses: &[Value; 3]| {
        let ids: Vec<String> = accesses.iter().map(|a| token_claims(a).0).collect();
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "a call never spans nodes: {ids:?}");
        ids[0].clone()
    };
    assert_ne!(node(&first), node(&second), "the second call went to a second node");
    assert_eq!(media_nodes(&server).await, 2, "no more nodes than the calls need");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_node_moves_its_call_to_another_node_with_everyone_in_their_seat() {
    let server = fleet_server("2", &["--warm-nodes", "2"]).await;
    until_nodes(&server, 2, "two warm nodes").await;
    let (mut clients, before) = three_on_a_node(&server, "fleet-kill").await;
    let (lost_node, _) = token_claims(&before[0]);

    let killed = Instant::now();
    let status = std::process::Command::new("kill").args(["-9", &node_pid(&lost_node).to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "killed {lost_node}");
    for (client, old) in clients.iter_mut().zip(&before) {
        skip_to(client, "media_node_lost").await;
        let moved = skip_to(client, "move_to_media_node").await["media_node"].clone();
        let (node, participant) = token_claims(&moved);
        assert_ne!(node, lost_node, "moved to another node");
        assert_eq!(participant, token_claims(old).1, "the same participant id");
    }
    eprintln!("node loss: kill → everyone told to move in {} ms", killed.elapsed().as_millis());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_the_proxy_media_flows_and_only_the_nodes_control_routes_pass_with_the_nodes_own_checks() {
    let server = fleet_server("1", &["--media-node-proxy"]).await;
    let (_clients, accesses) = three_on_a_node(&server, "fleet-proxy").await;
    let (node, _) = token_claims(&accesses[0]);
    let base = format!("/api/media-nodes/{node}");
    for access in &accesses {
        assert_eq!(
            access["url"],
            base.as_str(),
            "browsers are sent to the proxy on their own site: {access}"
        );
    }
    let call = accesses[0]["call_id"].as_str().expect("call").to_owned();

    // Two participants join the node through the proxy (their SDP goes through the API, over
    // TLS pinned to the node's certificate) and receive each other's audio and video.
    let http = reqwest::Client::new();
    let api = server.url(&base);
    let mut joined = Vec::new();
    for access in &accesses[..2] {
        let (_, participant) = token_claims(access);
        let client = peershare_test_client::Client::join(peershare_test_client::Join {
            http: &http,
            api: &api,
            call: &call,
            participant: u32::try_from(participant).expect("small"),
            token: access["token"].as_str().expect("token"),
            publish: peershare_test_client::Publish::default(),
        })
        .await
        .expect("joins through the proxy");
        joined.push((client, u32::try_from(participant).expect("small")));
    }
    let (ada, bob) = (&joined[0], &joined[1]);
    ada.0.wait_frames_from(&[bob.1], 20, 10).await;
    bob.0.wait_frames_from(&[ada.1], 20, 10).await;

    // The node's own checks still hold: no token, someone else's call.
    let join_path = format!("{base}/v1/calls/{call}/participants");
    let offer = serde_json::json!({ "type": "offer", "sdp": "v=0" });
    let (status, body) = server.api(reqwest::Method::POST, &join_path, None, Some(offer.clone())).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("missing_token")), "{body}");
    let cy_token = accesses[2]["token"].as_str().expect("token");
    let other_call = format!("{base}/v1/calls/call_someone_else/participants");
    let (status, body) =
        server.api(reqwest::Method::POST, &other_call, Some(cy_token), Some(offer.clone())).await;
    assert_eq!(status, 403, "a token for one call opens no other: {body}");
    let (status, body) =
        server.api(reqwest::Method::DELETE, &format!("{base}/v1/calls/{call}"), Some(cy_token), None).await;
    assert_eq!(status, 403, "a participant cannot end the call: {body}");

    // The proxy itself: only the control routes, of registered nodes, with their methods.
    let refused = [
        (reqwest::Method::GET, "/api/media-nodes/nobody/v1/calls/x".to_owned(), 404, "unknown_media_node"),
        (reqwest::Method::GET, format!("{base}/health"), 404, "not_a_node_route"),
        (reqwest::Method::GET, format!("{base}/metrics"), 404, "not_a_node_route"),
        (reqwest::Method::GET, format!("{base}/v1/calls/a%2F..%2F..%2Fmetrics"), 404, "not_a_node_route"),
        (reqwest::Method::PUT, format!("{base}/v1/calls/{call}"), 405, "method_not_allowed"),
        (reqwest::Method::PATCH, format!("{base}/v1/calls/{call}/participants"), 405, "method_not_allowed"),
    ];
    for (method, path, status, code) in refused {
        let (got, body) = server.api(method.clone(), &path, Some(cy_token), None).await;
        assert_eq!((got, body["error"].as_str()), (status, Some(code)), "{method} {path}: {body}");
    }
    let huge = reqwest::Client::new()
        .post(server.url(&join_path))
        .bearer_auth(cy_token)
        .header("content-type", "application/json")
        .body(vec![b' '; 65 * 1024])
        .send()
        .await
        .expect("answers");
    assert_eq!(huge.status(), 413, "a body over 64 KiB never reaches the node");
    let body: Value = huge.json().await.expect("a JSON error");
    assert_eq!(body["error"], "invalid_body");
}

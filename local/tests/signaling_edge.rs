//! The signaling conformance suite on the Worker: its call rooms are Durable Objects in
//! workerd (the real Workers runtime), in front of a `peershare dev` as the API origin that
//! issues call passes. Needs the built Worker (`cargo xtask edge`); workerd, its vars and the
//! media node are started as everywhere else (`peershare-stack`).

mod support;
#[macro_use]
mod conformance;

use conformance::HostOptions;
use peershare_stack::{MediaNode, WorkerVars, Workerd, WorkerdConfig, WorkerdLog};
use std::net::SocketAddr;
use support::{Server, config, start};

async fn edge(options: HostOptions) -> Server {
    let (api, node, vars, addr) = edge_parts(options).await;
    let workerd = workerd(addr, &vars).await;
    let mut host = Server::fronting(workerd.addr, &api, Vec::new());
    host.node_ops = Some(node.ops_url.clone());
    host.keep(vec![Box::new(workerd), Box::new(api), Box::new(node)]);
    host
}

/// The secret the tests' Worker and its API share for delivering call history.
const INTERNAL_SECRET: &str = "edge-tests-internal-secret-0123456789";

/// What a Worker under test stands on: the API origin, a media node, and its vars.
/// And the address the Worker will answer at, which the API tells of access changes.
async fn edge_parts(options: HostOptions) -> (Server, MediaNode, WorkerVars, SocketAddr) {
    let addr = Workerd::reserve().expect("a free port");
    let rooms = format!("http://{addr}");
    let api = start(config(&["--internal-secret", INTERNAL_SECRET, "--rooms-url", &rooms])).await;
    // A real media node for calls of three or more, reached over HTTP like in production.
    let node = MediaNode::in_process("edge-test-node").await.expect("a media node");
    let vars = WorkerVars::for_api(&format!("http://{}", api.addr))
        .await
        .expect("the API's session keys")
        // The test-only route that makes a room drop its memory (see the hibernation test).
        .test_hooks()
        .internal_secret(INTERNAL_SECRET)
        .room_capacity(options.room_capacity)
        .media_node(&node);
    (api, node, vars, addr)
}

/// workerd on `addr` with `vars`: the Worker as built in this repository, serving the stand-in
/// web client, its log in its folder.
async fn workerd(addr: SocketAddr, vars: &WorkerVars) -> Workerd {
    let config = WorkerdConfig {
        edge_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../edge"),
        assets: Some(support::test_web_dir()),
        log: WorkerdLog::Folder,
    };
    Workerd::start_at(&config, addr, vars).await.expect("workerd starts")
}

conformance_suite!(edge);

/// Hibernation: the room keeps nothing in memory that matters. Once the object drops its
/// in-memory room (as it does when it hibernates), it is rebuilt from storage and the sockets
/// the runtime kept, and the call goes on exactly as before: same participants and ids, the
/// relay between the open sockets, leaving.
#[tokio::test]
async fn a_room_rebuilt_from_storage_carries_on_as_before() {
    use serde_json::json;
    let host = edge(HostOptions::default()).await;
    let (mut ada, ada_id) = host.join("hibernate", "Ada").await;
    let (mut bob, bob_id) = host.join("hibernate", "Bob").await;
    ada.recv_type("participant_joined").await;
    let before = host.call_status("hibernate").await;

    let forgot =
        reqwest::Client::new().post(host.url("/__test/rooms/hibernate/forget")).send().await.expect("forget");
    assert_eq!(forgot.status(), 204, "the test hook is on in the test config");
    assert_eq!(
        host.call_status("hibernate").await,
        before,
        "the room rebuilt from storage reports the same call"
    );

    bob.send_json(json!({"type":"description","to":ada_id,"description":{"type":"offer","sdp":"after"}}))
        .await;
    let offer = ada.recv_type("description").await;
    assert_eq!(
        (offer["from"].as_u64(), offer["description"]["sdp"].as_str()),
        (Some(u64::from(bob_id)), Some("after"))
    );
    ada.ping(3).await;

    reqwest::Client::new().post(host.url("/__test/rooms/hibernate/forget")).send().await.expect("forget");
    ada.send_json(json!({"type":"leave"})).await;
    let left = bob.recv_type("participant_left").await;
    assert_eq!((left["id"].as_u64(), left["reason"].as_str()), (Some(u64::from(ada_id)), Some("left")));
    let (_cy, cy_id) = host.join("hibernate", "Cy").await;
    assert!(cy_id > bob_id, "ids are never reused: {cy_id} after {bob_id}");
    assert_eq!(bob.recv_type("participant_joined").await["participant"]["display_name"], "Cy");
}

/// Eviction: workerd is killed in the middle of a call on a media node and started again on
/// the same storage. The clients reconnect with their resume keys and find the room as it was:
/// the same people under the same ids, still on the same node and call session, nobody twice.
#[tokio::test]
async fn after_a_restart_the_call_resumes_with_the_same_people_ids_and_node() {
    let (api, node, vars, addr) = edge_parts(HostOptions::default()).await;
    let workerd = workerd(addr, &vars).await;
    let host = Server::fronting(workerd.addr, &api, Vec::new());
    let keys = ["ada-session-key-000000001", "bob-session-key-000000002", "cy-session-key-0000000003"];
    let (mut ada, ada_id) = host.join_resuming("evict", "Ada", keys[0]).await;
    let (mut bob, bob_id) = host.join_resuming("evict", "Bob", keys[1]).await;
    ada.recv_type("participant_joined").await;
    let cy_pass = host.kept_guest_pass("evict", "Cy").await;
    let mut cy = host.connect_with("evict", Some(&cy_pass)).await.expect("connects");
    cy.send_join("Cy", Some(keys[2])).await;
    cy.recv_type("waiting_for_media_node").await;
    let welcome = cy.recv_type("welcome").await;
    let (cy_id, call) = (welcome["you"].clone(), welcome["media_node"]["call_id"].clone());
    assert_eq!(welcome["mode"], "media_node");

    // The runtime goes away with every socket; the room's storage stays on disk.
    let restarted = workerd.restart(&vars).await.expect("workerd restarts");
    for client in [&mut ada, &mut bob, &mut cy] {
        // Whatever was already on its way arrives, then the close.
        while !matches!(client.next().await, support::Received::Closed(_)) {}
    }
    let host = Server::fronting(restarted.addr, &api, Vec::new());

    let mut seats = Vec::new();
    for (name, key) in [("Ada", keys[0]), ("Bob", keys[1]), ("Cy", keys[2])] {
        let pass = host.kept_guest_pass("evict", name).await;
        let mut client = host.connect_with("evict", Some(&pass)).await.expect("reconnects");
        client.send_join(name, Some(key)).await;
        let welcome = client.recv_type("welcome").await;
        assert_eq!(welcome["mode"], "media_node", "{name}: {welcome}");
        assert_eq!(welcome["media_node"]["call_id"], call, "{name}: the same call session");
        seats.push((welcome["you"].clone(), client));
    }
    let ids: Vec<_> = seats.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(ids, vec![serde_json::json!(ada_id), serde_json::json!(bob_id), cy_id]);
    let status = host.call_status("evict").await;
    assert_eq!(status["participants"], 3, "nobody is in the call twice");
    drop((seats, restarted, api, node));
}

/// After a restart, a participant who never comes back loses the seat one heartbeat timeout
/// after the room found their socket gone, even though the room keeps losing its memory
/// meanwhile (each rebuild must not restart that timeout); the one who came back stays.
#[tokio::test]
async fn after_a_restart_a_seat_nobody_takes_back_is_freed_despite_rebuilds() {
    use support::Received;
    let (api, node, vars, addr) = edge_parts(HostOptions::default()).await;
    let workerd = workerd(addr, &vars).await;
    let host = Server::fronting(workerd.addr, &api, Vec::new());
    let (mut ada, ada_id) = host.join_resuming("ghost", "Ada", "ada-ghost-key-00000000001").await;
    let (mut bob, bob_id) = host.join_resuming("ghost", "Bob", "bob-ghost-key-00000000002").await;
    ada.recv_type("participant_joined").await;

    let killed = tokio::time::Instant::now();
    let restarted = workerd.restart(&vars).await.expect("workerd restarts");
    for client in [&mut ada, &mut bob] {
        while !matches!(client.next().await, Received::Closed(_)) {}
    }
    let host = Server::fronting(restarted.addr, &api, Vec::new());
    let (mut ada, id) = host.join_resuming("ghost", "Ada", "ada-ghost-key-00000000001").await;
    assert_eq!(id, ada_id);
    let status = host.call_status("ghost").await;
    assert_eq!(status["participants"], 2, "Bob's seat waits for him: {status}");

    // Ada stays (she pings), the room drops its memory between her pings, Bob never returns.
    let forget = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut nonce = 0;
    let left = 'waiting: loop {
        assert!(tokio::time::Instant::now() < deadline, "Bob's seat was never freed");
        forget.post(host.url("/__test/rooms/ghost/forget")).send().await.expect("forget");
        nonce += 1;
        ada.send_json(serde_json::json!({"type":"ping","nonce":nonce})).await;
        let message = ada.recv().await;
        match message["type"].as_str() {
            Some("pong") => {}
            Some("participant_left") => break 'waiting message,
            _ => panic!("unexpected {message}"),
        }
        // A client's ping cadence (the room asks for one every 10 s; this is more often).
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    };
    assert_eq!((left["id"].as_u64(), left["reason"].as_str()), (Some(u64::from(bob_id)), Some("timed_out")));
    // One heartbeat timeout (30 s) from when the rebuilt room first missed Bob, which is after
    // the restart: not sooner, and not a timeout restarted by a later rebuild (60 s or more).
    let after = killed.elapsed();
    assert!(
        (std::time::Duration::from_secs(30)..std::time::Duration::from_secs(50)).contains(&after),
        "Bob's seat was freed {after:?} after the restart"
    );
    assert_eq!(ada.recv_type("pong").await["nonce"], nonce, "the ping sent before Bob left");
    assert_eq!(host.call_status("ghost").await["participants"], 1);
    ada.ping(99).await;
    drop((restarted, api, node));
}

/// A call's history survives what happens to the Worker after the call: here the API refuses
/// the room's deliveries (the Worker has the wrong secret), the events stay queued in the
/// room's storage, workerd is killed and started again on the same storage with the right
/// secret, and the room's alarm delivers them: the call shows up once, ended, with its stint.
#[tokio::test]
async fn history_queued_before_a_restart_is_delivered_after_it() {
    use serde_json::json;
    let (api, node, vars, addr) = edge_parts(HostOptions::default()).await;
    let wrong_secret = vars.clone().internal_secret("not-the-apis-secret-0000000000000");
    let workerd = workerd(addr, &wrong_secret).await;
    let host = Server::fronting(workerd.addr, &api, Vec::new());
    let ada = api.sign_in("Ada").await;
    let group = api.post_ok("/api/groups", Some(&ada), json!({"name": "Restart"})).await;
    let group = group["id"].as_str().expect("id").to_owned();
    let mut call = host.join_as_account(&group, &ada, "Ada").await;
    call.recv_type("welcome").await;
    call.send_json(json!({"type":"leave"})).await;
    while !matches!(call.next().await, support::Received::Closed(_)) {}
    let history = format!("/api/groups/{group}/calls");
    let (_, refused) = api.api(reqwest::Method::GET, &history, Some(&ada), None).await;
    assert_eq!(refused["calls"], json!([]), "the API took nothing from a Worker with the wrong secret");

    let restarted = workerd.restart(&vars).await.expect("workerd restarts");
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let calls = loop {
        let (_, body) = api.api(reqwest::Method::GET, &history, Some(&ada), None).await;
        if body["calls"][0]["ended_at"].is_u64() {
            break body;
        }
        assert!(tokio::time::Instant::now() < deadline, "the queued history never arrived: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(calls["calls"].as_array().map(Vec::len), Some(1), "{calls}");
    assert_eq!(calls["calls"][0]["participants"][0]["display_name"], "Ada", "{calls}");
    assert!(calls["calls"][0]["participants"][0]["left_at"].is_u64(), "{calls}");
    drop((restarted, node));
}

/// The Worker's internal route for access changes, tried as an attacker would: without the
/// secret, with a wrong one, with the wrong method, with junk and with far too much; only the
/// API's own notice, with the secret, reaches the room.
#[tokio::test]
async fn only_the_api_with_the_internal_secret_may_tell_a_room_that_access_changed() {
    use serde_json::{Value, json};
    let host = edge(HostOptions::default()).await;
    let (mut ada, _) = host.join("link-access", "Ada").await;
    let url = host.url("/api/internal/rooms/link-access/access");
    let http = reqwest::Client::new();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    let deleted = json!({"change": {"kind": "group_deleted"}, "at": now.as_millis() as u64});
    let answer = |reply: reqwest::Response| async move {
        let status = reply.status().as_u16();
        (status, reply.json::<Value>().await.expect("a JSON body")["error"].clone())
    };
    let tries = [
        http.post(&url).json(&deleted),
        http.post(&url).bearer_auth("not-the-secret").json(&deleted),
        http.post(&url).header("authorization", INTERNAL_SECRET).json(&deleted),
    ];
    for attempt in tries {
        let (status, error) = answer(attempt.send().await.expect("request")).await;
        assert_eq!((status, error.as_str()), (401, Some("internal_only")));
    }
    let (status, error) =
        answer(http.get(&url).bearer_auth(INTERNAL_SECRET).send().await.expect("request")).await;
    assert_eq!((status, error.as_str()), (405, Some("method_not_allowed")));
    for junk in
        ["not json".to_owned(), r#"{"change":{"kind":"everyone_out"},"at":1}"#.to_owned(), "x".repeat(10_000)]
    {
        let reply = http.post(&url).bearer_auth(INTERNAL_SECRET).body(junk).send().await.expect("request");
        let (status, error) = answer(reply).await;
        assert_eq!((status, error.as_str()), (400, Some("invalid_body")));
    }
    let bad_group = host.url("/api/internal/rooms/..%2F/access");
    let reply =
        http.post(&bad_group).bearer_auth(INTERNAL_SECRET).json(&deleted).send().await.expect("request");
    assert_eq!(reply.status(), 400);
    // Nothing reached the room: Ada is still in her call.
    ada.ping(1).await;
    // The API's notice, with the secret: the room closes the call.
    let reply = http.post(&url).bearer_auth(INTERNAL_SECRET).json(&deleted).send().await.expect("request");
    assert_eq!(reply.status(), 204);
    assert_eq!(ada.recv_type("error").await["code"], "access_revoked");
}

/// The Worker's internal route for lost media nodes, tried as an attacker would: without the
/// secret, with a wrong one, with junk, too much, or the lease of a session the call does not
/// use; only the API's notice of the call's own session, with the secret, moves the call (to a
/// new session: the listed node is the only one, and it is back).
#[tokio::test]
async fn only_the_api_with_the_internal_secret_may_tell_a_room_its_media_node_is_lost() {
    use serde_json::{Value, json};
    let host = edge(HostOptions::default()).await;
    let (mut ada, _) = host.join("link-lost-node", "Ada").await;
    let (mut bob, _) = host.join("link-lost-node", "Bob").await;
    ada.recv_type("participant_joined").await;
    let mut cy = host.connect("link-lost-node").await;
    cy.send_join("Cy", None).await;
    cy.recv_type("waiting_for_media_node").await;
    let welcome = cy.recv_type("welcome").await;
    let access = &welcome["media_node"];
    let (url, call) = (access["url"].as_str().expect("url"), access["call_id"].as_str().expect("call"));
    for client in [&mut ada, &mut bob] {
        client.recv_type("move_to_media_node").await;
        client.recv_type("participant_joined").await;
    }
    // The lease as the room holds it: the listed node's id and URLs.
    let lease = json!({"node_id": "edge-test-node", "url": url, "call_id": call, "control_url": url});
    let route = host.url("/api/internal/rooms/link-lost-node/media-node-lost");
    let http = reqwest::Client::new();
    let answer = |reply: reqwest::Response| async move {
        let status = reply.status().as_u16();
        (status, reply.json::<Value>().await.expect("a JSON body")["error"].clone())
    };
    for attempt in
        [http.post(&route).json(&lease), http.post(&route).bearer_auth("not-the-secret").json(&lease)]
    {
        let (status, error) = answer(attempt.send().await.expect("request")).await;
        assert_eq!((status, error.as_str()), (401, Some("internal_only")));
    }
    for junk in ["not json".to_owned(), r#"{"node_id":1}"#.to_owned(), "x".repeat(10_000)] {
        let reply = http.post(&route).bearer_auth(INTERNAL_SECRET).body(junk).send().await.expect("request");
        let (status, error) = answer(reply).await;
        assert_eq!((status, error.as_str()), (400, Some("invalid_body")));
    }
    // Another session's lease, and a room with nobody in it, change nothing.
    let other =
        json!({"node_id": "edge-test-node", "url": url, "call_id": "call-someone-else", "control_url": url});
    let reply = http.post(&route).bearer_auth(INTERNAL_SECRET).json(&other).send().await.expect("request");
    assert_eq!(reply.status(), 204);
    let empty = host.url("/api/internal/rooms/link-nobody-here/media-node-lost");
    let reply = http.post(&empty).bearer_auth(INTERNAL_SECRET).json(&lease).send().await.expect("request");
    assert_eq!(reply.status(), 204);
    ada.ping(1).await;
    // The call's own session: everyone hears it is lost, then moves to a new session.
    let reply = http.post(&route).bearer_auth(INTERNAL_SECRET).json(&lease).send().await.expect("request");
    assert_eq!(reply.status(), 204);
    for client in [&mut ada, &mut bob, &mut cy] {
        client.recv_type("media_node_lost").await;
        let moved = client.recv_type("move_to_media_node").await;
        assert_ne!(moved["media_node"]["call_id"], call, "a new call session");
    }
}

//! The media-node fleet's routes, tried the way an attacker would: only nodes with the fleet's
//! secret register, heartbeat and leave; only signaling hosts with the internal secret allocate
//! and release; every field a node or host sends is checked before anything is stored; a node is
//! never given more than it holds, nor a call once it stopped heartbeating; and the rooms whose
//! sessions a node lost are told, with the lease they were given.

mod api_support;

use api_support::fleet::{FLEET_SECRET, ScalerCall, WatchedScaler, fleet_settings};
use api_support::{INTERNAL_SECRET, Reply, TestApi};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use peershare_core::GroupId;
use peershare_core::fleet::{NodeReach, ScalePolicy};
use peershare_core::group_id::STORED_GROUP_PREFIX;
use peershare_core::media::MediaNodeLease;
use peershare_core::protocol::ParticipantId;
use peershare_core::room::{ConsentRecord, StopReason};
use peershare_functions::clock::Clock;
use peershare_functions::fleet::{FixedFleet, FleetSettings};
use peershare_functions::session::random_id;
use peershare_functions::store::{ClaimRequest, MediaNodeEntry, RecordingRecord, RecordingStatus};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const NODES: &str = "/api/internal/media-nodes";
const ALLOCATIONS: &str = "/api/internal/media-nodes/allocations";
const TICK: &str = "/api/internal/media-nodes/tick";
/// The fleet's heartbeat interval: a node missing two is dead.
const HEARTBEAT: Duration = Duration::from_secs(5);

/// A stored group's id, as the API makes them: the room that asks for a session.
fn new_room() -> String {
    GroupId::parse(&random_id(STORED_GROUP_PREFIX, 16)).expect("a group id").to_string()
}

/// Node `id`'s registration: 10 participants in the fleet's default region.
fn node(id: &str) -> Value {
    json!({
        "id": id,
        "region": "local",
        "public_url": format!("https://{id}.media.test:8443"),
        "control_url": format!("http://{id}.internal:8090"),
        "capacity": 10,
        "version": "0.1.0",
    })
}

/// Registers `body` under `id` with the fleet's secret.
async fn register_as(api: &TestApi, id: &str, body: Value) -> Reply {
    api.call(Method::PUT, &format!("{NODES}/{id}"), Some(FLEET_SECRET), Some(body)).await
}

/// Registers node `id` (see [`node`]).
async fn register(api: &TestApi, id: &str) {
    let reply = register_as(api, id, node(id)).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
}

/// Node `id`'s heartbeat carrying `load`.
async fn heartbeat(api: &TestApi, id: &str, load: u32) -> Reply {
    let body = json!({ "load": load });
    api.call(Method::POST, &format!("{NODES}/{id}/heartbeat"), Some(FLEET_SECRET), Some(body)).await
}

/// Whether node `id`'s heartbeat is answered `draining`.
async fn told_to_drain(api: &TestApi, id: &str, load: u32) -> bool {
    let reply = heartbeat(api, id, load).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    reply.json["draining"].as_bool().expect("draining")
}

/// An allocation request for `participants` of a new room.
fn ask(participants: u32) -> Value {
    json!({ "room": new_room(), "participants": participants })
}

/// A host's allocation request.
async fn allocate(api: &TestApi, ask: Value) -> Reply {
    api.call(Method::POST, ALLOCATIONS, Some(INTERNAL_SECRET), Some(ask)).await
}

/// The lease the fleet must answer `ask` with.
async fn lease(api: &TestApi, ask: Value) -> MediaNodeLease {
    let reply = allocate(api, ask).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    serde_json::from_value(reply.json["lease"].clone()).expect("a lease")
}

/// A request with a raw body, from a node.
async fn put_raw(api: &TestApi, id: &str, body: impl Into<Body>) -> Reply {
    let request = Request::builder()
        .method(Method::PUT)
        .uri(format!("{NODES}/{id}"))
        .header("authorization", format!("Bearer {FLEET_SECRET}"))
        .header("content-type", "application/json")
        .body(body.into())
        .expect("request");
    api.raw(request).await
}

/// Node `id` as the store holds it.
async fn entry(api: &TestApi, id: &str) -> Option<MediaNodeEntry> {
    api.state.store.media_node(id).await.expect("reads")
}

/// Every node the store holds, by id.
async fn entries(api: &TestApi) -> Vec<MediaNodeEntry> {
    api.state.store.media_nodes().await.expect("reads")
}

/// Lost sessions in the order of their call ids.
fn sorted(mut lost: Vec<(String, MediaNodeLease)>) -> Vec<(String, MediaNodeLease)> {
    lost.sort_by(|a, b| a.1.call_id.cmp(&b.1.call_id));
    lost
}

// --- Who may call ---------------------------------------------------------------------------

#[tokio::test]
async fn node_routes_take_only_the_fleets_secret() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-1").await;
    let (user, _, _) = api.sign_in("Mallory").await;
    let mut hijack = node("node-1");
    hijack["public_url"] = json!("https://attacker.test");
    let requests = [
        (Method::PUT, format!("{NODES}/node-2"), Some(node("node-2"))),
        (Method::PUT, format!("{NODES}/node-1"), Some(hijack)),
        (Method::POST, format!("{NODES}/node-1/heartbeat"), Some(json!({ "load": 0 }))),
        (Method::DELETE, format!("{NODES}/node-1"), None),
    ];
    let bearers = [None, Some(INTERNAL_SECRET), Some("fleet-secret-for-tests"), Some(user.as_str())];
    for (method, path, body) in requests {
        for bearer in bearers {
            let reply = api.call(method.clone(), &path, bearer, body.clone()).await;
            assert_eq!(
                (reply.status, reply.code()),
                (StatusCode::UNAUTHORIZED, "fleet_only"),
                "{method} {path} with {bearer:?}"
            );
        }
    }
    let nodes = entries(&api).await;
    assert_eq!(nodes.len(), 1, "{nodes:?}");
    assert_eq!(nodes[0].registration.public_url, "https://node-1.media.test:8443", "unchanged");
}

#[tokio::test]
async fn host_routes_take_only_the_internal_secret() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-1").await;
    let granted = lease(&api, ask(2)).await;
    let (user, _, _) = api.sign_in("Mallory").await;
    let requests = [
        (Method::POST, ALLOCATIONS.to_owned(), Some(ask(2))),
        (Method::DELETE, format!("{NODES}/node-1/allocations/{}", granted.call_id), None),
    ];
    let bearers = [None, Some(FLEET_SECRET), Some("internal-secret-for-tests"), Some(user.as_str())];
    for (method, path, body) in requests {
        for bearer in bearers {
            let reply = api.call(method.clone(), &path, bearer, body.clone()).await;
            assert_eq!(
                (reply.status, reply.code()),
                (StatusCode::UNAUTHORIZED, "internal_only"),
                "{method} {path} with {bearer:?}"
            );
        }
    }
    let held = api.state.store.node_allocations("node-1").await.expect("reads");
    assert_eq!(held.len(), 1, "nothing reserved, nothing released: {held:?}");
    assert_eq!(held[0].call_id, granted.call_id);
}

#[tokio::test]
async fn an_api_without_a_fleet_has_no_fleet_routes() {
    let api = TestApi::new();
    let requests = [
        (Method::PUT, format!("{NODES}/node-1"), Some(node("node-1")), FLEET_SECRET),
        (Method::POST, format!("{NODES}/node-1/heartbeat"), Some(json!({ "load": 0 })), FLEET_SECRET),
        (Method::DELETE, format!("{NODES}/node-1"), None, FLEET_SECRET),
        (Method::POST, ALLOCATIONS.to_owned(), Some(ask(2)), INTERNAL_SECRET),
        (Method::DELETE, format!("{NODES}/node-1/allocations/call-1"), None, INTERNAL_SECRET),
        (Method::POST, TICK.to_owned(), None, INTERNAL_SECRET),
    ];
    for (method, path, body, secret) in requests {
        let reply = api.call(method.clone(), &path, Some(secret), body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "fleet_disabled"),
            "{method} {path}"
        );
    }
    assert!(entries(&api).await.is_empty());
}

// --- Registration and heartbeats ------------------------------------------------------------

#[tokio::test]
async fn a_registration_is_stored_and_answered_with_the_heartbeat_interval() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    let reply = register_as(&api, "node-1", node("node-1")).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.json, json!({ "draining": false, "heartbeat_interval_ms": 5000 }));
    let stored = entry(&api, "node-1").await.expect("stored");
    assert_eq!(serde_json::to_value(&stored.registration).expect("json"), node("node-1"));
    assert_eq!((stored.reserved, stored.load, stored.draining), (0, 0, false));
    assert_eq!(stored.last_heartbeat, api.clock.now());
    assert!(api.rooms.take_lost_nodes().is_empty(), "a new node lost nothing");
}

#[tokio::test]
async fn invalid_registrations_are_refused_and_nothing_is_stored() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    let with = |field: &str, value: Value| {
        let mut body = node("node-1");
        body[field] = value;
        body
    };
    let cases = [
        (node("node-2"), 400, "node_id_mismatch", "path"),
        (with("id", json!("node-1/../node-2")), 400, "invalid_registration", "id must be"),
        (with("id", json!("")), 400, "invalid_registration", "id must be"),
        (with("region", json!("local west")), 400, "invalid_registration", "region must be"),
        (with("region", json!("l".repeat(33))), 400, "invalid_registration", "region must be"),
        (with("public_url", json!("javascript:alert(1)")), 400, "invalid_registration", "public_url must be"),
        (with("public_url", json!("https://")), 400, "invalid_registration", "public_url must be"),
        (
            with("control_url", json!("file:///etc/passwd")),
            400,
            "invalid_registration",
            "control_url must be",
        ),
        (with("control_url", json!("http://a b")), 400, "invalid_registration", "control_url must be"),
        (with("capacity", json!(0)), 400, "invalid_registration", "capacity must be"),
        (with("capacity", json!(100_001)), 400, "invalid_registration", "capacity must be"),
        (with("capacity", json!(-1)), 422, "invalid_body", "capacity"),
        (with("version", json!("1.0\u{1b}[2J")), 400, "invalid_registration", "version must be"),
        (with("draining", json!(false)), 422, "invalid_body", "unknown field `draining`"),
        (json!({ "id": "node-1" }), 422, "invalid_body", "missing field"),
    ];
    for (body, status, code, problem) in cases {
        let reply = register_as(&api, "node-1", body.clone()).await;
        assert_eq!((reply.status.as_u16(), reply.code()), (status, code), "{body}: {reply:?}");
        let message = reply.json["message"].as_str().expect("a message");
        assert!(message.contains(problem), "{body}: {message}");
    }
    let malformed = put_raw(&api, "node-1", r#"{"id": "node-1", "region": "#).await;
    assert_eq!((malformed.status.as_u16(), malformed.code()), (400, "invalid_body"), "{malformed:?}");
    let mut huge = node("node-1");
    huge["version"] = json!("v".repeat(65 * 1024));
    let huge = put_raw(&api, "node-1", huge.to_string()).await;
    assert_eq!((huge.status.as_u16(), huge.code()), (413, "invalid_body"), "{huge:?}");
    assert!(huge.json["message"].as_str().is_some_and(|m| m.contains("length limit")), "{huge:?}");
    assert!(entries(&api).await.is_empty());
}

#[tokio::test]
async fn a_heartbeat_records_the_load_and_carries_the_draining_mark() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-1").await;
    let unknown = heartbeat(&api, "node-2", 0).await;
    assert_eq!((unknown.status, unknown.code()), (StatusCode::NOT_FOUND, "unknown_node"), "{unknown:?}");
    assert!(entry(&api, "node-2").await.is_none(), "a heartbeat registers nothing");

    api.clock.advance(HEARTBEAT);
    let reply = heartbeat(&api, "node-1", 7).await;
    assert_eq!(reply.json, json!({ "draining": false, "heartbeat_interval_ms": 5000 }));
    let stored = entry(&api, "node-1").await.expect("stored");
    assert_eq!((stored.load, stored.last_heartbeat), (7, api.clock.now()));
    for garbage in [json!({ "load": -1 }), json!({ "load": 1, "draining": false }), json!("beat")] {
        let path = format!("{NODES}/node-1/heartbeat");
        let reply = api.call(Method::POST, &path, Some(FLEET_SECRET), Some(garbage.clone())).await;
        assert_eq!((reply.status.as_u16(), reply.code()), (422, "invalid_body"), "{garbage}");
    }

    assert!(api.state.store.set_node_draining("node-1", true).await.expect("writes"));
    assert!(told_to_drain(&api, "node-1", 7).await);
}

// --- Allocation -----------------------------------------------------------------------------

#[tokio::test]
async fn an_allocation_leases_a_session_on_a_registered_node() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-1").await;
    let room = new_room();
    let reply = allocate(&api, json!({ "room": room, "participants": 3 })).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    let granted: MediaNodeLease = serde_json::from_value(reply.json["lease"].clone()).expect("a lease");
    assert_eq!(reply.json, json!({ "lease": granted }), "the lease only");
    assert_eq!(
        granted,
        MediaNodeLease {
            node_id: "node-1".into(),
            url: "https://node-1.media.test:8443".into(),
            call_id: granted.call_id.clone(),
            control_url: "http://node-1.internal:8090".into(),
        }
    );
    assert!(!granted.call_id.is_empty());

    let held = api.state.store.node_allocations("node-1").await.expect("reads");
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!((&held[0].call_id, &held[0].room, held[0].participants), (&granted.call_id, &room, 3));
    let stored = entry(&api, "node-1").await.expect("stored");
    assert_eq!((stored.reserved, stored.idle_since), (3, None));
    assert_eq!(scaler.take(), [], "3 of a target of 8: nothing to start");
}

#[tokio::test]
async fn an_allocation_avoids_the_node_the_call_just_lost() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-a").await;
    register(&api, "node-b").await;
    let first = lease(&api, json!({ "room": new_room(), "participants": 2, "avoid": "node-a" })).await;
    assert_eq!(first.node_id, "node-b", "node-a comes first among equals, but is avoided");
    let second = lease(&api, json!({ "room": new_room(), "participants": 2, "avoid": "node-b" })).await;
    assert_eq!(second.node_id, "node-a", "node-b is fuller, but is avoided");
}

#[tokio::test]
async fn a_node_whose_heartbeats_stopped_never_takes_a_call() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-a").await;
    api.clock.advance(HEARTBEAT * 2 - Duration::from_millis(1));
    register(&api, "node-b").await;
    let early = lease(&api, ask(1)).await;
    assert_eq!(early.node_id, "node-a", "alive a moment before its second missed heartbeat");

    api.clock.advance(Duration::from_millis(1));
    let late = lease(&api, ask(1)).await;
    assert_eq!(late.node_id, "node-b", "node-a is fuller, but missed two heartbeats");

    api.clock.advance(HEARTBEAT * 2);
    let reply = allocate(&api, ask(1)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "no node is alive: {reply:?}");
    let reserved: Vec<u32> = entries(&api).await.iter().map(|e| e.reserved).collect();
    assert_eq!(reserved, [1, 1]);
}

#[tokio::test]
async fn with_no_room_a_fleet_that_can_grow_asks_for_a_node_and_the_host_waits() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    let reply = allocate(&api, ask(4)).await;
    assert_eq!((reply.status, &reply.json), (StatusCode::ACCEPTED, &json!({ "retry_after_ms": 2000 })));
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 1)]);

    register(&api, "node-1").await;
    let full = lease(&api, ask(10)).await;
    assert_eq!(full.node_id, "node-1", "past its target, up to its capacity");
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 2)], "10 participants, 8 a node");
    let reply = allocate(&api, ask(1)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{reply:?}");
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 2)]);
    let reply = allocate(&api, json!({ "room": new_room(), "participants": 1, "region": "eu-west-1" })).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{reply:?}");
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("eu-west-1".into(), 1)]);
    assert_eq!(entry(&api, "node-1").await.expect("stored").reserved, 10);
}

#[tokio::test]
async fn every_call_waiting_for_a_node_counts_when_the_fleet_grows() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    let (a, b) = (new_room(), new_room());
    let ask_for = |room: &str| json!({ "room": room, "participants": 6 });
    assert_eq!(allocate(&api, ask_for(&a)).await.status, StatusCode::ACCEPTED);
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 1)]);
    assert_eq!(allocate(&api, ask_for(&b)).await.status, StatusCode::ACCEPTED);
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 2)], "6 + 6 waiting, 8 a node");
    assert_eq!(allocate(&api, ask_for(&a)).await.status, StatusCode::ACCEPTED);
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 2)], "a room asking again counts once");
}

#[tokio::test]
async fn with_no_room_a_fixed_fleet_refuses_the_call() {
    let api = TestApi::with_fleet(Arc::new(FixedFleet));
    let reply = allocate(&api, ask(2)).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::SERVICE_UNAVAILABLE, "no_media_node"), "{reply:?}");
    register(&api, "node-1").await;
    lease(&api, ask(9)).await;
    let reply = allocate(&api, ask(2)).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::SERVICE_UNAVAILABLE, "no_media_node"), "{reply:?}");
    assert_eq!(entry(&api, "node-1").await.expect("stored").reserved, 9);
}

#[tokio::test]
async fn invalid_allocation_asks_are_refused_and_nothing_is_reserved() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-1").await;
    let room = new_room();
    let cases = [
        (json!({ "room": room, "participants": 0 }), 400, "invalid_allocation"),
        (json!({ "room": room, "participants": 5000 }), 400, "invalid_allocation"),
        (json!({ "room": "", "participants": 2 }), 400, "invalid_allocation"),
        (json!({ "room": "g_a b", "participants": 2 }), 400, "invalid_allocation"),
        (json!({ "room": "g_a\u{7}b", "participants": 2 }), 400, "invalid_allocation"),
        (json!({ "room": "g_a\nb", "participants": 2 }), 400, "invalid_allocation"),
        (json!({ "room": "r".repeat(129), "participants": 2 }), 400, "invalid_allocation"),
        // Printable, but no room could be told of its session's loss under these keys.
        (json!({ "room": "g_team/../g_other", "participants": 2 }), 400, "invalid_allocation"),
        (json!({ "room": format!("g_{}", "a".repeat(63)), "participants": 2 }), 400, "invalid_allocation"),
        (json!({ "room": room, "participants": 2, "region": "eu west" }), 400, "invalid_allocation"),
        (json!({ "room": room, "participants": 2, "region": "" }), 400, "invalid_allocation"),
        (json!({ "room": room, "participants": 2, "avoid": "node-1/../x" }), 400, "invalid_allocation"),
        (json!({ "room": room, "participants": -1 }), 422, "invalid_body"),
        (json!({ "room": room, "participants": 2, "node_id": "node-1" }), 422, "invalid_body"),
        (json!({ "participants": 2 }), 422, "invalid_body"),
    ];
    for (ask, status, code) in cases {
        let reply = allocate(&api, ask.clone()).await;
        assert_eq!((reply.status.as_u16(), reply.code()), (status, code), "{ask}: {reply:?}");
    }
    assert_eq!(api.state.store.node_allocations("node-1").await.expect("reads"), []);
    assert_eq!(entry(&api, "node-1").await.expect("stored").reserved, 0);
    assert_eq!(scaler.take(), [], "nothing asked of the scaler");
}

#[tokio::test]
async fn a_release_frees_the_reservation_once() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-a").await;
    register(&api, "node-b").await;
    let granted = lease(&api, ask(4)).await;
    let elsewhere = format!("{NODES}/node-b/allocations/{}", granted.call_id);
    let reply = api.call(Method::DELETE, &elsewhere, Some(INTERNAL_SECRET), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{reply:?}");
    assert_eq!(entry(&api, &granted.node_id).await.expect("stored").reserved, 4, "another node's call id");

    api.clock.advance(Duration::from_secs(30));
    let released_at = api.clock.now();
    let path = format!("{NODES}/{}/allocations/{}", granted.node_id, granted.call_id);
    for _ in 0..2 {
        let reply = api.call(Method::DELETE, &path, Some(INTERNAL_SECRET), None).await;
        assert_eq!(reply.status, StatusCode::NO_CONTENT, "{reply:?}");
        let stored = entry(&api, &granted.node_id).await.expect("stored");
        assert_eq!((stored.reserved, stored.idle_since), (0, Some(released_at)), "given back once");
        assert_eq!(api.state.store.node_allocations(&granted.node_id).await.expect("reads"), []);
        api.clock.advance(HEARTBEAT);
    }
}

// --- Nodes that leave, die or restart -------------------------------------------------------

#[tokio::test]
async fn a_node_that_leaves_is_retired_and_its_rooms_are_told() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-1").await;
    let (one, two) = (new_room(), new_room());
    let first = lease(&api, json!({ "room": one, "participants": 2 })).await;
    let second = lease(&api, json!({ "room": two, "participants": 3 })).await;
    scaler.take();

    let path = format!("{NODES}/node-1");
    let reply = api.call(Method::DELETE, &path, Some(FLEET_SECRET), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{reply:?}");
    assert_eq!(sorted(api.rooms.take_lost_nodes()), sorted(vec![(one, first), (two, second)]));
    assert_eq!(scaler.take(), [ScalerCall::Retire("node-1".into(), "local".into())]);
    assert!(entries(&api).await.is_empty());
    assert_eq!(api.state.store.node_allocations("node-1").await.expect("reads"), []);

    let again = api.call(Method::DELETE, &path, Some(FLEET_SECRET), None).await;
    assert_eq!((again.status, again.code()), (StatusCode::NOT_FOUND, "unknown_node"), "{again:?}");
    assert_eq!(api.rooms.take_lost_nodes(), [], "told once");
    assert_eq!(scaler.take(), [], "retired once");
}

#[tokio::test]
async fn a_node_whose_heartbeats_stopped_is_forgotten_and_its_rooms_are_told() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-a").await;
    register(&api, "node-b").await;
    let room = new_room();
    let granted = lease(&api, json!({ "room": room, "participants": 2 })).await;
    assert_eq!(granted.node_id, "node-a");

    api.clock.advance(HEARTBEAT * 2 - Duration::from_millis(1));
    assert!(!told_to_drain(&api, "node-b", 0).await);
    assert!(entry(&api, "node-a").await.is_some(), "one heartbeat late is not dead");
    assert_eq!(api.rooms.take_lost_nodes(), []);

    api.clock.advance(Duration::from_millis(1));
    assert!(!told_to_drain(&api, "node-b", 0).await);
    assert!(entry(&api, "node-a").await.is_none(), "forgotten");
    assert_eq!(api.rooms.take_lost_nodes(), [(room, granted)], "with the lease the room was given");
    assert!(scaler.take().contains(&ScalerCall::Retire("node-a".into(), "local".into())));
    let late = heartbeat(&api, "node-a", 2).await;
    assert_eq!((late.status, late.code()), (StatusCode::NOT_FOUND, "unknown_node"), "it must register again");
}

#[tokio::test]
async fn an_idle_node_drains_after_the_quiet_period_and_a_busy_one_does_not() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-a").await;
    register(&api, "node-b").await;
    let granted = lease(&api, ask(1)).await;
    assert_eq!(granted.node_id, "node-a");
    // Both heartbeat every interval until node-b has been idle for the quiet period (a minute).
    for _ in 0..12 {
        assert!(!told_to_drain(&api, "node-a", 1).await);
        assert!(!told_to_drain(&api, "node-b", 0).await, "not yet a minute idle");
        api.clock.advance(HEARTBEAT);
    }
    assert!(!told_to_drain(&api, "node-a", 1).await, "it carries a call");
    assert!(told_to_drain(&api, "node-b", 0).await, "idle for a minute, and not needed");
    assert!(!told_to_drain(&api, "node-a", 1).await);
    let draining: Vec<(String, bool)> =
        entries(&api).await.into_iter().map(|e| (e.registration.id, e.draining)).collect();
    assert_eq!(draining, [("node-a".into(), false), ("node-b".into(), true)]);
    assert_eq!(api.rooms.take_lost_nodes(), [], "draining cuts no call");
}

#[tokio::test]
async fn a_node_that_registers_again_has_the_rooms_of_its_sessions_told() {
    let api = TestApi::with_fleet(WatchedScaler::new(true));
    register(&api, "node-1").await;
    let room = new_room();
    let granted = lease(&api, json!({ "room": room, "participants": 4 })).await;
    assert_eq!(api.rooms.take_lost_nodes(), []);

    // It restarted, on another address.
    let mut restarted = node("node-1");
    restarted["public_url"] = json!("https://node-1-new.media.test:8443");
    let reply = register_as(&api, "node-1", restarted).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(api.rooms.take_lost_nodes(), [(room, granted)], "the lease the room knows, old address");
    let stored = entry(&api, "node-1").await.expect("stored");
    assert_eq!(
        (stored.reserved, stored.registration.public_url.as_str()),
        (0, "https://node-1-new.media.test:8443")
    );
    assert_eq!(api.state.store.node_allocations("node-1").await.expect("reads"), []);
}

// --- Too many at once -----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn allocations_at_once_never_oversubscribe_a_node() {
    let api = Arc::new(TestApi::with_fleet(WatchedScaler::new(true)));
    register(&api, "node-1").await;
    let mut asks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let api = api.clone();
        asks.spawn(async move { allocate(&api, ask(1)).await });
    }
    let mut leases = Vec::new();
    let mut refused = 0;
    while let Some(reply) = asks.join_next().await {
        let reply = reply.expect("the task ran");
        match reply.status {
            StatusCode::OK => {
                leases.push(reply.json["lease"]["call_id"].as_str().expect("a call").to_owned())
            }
            StatusCode::ACCEPTED | StatusCode::SERVICE_UNAVAILABLE => refused += 1,
            _ => panic!("{reply:?}"),
        }
    }
    leases.sort();
    leases.dedup();
    assert_eq!((leases.len(), refused), (10, 10));
    let stored = entry(&api, "node-1").await.expect("stored");
    assert_eq!(stored.reserved, 10);
    assert_eq!(api.state.store.node_allocations("node-1").await.expect("reads").len(), 10);
}

// --- A scaler that fails --------------------------------------------------------------------

#[tokio::test]
async fn a_failing_scaler_costs_no_call_a_node_has_room_for() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-1").await;
    lease(&api, ask(8)).await;
    scaler.fail(true);
    let granted = lease(&api, ask(2)).await;
    assert_eq!(granted.node_id, "node-1", "past the target, within the capacity");
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 2)], "more was asked for");
    let reply = allocate(&api, ask(1)).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::BAD_GATEWAY, "scaler_failed"),
        "no room, none starting"
    );
}

#[tokio::test]
async fn a_failing_scaler_keeps_no_room_from_hearing_of_its_lost_session() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    for id in ["node-a", "node-b", "node-c"] {
        register(&api, id).await;
    }
    let (left, died) = (new_room(), new_room());
    let on_a = lease(&api, json!({ "room": left, "participants": 1, "avoid": "node-b" })).await;
    let on_b = lease(&api, json!({ "room": died, "participants": 1, "avoid": "node-a" })).await;
    assert_eq!((on_a.node_id.as_str(), on_b.node_id.as_str()), ("node-a", "node-b"));
    scaler.fail(true);

    let reply = api.call(Method::DELETE, &format!("{NODES}/node-a"), Some(FLEET_SECRET), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "it left the registry: {reply:?}");
    assert_eq!(api.rooms.take_lost_nodes(), [(left, on_a)]);

    api.clock.advance(HEARTBEAT * 2);
    assert!(!told_to_drain(&api, "node-c", 0).await);
    assert!(entry(&api, "node-b").await.is_none(), "forgotten");
    assert_eq!(api.rooms.take_lost_nodes(), [(died, on_b)]);
}

// --- The scheduled look at the fleet --------------------------------------------------------

/// A scheduler's look at the fleet's size.
async fn tick(api: &TestApi) -> Reply {
    api.call(Method::POST, TICK, Some(INTERNAL_SECRET), None).await
}

#[tokio::test]
async fn the_tick_route_takes_only_the_internal_secret() {
    let scaler = WatchedScaler::new(true);
    let api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-1").await;
    api.clock.advance(HEARTBEAT * 3);
    let (user, _, _) = api.sign_in("Mallory").await;
    let bearers = [None, Some(FLEET_SECRET), Some("internal-secret-for-tests"), Some(user.as_str())];
    for bearer in bearers {
        let reply = api.call(Method::POST, TICK, bearer, None).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNAUTHORIZED, "internal_only"), "{bearer:?}");
        assert!(reply.json["message"].is_string(), "{reply:?}");
    }
    assert!(entry(&api, "node-1").await.is_some(), "no look was taken: the silent node is still known");
    assert_eq!(scaler.take(), [], "nothing asked of the scaler");
    let reply = api.call(Method::GET, TICK, Some(INTERNAL_SECRET), None).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{reply:?}");
}

#[tokio::test]
async fn a_tick_forgets_dead_nodes_drains_idle_ones_and_keeps_the_warm_capacity() {
    let scaler = WatchedScaler::new(true);
    let settings = FleetSettings {
        scale: ScalePolicy { warm_minimum: "local=1".parse().expect("valid"), ..fleet_settings().scale },
        // Heartbeats look at the fleet once (the first), then only the scheduler does.
        tick_every: Duration::from_secs(3600),
        ..fleet_settings()
    };
    let api = TestApi::with_fleet_settings(scaler.clone(), settings);
    for id in ["node-a", "node-b", "node-c"] {
        register(&api, id).await;
    }
    let room = new_room();
    let granted = lease(&api, json!({ "room": room, "participants": 1 })).await;
    assert_eq!(granted.node_id, "node-a");
    // All three heartbeat for a minute: b and c carry nothing past the quiet period.
    for _ in 0..=12 {
        assert!(!told_to_drain(&api, "node-a", 1).await);
        assert!(!told_to_drain(&api, "node-b", 0).await);
        assert!(!told_to_drain(&api, "node-c", 0).await);
        api.clock.advance(HEARTBEAT);
    }
    // Then node-a stops heartbeating, and misses two.
    assert!(!told_to_drain(&api, "node-b", 0).await, "heartbeats no longer look at the fleet");
    assert!(!told_to_drain(&api, "node-c", 0).await);
    api.clock.advance(HEARTBEAT);
    scaler.take();
    assert_eq!(api.rooms.take_lost_nodes(), []);

    let reply = tick(&api).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(
        reply.json,
        json!({
            "desired": { "local": 1 },
            "drained": ["node-b"],
            "forgotten": ["node-a"],
            "lost_sessions": 1,
            "nodes": 2,
            "participants": 0,
        }),
        "one node stays warm; the other idle one drains"
    );
    assert_eq!(api.rooms.take_lost_nodes(), [(room, granted)], "the room moves its call");
    assert_eq!(
        scaler.take(),
        [ScalerCall::Retire("node-a".into(), "local".into()), ScalerCall::GrowTo("local".into(), 1)]
    );
    assert!(entry(&api, "node-a").await.is_none(), "forgotten");
    assert!(entry(&api, "node-b").await.expect("known").draining);
    assert!(!entry(&api, "node-c").await.expect("known").draining, "the warm node");

    let again = tick(&api).await;
    assert_eq!(
        again.json,
        json!({ "desired": { "local": 1 }, "drained": [], "forgotten": [], "lost_sessions": 0, "nodes": 2, "participants": 0 })
    );
    assert_eq!(api.rooms.take_lost_nodes(), [], "told once");
}

#[tokio::test]
async fn a_tick_keeps_warm_the_nodes_of_an_open_schedule_window_only() {
    let scaler = WatchedScaler::new(true);
    let mut api = TestApi::new();
    // A window over the clock's current hour, every day.
    let hour = api.clock.now().as_millis() / 3_600_000 % 24;
    let warm = format!("local@daily/{hour:02}-{:02}=2", hour + 1);
    let settings = FleetSettings {
        scale: ScalePolicy { warm_minimum: warm.parse().expect("valid"), ..fleet_settings().scale },
        ..fleet_settings()
    };
    api.set_fleet(scaler.clone(), settings);
    let open = tick(&api).await;
    assert_eq!(open.json["desired"], json!({ "local": 2 }), "{open:?}");
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 2)]);
    api.clock.advance(Duration::from_secs(3600));
    let closed = tick(&api).await;
    assert_eq!(closed.json["desired"], json!({ "local": 0 }), "{closed:?}");
}

// --- Nodes reached through the API ---------------------------------------------------------

#[tokio::test]
async fn a_fleet_reached_through_the_api_takes_only_pinned_https_nodes_and_leases_its_proxy() {
    let settings = FleetSettings { reach: NodeReach::ThroughApi, ..fleet_settings() };
    let api = TestApi::with_fleet_settings(WatchedScaler::new(true), settings);
    let pin = "ab".repeat(32);
    let https = |id: &str| format!("https://{id}.internal:8090");
    let refused = [
        ("unpinned", json!({ "control_url": https("unpinned") })),
        ("plain", json!({ "control_url": "http://plain.internal:8090", "tls_sha256": pin })),
    ];
    for (id, fields) in refused {
        let mut body = node(id);
        body.as_object_mut().expect("object").extend(fields.as_object().expect("object").clone());
        let reply = register_as(&api, id, body).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::BAD_REQUEST, "node_needs_pinned_tls"),
            "{id}: {reply:?}"
        );
    }
    let mut upper = node("upper");
    upper["tls_sha256"] = json!(pin.to_uppercase());
    upper["control_url"] = json!(https("upper"));
    let reply = register_as(&api, "upper", upper).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, "invalid_registration"), "{reply:?}");
    assert!(entries(&api).await.is_empty(), "nothing refused is stored");

    let mut pinned = node("node-1");
    pinned["tls_sha256"] = json!(pin);
    pinned["control_url"] = json!(https("node-1"));
    assert_eq!(register_as(&api, "node-1", pinned).await.status, StatusCode::OK);
    let granted = lease(&api, ask(3)).await;
    assert_eq!(
        (granted.url.as_str(), granted.control_url.as_str()),
        ("/api/media-nodes/node-1", "/api/media-nodes/node-1")
    );
    assert_eq!(entry(&api, "node-1").await.expect("stored").registration.tls_sha256, Some(pin));
}

#[tokio::test]
async fn the_node_proxy_answers_only_where_the_fleet_is_reached_through_it() {
    let path = "/api/media-nodes/node-1/v1/calls/call-1";
    let reply = TestApi::new().call(Method::GET, path, None, None).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "fleet_disabled"), "{reply:?}");
    let direct = TestApi::with_fleet(WatchedScaler::new(true));
    register(&direct, "node-1").await;
    let reply = direct.call(Method::GET, path, None, None).await;
    assert_eq!((reply.status, reply.code()), (StatusCode::NOT_FOUND, "fleet_not_proxied"), "{reply:?}");
}

#[tokio::test]
async fn recordings_waiting_for_the_nodes_composers_keep_a_node_running_until_composed() {
    let scaler = WatchedScaler::new(true);
    let settings = FleetSettings { composers_on_nodes: true, ..fleet_settings() };
    let api = TestApi::with_fleet_settings(scaler.clone(), settings);
    let store = api.state.store.clone();
    assert_eq!(tick(&api).await.json["desired"], json!({}), "nothing to do, nothing runs");
    let (token, _, _) = api.sign_in("Ada").await;
    let group = GroupId::parse(&api.create_group(&token, "Recorded").await).expect("a group id");
    let record = RecordingRecord {
        id: peershare_core::room::recording_id(&group, api.clock.now()),
        group: group.clone(),
        call_id: peershare_core::room::call_id(&group, api.clock.now()),
        started_at: api.clock.now(),
        stopped_at: None,
        stop_reason: None,
        started_by: ConsentRecord {
            participant: ParticipantId(1),
            identity: None,
            display_name: "Ada".into(),
            allowed: true,
            at: api.clock.now(),
        },
        consents: Vec::new(),
        status: RecordingStatus::Recording,
        output: None,
    };
    store.recording_started(&record).await.expect("records");
    store.recording_stopped(&record.id, api.clock.now(), StopReason::Stopped).await.expect("stops");
    scaler.take();
    let queued = tick(&api).await;
    assert_eq!(queued.json["desired"], json!({ "local": 1 }), "a node starts for the composer: {queued:?}");
    assert_eq!(scaler.take(), [ScalerCall::GrowTo("local".into(), 1)]);

    // The node comes, stays idle past the quiet period, and composes: it is kept.
    register(&api, "node-a").await;
    let now = api.clock.now();
    store
        .claim_queued_recording(&ClaimRequest {
            claimant: "composer-1".into(),
            now,
            until: now.plus(Duration::from_secs(7200)),
            take_expired: true,
        })
        .await
        .expect("claims")
        .expect("queued");
    api.clock.advance(Duration::from_secs(3600));
    assert!(!told_to_drain(&api, "node-a", 0).await);
    let composing = tick(&api).await;
    assert_eq!(
        (composing.json["desired"].clone(), composing.json["drained"].clone()),
        (json!({ "local": 1 }), json!([]))
    );
    let composed = store.set_recording_status(&record.id, "composer-1", &RecordingStatus::Ready, None);
    assert!(composed.await.expect("answers"), "composed");
    let done = tick(&api).await;
    assert_eq!(done.json["drained"], json!(["node-a"]), "once composed, the idle node leaves: {done:?}");
}

#[tokio::test]
async fn nodes_registered_before_the_fleet_was_proxied_take_no_call_and_drain() {
    let scaler = WatchedScaler::new(true);
    let mut api = TestApi::with_fleet(scaler.clone());
    register(&api, "node-old").await;
    api.set_fleet(scaler.clone(), FleetSettings { reach: NodeReach::ThroughApi, ..fleet_settings() });
    let reply = allocate(&api, ask(3)).await;
    assert_eq!(
        reply.status,
        StatusCode::ACCEPTED,
        "the unproxiable node is not offered; a new one starts: {reply:?}"
    );
    let looked = tick(&api).await;
    assert_eq!(looked.json["drained"], json!(["node-old"]), "{looked:?}");
    assert!(entry(&api, "node-old").await.expect("known").draining);
}

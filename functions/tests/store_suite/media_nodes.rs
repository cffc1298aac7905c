use super::{NOW, Shared, at};
use peershare_core::Timestamp;
use peershare_core::fleet::{FleetPolicy, NodeRecord};
use peershare_functions::store::{MediaNodeEntry, NodeAllocation, NodeRegistration, Reservation};

/// Node `id` in `eu-west-1` carrying `capacity` participants.
fn node(id: &str, capacity: u32) -> NodeRegistration {
    NodeRegistration {
        id: id.into(),
        region: "eu-west-1".into(),
        public_url: format!("https://{id}.media.example"),
        control_url: format!("http://{id}.internal:8443"),
        capacity,
        version: "1.4.0".into(),
        tls_sha256: None,
    }
}

/// Call `call` of room `g_team` on node `node_id`, for `participants`, made at `NOW`.
fn call(node_id: &str, call: &str, participants: u32) -> NodeAllocation {
    NodeAllocation {
        node_id: node_id.into(),
        call_id: call.into(),
        participants,
        room: "g_team".into(),
        created_at: NOW,
    }
}

/// Registers `node` at `NOW`.
async fn registered(store: &Shared, node: &NodeRegistration) {
    let dropped = store.register_node(node, NOW).await.expect("registers");
    assert_eq!(dropped, vec![], "a new node has no allocations");
}

/// Reserves `allocation` for a node alive since `NOW`.
async fn reserve(store: &Shared, allocation: &NodeAllocation) -> Reservation {
    store.reserve_on_node(allocation, NOW).await.expect("reserves")
}

/// The entry of node `id`, which must exist.
async fn entry(store: &Shared, id: &str) -> MediaNodeEntry {
    store.media_node(id).await.expect("reads").expect("registered")
}

pub async fn media_nodes_register_and_list_by_id(store: Shared) {
    assert_eq!(store.media_nodes().await.expect("lists"), vec![]);
    // One node pins its certificate: the registry keeps the pin as given.
    let pinned = NodeRegistration { tls_sha256: Some("ab".repeat(32)), ..node("node-b", 40) };
    let (b, a, c) = (pinned, node("node-a", 10), node("node-c", 0));
    for n in [&b, &a, &c] {
        registered(&store, n).await;
    }
    let fresh = |registration: &NodeRegistration| MediaNodeEntry {
        registration: registration.clone(),
        reserved: 0,
        load: 0,
        draining: false,
        registered_at: NOW,
        last_heartbeat: NOW,
        idle_since: Some(NOW),
    };
    assert_eq!(store.media_nodes().await.expect("lists"), vec![fresh(&a), fresh(&b), fresh(&c)]);
    assert_eq!(store.media_node("node-b").await.expect("reads"), Some(fresh(&b)));
    assert_eq!(store.media_node("node-x").await.expect("reads"), None);
    assert_eq!(store.node_allocations("node-a").await.expect("lists"), vec![]);
}

pub async fn registering_again_drops_and_returns_the_old_allocations(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    registered(&store, &node("node-b", 10)).await;
    let (c2, c1, other) = (call("node-a", "c2", 2), call("node-a", "c1", 3), call("node-b", "c1", 4));
    for allocation in [&c2, &c1, &other] {
        assert_eq!(reserve(&store, allocation).await, Reservation::Reserved);
    }
    store.node_heartbeat("node-a", 5, at(1000)).await.expect("beats");
    store.set_node_draining("node-a", true).await.expect("drains");
    let restarted = NodeRegistration {
        capacity: 20,
        version: "1.5.0".into(),
        tls_sha256: Some("0f".repeat(32)),
        ..node("node-a", 10)
    };
    let dropped = store.register_node(&restarted, at(5000)).await.expect("registers again");
    assert_eq!(dropped, vec![c1, c2.clone()], "its calls must move, by call id");
    assert_eq!(
        entry(&store, "node-a").await,
        MediaNodeEntry {
            registration: restarted,
            reserved: 0,
            load: 0,
            draining: false,
            registered_at: at(5000),
            last_heartbeat: at(5000),
            idle_since: Some(at(5000)),
        }
    );
    assert_eq!(store.node_allocations("node-a").await.expect("lists"), vec![]);
    assert_eq!(
        store.node_allocations("node-b").await.expect("lists"),
        vec![other],
        "other nodes keep theirs"
    );
    assert!(!store.release_on_node("node-a", "c2", at(6000)).await.expect("releases"), "dropped already");
    assert_eq!(reserve(&store, &c2).await, Reservation::Reserved, "the same call may come back");
    assert_eq!(entry(&store, "node-a").await.reserved, 2);
}

pub async fn heartbeats_update_load_and_report_draining(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    let beat = store.node_heartbeat("node-a", 4, at(5000)).await.expect("beats").expect("registered");
    assert_eq!((beat.load, beat.last_heartbeat, beat.draining), (4, at(5000), false));
    assert_eq!((beat.registered_at, beat.reserved), (NOW, 0), "the rest is kept");
    assert_eq!(entry(&store, "node-a").await, beat, "stored");
    assert!(store.set_node_draining("node-a", true).await.expect("drains"));
    let beat = store.node_heartbeat("node-a", 3, at(10_000)).await.expect("beats").expect("registered");
    assert_eq!((beat.load, beat.last_heartbeat, beat.draining), (3, at(10_000), true), "told to drain");
    assert!(store.set_node_draining("node-a", false).await.expect("undrains"));
    assert!(!entry(&store, "node-a").await.draining);
    assert_eq!(store.node_heartbeat("node-x", 1, at(5000)).await.expect("beats"), None, "must register");
    assert!(!store.set_node_draining("node-x", true).await.expect("drains"), "unknown");
    assert_eq!(store.media_node("node-x").await.expect("reads"), None, "not created");
}

pub async fn a_node_missing_two_heartbeats_is_dead(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    store.node_heartbeat("node-a", 0, at(5000)).await.expect("beats");
    let policy = FleetPolicy::default();
    let two_beats = u64::try_from((policy.heartbeat_interval * 2).as_millis()).expect("fits");
    let record = entry(&store, "node-a").await.record();
    assert!(policy.alive(&record, at(5000 + two_beats - 1)), "one heartbeat missed");
    let now = at(5000 + two_beats);
    assert!(!policy.alive(&record, now), "two heartbeats missed");
    let alive_since = Timestamp::from_millis(now.as_millis() - two_beats + 1);
    let dead = store.reserve_on_node(&call("node-a", "c1", 2), alive_since).await.expect("reserves");
    assert_eq!(dead, Reservation::Dead);
    assert_eq!(entry(&store, "node-a").await.reserved, 0, "nothing reserved");
    let alive = store.reserve_on_node(&call("node-a", "c1", 2), at(5000)).await.expect("reserves");
    assert_eq!(alive, Reservation::Reserved, "a heartbeat at the bound counts");
}

pub async fn reservations_add_up_to_capacity_and_count_once(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    assert_eq!(reserve(&store, &call("node-a", "c1", 4)).await, Reservation::Reserved);
    assert_eq!(reserve(&store, &call("node-a", "c3", 5)).await, Reservation::Reserved);
    let after = entry(&store, "node-a").await;
    assert_eq!((after.reserved, after.idle_since), (9, None), "no longer idle");
    assert_eq!(reserve(&store, &call("node-a", "c4", 2)).await, Reservation::NoRoom);
    assert_eq!(reserve(&store, &call("node-a", "c2", 1)).await, Reservation::Reserved, "fills it");
    assert_eq!(reserve(&store, &call("node-a", "c5", 1)).await, Reservation::NoRoom, "full");
    assert_eq!(reserve(&store, &call("node-a", "c1", 4)).await, Reservation::AlreadyReserved);
    assert_eq!(
        reserve(&store, &call("node-a", "c3", 1)).await,
        Reservation::AlreadyReserved,
        "the same call again, whatever its size"
    );
    assert_eq!(entry(&store, "node-a").await.reserved, 10, "each counted once");
    let calls: Vec<_> = store
        .node_allocations("node-a")
        .await
        .expect("lists")
        .into_iter()
        .map(|a| (a.call_id, a.participants))
        .collect();
    assert_eq!(calls, vec![("c1".into(), 4), ("c2".into(), 1), ("c3".into(), 5)], "by call id");
    assert_eq!(store.node_allocations("node-a").await.expect("lists")[0], call("node-a", "c1", 4));
}

pub async fn reservations_refuse_draining_and_unknown_nodes(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    assert!(store.set_node_draining("node-a", true).await.expect("drains"));
    assert_eq!(reserve(&store, &call("node-a", "c1", 2)).await, Reservation::Draining);
    assert_eq!(reserve(&store, &call("node-x", "c1", 2)).await, Reservation::UnknownNode);
    assert_eq!(store.node_allocations("node-a").await.expect("lists"), vec![]);
    assert_eq!(store.node_allocations("node-x").await.expect("lists"), vec![]);
    assert_eq!(entry(&store, "node-a").await.reserved, 0);
    assert!(store.set_node_draining("node-a", false).await.expect("undrains"));
    assert_eq!(reserve(&store, &call("node-a", "c1", 2)).await, Reservation::Reserved);
}

pub async fn releases_give_back_once_and_mark_the_node_idle(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    assert_eq!(reserve(&store, &call("node-a", "c1", 3)).await, Reservation::Reserved);
    assert_eq!(reserve(&store, &call("node-a", "c2", 2)).await, Reservation::Reserved);
    assert!(store.release_on_node("node-a", "c1", at(7000)).await.expect("releases"));
    let after = entry(&store, "node-a").await;
    assert_eq!((after.reserved, after.idle_since), (2, None), "one call left");
    assert!(!store.release_on_node("node-a", "c1", at(7500)).await.expect("releases"), "released already");
    assert_eq!(entry(&store, "node-a").await.reserved, 2, "given back once");
    assert!(store.release_on_node("node-a", "c2", at(8000)).await.expect("releases"));
    let after = entry(&store, "node-a").await;
    assert_eq!((after.reserved, after.idle_since), (0, Some(at(8000))), "idle since the last release");
    assert_eq!(store.node_allocations("node-a").await.expect("lists"), vec![]);
    assert!(!store.release_on_node("node-x", "c1", at(8000)).await.expect("releases"), "unknown node");
    assert_eq!(reserve(&store, &call("node-a", "c3", 10)).await, Reservation::Reserved, "all room back");
}

pub async fn the_fleet_record_takes_the_larger_of_reserved_and_load(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    assert_eq!(reserve(&store, &call("node-a", "c1", 3)).await, Reservation::Reserved);
    store.node_heartbeat("node-a", 5, at(1000)).await.expect("beats");
    let record = entry(&store, "node-a").await.record();
    assert_eq!(
        record,
        NodeRecord {
            id: "node-a".into(),
            region: "eu-west-1".into(),
            capacity: 10,
            reserved: 5,
            draining: false,
            last_heartbeat: at(1000),
        },
        "more people than reserved: the load counts"
    );
    store.node_heartbeat("node-a", 1, at(2000)).await.expect("beats");
    assert_eq!(entry(&store, "node-a").await.record().reserved, 3, "fewer: the reservation counts");
}

pub async fn removing_a_node_returns_its_allocations(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    registered(&store, &node("node-b", 10)).await;
    let (c1, c2, other) = (call("node-a", "c1", 3), call("node-a", "c2", 2), call("node-b", "c1", 1));
    for allocation in [&c1, &c2, &other] {
        assert_eq!(reserve(&store, allocation).await, Reservation::Reserved);
    }
    assert_eq!(store.remove_node("node-a").await.expect("removes"), vec![c1, c2]);
    assert_eq!(store.media_node("node-a").await.expect("reads"), None);
    assert_eq!(store.node_allocations("node-a").await.expect("lists"), vec![]);
    assert_eq!(store.remove_node("node-a").await.expect("removes"), vec![], "gone already");
    assert_eq!(store.node_heartbeat("node-a", 0, at(1000)).await.expect("beats"), None, "must register");
    assert!(!store.release_on_node("node-a", "c1", at(1000)).await.expect("releases"));
    let left: Vec<_> =
        store.media_nodes().await.expect("lists").into_iter().map(|n| n.registration.id).collect();
    assert_eq!(left, vec!["node-b".to_owned()]);
    assert_eq!(store.node_allocations("node-b").await.expect("lists"), vec![other]);
}

pub async fn fifty_parallel_reservations_for_the_last_slot_let_exactly_one_in(store: Shared) {
    registered(&store, &node("node-a", 10)).await;
    for i in 0..9 {
        assert_eq!(reserve(&store, &call("node-a", &format!("held{i}"), 1)).await, Reservation::Reserved);
    }
    let reservations: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(
                async move { store.reserve_on_node(&call("node-a", &format!("c{i:02}"), 1), NOW).await },
            )
        })
        .collect();
    let (mut reserved, mut no_room) = (0, 0);
    for reservation in reservations {
        match reservation.await.expect("the task ran") {
            Ok(Reservation::Reserved) => reserved += 1,
            Ok(Reservation::NoRoom) => no_room += 1,
            other => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!((reserved, no_room), (1, 49));
    assert_eq!(entry(&store, "node-a").await.reserved, 10);
    let allocations = store.node_allocations("node-a").await.expect("lists");
    assert_eq!(allocations.len(), 10, "the nine held and the one that won");
    assert_eq!(allocations.iter().map(|a| a.participants).sum::<u32>(), 10);
}

pub async fn a_restart_during_reservations_keeps_reserved_equal_to_the_allocations(store: Shared) {
    registered(&store, &node("node-a", 100)).await;
    // Six allocators reserving eight calls each, one after the other, while the node restarts.
    let allocators: Vec<_> = (0..6)
        .map(|a| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for c in 0..8 {
                    let allocation = call("node-a", &format!("c{a}-{c}"), 1);
                    outcomes
                        .push((allocation.call_id.clone(), store.reserve_on_node(&allocation, NOW).await));
                }
                outcomes
            })
        })
        .collect();
    let restart = {
        let store = store.clone();
        tokio::spawn(async move { store.register_node(&node("node-a", 100), at(1)).await })
    };
    let mut reserved = Vec::new();
    for allocator in allocators {
        for outcome in allocator.await.expect("the task ran") {
            match outcome {
                (call, Ok(Reservation::Reserved)) => reserved.push(call),
                // A reservation meeting the restart half-way finds the old run gone.
                (_, Ok(Reservation::Dead)) => {}
                other => panic!("unexpected outcome: {other:?}"),
            }
        }
    }
    let dropped = restart.await.expect("the task ran").expect("registers again");
    let kept = store.node_allocations("node-a").await.expect("lists");
    let mut accounted: Vec<_> = dropped.iter().chain(&kept).map(|a| a.call_id.clone()).collect();
    accounted.sort();
    reserved.sort();
    assert_eq!(accounted, reserved, "every reservation was either dropped by the restart or kept, once");
    assert_eq!(
        entry(&store, "node-a").await.reserved,
        kept.len() as u32,
        "the fresh run counts what it kept"
    );
}

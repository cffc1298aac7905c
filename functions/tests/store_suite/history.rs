use super::{NOW, Shared, at, group, user};
use peershare_functions::store::CallAttendance;

pub async fn call_history_records_starts_stints_and_ends(store: Shared) {
    user(&store, "ada").await;
    let g = group(&store, "g_team", "ada", 0).await;
    store.call_started("c1", &g.id, NOW).await.expect("records");
    store.call_started("c1", &g.id, at(5)).await.expect("a repeated start is ignored");
    store.call_joined("c1", "ada", "Ada", NOW).await.expect("records");
    store.call_joined("c1", "guest-1", "Visitor", at(1000)).await.expect("records");
    store.call_joined("c1", "guest-1", "Visitor", at(1000)).await.expect("a repeated join is ignored");
    store.call_joined("c1", "ada", "Ada", at(1500)).await.expect("a second device");
    store.call_left("c1", "guest-1", at(1000), at(2000)).await.expect("records");
    store.call_left("c1", "ada", at(1500), at(2500)).await.expect("the second device leaves");
    store.call_joined("c1", "guest-1", "Visitor", at(3000)).await.expect("rejoins");
    let running = store.calls(&g.id, 10).await.expect("reads");
    assert_eq!(running.len(), 1);
    assert_eq!((running[0].started_at, running[0].ended_at), (NOW, None));
    store.call_ended("c1", at(9000)).await.expect("records");
    store.call_started("c2", &g.id, at(20_000)).await.expect("records");
    let calls = store.calls(&g.id, 10).await.expect("reads");
    assert_eq!(calls.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["c2", "c1"], "newest first");
    assert_eq!(calls[1].ended_at, Some(at(9000)));
    let stint = |participant: &str, name: &str, joined: u64, left: u64| CallAttendance {
        participant: participant.into(),
        display_name: name.into(),
        joined_at: at(joined),
        left_at: Some(at(left)),
    };
    assert_eq!(
        calls[1].participants,
        vec![
            stint("ada", "Ada", 0, 9000),
            stint("guest-1", "Visitor", 1000, 2000),
            stint("ada", "Ada", 1500, 2500),
            stint("guest-1", "Visitor", 3000, 9000)
        ]
    );
    assert_eq!(store.calls(&g.id, 1).await.expect("reads").len(), 1, "limited");
}

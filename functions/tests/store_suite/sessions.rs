use super::{NOW, Shared, at, user};
use peershare_core::auth::{REFRESH_TTL, RefreshOutcome, RefreshRecord};

fn rotate_to(user: &str) -> RefreshOutcome {
    RefreshOutcome::Rotate { family: "fam".into(), user: user.into() }
}

pub async fn refresh_tokens_rotate_and_reuse_revokes_the_family(store: Shared) {
    user(&store, "ada").await;
    store.put_refresh([1; 32], &RefreshRecord::first("fam", "ada", NOW), NOW).await.expect("stores");
    assert_eq!(store.rotate_refresh([1; 32], [2; 32], at(1000)).await, Ok(rotate_to("ada")));
    assert_eq!(
        store.rotate_refresh([2; 32], [3; 32], at(2000)).await,
        Ok(rotate_to("ada")),
        "the successor works"
    );
    // Someone replays the first token: the whole family goes, including the newest token.
    assert_eq!(
        store.rotate_refresh([1; 32], [4; 32], at(3000)).await,
        Ok(RefreshOutcome::ReuseDetected { family: "fam".into() })
    );
    assert_eq!(store.rotate_refresh([3; 32], [5; 32], at(4000)).await, Ok(RefreshOutcome::Refused));
    assert_eq!(
        store.rotate_refresh([4; 32], [6; 32], at(4000)).await,
        Ok(RefreshOutcome::Refused),
        "never stored"
    );
    assert_eq!(store.rotate_refresh([9; 32], [7; 32], NOW).await, Ok(RefreshOutcome::Refused), "unknown");
    // An unused token past its expiry is refused.
    store.put_refresh([10; 32], &RefreshRecord::first("old", "ada", NOW), NOW).await.expect("stores");
    let expired = NOW.plus(REFRESH_TTL);
    assert_eq!(store.rotate_refresh([10; 32], [11; 32], expired).await, Ok(RefreshOutcome::Refused));
}

pub async fn concurrent_uses_of_one_refresh_token_rotate_once(store: Shared) {
    user(&store, "ada").await;
    store.put_refresh([1; 32], &RefreshRecord::first("fam", "ada", NOW), NOW).await.expect("stores");
    let attempts: Vec<_> = (0..8u8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.rotate_refresh([1; 32], [100 + i; 32], at(1000)).await })
        })
        .collect();
    let mut rotated = 0;
    for attempt in attempts {
        match attempt.await.expect("ran").expect("stored") {
            RefreshOutcome::Rotate { .. } => rotated += 1,
            RefreshOutcome::ReuseDetected { .. } | RefreshOutcome::Refused => {}
        }
    }
    assert_eq!(rotated, 1, "one presentation rotates; the others count as reuse");
}

pub async fn sign_out_revokes_the_family(store: Shared) {
    user(&store, "ada").await;
    store.put_refresh([1; 32], &RefreshRecord::first("fam", "ada", NOW), NOW).await.expect("stores");
    store.put_refresh([2; 32], &RefreshRecord::first("other", "ada", NOW), NOW).await.expect("stores");
    assert_eq!(store.rotate_refresh([1; 32], [3; 32], at(1)).await, Ok(rotate_to("ada")));
    store.revoke_refresh([3; 32]).await.expect("revokes");
    assert_eq!(store.rotate_refresh([3; 32], [4; 32], at(2)).await, Ok(RefreshOutcome::Refused));
    assert_eq!(
        store.rotate_refresh([2; 32], [5; 32], at(2)).await,
        Ok(RefreshOutcome::Rotate { family: "other".into(), user: "ada".into() }),
        "another sign-in (device) stays signed in"
    );
    store.revoke_refresh([99; 32]).await.expect("unknown tokens are ignored");
}

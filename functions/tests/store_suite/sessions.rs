use super::{NOW, Shared, at, user};
use peershare_core::auth::{REFRESH_TTL, REUSE_GRACE, RefreshOutcome, RefreshRecord};

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
    // Someone replays the first token well after it was exchanged: the whole family goes,
    // including the newest token.
    let later = at(1000).plus(REUSE_GRACE);
    assert_eq!(
        store.rotate_refresh([1; 32], [4; 32], later).await,
        Ok(RefreshOutcome::ReuseDetected { family: "fam".into() })
    );
    assert_eq!(store.rotate_refresh([3; 32], [5; 32], later).await, Ok(RefreshOutcome::Refused));
    assert_eq!(
        store.rotate_refresh([4; 32], [6; 32], later).await,
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
            RefreshOutcome::Raced => {}
            other => panic!("a concurrent use within the grace is a race, not {other:?}"),
        }
    }
    assert_eq!(rotated, 1, "one presentation rotates");
    // The others raced it within the grace: refused, but the sign-in lives on through the
    // winner's successor.
    let mut alive = 0;
    for i in 0..8u8 {
        let outcome = store.rotate_refresh([100 + i; 32], [200 + i; 32], at(2000)).await;
        if let Ok(RefreshOutcome::Rotate { .. }) = outcome {
            alive += 1;
        }
    }
    assert_eq!(alive, 1, "exactly the winner's successor still works");
}

pub async fn a_token_presented_again_within_moments_is_refused_without_ending_the_sign_in(store: Shared) {
    user(&store, "ada").await;
    store.put_refresh([1; 32], &RefreshRecord::first("fam", "ada", NOW), NOW).await.expect("stores");
    assert_eq!(store.rotate_refresh([1; 32], [2; 32], at(1000)).await, Ok(rotate_to("ada")));
    assert_eq!(store.rotate_refresh([1; 32], [3; 32], at(1500)).await, Ok(RefreshOutcome::Raced));
    assert_eq!(
        store.rotate_refresh([2; 32], [4; 32], at(2000)).await,
        Ok(rotate_to("ada")),
        "still signed in"
    );
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

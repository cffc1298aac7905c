use super::{NOW, Shared, at, group, user};
use peershare_core::groups::{InviteError, InviteState};
use peershare_functions::store::{NewInvite, RedeemError, Redeemed};

fn invite(id: &str, token: u8, group: &peershare_core::GroupId, max_uses: Option<u32>) -> NewInvite {
    NewInvite {
        id: id.into(),
        token_hash: [token; 32],
        group: group.clone(),
        created_by: "ada".into(),
        state: InviteState { expires_at: at(60_000), max_uses, uses: 0, revoked: false },
    }
}

pub async fn invites_are_created_listed_found_and_revoked(store: Shared) {
    user(&store, "ada").await;
    let g = group(&store, "g_team", "ada", 0).await;
    let other = group(&store, "g_other", "ada", 0).await;
    let first = store.create_invite(&invite("i1", 1, &g.id, Some(5)), NOW).await.expect("creates");
    let second = store.create_invite(&invite("i2", 2, &g.id, None), at(10)).await.expect("creates");
    store.create_invite(&invite("i3", 3, &other.id, None), NOW).await.expect("creates");
    assert_eq!((first.state.uses, first.state.max_uses, first.created_at), (0, Some(5), NOW));
    assert_eq!(
        store.invites(&g.id).await.expect("lists"),
        vec![second.clone(), first.clone()],
        "newest first"
    );
    assert_eq!(store.invite_by_token([1; 32]).await.expect("finds"), Some((first, g.clone())));
    assert_eq!(store.invite_by_token([9; 32]).await.expect("finds"), None);
    assert!(!store.revoke_invite(&other.id, "i1").await.expect("ok"), "only through its own group");
    assert!(store.revoke_invite(&g.id, "i1").await.expect("revokes"));
    let (revoked, _) = store.invite_by_token([1; 32]).await.expect("finds").expect("still listed");
    assert!(revoked.state.revoked);
}

pub async fn invites_admit_by_their_rules(store: Shared) {
    for id in ["ada", "u1", "u2", "u3"] {
        user(&store, id).await;
    }
    let g = group(&store, "g_team", "ada", 0).await;
    store.create_invite(&invite("i1", 1, &g.id, Some(2)), NOW).await.expect("creates");
    assert_eq!(store.redeem_invite([1; 32], "u1", NOW).await, Ok(Redeemed::Joined(g.id.clone())));
    assert_eq!(
        store.redeem_invite([1; 32], "u1", NOW).await,
        Ok(Redeemed::AlreadyMember(g.id.clone())),
        "following it again uses nothing"
    );
    assert_eq!(store.redeem_invite([1; 32], "ada", NOW).await, Ok(Redeemed::AlreadyMember(g.id.clone())));
    assert_eq!(store.redeem_invite([9; 32], "u2", NOW).await, Err(RedeemError::Unknown));
    assert_eq!(
        store.redeem_invite([1; 32], "u2", at(60_000)).await,
        Err(RedeemError::Refused(InviteError::Expired))
    );
    assert_eq!(store.redeem_invite([1; 32], "u2", NOW).await, Ok(Redeemed::Joined(g.id.clone())));
    assert_eq!(store.redeem_invite([1; 32], "u3", NOW).await, Err(RedeemError::Refused(InviteError::UsedUp)));
    assert_eq!(
        store.redeem_invite([1; 32], "u1", at(60_000)).await,
        Ok(Redeemed::AlreadyMember(g.id.clone())),
        "a member following a used-up or expired link is simply in"
    );
    store.create_invite(&invite("i2", 2, &g.id, None), NOW).await.expect("creates");
    store.revoke_invite(&g.id, "i2").await.expect("revokes");
    assert_eq!(
        store.redeem_invite([2; 32], "u3", NOW).await,
        Err(RedeemError::Refused(InviteError::Revoked))
    );
    let (used, _) = store.invite_by_token([1; 32]).await.expect("finds").expect("exists");
    assert_eq!(used.state.uses, 2);
    assert_eq!(store.members(&g.id).await.expect("lists").len(), 3, "ada, u1, u2");
}

pub async fn fifty_parallel_joins_through_a_ten_use_invite_admit_exactly_ten(store: Shared) {
    user(&store, "ada").await;
    for i in 0..50 {
        user(&store, &format!("u{i}")).await;
    }
    let g = group(&store, "g_team", "ada", 0).await;
    store.create_invite(&invite("i1", 1, &g.id, Some(10)), NOW).await.expect("creates");
    let joins: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.redeem_invite([1; 32], &format!("u{i}"), NOW).await })
        })
        .collect();
    let (mut joined, mut used_up) = (0, 0);
    for join in joins {
        match join.await.expect("the task ran") {
            Ok(Redeemed::Joined(group)) => {
                assert_eq!(group, g.id);
                joined += 1;
            }
            Err(RedeemError::Refused(InviteError::UsedUp)) => used_up += 1,
            other => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!((joined, used_up), (10, 40));
    let (stored, _) = store.invite_by_token([1; 32]).await.expect("finds").expect("exists");
    assert_eq!(stored.state.uses, 10);
    assert_eq!(store.members(&g.id).await.expect("lists").len(), 11, "the owner and ten");
}

use super::{NOW, Shared, at, group, user};
use peershare_core::groups::{InviteState, Role};
use peershare_functions::store::{MembershipChangeError, NewInvite, Redeemed};

/// Adds `who` to `group` as a member through a fresh invite.
pub async fn join(store: &Shared, group: &peershare_core::GroupId, who: &str, token: u8) {
    let invite = NewInvite {
        id: format!("inv-{token}"),
        token_hash: [token; 32],
        group: group.clone(),
        created_by: "ada".into(),
        state: InviteState { expires_at: at(3_600_000), max_uses: None, uses: 0, revoked: false },
    };
    store.create_invite(&invite, NOW).await.expect("invites");
    assert!(matches!(store.redeem_invite([token; 32], who, NOW).await, Ok(Redeemed::Joined(_))));
}

pub async fn members_are_listed_owners_first(store: Shared) {
    for id in ["ada", "bob", "cy"] {
        user(&store, id).await;
    }
    let g = group(&store, "g_team", "ada", 0).await;
    join(&store, &g.id, "cy", 1).await;
    join(&store, &g.id, "bob", 2).await;
    store.change_role(&g.id, "bob", Role::Member, Role::Admin).await.expect("promotes");
    let members = store.members(&g.id).await.expect("lists");
    let summary: Vec<_> = members.iter().map(|m| (m.user.id.as_str(), m.role)).collect();
    assert_eq!(summary, vec![("ada", Role::Owner), ("bob", Role::Admin), ("cy", Role::Member)]);
    assert_eq!(members[2].user.profile.display_name.as_str(), "User cy");
}

pub async fn roles_change_only_from_what_the_caller_saw(store: Shared) {
    user(&store, "ada").await;
    user(&store, "bob").await;
    let g = group(&store, "g_team", "ada", 0).await;
    join(&store, &g.id, "bob", 1).await;
    assert_eq!(
        store.change_role(&g.id, "bob", Role::Admin, Role::Owner).await,
        Err(MembershipChangeError::Changed),
        "bob is a member, not the admin the caller saw"
    );
    assert_eq!(store.remove_member(&g.id, "bob", Role::Admin).await, Err(MembershipChangeError::Changed));
    assert_eq!(
        store.change_role(&g.id, "zed", Role::Member, Role::Admin).await,
        Err(MembershipChangeError::NotMember)
    );
    store.change_role(&g.id, "bob", Role::Member, Role::Admin).await.expect("promotes");
    store.remove_member(&g.id, "bob", Role::Admin).await.expect("removes");
    assert_eq!(store.group_for(&g.id, Some("bob")).await.expect("reads").map(|(_, r)| r), Some(None));
}

pub async fn a_group_never_loses_its_last_owner(store: Shared) {
    user(&store, "ada").await;
    user(&store, "bob").await;
    let g = group(&store, "g_team", "ada", 0).await;
    assert_eq!(store.remove_member(&g.id, "ada", Role::Owner).await, Err(MembershipChangeError::LastOwner));
    assert_eq!(
        store.change_role(&g.id, "ada", Role::Owner, Role::Admin).await,
        Err(MembershipChangeError::LastOwner)
    );
    join(&store, &g.id, "bob", 1).await;
    store.change_role(&g.id, "bob", Role::Member, Role::Owner).await.expect("a second owner");
    store.remove_member(&g.id, "ada", Role::Owner).await.expect("now ada may leave");
    assert_eq!(store.remove_member(&g.id, "bob", Role::Owner).await, Err(MembershipChangeError::LastOwner));
}

pub async fn two_owners_demoting_each_other_at_once_leave_one_owner(store: Shared) {
    user(&store, "ada").await;
    user(&store, "bob").await;
    let g = group(&store, "g_team", "ada", 0).await;
    join(&store, &g.id, "bob", 1).await;
    store.change_role(&g.id, "bob", Role::Member, Role::Owner).await.expect("a second owner");
    for round in 0..10 {
        let (s1, s2, id1, id2) = (store.clone(), store.clone(), g.id.clone(), g.id.clone());
        let a = tokio::spawn(async move { s1.change_role(&id1, "ada", Role::Owner, Role::Member).await });
        let b = tokio::spawn(async move { s2.remove_member(&id2, "bob", Role::Owner).await });
        let outcomes = [a.await.expect("ran"), b.await.expect("ran")];
        let done = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(done, 1, "round {round}: exactly one change goes through: {outcomes:?}");
        assert!(outcomes.contains(&Err(MembershipChangeError::LastOwner)), "round {round}: {outcomes:?}");
        let owners =
            store.members(&g.id).await.expect("lists").iter().filter(|m| m.role == Role::Owner).count();
        assert_eq!(owners, 1, "round {round}");
        // Back to two owners for the next round.
        let members = store.members(&g.id).await.expect("lists");
        if members.iter().any(|m| m.user.id == "bob") {
            store.change_role(&g.id, "ada", Role::Member, Role::Owner).await.expect("restores");
        } else {
            join(&store, &g.id, "bob", 100 + round).await;
            store.change_role(&g.id, "bob", Role::Member, Role::Owner).await.expect("restores");
        }
    }
}

use super::{NOW, Shared, at, group, join, user};
use peershare_core::GroupId;
use peershare_core::groups::{
    DefaultLayout, GroupDescription, GroupName, InviteState, Role, SettingsError, SettingsPatch,
};
use peershare_functions::store::{NewInvite, RedeemError, SettingsChangeError};

pub async fn groups_are_created_listed_renamed_and_deleted(store: Shared) {
    user(&store, "ada").await;
    user(&store, "bob").await;
    let older = group(&store, "g_older", "ada", 0).await;
    let newer = group(&store, "g_newer", "ada", 10).await;
    let bobs = group(&store, "g_bobs", "bob", 5).await;
    let listed = store.groups_of("ada").await.expect("lists");
    assert_eq!(listed, vec![(newer.clone(), Role::Owner), (older.clone(), Role::Owner)], "newest first");
    assert_eq!(store.group_for(&bobs.id, Some("ada")).await.expect("reads"), Some((bobs.clone(), None)));
    assert_eq!(store.group_for(&bobs.id, None).await.expect("reads"), Some((bobs.clone(), None)));
    assert_eq!(store.group_for(&bobs.id, Some("bob")).await.expect("reads"), Some((bobs, Some(Role::Owner))));
    let missing = GroupId::parse("g_missing").expect("valid");
    assert_eq!(store.group_for(&missing, Some("ada")).await.expect("reads"), None);

    let name = GroupName::parse("Renamed").expect("valid");
    let renamed = store.rename_group(&older.id, Some(&name), None).await.expect("renames").expect("exists");
    assert_eq!((renamed.name.as_str(), renamed.description.as_str()), ("Renamed", ""));
    let description = GroupDescription::parse("Weekly sync").expect("valid");
    let described =
        store.rename_group(&older.id, None, Some(&description)).await.expect("ok").expect("exists");
    assert_eq!((described.name.as_str(), described.description.as_str()), ("Renamed", "Weekly sync"));
    assert_eq!(store.rename_group(&missing, Some(&name), None).await.expect("ok"), None);

    // Deleting takes members, invites and history with it.
    let invite = NewInvite {
        id: "inv".into(),
        token_hash: [7; 32],
        group: older.id.clone(),
        created_by: "ada".into(),
        state: InviteState { expires_at: at(60_000), max_uses: None, uses: 0, revoked: false },
    };
    store.create_invite(&invite, NOW).await.expect("invites");
    store.call_started("call-1", &older.id, NOW).await.expect("records");
    assert!(store.delete_group(&older.id).await.expect("deletes"));
    assert!(!store.delete_group(&older.id).await.expect("deletes"), "already gone");
    assert_eq!(store.group_for(&older.id, Some("ada")).await.expect("reads"), None);
    assert_eq!(store.invite_by_token([7; 32]).await.expect("reads"), None);
    assert_eq!(store.calls(&older.id, 10).await.expect("reads"), vec![]);
    assert_eq!(store.groups_of("ada").await.expect("lists"), vec![(newer, Role::Owner)]);
}

pub async fn settings_change_within_the_callers_role(store: Shared) {
    user(&store, "ada").await;
    let g = group(&store, "g_team", "ada", 0).await;
    let open =
        SettingsPatch { guests_allowed: Some(true), max_participants: Some(12), ..SettingsPatch::default() };
    let changed = store.change_settings(&g.id, &open, Role::Admin).await.expect("applies");
    assert!(changed.settings.guests_allowed);
    assert_eq!(changed.settings.max_participants, 12);
    let owners_only = SettingsPatch { record_role: Some(Role::Owner), ..SettingsPatch::default() };
    assert_eq!(
        store.change_settings(&g.id, &owners_only, Role::Admin).await,
        Err(SettingsChangeError::Invalid(SettingsError::AboveYourRole))
    );
    let too_many =
        SettingsPatch { max_participants: Some(1000), guests_allowed: Some(false), ..Default::default() };
    assert!(matches!(
        store.change_settings(&g.id, &too_many, Role::Owner).await,
        Err(SettingsChangeError::Invalid(_))
    ));
    let (stored, _) = store.group_for(&g.id, None).await.expect("reads").expect("exists");
    assert_eq!(stored.settings, changed.settings, "refused patches change nothing");
    let missing = peershare_core::GroupId::parse("g_nope").expect("valid");
    assert_eq!(store.change_settings(&missing, &open, Role::Owner).await, Err(SettingsChangeError::NotFound));
}

pub async fn settings_changes_at_once_all_apply(store: Shared) {
    user(&store, "ada").await;
    let g = group(&store, "g_team", "ada", 0).await;
    let patches = [
        SettingsPatch { guests_allowed: Some(true), ..SettingsPatch::default() },
        SettingsPatch { record_role: Some(Role::Owner), ..SettingsPatch::default() },
        SettingsPatch { invite_role: Some(Role::Member), ..SettingsPatch::default() },
        SettingsPatch { max_participants: Some(9), ..SettingsPatch::default() },
        SettingsPatch { default_layout: Some(DefaultLayout::Speaker), ..SettingsPatch::default() },
    ];
    let changes: Vec<_> = patches
        .into_iter()
        .map(|patch| {
            let (store, id) = (store.clone(), g.id.clone());
            tokio::spawn(async move { store.change_settings(&id, &patch, Role::Owner).await })
        })
        .collect();
    for change in changes {
        change.await.expect("ran").expect("applies");
    }
    let (stored, _) = store.group_for(&g.id, None).await.expect("reads").expect("exists");
    let s = stored.settings;
    assert_eq!(
        (s.guests_allowed, s.record_role, s.invite_role, s.max_participants, s.default_layout),
        (true, Role::Owner, Role::Member, 9, DefaultLayout::Speaker),
        "no change was lost"
    );
}

pub async fn deleting_a_group_removes_it_for_every_member(store: Shared) {
    user(&store, "ada").await;
    user(&store, "bob").await;
    let g = group(&store, "g_team", "ada", 0).await;
    join(&store, &g.id, "bob", 1).await;
    assert_eq!(store.groups_of("bob").await.expect("lists"), vec![(g.clone(), Role::Member)]);
    assert!(store.delete_group(&g.id).await.expect("deletes"));
    assert_eq!(store.groups_of("bob").await.expect("lists"), vec![]);
    assert_eq!(store.groups_of("ada").await.expect("lists"), vec![]);
    assert_eq!(store.members(&g.id).await.expect("lists"), vec![]);
    assert_eq!(store.invites(&g.id).await.expect("lists"), vec![]);
    assert_eq!(
        store.redeem_invite([1; 32], "bob", NOW).await,
        Err(RedeemError::Unknown),
        "its invites go too"
    );
    // The id can be used again, from scratch.
    let again = group(&store, "g_team", "bob", 0).await;
    assert_eq!(store.members(&again.id).await.expect("lists").len(), 1);
}

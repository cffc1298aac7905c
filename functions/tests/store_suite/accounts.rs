use super::{NOW, Shared, user};
use peershare_core::accounts::{DisplayName, Profile, ProfilePatch, VideoQuality};
use peershare_functions::store::{Identity, ProfileUpdateError};

pub async fn sign_in_creates_an_account_once_per_identity(store: Shared) {
    let identity =
        Identity { provider: "github".into(), subject: "42".into(), email: Some("ada@example.com".into()) };
    let profile = Profile::new(
        DisplayName::parse("Ada").expect("valid"),
        Some("https://avatars.githubusercontent.com/u/42".into()),
    );
    let first = store.sign_in(&identity, "u-ada", &profile, NOW).await.expect("signs up");
    assert_eq!((first.id.as_str(), first.profile.display_name.as_str()), ("u-ada", "Ada"));
    assert_eq!(first.created_at, NOW);
    let other_profile = Profile::new(DisplayName::parse("Someone else").expect("valid"), None);
    let again = store.sign_in(&identity, "u-new", &other_profile, NOW).await.expect("signs in");
    assert_eq!(again, first, "the same identity finds the same account; the new id and profile are unused");
    assert_eq!(store.user("u-new").await.expect("reads"), None);
    let google = Identity { provider: "google".into(), subject: "42".into(), email: None };
    let separate = store.sign_in(&google, "u-g", &other_profile, NOW).await.expect("signs up");
    assert_eq!(separate.id, "u-g", "same subject at another provider is another account");
    assert_eq!(store.user("u-ada").await.expect("reads"), Some(first));
}

pub async fn profiles_change_whole_or_not_at_all(store: Shared) {
    let ada = user(&store, "ada").await;
    let patch = ProfilePatch {
        display_name: Some("Ada L.".into()),
        video_quality: Some(VideoQuality::High),
        ..ProfilePatch::default()
    };
    let changed = store.update_profile("ada", &patch).await.expect("applies");
    assert_eq!(changed.profile.display_name.as_str(), "Ada L.");
    assert_eq!(changed.profile.preferences.video_quality, VideoQuality::High);
    assert_eq!(changed.created_at, ada.created_at);
    let bad = ProfilePatch {
        display_name: Some("Bad".into()),
        avatar_url: Some("http://insecure.example".into()),
        ..ProfilePatch::default()
    };
    assert!(matches!(store.update_profile("ada", &bad).await, Err(ProfileUpdateError::Invalid(_))));
    assert_eq!(store.user("ada").await.expect("reads"), Some(changed), "nothing of a refused patch applies");
    assert_eq!(store.update_profile("nobody", &patch).await, Err(ProfileUpdateError::NotFound));
}

pub async fn first_sign_ins_of_one_identity_at_once_make_one_account(store: Shared) {
    let identity = Identity { provider: "github".into(), subject: "7".into(), email: None };
    let attempts: Vec<_> = (0..8)
        .map(|i| {
            let (store, identity) = (store.clone(), identity.clone());
            tokio::spawn(async move {
                let profile = Profile::new(DisplayName::parse(&format!("Try {i}")).expect("valid"), None);
                store.sign_in(&identity, &format!("u-{i}"), &profile, NOW).await
            })
        })
        .collect();
    let mut accounts = Vec::new();
    for attempt in attempts {
        accounts.push(attempt.await.expect("ran").expect("signs in"));
    }
    assert!(accounts.iter().all(|a| *a == accounts[0]), "everyone got the same account: {accounts:?}");
    let mut stored = 0;
    for i in 0..8 {
        stored += usize::from(store.user(&format!("u-{i}")).await.expect("reads").is_some());
    }
    assert_eq!(stored, 1, "the losers' new ids stay unused");
}

pub async fn profile_changes_at_once_all_apply(store: Shared) {
    user(&store, "ada").await;
    let patches = [
        ProfilePatch { display_name: Some("Ada L.".into()), ..ProfilePatch::default() },
        ProfilePatch {
            avatar_url: Some("https://avatars.githubusercontent.com/u/1?v=4".into()),
            ..ProfilePatch::default()
        },
        ProfilePatch { camera: Some("Front camera".into()), ..ProfilePatch::default() },
        ProfilePatch { microphone: Some("Headset".into()), ..ProfilePatch::default() },
        ProfilePatch { video_quality: Some(VideoQuality::Low), ..ProfilePatch::default() },
    ];
    let changes: Vec<_> = patches
        .into_iter()
        .map(|patch| {
            let store = store.clone();
            tokio::spawn(async move { store.update_profile("ada", &patch).await })
        })
        .collect();
    for change in changes {
        change.await.expect("ran").expect("applies");
    }
    let profile = store.user("ada").await.expect("reads").expect("exists").profile;
    assert_eq!(profile.display_name.as_str(), "Ada L.");
    assert_eq!(profile.avatar_url.as_deref(), Some("https://avatars.githubusercontent.com/u/1?v=4"));
    assert_eq!(profile.preferences.camera.as_deref(), Some("Front camera"));
    assert_eq!(profile.preferences.microphone.as_deref(), Some("Headset"));
    assert_eq!(profile.preferences.video_quality, VideoQuality::Low, "no change was lost");
}

use super::{NOW, Shared, user};
use peershare_core::accounts::{DisplayName, Profile, ProfilePatch, VideoQuality};
use peershare_functions::store::{Identity, ProfileUpdateError};

pub async fn sign_in_creates_an_account_once_per_identity(store: Shared) {
    let identity =
        Identity { provider: "github".into(), subject: "42".into(), email: Some("ada@example.com".into()) };
    let profile =
        Profile::new(DisplayName::parse("Ada").expect("valid"), Some("https://a.example/x.png".into()));
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

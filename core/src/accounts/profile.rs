//! A person's profile: the name others see, an optional avatar, and call preferences.

use crate::protocol::MAX_DISPLAY_NAME_CHARS;
use crate::text::{TextError, check as check_text};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Longest avatar URL, in bytes.
pub const MAX_AVATAR_URL_LEN: usize = 2048;

/// Longest remembered camera or microphone label, in characters.
pub const MAX_DEVICE_LABEL_CHARS: usize = 200;

/// A valid display name: 1 to [`MAX_DISPLAY_NAME_CHARS`] characters, trimmed, printable (the
/// same limit a call's `join` applies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    /// Validates and trims `raw`.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        check_text(text, MAX_DISPLAY_NAME_CHARS, false)?;
        Ok(Self(text.to_owned()))
    }

    /// A display name made from whatever a provider sent: trimmed, cut to the limit, invalid
    /// characters dropped, `fallback` when nothing is left.
    pub fn lenient(raw: &str, fallback: &str) -> Self {
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_control() && check_text(&c.to_string(), 1, false).is_ok())
            .take(MAX_DISPLAY_NAME_CHARS)
            .collect();
        Self::parse(&cleaned).unwrap_or_else(|_| Self(fallback.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = TextError;
    fn try_from(raw: String) -> Result<Self, TextError> {
        Self::parse(&raw)
    }
}

impl From<DisplayName> for String {
    fn from(name: DisplayName) -> String {
        name.0
    }
}

/// The video quality someone prefers to receive.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VideoQuality {
    /// Follow the connection (the default).
    #[default]
    Auto,
    /// Lowest layers only: saves data on mobile connections.
    Low,
    /// Up to the middle layers.
    Standard,
    /// The best the connection allows, top layers included.
    High,
}

/// Call preferences remembered across devices.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Preferences {
    /// Label of the camera to open first, if one was chosen.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<String>,
    /// Label of the microphone to open first, if one was chosen.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microphone: Option<String>,
    /// Preferred received video quality.
    #[serde(default)]
    pub video_quality: VideoQuality,
}

/// A person's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The name shown in groups and calls.
    pub display_name: DisplayName,
    /// A picture from the sign-in provider's image host ([`super::is_allowed_avatar`]), if any.
    pub avatar_url: Option<String>,
    /// Call preferences.
    pub preferences: Preferences,
}

/// A change to a profile; absent fields stay as they are. An empty `avatar_url`, `camera` or
/// `microphone` clears it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    /// New display name.
    #[ts(optional)]
    pub display_name: Option<String>,
    /// New avatar URL (a picture on Google's or GitHub's image host), or "" to remove it.
    #[ts(optional)]
    pub avatar_url: Option<String>,
    /// New preferred camera label, or "" to forget it.
    #[ts(optional)]
    pub camera: Option<String>,
    /// New preferred microphone label, or "" to forget it.
    #[ts(optional)]
    pub microphone: Option<String>,
    /// New preferred video quality.
    #[ts(optional)]
    pub video_quality: Option<VideoQuality>,
}

/// Why a profile change was refused (nothing of it applies).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The display name is not valid.
    #[error("the display name is not valid: {0}")]
    DisplayName(TextError),
    /// The avatar is not an allowed picture address ([`super::is_allowed_avatar`]).
    #[error("the picture must be {}", super::AVATAR_RULE)]
    AvatarUrl,
    /// A device label is too long or contains control characters.
    #[error("a device name can have at most {MAX_DEVICE_LABEL_CHARS} printable characters ({0})")]
    DeviceLabel(&'static str),
}

impl Profile {
    /// A new account's profile.
    pub fn new(display_name: DisplayName, avatar_url: Option<String>) -> Self {
        let avatar_url = avatar_url.filter(|u| valid_avatar(u));
        Self { display_name, avatar_url, preferences: Preferences::default() }
    }

    /// This profile with `patch` applied, or why the patch is refused.
    pub fn apply(&self, patch: &ProfilePatch) -> Result<Self, ProfileError> {
        let mut next = self.clone();
        if let Some(name) = &patch.display_name {
            next.display_name = DisplayName::parse(name).map_err(ProfileError::DisplayName)?;
        }
        if let Some(url) = &patch.avatar_url {
            next.avatar_url = match url.trim() {
                "" => None,
                url if valid_avatar(url) => Some(url.to_owned()),
                _ => return Err(ProfileError::AvatarUrl),
            };
        }
        if let Some(camera) = &patch.camera {
            next.preferences.camera = device_label(camera, "camera")?;
        }
        if let Some(microphone) = &patch.microphone {
            next.preferences.microphone = device_label(microphone, "microphone")?;
        }
        if let Some(quality) = patch.video_quality {
            next.preferences.video_quality = quality;
        }
        Ok(next)
    }
}

fn valid_avatar(url: &str) -> bool {
    super::is_allowed_avatar(url)
}

fn device_label(raw: &str, field: &'static str) -> Result<Option<String>, ProfileError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    check_text(text, MAX_DEVICE_LABEL_CHARS, false).map_err(|_| ProfileError::DeviceLabel(field))?;
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ada() -> Profile {
        Profile::new(
            DisplayName::parse("Ada").expect("valid"),
            Some("https://lh3.googleusercontent.com/a/ada".into()),
        )
    }

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let patch = ProfilePatch {
            display_name: Some("  Ada L. ".into()),
            video_quality: Some(VideoQuality::Low),
            camera: Some("FaceTime HD".into()),
            ..ProfilePatch::default()
        };
        let next = ada().apply(&patch).expect("valid");
        assert_eq!(next.display_name.as_str(), "Ada L.");
        assert_eq!(next.avatar_url.as_deref(), Some("https://lh3.googleusercontent.com/a/ada"));
        assert_eq!(next.preferences.camera.as_deref(), Some("FaceTime HD"));
        assert_eq!(next.preferences.video_quality, VideoQuality::Low);
        let cleared = next
            .apply(&ProfilePatch {
                avatar_url: Some(String::new()),
                camera: Some(" ".into()),
                ..Default::default()
            })
            .expect("valid");
        assert_eq!((cleared.avatar_url, cleared.preferences.camera), (None, None));
    }

    #[test]
    fn bad_changes_are_refused_whole() {
        let bad_name = ProfilePatch {
            display_name: Some("x".repeat(MAX_DISPLAY_NAME_CHARS + 1)),
            video_quality: Some(VideoQuality::High),
            ..ProfilePatch::default()
        };
        assert!(matches!(ada().apply(&bad_name), Err(ProfileError::DisplayName(TextError::TooLong(_)))));
        for url in [
            "http://img.example/a.png",
            "https://img.example/a.png",
            "javascript:alert(1)",
            "https://",
            "https://a b",
        ] {
            let patch = ProfilePatch { avatar_url: Some(url.into()), ..ProfilePatch::default() };
            assert_eq!(ada().apply(&patch), Err(ProfileError::AvatarUrl), "{url}");
        }
        let long = ProfilePatch { microphone: Some("m".repeat(201)), ..ProfilePatch::default() };
        assert_eq!(ada().apply(&long), Err(ProfileError::DeviceLabel("microphone")));
        assert!(serde_json::from_str::<ProfilePatch>(r#"{"admin": true}"#).is_err(), "unknown fields");
    }

    #[test]
    fn provider_names_are_cleaned_not_refused() {
        assert_eq!(DisplayName::lenient("  Grace\u{202E} Hopper ", "Guest").as_str(), "Grace Hopper");
        assert_eq!(DisplayName::lenient("\u{200B}", "Someone").as_str(), "Someone");
        assert_eq!(
            DisplayName::lenient(&"y".repeat(300), "x").as_str().chars().count(),
            MAX_DISPLAY_NAME_CHARS
        );
        let bad_avatar = Profile::new(DisplayName::parse("A").expect("valid"), Some("http://x".into()));
        assert_eq!(bad_avatar.avatar_url, None, "an insecure provider avatar is dropped");
    }
}

//! Accounts as pure rules: what a valid profile is (display name, avatar, preferences) and how
//! a change to one applies. Identities and storage are the hosts' work.

mod avatar;
mod profile;

pub use avatar::{AVATAR_HOSTS_CSP, AVATAR_RULE, is_allowed_avatar};
pub use profile::{
    DisplayName, MAX_AVATAR_URL_LEN, MAX_DEVICE_LABEL_CHARS, Preferences, Profile, ProfileError,
    ProfilePatch, VideoQuality,
};

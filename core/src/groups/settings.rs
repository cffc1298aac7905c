//! A group's settings: who may record and invite, whether guests may join its call, how many
//! people its call takes and how the call screen starts out.

use super::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Smallest participant limit a group may set.
pub const MIN_PARTICIPANTS_LIMIT: u32 = 2;

/// Largest participant limit a group may set.
pub const MAX_PARTICIPANTS_LIMIT: u32 = 100;

/// How the call screen lays out tiles when someone joins.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DefaultLayout {
    /// Everyone in equal tiles.
    #[default]
    Grid,
    /// The active speaker large, the others in a strip.
    Speaker,
}

/// How recordings of the group's call are encoded (see the recording crate's presets).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordingQuality {
    /// 640×360: small files, cheap to make.
    Low,
    /// 1280×720.
    #[default]
    Medium,
    /// 1280×720 at higher quality: bigger files, twice the work.
    High,
}

impl RecordingQuality {
    /// Its name (`low`, `medium`, `high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

/// A group's settings. Valid when built by [`Default`] or by [`GroupSettings::apply`]; hosts only
/// deserialize settings they stored that way.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupSettings {
    /// Whether people without an account may join the group's call with a guest pass.
    pub guests_allowed: bool,
    /// The lowest role that may start a recording.
    pub record_role: Role,
    /// The lowest role that may create invite links.
    pub invite_role: Role,
    /// Most people in the group's call at once.
    pub max_participants: u32,
    /// The call screen's layout when someone joins.
    pub default_layout: DefaultLayout,
    /// How recordings are encoded.
    #[serde(default)]
    pub recording_quality: RecordingQuality,
}

impl Default for GroupSettings {
    fn default() -> Self {
        Self {
            guests_allowed: false,
            record_role: Role::Admin,
            invite_role: Role::Admin,
            max_participants: 50,
            default_layout: DefaultLayout::Grid,
            recording_quality: RecordingQuality::Medium,
        }
    }
}

/// A change to some settings; absent fields stay as they are.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SettingsPatch {
    /// New value of [`GroupSettings::guests_allowed`].
    #[ts(optional)]
    pub guests_allowed: Option<bool>,
    /// New value of [`GroupSettings::record_role`].
    #[ts(optional)]
    pub record_role: Option<Role>,
    /// New value of [`GroupSettings::invite_role`].
    #[ts(optional)]
    pub invite_role: Option<Role>,
    /// New value of [`GroupSettings::max_participants`].
    #[ts(optional)]
    pub max_participants: Option<u32>,
    /// New value of [`GroupSettings::default_layout`].
    #[ts(optional)]
    pub default_layout: Option<DefaultLayout>,
    /// New value of [`GroupSettings::recording_quality`].
    #[ts(optional)]
    pub recording_quality: Option<RecordingQuality>,
}

/// Why a settings change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// The participant limit is out of range.
    #[error(
        "a call can hold between {MIN_PARTICIPANTS_LIMIT} and {MAX_PARTICIPANTS_LIMIT} people, not {0} (max_participants)"
    )]
    ParticipantLimit(u32),
    /// The patch changes nothing.
    #[error("the change names no setting")]
    Empty,
    /// The patch would set, or change, who may record or invite above the caller's own role.
    #[error("only an owner may change a setting reserved to owners")]
    AboveYourRole,
}

impl GroupSettings {
    /// The settings after `patch` made by someone with role `by`, or why the patch is refused
    /// (nothing is half-applied). Nobody may hand out, or take away, a right reserved to a role
    /// above their own: an admin cannot open recording to everyone when owners kept it.
    pub fn apply(&self, patch: &SettingsPatch, by: Role) -> Result<Self, SettingsError> {
        if *patch == SettingsPatch::default() {
            return Err(SettingsError::Empty);
        }
        for (current, wanted) in
            [(self.record_role, patch.record_role), (self.invite_role, patch.invite_role)]
        {
            if let Some(wanted) = wanted
                && wanted != current
                && (wanted > by || current > by)
            {
                return Err(SettingsError::AboveYourRole);
            }
        }
        let mut next = *self;
        if let Some(v) = patch.guests_allowed {
            next.guests_allowed = v;
        }
        if let Some(v) = patch.record_role {
            next.record_role = v;
        }
        if let Some(v) = patch.invite_role {
            next.invite_role = v;
        }
        if let Some(v) = patch.max_participants {
            if !(MIN_PARTICIPANTS_LIMIT..=MAX_PARTICIPANTS_LIMIT).contains(&v) {
                return Err(SettingsError::ParticipantLimit(v));
            }
            next.max_participants = v;
        }
        if let Some(v) = patch.default_layout {
            next.default_layout = v;
        }
        if let Some(v) = patch.recording_quality {
            next.recording_quality = v;
        }
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_changes_only_what_it_names() {
        let before = GroupSettings::default();
        let patch =
            SettingsPatch { guests_allowed: Some(true), max_participants: Some(8), ..Default::default() };
        let after = before.apply(&patch, Role::Admin).expect("valid");
        assert_eq!(after, GroupSettings { guests_allowed: true, max_participants: 8, ..before });
    }

    #[test]
    fn an_out_of_range_limit_refuses_the_whole_patch() {
        let before = GroupSettings::default();
        for bad in [0, 1, MAX_PARTICIPANTS_LIMIT + 1, u32::MAX] {
            let patch = SettingsPatch {
                guests_allowed: Some(true),
                max_participants: Some(bad),
                ..Default::default()
            };
            assert_eq!(before.apply(&patch, Role::Admin), Err(SettingsError::ParticipantLimit(bad)));
        }
        for good in [MIN_PARTICIPANTS_LIMIT, MAX_PARTICIPANTS_LIMIT] {
            let patch = SettingsPatch { max_participants: Some(good), ..Default::default() };
            assert_eq!(before.apply(&patch, Role::Admin).map(|s| s.max_participants), Ok(good));
        }
    }

    #[test]
    fn nobody_changes_a_right_reserved_above_their_role() {
        let owners_record = GroupSettings { record_role: Role::Owner, ..GroupSettings::default() };
        let open_recording = SettingsPatch { record_role: Some(Role::Member), ..Default::default() };
        assert_eq!(owners_record.apply(&open_recording, Role::Admin), Err(SettingsError::AboveYourRole));
        assert_eq!(
            owners_record.apply(&open_recording, Role::Owner).map(|s| s.record_role),
            Ok(Role::Member)
        );
        let lock_invites = SettingsPatch { invite_role: Some(Role::Owner), ..Default::default() };
        assert_eq!(
            GroupSettings::default().apply(&lock_invites, Role::Admin),
            Err(SettingsError::AboveYourRole)
        );
        let widen_invites = SettingsPatch { invite_role: Some(Role::Member), ..Default::default() };
        assert_eq!(
            GroupSettings::default().apply(&widen_invites, Role::Admin).map(|s| s.invite_role),
            Ok(Role::Member)
        );
        // Restating the current value is not a change.
        let same = SettingsPatch {
            record_role: Some(Role::Owner),
            guests_allowed: Some(true),
            ..Default::default()
        };
        assert_eq!(owners_record.apply(&same, Role::Admin).map(|s| s.guests_allowed), Ok(true));
    }

    #[test]
    fn an_empty_patch_is_an_error_and_unknown_fields_do_not_parse() {
        assert_eq!(
            GroupSettings::default().apply(&SettingsPatch::default(), Role::Owner),
            Err(SettingsError::Empty)
        );
        assert!(serde_json::from_str::<SettingsPatch>(r#"{"guests":true}"#).is_err());
        assert!(serde_json::from_str::<SettingsPatch>(r#"{"record_role":"superuser"}"#).is_err());
        let parsed: SettingsPatch = serde_json::from_str(r#"{"record_role":"member"}"#).expect("valid");
        assert_eq!(parsed.record_role, Some(Role::Member));
    }
}

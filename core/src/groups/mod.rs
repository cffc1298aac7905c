//! Persistent groups as pure rules: who may do what (roles and the group's settings), what a
//! valid name, description or setting is, and when an invite still admits someone. Storage
//! and HTTP live in the hosts; every decision they make about a group comes from here.

mod action;
mod invite;
mod naming;
mod policy;
mod role;
mod settings;

pub use action::Action;
pub use invite::{
    INVITE_MAX_TTL_MS, INVITE_MIN_TTL_MS, InviteError, InviteRequest, InviteState, MAX_INVITE_USES,
};
pub use naming::{GroupDescription, GroupName, MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, TextError};
pub use policy::{Denied, MembershipError, authorize, check_leave, check_removal, check_role_change};
pub use role::{Role, Standing};
pub use settings::{
    DefaultLayout, GroupSettings, MAX_PARTICIPANTS_LIMIT, MIN_PARTICIPANTS_LIMIT, RecordingQuality,
    SettingsError, SettingsPatch,
};

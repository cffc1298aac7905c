//! How store operations fail: a backend failure, or an invariant that refused the change.

use peershare_core::accounts::ProfileError;
use peershare_core::groups::{InviteError, SettingsError};

/// The backend failed (I/O, a corrupt row, a throttled request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage failed: {0}")]
pub struct StoreError(pub String);

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self(e.to_string())
    }
}

/// Why a profile change did not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileUpdateError {
    /// No such account.
    #[error("no such account")]
    NotFound,
    /// The change is not valid.
    #[error(transparent)]
    Invalid(#[from] ProfileError),
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

/// Why a settings change did not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsChangeError {
    /// No such group.
    #[error("no such group")]
    NotFound,
    /// The change is not valid, or reaches above the caller's role.
    #[error(transparent)]
    Invalid(#[from] SettingsError),
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

/// Why a role change or removal did not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MembershipChangeError {
    /// The person is not a member.
    #[error("not a member of this group")]
    NotMember,
    /// Their role changed since the caller looked: look again.
    #[error("their role changed meanwhile; reload and try again")]
    Changed,
    /// The group would be left without an owner.
    #[error("a group needs an owner: make someone else an owner first")]
    LastOwner,
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl From<rusqlite::Error> for MembershipChangeError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.into())
    }
}

impl From<rusqlite::Error> for SettingsChangeError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.into())
    }
}

impl From<rusqlite::Error> for ProfileUpdateError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.into())
    }
}

/// Why joining through an invite failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedeemError {
    /// No invite has this token.
    #[error("no such invite")]
    Unknown,
    /// The invite no longer admits anyone.
    #[error(transparent)]
    Refused(#[from] InviteError),
    /// The backend failed.
    #[error(transparent)]
    Storage(#[from] StoreError),
}

impl From<rusqlite::Error> for RedeemError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.into())
    }
}

//! Group (call) identifiers as they appear in URLs: validated once, at the edge of the system.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted group id, in bytes.
pub const MAX_GROUP_ID_LEN: usize = 64;

/// Ids of stored groups (the API's) start with this; any other id is a link call's.
pub const STORED_GROUP_PREFIX: &str = "g_";

/// A validated group id: 1 to 64 ASCII letters, digits, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupId(String);

/// Why a string is not a group id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupIdError {
    /// The id is empty.
    #[error("group id is empty")]
    Empty,
    /// The id is longer than [`MAX_GROUP_ID_LEN`].
    #[error("group id is longer than {MAX_GROUP_ID_LEN} characters")]
    TooLong,
    /// The id contains a character outside `[A-Za-z0-9_-]`.
    #[error("group id may only contain letters, digits, '-' and '_'")]
    InvalidCharacter,
}

impl GroupId {
    /// Validates `raw` as a group id.
    pub fn parse(raw: &str) -> Result<Self, GroupIdError> {
        if raw.is_empty() {
            return Err(GroupIdError::Empty);
        }
        if raw.len() > MAX_GROUP_ID_LEN {
            return Err(GroupIdError::TooLong);
        }
        if !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(GroupIdError::InvalidCharacter);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a stored group (members, settings, history), not a link call.
    pub fn is_stored(&self) -> bool {
        self.0.starts_with(STORED_GROUP_PREFIX)
    }
}

impl TryFrom<String> for GroupId {
    type Error = GroupIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<GroupId> for String {
    fn from(id: GroupId) -> Self {
        id.0
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_url_safe_ids() {
        assert_eq!(GroupId::parse("abc-defg_12").map(|g| g.to_string()), Ok("abc-defg_12".into()));
    }

    #[test]
    fn stored_groups_are_told_from_link_calls_by_their_prefix() {
        assert!(GroupId::parse("g_abc123").is_ok_and(|g| g.is_stored()));
        assert!(GroupId::parse("kqz-4tmp-wrd").is_ok_and(|g| !g.is_stored()));
        assert!(GroupId::parse("g-abc").is_ok_and(|g| !g.is_stored()));
    }

    #[test]
    fn rejects_empty_long_and_odd_ids() {
        assert_eq!(GroupId::parse(""), Err(GroupIdError::Empty));
        assert_eq!(GroupId::parse(&"a".repeat(65)), Err(GroupIdError::TooLong));
        assert_eq!(GroupId::parse("a/b"), Err(GroupIdError::InvalidCharacter));
        assert_eq!(GroupId::parse("é"), Err(GroupIdError::InvalidCharacter));
        assert!(GroupId::parse(&"a".repeat(64)).is_ok());
    }
}

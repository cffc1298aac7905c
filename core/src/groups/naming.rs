//! A group's name and description: trimmed, bounded, and what [`crate::text`] allows.

pub use crate::text::TextError;
use crate::text::check;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest group name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Longest group description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// A valid group name: 1 to [`MAX_NAME_CHARS`] characters, trimmed, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupName(String);

impl GroupName {
    /// Validates and trims `raw`.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        check(text, MAX_NAME_CHARS, false)?;
        Ok(Self(text.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A valid group description: up to [`MAX_DESCRIPTION_CHARS`] characters, trimmed; line
/// breaks allowed, other control characters not. May be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GroupDescription(String);

impl GroupDescription {
    /// Validates and trims `raw`.
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let text = raw.trim();
        check(text, MAX_DESCRIPTION_CHARS, true)?;
        Ok(Self(text.to_owned()))
    }

    /// The description.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! text_conversions {
    ($ty:ident) => {
        impl TryFrom<String> for $ty {
            type Error = TextError;
            fn try_from(raw: String) -> Result<Self, TextError> {
                Self::parse(&raw)
            }
        }
        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_conversions!(GroupName);
text_conversions!(GroupDescription);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(GroupName::parse("  Design team ").map(|n| n.to_string()), Ok("Design team".into()));
        assert_eq!(GroupName::parse("Équipe 🎥").map(|n| n.to_string()), Ok("Équipe 🎥".into()));
        assert_eq!(GroupName::parse("   "), Err(TextError::Empty));
        assert_eq!(GroupName::parse(""), Err(TextError::Empty));
        assert!(
            GroupName::parse(&"é".repeat(MAX_NAME_CHARS)).is_ok(),
            "the limit counts characters, not bytes"
        );
        assert_eq!(
            GroupName::parse(&"a".repeat(MAX_NAME_CHARS + 1)),
            Err(TextError::TooLong(MAX_NAME_CHARS))
        );
        assert_eq!(GroupName::parse("a\nb"), Err(TextError::ControlCharacter));
        assert_eq!(GroupName::parse("a\u{7}b"), Err(TextError::ControlCharacter));
        assert_eq!(GroupName::parse("Ops\u{202E}moc.exe"), Err(TextError::ControlCharacter), "bidi override");
        assert_eq!(GroupName::parse("\u{200B}"), Err(TextError::ControlCharacter), "zero-width space");
    }

    #[test]
    fn descriptions_may_be_empty_and_keep_line_breaks() {
        assert_eq!(GroupDescription::parse("  ").map(|d| d.to_string()), Ok(String::new()));
        assert_eq!(
            GroupDescription::parse("Weekly sync\r\nMondays").map(|d| d.to_string()),
            Ok("Weekly sync\r\nMondays".into())
        );
        assert_eq!(GroupDescription::parse("tab\there"), Err(TextError::ControlCharacter));
        assert_eq!(
            GroupDescription::parse(&"x".repeat(MAX_DESCRIPTION_CHARS + 1)),
            Err(TextError::TooLong(MAX_DESCRIPTION_CHARS))
        );
    }

    #[test]
    fn json_goes_through_the_same_validation() {
        assert_eq!(
            serde_json::from_str::<GroupName>("\" Ops \"").map(|n| n.to_string()).ok(),
            Some("Ops".into())
        );
        assert!(serde_json::from_str::<GroupName>("\"\"").is_err());
        assert_eq!(
            serde_json::to_string(&GroupName::parse("Ops").expect("valid")).ok(),
            Some("\"Ops\"".into())
        );
    }
}

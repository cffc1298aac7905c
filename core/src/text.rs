//! What text people show each other (display names, group names, descriptions) may contain:
//! one rule for every field and every host. Text must look like what it is: nothing invisible,
//! nothing that only pads or disguises it, nothing that draws over its neighbours.

use unicode_general_category::{GeneralCategory, get_general_category};

/// Most combining marks allowed in a row. Real scripts stack two or three (Vietnamese tones,
/// Devanagari vowel signs, a keycap emoji); longer runs are "Zalgo" text drawn over other lines.
pub const MAX_COMBINING_RUN: usize = 4;

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing left after trimming.
    #[error("the name is empty")]
    Empty,
    /// Longer than the limit (in characters, after trimming).
    #[error("longer than {0} characters")]
    TooLong(usize),
    /// Contains a control character (descriptions may contain line breaks), or an invisible,
    /// blank or text-direction character that could disguise it.
    #[error("contains a control or invisible character")]
    ControlCharacter,
    /// More than [`MAX_COMBINING_RUN`] combining marks in a row.
    #[error("stacks more than {MAX_COMBINING_RUN} accents or other combining marks on one letter")]
    StackedMarks,
}

/// Checks trimmed `text` against a length limit in characters, for characters that hide or
/// disguise text (line breaks allowed when `line_breaks`) and for stacked combining marks.
pub fn check(text: &str, max: usize, line_breaks: bool) -> Result<(), TextError> {
    if text.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    let mut run = 0;
    for c in text.chars() {
        if line_breaks && (c == '\n' || c == '\r') {
            run = 0;
            continue;
        }
        if is_hidden(c) {
            return Err(TextError::ControlCharacter);
        }
        run = if is_combining(c) { run + 1 } else { 0 };
        if run > MAX_COMBINING_RUN {
            return Err(TextError::StackedMarks);
        }
    }
    Ok(())
}

/// Control, format (zero-width, direction, tag characters, the Arabic letter mark…), line and
/// paragraph separators, and the characters that render as nothing although they are letters
/// or symbols (Hangul fillers, the blank Braille pattern) or marks (variation selectors other
/// than the emoji ones, the grapheme joiner, Khmer and Mongolian invisibles).
fn is_hidden(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::PrivateUse
            | GeneralCategory::Surrogate
    ) || matches!(
        c,
        '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{2800}'
            | '\u{034F}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{FE00}'..='\u{FE0D}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

fn is_combining(c: char) -> bool {
    matches!(
        get_general_category(c),
        GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark | GeneralCategory::EnclosingMark
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_and_emoji_pass() {
        for name in [
            "Ada Lovelace",
            "Nguyễn Thị Minh Khai",
            "देवनागरी",
            "東京",
            "عربي",
            "Zoë 🎥",
            "1\u{FE0F}\u{20E3}",
            "👍🏽",
        ] {
            assert_eq!(check(name, 64, false), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn invisible_blank_and_separator_characters_are_refused() {
        for c in [
            '\u{061C}',
            '\u{3164}',
            '\u{115F}',
            '\u{FFA0}',
            '\u{2800}',
            '\u{2028}',
            '\u{2029}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{200B}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{180E}',
            '\u{034F}',
            '\u{E000}',
            '\u{0007}',
        ] {
            let text = format!("Ad{c}a");
            assert_eq!(check(&text, 64, false), Err(TextError::ControlCharacter), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn long_runs_of_combining_marks_are_refused() {
        let zalgo = format!("a{}", "\u{0301}".repeat(MAX_COMBINING_RUN + 1));
        assert_eq!(check(&zalgo, 64, false), Err(TextError::StackedMarks));
        let four = format!("a{}b", "\u{0301}".repeat(MAX_COMBINING_RUN));
        assert_eq!(check(&four, 64, false), Ok(()));
        let spread = "a\u{0301}\u{0301}b\u{0301}\u{0301}c\u{0301}\u{0301}";
        assert_eq!(check(spread, 64, false), Ok(()), "marks on different letters do not add up");
    }

    #[test]
    fn line_breaks_only_where_allowed() {
        assert_eq!(check("a\nb", 64, false), Err(TextError::ControlCharacter));
        assert_eq!(check("a\r\nb", 64, true), Ok(()));
        assert_eq!(check("a\tb", 64, true), Err(TextError::ControlCharacter));
    }
}

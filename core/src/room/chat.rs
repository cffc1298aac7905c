//! The call's chat: each message checked (length, characters, the sender's pace), numbered,
//! relayed to everyone and kept, within a count and a byte budget, for whoever joins later.
//! A new call starts a new chat.

use super::rate_limit::{RateBudget, Verdict};
use crate::protocol::{ChatMessage, MAX_CHAT_CHARS, ParticipantId};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Most messages kept for late joiners (and in the room's snapshot).
pub const MAX_KEPT_MESSAGES: usize = 200;
/// Most bytes of text kept for late joiners: the oldest go first beyond this.
pub const MAX_KEPT_BYTES: usize = 32 * 1024;
/// A sender may send this many messages at once...
const BURST: u32 = 5;
/// ...and then one a second.
const PER_SECOND: u32 = 1;

/// Why a chat message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// Nothing but white space.
    #[error("a chat message cannot be empty")]
    Empty,
    /// Longer than [`MAX_CHAT_CHARS`].
    #[error("a chat message is at most {MAX_CHAT_CHARS} characters")]
    TooLong,
    /// A control character other than a line break or a tab.
    #[error("a chat message cannot hold control characters")]
    ControlCharacters,
    /// Faster than the room relays.
    #[error("more than {BURST} chat messages at once or one a second: wait a moment")]
    TooFast {
        /// Whether to tell the sender (once a second at most).
        tell: bool,
    },
}

/// The chat of the call under way.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChatLog {
    /// Messages sent so far in this call.
    sent: u32,
    /// The latest messages, oldest first.
    kept: VecDeque<ChatMessage>,
    /// Bytes of text in `kept`.
    kept_bytes: usize,
    /// Each sender's pace (not kept in snapshots: a rebuilt room starts everyone afresh).
    #[serde(skip)]
    budgets: BTreeMap<ParticipantId, RateBudget>,
}

impl ChatLog {
    /// Checks `text` from participant `from` (named `name`) at `now`; the message, numbered and
    /// kept, to relay to everyone.
    pub fn post(
        &mut self,
        from: ParticipantId,
        name: &str,
        text: &str,
        now: Timestamp,
    ) -> Result<ChatMessage, ChatError> {
        let text = checked(text)?;
        let budget = self.budgets.entry(from).or_insert_with(|| RateBudget::full(BURST, now));
        match budget.spend(BURST, PER_SECOND, now) {
            Verdict::Allowed => {}
            Verdict::FirstRefusal => return Err(ChatError::TooFast { tell: true }),
            Verdict::Refused => return Err(ChatError::TooFast { tell: false }),
        }
        self.sent += 1;
        let message =
            ChatMessage { seq: self.sent, from, name: name.to_owned(), text, sent_at_ms: now.as_millis() };
        self.kept_bytes += message.text.len();
        self.kept.push_back(message.clone());
        while self.kept.len() > MAX_KEPT_MESSAGES || self.kept_bytes > MAX_KEPT_BYTES {
            let Some(oldest) = self.kept.pop_front() else { break };
            self.kept_bytes -= oldest.text.len();
        }
        Ok(message)
    }

    /// The messages kept, oldest first: what a newcomer is shown.
    pub fn kept(&self) -> Vec<ChatMessage> {
        self.kept.iter().cloned().collect()
    }
}

/// `text` as sent: trimmed, `\r` dropped, within [`MAX_CHAT_CHARS`], no control characters but
/// line breaks and tabs.
fn checked(text: &str) -> Result<String, ChatError> {
    let text: String = text.trim().chars().filter(|c| *c != '\r').collect();
    if text.is_empty() {
        return Err(ChatError::Empty);
    }
    if text.chars().count() > MAX_CHAT_CHARS {
        return Err(ChatError::TooLong);
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ChatError::ControlCharacters);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
    const ADA: ParticipantId = ParticipantId(1);
    const BOB: ParticipantId = ParticipantId(2);

    fn at(ms: u64) -> Timestamp {
        Timestamp::from_millis(T0.as_millis() + ms)
    }

    #[test]
    fn messages_are_numbered_trimmed_and_kept_in_order() {
        let mut chat = ChatLog::default();
        let first = chat.post(ADA, "Ada", "  hello\r\n", T0).expect("sent");
        assert_eq!(
            first,
            ChatMessage {
                seq: 1,
                from: ADA,
                name: "Ada".into(),
                text: "hello".into(),
                sent_at_ms: T0.as_millis()
            }
        );
        let second = chat.post(BOB, "Bob", "two\nlines\twith a tab", at(10)).expect("sent");
        assert_eq!(second.seq, 2);
        assert_eq!(chat.kept(), vec![first, second]);
    }

    #[test]
    fn junk_is_refused_with_its_reason_and_counts_for_nothing() {
        let mut chat = ChatLog::default();
        assert_eq!(chat.post(ADA, "Ada", " \n\t ", T0), Err(ChatError::Empty));
        assert_eq!(chat.post(ADA, "Ada", &"é".repeat(MAX_CHAT_CHARS + 1), T0), Err(ChatError::TooLong));
        assert!(chat.post(ADA, "Ada", &"é".repeat(MAX_CHAT_CHARS), T0).is_ok(), "characters, not bytes");
        for control in ["a\u{0}b", "bell\u{7}", "esc\u{1b}[31m", "del\u{7f}"] {
            assert_eq!(chat.post(ADA, "Ada", control, T0), Err(ChatError::ControlCharacters), "{control:?}");
        }
        assert_eq!(chat.kept().len(), 1);
        assert_eq!(chat.kept()[0].seq, 1, "refused messages take no number");
    }

    #[test]
    fn a_sender_gets_five_at_once_then_one_a_second_and_is_told_once_a_second() {
        let mut chat = ChatLog::default();
        for i in 0..5 {
            assert!(chat.post(ADA, "Ada", "hi", T0).is_ok(), "burst message {i}");
        }
        assert_eq!(chat.post(ADA, "Ada", "hi", T0), Err(ChatError::TooFast { tell: true }));
        assert_eq!(chat.post(ADA, "Ada", "hi", at(500)), Err(ChatError::TooFast { tell: false }));
        assert!(chat.post(BOB, "Bob", "me too", at(500)).is_ok(), "each sender has a pace of their own");
        assert!(chat.post(ADA, "Ada", "hi", at(1000)).is_ok(), "a second later, one more");
        assert_eq!(chat.post(ADA, "Ada", "hi", at(1200)), Err(ChatError::TooFast { tell: true }));
    }

    #[test]
    fn late_joiners_see_the_latest_messages_within_the_count_and_byte_budgets() {
        let mut chat = ChatLog::default();
        for i in 0..(MAX_KEPT_MESSAGES as u64 + 50) {
            chat.post(ParticipantId(i as u32), "P", "x", at(i)).expect("sent");
        }
        let kept = chat.kept();
        assert_eq!(kept.len(), MAX_KEPT_MESSAGES);
        assert_eq!(kept.first().map(|m| m.seq), Some(51), "the oldest went first");
        let big = "b".repeat(MAX_CHAT_CHARS);
        for i in 0..40u64 {
            chat.post(ParticipantId(1000 + i as u32), "P", &big, at(i)).expect("sent");
        }
        let bytes: usize = chat.kept().iter().map(|m| m.text.len()).sum();
        assert!(bytes <= MAX_KEPT_BYTES, "{bytes}");
        assert_eq!(chat.kept().len(), MAX_KEPT_BYTES / MAX_CHAT_CHARS);
        assert_eq!(chat.kept().last().map(|m| m.seq), Some(MAX_KEPT_MESSAGES as u32 + 50 + 40));
    }

    #[test]
    fn a_snapshot_keeps_the_messages_and_not_the_paces() {
        let mut chat = ChatLog::default();
        for _ in 0..5 {
            chat.post(ADA, "Ada", "hi", T0).expect("sent");
        }
        let json = serde_json::to_string(&chat).expect("serializes");
        let mut restored: ChatLog = serde_json::from_str(&json).expect("parses");
        assert_eq!(restored.kept(), chat.kept());
        assert_eq!(restored.post(ADA, "Ada", "again", T0).map(|m| m.seq), Ok(6), "numbering goes on");
    }
}

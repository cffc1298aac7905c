//! The call's chat: relayed to everyone, refused with a typed error, paced, kept for late
//! joiners and for a rebuilt room, and begun anew with the next call.

use super::*;
use crate::protocol::ChatMessage;

fn chat(text: &str) -> String {
    serde_json::json!({ "type": "chat", "text": text }).to_string()
}

fn chats(outputs: &[Output], conn: ConnectionId) -> Vec<ChatMessage> {
    sent_to(outputs, conn)
        .into_iter()
        .filter_map(|m| match m {
            ServerMessage::Chat { message } => Some(message),
            _ => None,
        })
        .collect()
}

fn welcome_chat(outputs: &[Output], conn: ConnectionId) -> Vec<ChatMessage> {
    sent_to(outputs, conn)
        .into_iter()
        .find_map(|m| match m {
            ServerMessage::Welcome { chat, .. } => Some(chat),
            _ => None,
        })
        .expect("welcome")
}

#[test]
fn a_message_reaches_everyone_the_sender_too_numbered_and_named() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let out = s.text(A, &chat("  the doc is at https://example.com/x  "));
    let expected = ChatMessage {
        seq: 1,
        from: ParticipantId(1),
        name: "Ada".into(),
        text: "the doc is at https://example.com/x".into(),
        sent_at_ms: s.now.as_millis(),
    };
    assert_eq!(chats(&out, A), vec![expected.clone()], "the sender sees it as the room numbered it");
    assert_eq!(chats(&out, B), vec![expected]);
    assert!(out.iter().any(|o| matches!(o, Output::Persist(snapshot) if snapshot.chat.kept().len() == 1)));
}

#[test]
fn empty_long_and_control_character_messages_are_refused_to_the_sender_alone() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    for text in [" ", &"x".repeat(2001), "beep\u{7}"] {
        let out = s.text(A, &chat(text));
        assert_eq!(error_codes(&out, A), vec![(ErrorCode::InvalidChatMessage, false)], "{text:?}");
        assert!(chats(&out, B).is_empty() && error_codes(&out, B).is_empty(), "Bob hears nothing of it");
        assert_eq!(closed(&out, A), None);
    }
    let junk = s.text(A, r#"{"type":"chat","text":42}"#);
    assert_eq!(error_codes(&junk, A), vec![(ErrorCode::MalformedMessage, false)]);
}

#[test]
fn only_those_in_the_call_may_chat() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.input(Input::Connected(C));
    let out = s.text(C, &chat("let me in"));
    assert_eq!(error_codes(&out, C), vec![(ErrorCode::NotJoined, false)]);
    assert!(chats(&out, A).is_empty());
}

#[test]
fn a_sender_is_paced_five_at_once_then_one_a_second() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    let mut out = Vec::new();
    for i in 0..8 {
        out.extend(s.text(A, &chat(&format!("message {i}"))));
    }
    assert_eq!(chats(&out, B).len(), 5);
    assert_eq!(error_codes(&out, A), vec![(ErrorCode::RateLimited, false)], "told once");
    s.now = s.now.plus(Duration::from_secs(1));
    assert_eq!(chats(&s.text(A, &chat("later")), B).len(), 1);
    assert_eq!(chats(&s.text(B, &chat("my own pace")), A).len(), 1);
}

#[test]
fn a_late_joiner_and_a_rebuilt_room_have_the_chat_so_far_and_the_next_call_starts_anew() {
    let mut s = Script::new();
    s.join(A, "Ada");
    s.join(B, "Bob");
    s.text(A, &chat("first"));
    s.text(B, &chat("second"));
    // Bob leaves; Cy, joining after, sees what was said (a third would wait for a media node).
    s.text(B, r#"{"type":"leave"}"#);
    let late = s.join(C, "Cy");
    let texts =
        |messages: Vec<ChatMessage>| messages.into_iter().map(|m| (m.seq, m.text)).collect::<Vec<_>>();
    assert_eq!(texts(welcome_chat(&late, C)), vec![(1, "first".into()), (2, "second".into())]);

    let mut rebuilt = s.restored();
    let out = rebuilt.text(C, &chat("third"));
    assert_eq!(texts(chats(&out, A)), vec![(3, "third".into())], "numbering goes on after a rebuild");

    for conn in [A, C] {
        rebuilt.text(conn, r#"{"type":"leave"}"#);
    }
    let next_call = rebuilt.join(D, "Dee");
    assert!(welcome_chat(&next_call, D).is_empty(), "a new call, a new chat");
    assert_eq!(chats(&rebuilt.text(D, &chat("hello?")), D)[0].seq, 1);
}

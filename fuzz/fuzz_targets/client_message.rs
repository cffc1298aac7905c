//! The signaling decoder on arbitrary text frames.
//!
//! A browser's WebSocket text frame is UTF-8, so inputs that are not are skipped. Every parsed
//! message must serialize and parse back to itself, and every failure must map to an error code.

#![no_main]

use libfuzzer_sys::fuzz_target;
use peershare_core::protocol::{ClientMessage, MAX_MESSAGE_BYTES, ParseError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ClientMessage::parse(text) {
        Ok(message) => {
            assert_ne!(message, ClientMessage::Unknown, "`unknown` is never a parse result");
            let json = serde_json::to_string(&message).expect("a parsed message serializes");
            assert_eq!(ClientMessage::parse(&json), Ok(message), "round trip through {json}");
        }
        Err(error) => {
            let _ = error.code();
            let too_large = matches!(error, ParseError::TooLarge(n) if n == text.len());
            assert_eq!(too_large, text.len() > MAX_MESSAGE_BYTES, "size limit: {error}");
        }
    }
});

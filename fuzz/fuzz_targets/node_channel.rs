//! The media node's data-channel decoder on arbitrary messages from a browser.
//!
//! Does what `Participant::on_channel_message` does with the bytes before touching any call
//! state: parse a [`ClientNodeMessage`], then parse an offer's or answer's SDP with str0m and
//! turn a mid into str0m's `Mid`. None of it may panic, and a parsed message must serialize and
//! parse back to itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use peershare_core::protocol::ClientNodeMessage;
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::media::Mid;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = ClientNodeMessage::parse(data) else {
        return;
    };
    let json = serde_json::to_vec(&message).expect("a parsed message serializes");
    assert_eq!(ClientNodeMessage::parse(&json).ok().as_ref(), Some(&message), "round trip");
    match message {
        ClientNodeMessage::Offer { sdp } => {
            if let Ok(offer) = SdpOffer::from_sdp_string(&sdp) {
                let _ = offer.to_sdp_string();
            }
        }
        ClientNodeMessage::Answer { sdp } => {
            if let Ok(answer) = SdpAnswer::from_sdp_string(&sdp) {
                let _ = answer.to_sdp_string();
            }
        }
        ClientNodeMessage::Publish { mid, .. } | ClientNodeMessage::Viewport { mid, .. } => {
            let _ = Mid::from(mid.as_str()).to_string();
        }
    }
});

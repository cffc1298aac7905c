//! TypeScript declarations of the protocol for the web client, generated with ts-rs.
//!
//! `web/src/protocol/generated.ts` is checked in; the test below fails when it is stale and
//! rewrites it when run with `UPDATE_TYPESCRIPT=1` (`cargo xtask gen`).

use crate::accounts::{Preferences, ProfilePatch, VideoQuality};
use crate::groups::{DefaultLayout, GroupSettings, InviteRequest, RecordingQuality, Role, SettingsPatch};
use crate::protocol::{
    CallMode, CallStatus, ChatMessage, ClientMessage, ClientNodeMessage, ErrorCategory, ErrorCode,
    ForwardedTrack, IceCandidate, LeaveReason, MAX_CHAT_CHARS, MAX_DISPLAY_NAME_CHARS, MAX_MESSAGE_BYTES,
    MediaNodeAccess, MediaState, NODE_CHANNEL_LABEL, NodeMessage, PROTOCOL_VERSION, ParticipantId, Peer,
    RecordingPhase, RecordingRequestEnd, RecordingView, SdpType, ServerMessage, SessionDescription,
    TrackKind, TrackSource,
};
use crate::turn_credentials::{IceConfig, IceServer, IceTransportPolicy};
use ts_rs::TS;

/// Path of the generated file, relative to the workspace root.
pub const GENERATED_PATH: &str = "web/src/protocol/generated.ts";

/// The full text of the generated TypeScript module.
pub fn generate() -> String {
    let declarations = [
        ParticipantId::decl(),
        MediaState::decl(),
        SdpType::decl(),
        SessionDescription::decl(),
        IceCandidate::decl(),
        ErrorCode::decl(),
        ErrorCategory::decl(),
        CallMode::decl(),
        LeaveReason::decl(),
        Peer::decl(),
        MediaNodeAccess::decl(),
        RecordingPhase::decl(),
        RecordingView::decl(),
        RecordingRequestEnd::decl(),
        ChatMessage::decl(),
        ClientMessage::decl(),
        ServerMessage::decl(),
        IceServer::decl(),
        IceTransportPolicy::decl(),
        IceConfig::decl(),
        CallStatus::decl(),
        TrackKind::decl(),
        TrackSource::decl(),
        ForwardedTrack::decl(),
        NodeMessage::decl(),
        ClientNodeMessage::decl(),
        Role::decl(),
        DefaultLayout::decl(),
        RecordingQuality::decl(),
        GroupSettings::decl(),
        SettingsPatch::decl(),
        InviteRequest::decl(),
        VideoQuality::decl(),
        Preferences::decl(),
        ProfilePatch::decl(),
    ];
    let mut out =
        String::from("// Generated from peershare-core by `cargo xtask gen`. Do not edit by hand.\n\n");
    out.push_str(&format!("export const PROTOCOL_VERSION = {PROTOCOL_VERSION};\n"));
    out.push_str(&format!("export const MAX_MESSAGE_BYTES = {MAX_MESSAGE_BYTES};\n"));
    out.push_str(&format!("export const MAX_DISPLAY_NAME_CHARS = {MAX_DISPLAY_NAME_CHARS};\n"));
    out.push_str(&format!("export const MAX_CHAT_CHARS = {MAX_CHAT_CHARS};\n"));
    out.push_str(&format!("export const NODE_CHANNEL_LABEL = {NODE_CHANNEL_LABEL:?};\n"));
    for decl in declarations {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn generated_typescript_is_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(GENERATED_PATH);
        let expected = generate();
        if std::env::var_os("UPDATE_TYPESCRIPT").is_some() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).expect("create web/src/protocol");
            }
            std::fs::write(&path, &expected).expect("write generated.ts");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(actual == expected, "{GENERATED_PATH} is stale: run `cargo xtask gen` and commit the result");
    }
}

//! TypeScript declarations of the API's bodies for the web client, generated with ts-rs.
//!
//! `web/src/api/generated.ts` is checked in; the test below fails when it is stale and
//! rewrites it when run with `UPDATE_TYPESCRIPT=1` (`cargo xtask gen`).

use super::recording_views::{RecordingList, RecordingState, RecordingView};
use super::views::{
    AttendanceView, CallHistory, CallPassRequest, CallPassView, CallView, CreateGroup, CreatedInvite,
    DevSignIn, GroupList, GroupPatch, GroupView, InviteList, InvitePreview, InviteStatus, InviteView, Joined,
    MemberList, MemberView, ProfileView, RoleChange, SessionView, SignInOptions, UserView,
};
use ts_rs::TS;

/// Path of the generated file, relative to the workspace root.
pub const GENERATED_PATH: &str = "web/src/api/generated.ts";

/// The full text of the generated TypeScript module.
pub fn generate() -> String {
    let declarations = [
        UserView::decl(),
        ProfileView::decl(),
        SessionView::decl(),
        SignInOptions::decl(),
        DevSignIn::decl(),
        GroupView::decl(),
        GroupList::decl(),
        CreateGroup::decl(),
        GroupPatch::decl(),
        MemberView::decl(),
        MemberList::decl(),
        RoleChange::decl(),
        InviteStatus::decl(),
        InviteView::decl(),
        InviteList::decl(),
        CreatedInvite::decl(),
        InvitePreview::decl(),
        Joined::decl(),
        AttendanceView::decl(),
        CallView::decl(),
        CallHistory::decl(),
        RecordingState::decl(),
        RecordingView::decl(),
        RecordingList::decl(),
        CallPassRequest::decl(),
        CallPassView::decl(),
    ];
    let mut out = String::from(
        "// Generated from peershare-functions by `cargo xtask gen`. Do not edit by hand.\n\n\
         import type { GroupSettings, Preferences, Role } from \"../protocol/generated\";\n",
    );
    for decl in declarations {
        out.push_str("\nexport ");
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
            std::fs::write(&path, &expected).expect("write generated.ts");
            return;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(actual == expected, "{GENERATED_PATH} is stale: run `cargo xtask gen` and commit the result");
    }
}

/** Groups, members and invites as the server sends them, for page tests. */

import type { GroupView, InviteView, MemberView, RecordingView } from "../api/generated";
import type { Role } from "../protocol/generated";
import { ADA } from "./fakeAuthServer";

export function group(role: Role, overrides: Partial<GroupView> = {}): GroupView {
  return {
    id: "g_team",
    name: "Team",
    description: "Our team",
    settings: { guests_allowed: false, record_role: "admin", invite_role: "admin", max_participants: 50, default_layout: "grid", recording_quality: "medium" },
    role,
    created_at: 1_700_000_000_000,
    ...overrides,
  };
}

export function member(id: string, name: string, role: Role): MemberView {
  return { id, display_name: name, avatar_url: null, role, joined_at: 1_700_000_000_000 };
}

/** Ada (the signed-in user) with `role`, and Bob, a member. */
export function members(role: Role): MemberView[] {
  return [member(ADA.id, ADA.display_name, role), member("u_bob", "Bob", "member")];
}

export function invite(overrides: Partial<InviteView> = {}): InviteView {
  return { id: "i_1", created_by: ADA.id, created_at: 1_700_000_000_000, expires_at: 1_700_086_400_000, max_uses: null, uses: 0, status: "active", ...overrides };
}

/** A ready recording of Ada's, 20 s long, with a download link. */
export function recording(overrides: Partial<RecordingView> = {}): RecordingView {
  return {
    id: "r1",
    started_at: 1_700_000_000_000,
    stopped_at: 1_700_000_020_000,
    duration_ms: 20_000,
    size_bytes: 2_000_000,
    status: "ready",
    progress: null,
    failure: null,
    participants: ["Ada"],
    started_by: "Ada",
    download_url: "/api/recordings/r1/file?expires=1700000900&signature=abc",
    download_expires_at: 1_700_000_900_000,
    ...overrides,
  };
}

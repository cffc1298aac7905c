// Generated from peershare-functions by `cargo xtask gen`. Do not edit by hand.

import type { GroupSettings, Preferences, Role } from "../protocol/generated";

export type UserView = { 
/**
 * Account id.
 */
id: string, 
/**
 * The name shown in groups and calls.
 */
display_name: string, 
/**
 * An `https` image URL.
 */
avatar_url?: string | null, };

export type ProfileView = { 
/**
 * Call preferences.
 */
preferences: Preferences, 
/**
 * When the account was made.
 */
created_at: number, 
/**
 * Account id.
 */
id: string, 
/**
 * The name shown in groups and calls.
 */
display_name: string, 
/**
 * An `https` image URL.
 */
avatar_url?: string | null, };

export type SessionView = { 
/**
 * The access token (EdDSA JWT).
 */
access_token: string, 
/**
 * When it expires; refresh before then.
 */
expires_at: number, 
/**
 * The account.
 */
user: ProfileView, };

export type SignInOptions = { 
/**
 * OAuth providers configured here (`google`, `github`, `microsoft`).
 */
providers: Array<string>, 
/**
 * Whether `POST /api/auth/dev` works.
 */
dev_sign_in: boolean, };

export type DevSignIn = { 
/**
 * The name to sign in as; the same name is the same account.
 */
name: string, };

export type GroupView = { 
/**
 * Group id (`g_…`), also its call's id.
 */
id: string, 
/**
 * Name.
 */
name: string, 
/**
 * Description (may be empty).
 */
description: string, 
/**
 * Who may do what, and call defaults.
 */
settings: GroupSettings, 
/**
 * The caller's role.
 */
role: Role, 
/**
 * When it was made.
 */
created_at: number, };

export type GroupList = { 
/**
 * Newest first.
 */
groups: Array<GroupView>, };

export type CreateGroup = { 
/**
 * 1 to 80 characters.
 */
name: string, 
/**
 * Up to 500 characters.
 */
description?: string, };

export type GroupPatch = { 
/**
 * New name.
 */
name?: string, 
/**
 * New description.
 */
description?: string, };

export type MemberView = { 
/**
 * Their role.
 */
role: Role, 
/**
 * When they joined.
 */
joined_at: number, 
/**
 * Account id.
 */
id: string, 
/**
 * The name shown in groups and calls.
 */
display_name: string, 
/**
 * An `https` image URL.
 */
avatar_url?: string | null, };

export type MemberList = { 
/**
 * Owners first, then by joining time.
 */
members: Array<MemberView>, };

export type RoleChange = { 
/**
 * The new role.
 */
role: Role, };

export type InviteStatus = "active" | "expired" | "used_up" | "revoked";

export type InviteView = { 
/**
 * Id, for revoking.
 */
id: string, 
/**
 * Who created it.
 */
created_by: string, 
/**
 * When.
 */
created_at: number, 
/**
 * When it stops working.
 */
expires_at: number, 
/**
 * Most people it admits (unlimited when absent).
 */
max_uses?: number | null, 
/**
 * People who joined through it.
 */
uses: number, 
/**
 * Whether it still admits people.
 */
status: InviteStatus, };

export type InviteList = { 
/**
 * Newest first.
 */
invites: Array<InviteView>, };

export type CreatedInvite = { 
/**
 * The record.
 */
invite: InviteView, 
/**
 * The secret token.
 */
token: string, 
/**
 * The page that accepts it, e.g. `/invite/<token>`.
 */
path: string, };

export type InvitePreview = { 
/**
 * The group's id (while the invite is active).
 */
group_id?: string | null, 
/**
 * The group's name (while the invite is active).
 */
group_name?: string | null, 
/**
 * The group's description (while the invite is active).
 */
group_description?: string | null, 
/**
 * When the invite stops working.
 */
expires_at: number, 
/**
 * Whether it still admits people.
 */
status: InviteStatus, };

export type Joined = { 
/**
 * The group, as the new member sees it.
 */
group: GroupView, 
/**
 * False when the caller already was a member (the invite was not used).
 */
newly_joined: boolean, };

export type AttendanceView = { 
/**
 * Account id, or a guest's id.
 */
participant: string, 
/**
 * Their name in the call.
 */
display_name: string, 
/**
 * When they joined.
 */
joined_at: number, 
/**
 * When they left (absent while in the call).
 */
left_at?: number | null, };

export type CallView = { 
/**
 * Call id.
 */
id: string, 
/**
 * When the first person joined.
 */
started_at: number, 
/**
 * When the last person left (absent while it goes on).
 */
ended_at?: number | null, 
/**
 * Length in milliseconds, once ended.
 */
duration_ms?: number | null, 
/**
 * Who took part, in order of joining.
 */
participants: Array<AttendanceView>, };

export type CallHistory = { 
/**
 * Newest first.
 */
calls: Array<CallView>, };

export type RecordingState = "recording" | "queued" | "processing" | "ready" | "failed";

export type RecordingView = { 
/**
 * Its id.
 */
id: string, 
/**
 * When it began (Unix ms).
 */
started_at: number, 
/**
 * When it stopped.
 */
stopped_at?: number | null, 
/**
 * How long the MP4 plays, once ready.
 */
duration_ms?: number | null, 
/**
 * The MP4's size, once ready.
 */
size_bytes?: number | null, 
/**
 * Where it stands.
 */
status: RecordingState, 
/**
 * How far composing is (0–100), while processing.
 */
progress?: number | null, 
/**
 * Why composing failed.
 */
failure?: string | null, 
/**
 * Who is in it: everyone who agreed to be recorded, in the order they agreed.
 */
participants: Array<string>, 
/**
 * Who started it.
 */
started_by: string, 
/**
 * A link that downloads the MP4, once ready; it expires (ask the list again).
 */
download_url?: string | null, 
/**
 * When `download_url` stops working (Unix ms).
 */
download_expires_at?: number | null, };

export type RecordingList = { 
/**
 * Newest first.
 */
recordings: Array<RecordingView>, 
/**
 * Whether the caller may delete them (admins and owners).
 */
can_delete: boolean, };

export type CallPassRequest = { 
/**
 * A guest's display name (ignored for members, whose profile name is used).
 */
name?: string, };

export type CallPassView = { 
/**
 * The pass (EdDSA JWT): offer it as the WebSocket subprotocol `peershare.pass.<token>`.
 */
token: string, 
/**
 * When it expires.
 */
expires_at: number, 
/**
 * The group (or link call) it opens.
 */
group: string, 
/**
 * The holder's role, for members (absent for guests).
 */
role?: Role | null, 
/**
 * The lowest role that may start a recording in this group (absent in a link call, which
 * cannot be recorded).
 */
record_role?: Role | null, };

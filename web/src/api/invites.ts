/** Invite links: creating, listing and revoking them (admins), previewing and accepting (anyone with the link). */

import type { CreatedInvite, InviteList, InvitePreview, InviteView, Joined } from "./generated";
import type { InviteRequest } from "../protocol/generated";
import { type ApiFetch, sendJson } from "./http";

const invitesPath = (groupId: string) => `/api/groups/${encodeURIComponent(groupId)}/invites`;

/** `POST /api/groups/{id}/invites`: a new link working for `ttlMs`, for at most `maxUses` people. */
export async function createInvite(api: ApiFetch, groupId: string, ttlMs: number, maxUses?: number): Promise<CreatedInvite> {
  const body: InviteRequest = { ttl_ms: ttlMs };
  if (maxUses !== undefined) body.max_uses = maxUses;
  return (await sendJson(api, "POST", invitesPath(groupId), body)) as CreatedInvite;
}

/** `GET /api/groups/{id}/invites`: newest first. */
export async function listInvites(api: ApiFetch, groupId: string): Promise<InviteView[]> {
  return ((await sendJson(api, "GET", invitesPath(groupId))) as InviteList).invites;
}

/** `DELETE /api/groups/{id}/invites/{invite}`. */
export async function revokeInvite(api: ApiFetch, groupId: string, inviteId: string): Promise<void> {
  await sendJson(api, "DELETE", `${invitesPath(groupId)}/${encodeURIComponent(inviteId)}`);
}

/** `GET /api/invites/{token}`: what the link leads to (no sign-in needed). */
export async function previewInvite(api: ApiFetch, token: string): Promise<InvitePreview> {
  return (await sendJson(api, "GET", `/api/invites/${encodeURIComponent(token)}`)) as InvitePreview;
}

/** `POST /api/invites/{token}/accept`: joins the group. */
export async function acceptInvite(api: ApiFetch, token: string): Promise<Joined> {
  return (await sendJson(api, "POST", `/api/invites/${encodeURIComponent(token)}/accept`)) as Joined;
}

/** Groups, their members, settings and call history (`/api/groups…`), through a signed-in ApiFetch. */

import type { CallHistory, CreateGroup, GroupList, GroupPatch, GroupView, MemberList, MemberView, RoleChange } from "./generated";
import type { Role, SettingsPatch } from "../protocol/generated";
import { type ApiFetch, sendJson } from "./http";

const groupPath = (id: string) => `/api/groups/${encodeURIComponent(id)}`;

/** `GET /api/groups`: the caller's groups, newest first. */
export async function listGroups(api: ApiFetch): Promise<GroupView[]> {
  return ((await sendJson(api, "GET", "/api/groups")) as GroupList).groups;
}

/** `POST /api/groups`: a new group owned by the caller. */
export async function createGroup(api: ApiFetch, body: CreateGroup): Promise<GroupView> {
  return (await sendJson(api, "POST", "/api/groups", body)) as GroupView;
}

/** `GET /api/groups/{id}`. */
export async function getGroup(api: ApiFetch, id: string): Promise<GroupView> {
  return (await sendJson(api, "GET", groupPath(id))) as GroupView;
}

/** `PATCH /api/groups/{id}`: name and description (admins, owners). */
export async function updateGroup(api: ApiFetch, id: string, patch: GroupPatch): Promise<GroupView> {
  return (await sendJson(api, "PATCH", groupPath(id), patch)) as GroupView;
}

/** `PATCH /api/groups/{id}/settings` (admins, owners). */
export async function updateSettings(api: ApiFetch, id: string, patch: SettingsPatch): Promise<GroupView> {
  return (await sendJson(api, "PATCH", `${groupPath(id)}/settings`, patch)) as GroupView;
}

/** `DELETE /api/groups/{id}` (owners). */
export async function deleteGroup(api: ApiFetch, id: string): Promise<void> {
  await sendJson(api, "DELETE", groupPath(id));
}

/** `GET /api/groups/{id}/members`: owners first. */
export async function listMembers(api: ApiFetch, id: string): Promise<MemberView[]> {
  return ((await sendJson(api, "GET", `${groupPath(id)}/members`)) as MemberList).members;
}

/** `PATCH /api/groups/{id}/members/{user}`: another role (owners). */
export async function changeRole(api: ApiFetch, id: string, user: string, role: Role): Promise<MemberView> {
  const body: RoleChange = { role };
  return (await sendJson(api, "PATCH", `${groupPath(id)}/members/${encodeURIComponent(user)}`, body)) as MemberView;
}

/** `DELETE /api/groups/{id}/members/{user}`: removes someone, or leaves with `user` = "me". */
export async function removeMember(api: ApiFetch, id: string, user: string): Promise<void> {
  await sendJson(api, "DELETE", `${groupPath(id)}/members/${encodeURIComponent(user)}`);
}

/** `GET /api/groups/{id}/calls`: the latest calls, newest first. */
export async function listCalls(api: ApiFetch, id: string): Promise<CallHistory["calls"]> {
  return ((await sendJson(api, "GET", `${groupPath(id)}/calls`)) as CallHistory).calls;
}

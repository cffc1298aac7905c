/** The signed-in account's profile (`/api/me`). */

import type { ProfileView } from "./generated";
import type { ProfilePatch } from "../protocol/generated";
import { type ApiFetch, sendJson } from "./http";

/** `GET /api/me`. */
export async function getProfile(api: ApiFetch): Promise<ProfileView> {
  return (await sendJson(api, "GET", "/api/me")) as ProfileView;
}

/** `PATCH /api/me`: all of the change, or none of it. */
export async function updateProfile(api: ApiFetch, patch: ProfilePatch): Promise<ProfileView> {
  return (await sendJson(api, "PATCH", "/api/me", patch)) as ProfileView;
}

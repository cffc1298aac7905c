/** The app's pages, read from a path. */

import { callIdFromPath, isValidCallId } from "./callId";

export type Route =
  | { page: "landing" }
  | { page: "call"; callId: string }
  | { page: "signin" }
  | { page: "groups" }
  | { page: "group"; groupId: string }
  | { page: "invite"; token: string }
  | { page: "profile" }
  | { page: "notFound"; badCallLink: boolean };

/** Invite tokens are URL-safe base64. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** Which page `pathname` shows. */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if (path === "/" || path === "/index.html") return { page: "landing" };
  if (path === "/signin") return { page: "signin" };
  if (path === "/groups") return { page: "groups" };
  if (path === "/profile") return { page: "profile" };
  const callId = callIdFromPath(pathname);
  if (callId) return { page: "call", callId };
  const group = /^\/groups\/([^/]+)$/.exec(path)?.[1];
  if (group !== undefined) {
    const id = safeDecode(group);
    if (id !== null && isValidCallId(id)) return { page: "group", groupId: id };
  }
  const token = /^\/invite\/([^/]+)$/.exec(path)?.[1];
  if (token !== undefined && TOKEN_PATTERN.test(token)) return { page: "invite", token };
  return { page: "notFound", badCallLink: pathname.startsWith("/c/") };
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

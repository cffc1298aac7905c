/** The session endpoints under `/api/auth`: sign-in, refresh, sign-out and the offered methods. */

import type { DevSignIn, SessionView, SignInOptions } from "../api/generated";
import { ApiError, type ApiFetch, getJson, sendJson } from "../api/http";

/** `POST /api/auth/refresh`: a new session for the refresh cookie, or null when there is none (401). */
export async function requestRefresh(fetchImpl: typeof fetch): Promise<SessionView | null> {
  try {
    return asSession(await getJson("/api/auth/refresh", { method: "POST", cache: "no-store", credentials: "same-origin" }, fetchImpl));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** `POST /api/auth/dev`: signs in by name (development servers only). */
export async function requestDevSignIn(name: string, fetchImpl: typeof fetch): Promise<SessionView> {
  const body: DevSignIn = { name };
  return asSession(
    await getJson(
      "/api/auth/dev",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store", credentials: "same-origin" },
      fetchImpl,
    ),
  );
}

/** `POST /api/auth/sign-out`: ends this sign-in and clears the cookie. */
export async function requestSignOut(fetchImpl: typeof fetch): Promise<void> {
  await getJson("/api/auth/sign-out", { method: "POST", cache: "no-store", credentials: "same-origin" }, fetchImpl);
}

/** `GET /api/auth/options`: the OAuth providers and whether dev sign-in works. */
export async function fetchSignInOptions(api: ApiFetch): Promise<SignInOptions> {
  const body = (await sendJson(api, "GET", "/api/auth/options")) as Partial<SignInOptions> | null;
  if (!Array.isArray(body?.providers) || typeof body.dev_sign_in !== "boolean") throw new Error("unexpected sign-in options from the server");
  return { providers: body.providers.filter((p): p is string => typeof p === "string"), dev_sign_in: body.dev_sign_in };
}

function asSession(body: unknown): SessionView {
  const session = body as Partial<SessionView> | null;
  if (typeof session?.access_token !== "string" || typeof session.expires_at !== "number" || typeof session.user?.id !== "string") {
    throw new Error("unexpected session from the server");
  }
  return session as SessionView;
}

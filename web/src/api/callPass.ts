/** Call passes: short-lived tokens that open one call's WebSocket (`POST /api/groups/{id}/call-pass`). */

import type { Role } from "../protocol/generated";
import { ApiError, getJson } from "./http";

/** The pass is renewed when it has less than this long to live. */
const RENEW_BEFORE_MS = 60_000;

export type CallPass = {
  token: string;
  expiresAt: number;
  /** The holder's role in the group (null for guests and in link calls). */
  role: Role | null;
  /** The lowest role that may start a recording (null in link calls). */
  recordRole: Role | null;
};

const ROLES: readonly string[] = ["member", "admin", "owner"];

/** Asks for a pass: members send their access token, guests their name. */
export async function fetchCallPass(
  groupId: string,
  displayName: string,
  accessToken: string | null,
  fetchImpl?: typeof fetch,
): Promise<CallPass> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const body = (await getJson(
    `/api/groups/${encodeURIComponent(groupId)}/call-pass`,
    { method: "POST", headers, body: JSON.stringify({ name: displayName }), cache: "no-store" },
    fetchImpl,
  )) as { token?: unknown; expires_at?: unknown; role?: unknown; record_role?: unknown } | null;
  if (typeof body?.token !== "string" || typeof body.expires_at !== "number") {
    throw new Error("unexpected call pass from the server");
  }
  const asRole = (v: unknown): Role | null => (typeof v === "string" && ROLES.includes(v) ? (v as Role) : null);
  return { token: body.token, expiresAt: body.expires_at, role: asRole(body.role), recordRole: asRole(body.record_role) };
}

/** Keeps the current pass of one call and renews it shortly before it expires. */
export class CallPassSource {
  private current: CallPass | null = null;
  private currentName = "";
  /** The request under way, so the call socket and TURN credentials asking at once share it. */
  private pending: { name: string; pass: Promise<CallPass> } | null = null;

  constructor(
    private readonly groupId: string,
    /** The signed-in person's access token (refreshed when needed), or null for guests. */
    private readonly accessToken: () => string | null | Promise<string | null> = () => null,
    private readonly fetchImpl?: typeof fetch,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** A pass with at least a minute left, for `displayName`. */
  async get(displayName: string): Promise<string> {
    const fresh = this.current && this.current.expiresAt - this.now() > RENEW_BEFORE_MS;
    if (this.current && fresh && this.currentName === displayName) return this.current.token;
    let pending = this.pending;
    if (!pending || pending.name !== displayName) {
      const pass = (async () => fetchCallPass(this.groupId, displayName, await this.accessToken(), this.fetchImpl))();
      pending = { name: displayName, pass };
      this.pending = pending;
    }
    try {
      const pass = await pending.pass;
      if (this.pending === pending) {
        this.current = pass;
        this.currentName = displayName;
      }
      return pass.token;
    } finally {
      if (this.pending === pending) this.pending = null;
    }
  }

  /** The role the latest pass gives its holder (null for guests, link calls, or no pass yet). */
  role(): Role | null {
    return this.current?.role ?? null;
  }

  /** Who may start a recording, as the latest pass says (null in link calls or without a pass). */
  recordRole(): Role | null {
    return this.current?.recordRole ?? null;
  }

  /** Drops the cached pass (the socket refused it), so the next `get` asks for a new one. */
  forget(): void {
    this.current = null;
    this.pending = null;
  }
}

/** Whether a failure to get a pass is final (retrying cannot help). */
export function isFinalPassError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/** A fake of the session endpoints with a shared cookie jar, like one browser's tabs against one server. */

import type { ProfileView, SessionView } from "../api/generated";
import type { LockManagerLike } from "../auth/refreshLock";
import type { AuthChannel, AuthMessage } from "../auth/authChannel";

export const ADA: ProfileView = { id: "u_ada", display_name: "Ada", avatar_url: null, preferences: { video_quality: "auto" }, created_at: 1 };

/** An unsigned JWT-shaped token with `iat` and `exp` claims (seconds). */
export function fakeToken(n: number, iatMs: number, lifetimeMs: number): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "none" })}.${encode({ n, iat: Math.floor(iatMs / 1000), exp: Math.floor((iatMs + lifetimeMs) / 1000) })}.sig`;
}

export function json(status: number, body: unknown): Response {
  return new Response(body === null ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/**
 * The refresh cookie rotates at every use; presenting an old one ends the sign-in, like the
 * server. Counts refreshes and the most that ran at once.
 */
export class FakeAuthServer {
  cookie: string | null = null;
  private valid: string | null = null;
  private issued = 0;
  refreshes = 0;
  inFlight = 0;
  maxInFlight = 0;
  ended = false;
  lifetimeMs = 15 * 60_000;
  /** Server time, which may differ from the client's. */
  serverNow = () => Date.now();
  /** Other routes by "METHOD /path"; unknown ones answer 404. */
  routes = new Map<string, (init: RequestInit) => Response | Promise<Response>>();
  /** Requests to other routes, with their JSON bodies. */
  requests: { method: string; path: string; body: unknown; authorization: string | null }[] = [];

  signIn(): void {
    this.valid = this.cookie = `c${++this.issued}`;
  }

  session(): SessionView {
    const now = this.serverNow();
    return { access_token: fakeToken(++this.issued, now, this.lifetimeMs), expires_at: now + this.lifetimeMs, user: ADA };
  }

  /** Answers `METHOD /path` with `status` and `body` (a function of the request body, or a value). */
  on(route: string, status: number, body: unknown = null): this {
    this.routes.set(route, () => (status === 204 ? new Response(null, { status }) : json(status, body)));
    return this;
  }

  /** The requests made to `METHOD /path`. */
  sent(route: string): unknown[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route).map((r) => r.body);
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const path = String(input);
    if (path === "/api/auth/refresh") return this.refresh();
    if (path === "/api/auth/dev" && !this.routes.has("POST /api/auth/dev")) {
      this.signIn();
      return json(200, this.session());
    }
    if (path === "/api/auth/sign-out") {
      this.cookie = this.valid = null;
      return new Response(null, { status: 204 });
    }
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    this.requests.push({ method, path, body, authorization: new Headers(init.headers).get("Authorization") });
    const route = this.routes.get(`${method} ${path}`);
    return route ? route(init) : json(404, { error: "not_found", message: `no route ${method} ${path}` });
  };

  private async refresh(): Promise<Response> {
    const presented = this.cookie;
    this.refreshes++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.inFlight--;
    if (!presented || presented !== this.valid) {
      if (presented) this.ended = true;
      this.valid = null;
      return json(401, { error: "session_ended", message: "your session has ended: sign in again" });
    }
    this.signIn();
    return json(200, this.session());
  }
}

/** An exclusive lock shared by fake tabs, like `navigator.locks`. */
export function fakeLocks(): LockManagerLike {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const run = tail.then(callback, callback);
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

/** A BroadcastChannel between fake tabs: each tab gets an end that hears the others. */
export function fakeChannels(count: number): AuthChannel[] {
  const listeners: ((message: AuthMessage) => void)[][] = Array.from({ length: count }, () => []);
  return listeners.map((own, index) => ({
    post: (message) => listeners.forEach((other, i) => i !== index && other.forEach((l) => queueMicrotask(() => l(message)))),
    listen: (listener) => {
      own.push(listener);
      return () => own.splice(own.indexOf(listener), 1);
    },
  }));
}

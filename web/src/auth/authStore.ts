/**
 * The signed-in session: the access token (in memory only), who is signed in, and keeping the
 * token fresh through the HttpOnly refresh cookie.
 */

import type { ProfileView, SessionView } from "../api/generated";
import { ApiError, type ApiFetch } from "../api/http";
import { backoffDelayMs } from "../lib/backoff";
import type { AuthChannel } from "./authChannel";
import { requestDevSignIn, requestRefresh, requestSignOut } from "./authApi";
import { type LockManagerLike, withRefreshLock } from "./refreshLock";
import { localExpiry } from "./tokenLifetime";

/** Refresh this long before the access token expires. */
export const REFRESH_AHEAD_MS = 60_000;
/** A token with less than this left is refreshed before use. */
const USABLE_MARGIN_MS = 10_000;
/** Waits between retries of a refresh that failed for a reason other than the sign-in ending. */
const RETRY_BACKOFF = { initialMs: 2_000, maxMs: 60_000, jitter: 0.3 };

export type AuthStatus = "loading" | "signedIn" | "signedOut";

export type AuthSnapshot = {
  status: AuthStatus;
  user: ProfileView | null;
  /** Why the session could not be restored or refreshed (the network), when it could not. */
  problem: string | null;
};

export type AuthStoreDeps = {
  fetch?: typeof fetch;
  now?: () => number;
  locks?: LockManagerLike | null;
  channel?: AuthChannel | null;
  random?: () => number;
};

type Session = { token: string; expiresAt: number; user: ProfileView };

const LOADING: AuthSnapshot = { status: "loading", user: null, problem: null };

export class AuthStore {
  private snapshot: AuthSnapshot = LOADING;
  private readonly listeners = new Set<() => void>();
  private session: Session | null = null;
  private refreshing: Promise<Session | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private started: Promise<void> | null = null;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly locks: LockManagerLike | null;
  private readonly channel: AuthChannel | null;
  private readonly random: () => number;

  constructor(deps: AuthStoreDeps = {}) {
    this.fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
    this.now = deps.now ?? (() => Date.now());
    this.locks = deps.locks ?? null;
    this.channel = deps.channel ?? null;
    this.random = deps.random ?? Math.random;
    this.channel?.listen((message) => {
      if (message.type === "session") this.adopt(message.session, false);
      else this.clear(false);
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): AuthSnapshot => this.snapshot;

  /** Restores the session from the refresh cookie, once; later calls return the same promise. */
  start(): Promise<void> {
    this.started ??= this.refresh(null).then(
      () => undefined,
      () => undefined,
    );
    return this.started;
  }

  /** Signs in by name (development servers). Throws ApiError with the server's message. */
  async signIn(name: string): Promise<ProfileView> {
    const session = await withRefreshLock(this.locks, () => requestDevSignIn(name, this.fetchImpl));
    this.adopt(session, true);
    return session.user;
  }

  /** Ends the sign-in on the server and forgets it here and in the other tabs. */
  async signOut(): Promise<void> {
    try {
      await withRefreshLock(this.locks, () => requestSignOut(this.fetchImpl));
    } finally {
      this.clear(true);
    }
  }

  /** Replaces the signed-in user's profile (after `PATCH /api/me`). */
  setUser(user: ProfileView): void {
    if (!this.session) return;
    this.session = { ...this.session, user };
    this.update({ user });
  }

  /** An access token with some life left (refreshing first when needed), or null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.snapshot.status === "loading") await this.start();
    const session = this.session;
    if (!session) return null;
    if (session.expiresAt - this.now() > USABLE_MARGIN_MS) return session.token;
    return (await this.refresh(session.token).catch(() => null))?.token ?? null;
  }

  /** `fetch` for API paths with the access token; a 401 `token_expired` is retried once after a refresh. */
  readonly fetch: ApiFetch = async (path, init = {}) => {
    const token = await this.accessToken();
    const response = await this.fetchImpl(path, withBearer(init, token));
    if (response.status !== 401 || token === null) return response;
    if ((await errorCodeOf(response.clone())) !== "token_expired") return response;
    const fresh = await this.refresh(token).catch(() => null);
    if (!fresh) return response;
    return this.fetchImpl(path, withBearer(init, fresh.token));
  };

  /**
   * Exchanges the refresh cookie for a new session. Only one exchange runs at a time, in this
   * tab (shared promise) and across tabs (Web Lock): a refresh cookie presented twice ends the
   * sign-in. `staleToken` is the token the caller found too old (null: none); when another tab
   * has meanwhile handed over a newer one, that is used instead of asking again.
   */
  refresh(staleToken: string | null): Promise<Session | null> {
    this.refreshing ??= withRefreshLock(this.locks, async () => {
      const current = this.session;
      if (current && current.token !== staleToken && current.expiresAt - this.now() > REFRESH_AHEAD_MS) return current;
      const session = await requestRefresh(this.fetchImpl);
      if (session) this.adopt(session, true);
      else this.clear(false);
      return this.session;
    })
      .then(
        (session) => {
          this.failures = 0;
          return session;
        },
        (error: unknown) => {
          this.onRefreshFailed(error);
          throw error;
        },
      )
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  /** Stops the refresh timer (tests, or a page going away). */
  dispose(): void {
    this.clearTimer();
    this.listeners.clear();
  }

  private onRefreshFailed(error: unknown): void {
    const delay = backoffDelayMs(this.failures++, this.random, RETRY_BACKOFF);
    const message =
      error instanceof ApiError
        ? "PeerShare couldn't restore your sign-in right now. We'll keep trying."
        : "Can't reach PeerShare to restore your sign-in. Check your connection; we'll keep trying.";
    // Keep a session that still works; without one, show the signed-out pages meanwhile.
    if (this.session && this.session.expiresAt > this.now()) this.update({ problem: message });
    else this.update({ status: "signedOut", user: null, problem: message });
    this.schedule(delay);
  }

  private adopt(view: SessionView, announce: boolean): void {
    const now = this.now();
    this.session = { token: view.access_token, expiresAt: localExpiry(view.access_token, view.expires_at, now), user: view.user };
    this.update({ status: "signedIn", user: view.user, problem: null });
    this.schedule(Math.max(1_000, this.session.expiresAt - REFRESH_AHEAD_MS - now));
    if (announce) this.channel?.post({ type: "session", session: view });
  }

  private clear(announce: boolean): void {
    this.session = null;
    this.clearTimer();
    this.update({ status: "signedOut", user: null, problem: null });
    if (announce) this.channel?.post({ type: "signed-out" });
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh(this.session?.token ?? null).catch(() => undefined);
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private update(patch: Partial<AuthSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function withBearer(init: RequestInit, token: string | null): RequestInit {
  if (!token) return init;
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return { ...init, headers };
}

async function errorCodeOf(response: Response): Promise<string | null> {
  try {
    const body = (await response.json()) as { error?: unknown };
    return typeof body.error === "string" ? body.error : null;
  } catch {
    return null;
  }
}

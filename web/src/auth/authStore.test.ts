import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthStore } from "./authStore";
import { FakeAuthServer, fakeChannels, fakeLocks, json } from "../test/fakeAuthServer";

let stores: AuthStore[] = [];

function tab(server: FakeAuthServer, extra: ConstructorParameters<typeof AuthStore>[0] = {}): AuthStore {
  const store = new AuthStore({ fetch: server.fetch as typeof fetch, locks: null, channel: null, random: () => 0, ...extra });
  stores.push(store);
  return store;
}

beforeEach(() => {
  stores = [];
});

afterEach(() => {
  stores.forEach((s) => s.dispose());
  vi.useRealTimers();
});

describe("AuthStore: restoring and single-flight", () => {
  it("is signed out when there is no refresh cookie", async () => {
    const server = new FakeAuthServer();
    const store = tab(server);
    expect(store.getSnapshot().status).toBe("loading");
    await store.start();
    expect(store.getSnapshot()).toEqual({ status: "signedOut", user: null, problem: null });
    expect(await store.accessToken()).toBeNull();
  });

  it("sends one refresh however many callers want a token at once", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    const store = tab(server);
    const tokens = await Promise.all([store.start().then(() => store.accessToken()), store.accessToken(), store.accessToken(), store.refresh(null).then((s) => s?.token)]);
    expect(server.refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(store.getSnapshot().status).toBe("signedIn");
    expect(store.getSnapshot().user?.display_name).toBe("Ada");
    expect(server.ended).toBe(false);
  });

  it("never presents the same cookie twice across tabs sharing a Web Lock", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    const locks = fakeLocks();
    const [a, b, c] = fakeChannels(3);
    const tabs = [tab(server, { locks, channel: a }), tab(server, { locks, channel: b }), tab(server, { locks, channel: c })];
    await Promise.all(tabs.map((t) => t.start()));
    expect(server.maxInFlight).toBe(1);
    expect(server.ended).toBe(false);
    expect(tabs.every((t) => t.getSnapshot().status === "signedIn")).toBe(true);
    // Forced refreshes at the same moment (e.g. every tab's timer) stay one at a time too.
    await Promise.all(tabs.map(async (t) => t.refresh(await t.accessToken())));
    expect(server.maxInFlight).toBe(1);
    expect(server.ended).toBe(false);
  });

  it("without a lock, parallel tabs would end the sign-in (why the lock matters)", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    await Promise.all([tab(server).start(), tab(server).start()]);
    expect(server.ended).toBe(true);
  });

  it("adopts a session another tab announces, and a sign-out", async () => {
    const server = new FakeAuthServer();
    const [a, b] = fakeChannels(2);
    const first = tab(server, { channel: a });
    const second = tab(server, { channel: b });
    await Promise.all([first.start(), second.start()]);
    await first.signIn("Ada");
    await vi.waitFor(() => expect(second.getSnapshot().status).toBe("signedIn"));
    expect(await second.accessToken()).toBe(await first.accessToken());
    await first.signOut();
    await vi.waitFor(() => expect(second.getSnapshot().status).toBe("signedOut"));
  });
});

describe("AuthStore: expiry", () => {
  it("refreshes a minute before the token expires", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const server = new FakeAuthServer();
    server.signIn();
    const store = tab(server);
    const start = store.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    const first = await store.accessToken();
    expect(server.refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(13 * 60_000);
    expect(server.refreshes).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000 + 10);
    expect(server.refreshes).toBe(2);
    expect(await store.accessToken()).not.toBe(first);
  });

  it("times the refresh from the token's lifetime, not a wrong local clock", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const server = new FakeAuthServer();
    // The server's clock is an hour behind: expires_at alone would look long past.
    server.serverNow = () => Date.now() - 3_600_000;
    server.signIn();
    const store = tab(server);
    const start = store.start();
    await vi.advanceTimersByTimeAsync(10);
    await start;
    await store.accessToken();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.refreshes).toBe(1);
  });

  it("refreshes before use when the token is about to expire", async () => {
    let now = 1_000_000;
    const server = new FakeAuthServer();
    server.serverNow = () => now;
    server.signIn();
    const store = tab(server, { now: () => now });
    await store.start();
    const first = await store.accessToken();
    now += 15 * 60_000 - 5_000;
    const second = await store.accessToken();
    expect(second).not.toBe(first);
    expect(server.refreshes).toBe(2);
  });

  it("retries a request once after a 401 token_expired, with the new token", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    const seen: (string | null)[] = [];
    let first = true;
    server.routes.set("GET /api/groups", (init) => {
      seen.push(new Headers(init.headers).get("Authorization"));
      if (first) {
        first = false;
        return json(401, { error: "token_expired", message: "the token has expired" });
      }
      return json(200, { groups: [] });
    });
    const store = tab(server);
    await store.start();
    const response = await store.fetch("/api/groups");
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(server.refreshes).toBe(2);
  });

  it("does not loop when the retried request is refused again", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    let calls = 0;
    server.routes.set("GET /api/me", () => {
      calls++;
      return json(401, { error: "token_expired", message: "the token has expired" });
    });
    const store = tab(server);
    await store.start();
    expect((await store.fetch("/api/me")).status).toBe(401);
    expect(calls).toBe(2);
  });

  it("leaves other 401s alone", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    server.routes.set("GET /api/me", () => json(401, { error: "invalid_token", message: "bad" }));
    const store = tab(server);
    await store.start();
    expect((await store.fetch("/api/me")).status).toBe(401);
    expect(server.refreshes).toBe(1);
  });

  it("signs out when the refresh cookie was ended elsewhere", async () => {
    const server = new FakeAuthServer();
    server.signIn();
    const store = tab(server);
    await store.start();
    server.cookie = "stolen-and-replayed";
    await store.refresh(await store.accessToken());
    expect(store.getSnapshot().status).toBe("signedOut");
  });

  it("keeps trying after a network failure and says so", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const server = new FakeAuthServer();
    server.signIn();
    let offline = true;
    const store = tab(server, {
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        if (offline) throw new TypeError("Failed to fetch");
        return server.fetch(input, init);
      }) as typeof fetch,
    });
    await store.start();
    expect(store.getSnapshot().status).toBe("signedOut");
    expect(store.getSnapshot().problem).toMatch(/Can't reach PeerShare/);
    offline = false;
    await vi.advanceTimersByTimeAsync(2_100);
    expect(store.getSnapshot()).toMatchObject({ status: "signedIn", problem: null });
  });
});

import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./http";
import { CallPassSource, isFinalPassError } from "./callPass";

function reply(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("CallPassSource", () => {
  it("asks once, reuses the pass until a minute before expiry, then renews", async () => {
    let now = 1_000_000;
    const fetchImpl = vi.fn(async () => reply(200, { token: `t${fetchImpl.mock.calls.length}`, expires_at: now + 600_000 }));
    const source = new CallPassSource("team", () => "access", fetchImpl as unknown as typeof fetch, () => now);
    expect(await source.get("Ada")).toBe("t1");
    expect(await source.get("Ada")).toBe("t1");
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/groups/team/call-pass");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer access");
    expect(JSON.parse(init.body as string)).toEqual({ name: "Ada" });
    now += 541_000;
    expect(await source.get("Ada")).toBe("t2");
    expect(await source.get("Grace")).toBe("t3");
  });

  it("shares one request between callers asking at once (the socket and TURN credentials)", async () => {
    const fetchImpl = vi.fn(async () => reply(200, { token: `t${fetchImpl.mock.calls.length}`, expires_at: Date.now() + 600_000 }));
    const source = new CallPassSource("team", () => null, fetchImpl as unknown as typeof fetch);
    const [a, b] = await Promise.all([source.get("Ada"), source.get("Ada")]);
    expect([a, b]).toEqual(["t1", "t1"]);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(await source.get("Ada")).toBe("t1");
  });

  it("reports the server's error and says whether retrying can help", async () => {
    const fetchImpl = vi.fn(async () => reply(401, { error: "guests_not_allowed", message: "members only" }));
    const source = new CallPassSource("g_x", () => null, fetchImpl as unknown as typeof fetch);
    const error = await source.get("Ada").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("guests_not_allowed");
    expect(isFinalPassError(error)).toBe(true);
    expect(isFinalPassError(new ApiError(503, "x", "y"))).toBe(false);
    expect(isFinalPassError(new TypeError("network"))).toBe(false);
  });

  it("remembers the role the pass gives (none for guests, unknown roles ignored)", async () => {
    const bodies = [
      { token: "t1", expires_at: Date.now() + 600_000, role: "admin", record_role: "owner", group: "g_x" },
      { token: "t2", expires_at: Date.now() + 600_000, group: "g_x" },
      { token: "t3", expires_at: Date.now() + 600_000, role: "emperor", group: "g_x" },
    ];
    const fetchImpl = vi.fn(async () => reply(200, bodies[fetchImpl.mock.calls.length - 1]));
    const source = new CallPassSource("g_x", async () => "access", fetchImpl as unknown as typeof fetch);
    expect(source.role()).toBeNull();
    await source.get("Ada");
    expect(source.role()).toBe("admin");
    expect(source.recordRole()).toBe("owner");
    source.forget();
    expect(source.role()).toBeNull();
    await source.get("Ada");
    expect(source.role()).toBeNull();
    expect(source.recordRole()).toBeNull();
    source.forget();
    await source.get("Ada");
    expect(source.role()).toBeNull();
  });

  it("waits for a fresh access token, and asks again after forget()", async () => {
    const fetchImpl = vi.fn(async () => reply(200, { token: `t${fetchImpl.mock.calls.length}`, expires_at: Date.now() + 600_000 }));
    const source = new CallPassSource("g_x", async () => "fresh", fetchImpl as unknown as typeof fetch);
    expect(await source.get("Ada")).toBe("t1");
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer fresh");
    source.forget();
    expect(await source.get("Ada")).toBe("t2");
  });
});

import { describe, expect, it, vi } from "vitest";
import { ApiError, errorMessage, sendJson } from "./http";

describe("sendJson", () => {
  it("sends JSON (bigints as numbers) and reads the reply, null for 204", async () => {
    const api = vi.fn(async () => new Response(null, { status: 204 }));
    expect(await sendJson(api, "POST", "/api/x", { ttl_ms: BigInt(3_600_000) })).toBeNull();
    const [path, init] = api.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe("/api/x");
    expect(init.method).toBe("POST");
    expect(init.body).toBe('{"ttl_ms":3600000}');
    expect(new Headers(init.headers).get("Content-Type")).toBe("application/json");
  });

  it("throws the server's error", async () => {
    const api = async () => new Response(JSON.stringify({ error: "last_owner", message: "a group needs an owner" }), { status: 409 });
    const error = await sendJson(api, "DELETE", "/api/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "last_owner" });
  });
});

describe("errorMessage", () => {
  it("turns the server's message into a sentence, or explains the network", () => {
    expect(errorMessage(new ApiError(409, "last_owner", "a group needs an owner"))).toBe("A group needs an owner.");
    expect(errorMessage(new ApiError(400, "invalid_profile", "avatar_url must be https"))).toBe("avatar_url must be https.");
    expect(errorMessage(new TypeError("Failed to fetch"))).toMatch(/Can't reach PeerShare/);
    expect(errorMessage(new Error("?"))).toBe("Something went wrong. Try again.");
  });
});

import { describe, expect, it } from "vitest";
import { fakeToken } from "../test/fakeAuthServer";
import { localExpiry } from "./tokenLifetime";

describe("localExpiry", () => {
  it("adds the token's lifetime to when it arrived", () => {
    expect(localExpiry(fakeToken(1, 5_000_000, 900_000), 1, 42_000)).toBe(942_000);
  });

  it("falls back to the server's expiry for unreadable tokens", () => {
    expect(localExpiry("not-a-jwt", 123, 0)).toBe(123);
    expect(localExpiry("a.%%%.c", 456, 0)).toBe(456);
  });
});

import { describe, expect, it } from "vitest";
import { iceRefreshDelayMs, iceRetryDelayMs } from "./iceRefresh";

const T0 = 1_700_000_000_000; // ms

function config(ttlSeconds: number, clockSkewMs = 0) {
  return { ttlSeconds, expiresAt: Math.round((T0 + clockSkewMs) / 1000) + ttlSeconds };
}

describe("iceRefreshDelayMs", () => {
  it("refreshes a one-hour credential at 80 % of its lifetime", () => {
    expect(iceRefreshDelayMs(config(3600), T0, T0)).toBe(2880_000);
  });

  it("refreshes a 15 s test credential at 12 s", () => {
    expect(iceRefreshDelayMs(config(15), T0, T0)).toBe(12_000);
  });

  it("keeps 60 s before expiry when 80 % would be later than that", () => {
    // 80 % of 120 s is 96 s, which leaves only 24 s; 60 s before expiry is 60 s.
    expect(iceRefreshDelayMs(config(120), T0, T0)).toBe(60_000);
    expect(iceRefreshDelayMs(config(200), T0, T0)).toBe(140_000);
  });

  it("ignores the 60 s margin when it would fall before a quarter of the lifetime", () => {
    // 60 s before expiry of a 70 s credential is 10 s in: under 25 %, so use 80 %.
    expect(iceRefreshDelayMs(config(70), T0, T0)).toBe(56_000);
  });

  it("counts time already elapsed since the fetch", () => {
    expect(iceRefreshDelayMs(config(15), T0, T0 + 5_000)).toBe(7_000);
    expect(iceRefreshDelayMs(config(15), T0, T0 + 60_000)).toBe(0);
  });

  it("does not trust a local clock that is far off the server's", () => {
    // Local clock two hours ahead of the server: expiresAt looks long past.
    expect(iceRefreshDelayMs(config(3600, -7_200_000), T0, T0)).toBe(2880_000);
    // Local clock behind: expiresAt looks far away; 80 % still wins.
    expect(iceRefreshDelayMs(config(3600, 7_200_000), T0, T0)).toBe(2880_000);
  });

  it("never returns a negative delay", () => {
    expect(iceRefreshDelayMs({ ttlSeconds: 0, expiresAt: 0 }, T0, T0)).toBe(0);
    expect(iceRefreshDelayMs({ ttlSeconds: -5, expiresAt: 0 }, T0, T0 + 1)).toBe(0);
  });
});

describe("iceRetryDelayMs", () => {
  it("backs off from 2 s to a 30 s cap", () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(iceRetryDelayMs)).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

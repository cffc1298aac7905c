import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "./backoff";

const noJitter = () => 0;
const fullJitter = () => 0.999999;

describe("backoffDelayMs", () => {
  it("starts at 0.5 s and doubles", () => {
    expect([0, 1, 2, 3, 4].map((a) => backoffDelayMs(a, noJitter))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it("caps at 8 s however many attempts", () => {
    expect(backoffDelayMs(5, noJitter)).toBe(8000);
    expect(backoffDelayMs(1000, noJitter)).toBe(8000);
  });

  it("jitters down by at most half", () => {
    expect(backoffDelayMs(0, fullJitter)).toBe(250);
    expect(backoffDelayMs(10, fullJitter)).toBe(4000);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelayMs(3);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it("treats nonsense attempts as the first", () => {
    expect(backoffDelayMs(-3, noJitter)).toBe(500);
    expect(backoffDelayMs(Number.NaN, noJitter)).toBe(500);
  });

  it("accepts custom options", () => {
    expect(backoffDelayMs(2, noJitter, { initialMs: 100, maxMs: 1000, jitter: 0 })).toBe(400);
  });
});

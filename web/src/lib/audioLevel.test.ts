import { describe, expect, it } from "vitest";
import { barsLit, levelFromSamples } from "./audioLevel";

describe("levelFromSamples", () => {
  it("is 0 for silence and for no samples", () => {
    expect(levelFromSamples(new Uint8Array(64).fill(128))).toBe(0);
    expect(levelFromSamples(new Uint8Array())).toBe(0);
  });
  it("grows with loudness and saturates at 1", () => {
    const quiet = levelFromSamples(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 133 : 123)));
    const loud = levelFromSamples(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 160 : 96)));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(levelFromSamples(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 255 : 0)))).toBe(1);
  });
});

describe("barsLit", () => {
  it("maps level to bars", () => {
    expect(barsLit(0, 3)).toBe(0);
    expect(barsLit(0.5, 3)).toBe(2);
    expect(barsLit(2, 3)).toBe(3);
    expect(barsLit(-1, 3)).toBe(0);
  });
});

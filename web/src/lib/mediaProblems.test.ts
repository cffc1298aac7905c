import { describe, expect, it } from "vitest";
import { adviseOnMediaProblems, classifyMediaError } from "./mediaProblems";

const domError = (name: string) => new DOMException("x", name);

describe("classifyMediaError", () => {
  it.each([
    ["NotAllowedError", "permission-denied"],
    ["SecurityError", "permission-denied"],
    ["NotFoundError", "not-found"],
    ["OverconstrainedError", "not-found"],
    ["NotReadableError", "in-use"],
    ["AbortError", "in-use"],
    ["TypeError", "unavailable"],
  ])("%s → %s", (name, problem) => expect(classifyMediaError(domError(name))).toBe(problem));

  it("handles plain objects and junk", () => {
    expect(classifyMediaError({ name: "NotFoundError" })).toBe("not-found");
    expect(classifyMediaError("boom")).toBe("unavailable");
    expect(classifyMediaError(null)).toBe("unavailable");
  });
});

describe("adviseOnMediaProblems", () => {
  it("is null when nothing is wrong", () => expect(adviseOnMediaProblems({})).toBeNull());

  it("explains how to re-allow blocked devices", () => {
    const advice = adviseOnMediaProblems({ audio: "permission-denied", video: "permission-denied" });
    expect(advice?.title).toBe("PeerShare can't use your camera and microphone");
    expect(advice?.body).toMatch(/address bar/);
    expect(advice?.body).toMatch(/reload the page/);
    expect(advice?.body).toMatch(/listen and watch/);
    expect(advice?.canRetry).toBe(false);
  });

  it("says what still works when one device is missing", () => {
    const advice = adviseOnMediaProblems({ video: "not-found" });
    expect(advice?.title).toBe("No camera found");
    expect(advice?.body).toMatch(/just your microphone/);
    expect(advice?.canRetry).toBe(true);
  });

  it("allows joining with no devices at all", () => {
    expect(adviseOnMediaProblems({ audio: "not-found", video: "not-found" })?.body).toMatch(/listen and watch/);
  });

  it("explains a device held by another app", () => {
    const advice = adviseOnMediaProblems({ video: "in-use" });
    expect(advice?.title).toBe("Your camera is being used by another app");
    expect(advice?.body).toMatch(/another call/);
  });

  it("leads with the most actionable problem", () => {
    expect(adviseOnMediaProblems({ audio: "not-found", video: "permission-denied" })?.title).toMatch(/can't use/);
  });
});

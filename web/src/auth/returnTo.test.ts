import { describe, expect, it } from "vitest";
import { safeReturnTo, signInPath } from "./returnTo";

describe("safeReturnTo", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeReturnTo("?return_to=%2Finvite%2Fabc")).toBe("/invite/abc");
    expect(safeReturnTo("?return_to=/groups/g_x?tab=1")).toBe("/groups/g_x?tab=1");
  });

  it("refuses other origins and tricks", () => {
    for (const bad of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "groups", ""]) {
      expect(safeReturnTo(`?return_to=${encodeURIComponent(bad)}`)).toBe("/groups");
    }
    expect(safeReturnTo("", "/")).toBe("/");
  });

  it("builds the sign-in link", () => {
    expect(signInPath("/invite/abc")).toBe("/signin?return_to=%2Finvite%2Fabc");
  });
});

import { describe, expect, it } from "vitest";
import { displayNameError, initialsOf, loadDisplayName, normalizeDisplayName, saveDisplayName } from "./displayName";

describe("displayNameError", () => {
  it("accepts ordinary names", () => {
    expect(displayNameError("Ada Lovelace")).toBeNull();
    expect(displayNameError("  李小龍  ")).toBeNull();
    expect(displayNameError("x".repeat(64))).toBeNull();
  });
  it("asks for a name when blank", () => expect(displayNameError("   ")).toMatch(/Enter your name/));
  it("limits the length in characters, not bytes", () => {
    expect(displayNameError("é".repeat(64))).toBeNull();
    expect(displayNameError("x".repeat(65))).toMatch(/at most 64/);
  });
  it("refuses control characters", () => expect(displayNameError("Ada\nLovelace")).toMatch(/line breaks/));
});

describe("remembering the name", () => {
  it("saves and loads trimmed names", () => {
    saveDisplayName("  Grace ");
    expect(loadDisplayName()).toBe("Grace");
    expect(normalizeDisplayName(" Grace ")).toBe("Grace");
  });
  it("survives storage that throws", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("denied");
      },
    };
    expect(loadDisplayName(broken)).toBe("");
    expect(() => saveDisplayName("x", broken)).not.toThrow();
  });
});

describe("initialsOf", () => {
  it.each([
    ["Ada Lovelace", "AL"],
    ["grace", "G"],
    ["  Jean  Claude  Van Damme ", "JD"],
    ["", "?"],
    ["émile zola", "ÉZ"],
  ])("%j → %s", (name, initials) => expect(initialsOf(name)).toBe(initials));
});

import { describe, expect, it } from "vitest";
import { CALL_ID_ALPHABET, callIdFromPath, callPath, generateCallId, isGroupCall, isValidCallId, parseCallInput } from "./callId";

describe("generateCallId", () => {
  it("has the readable 3-4-3 shape from the unambiguous alphabet", () => {
    for (let i = 0; i < 200; i++) {
      const id = generateCallId();
      expect(id).toMatch(/^[a-z2-9]{3}-[a-z2-9]{4}-[a-z2-9]{3}$/);
      for (const c of id.replaceAll("-", "")) expect(CALL_ID_ALPHABET).toContain(c);
      expect(isValidCallId(id)).toBe(true);
    }
  });

  it("never uses look-alike characters", () => {
    expect(CALL_ID_ALPHABET).not.toMatch(/[01lio]/);
  });

  it("rejects biased bytes instead of wrapping around", () => {
    // 248 and above would bias the modulo for a 31-character alphabet.
    let call = 0;
    const id = generateCallId((bytes) => {
      bytes.fill(call++ === 0 ? 255 : 0);
      return bytes;
    });
    expect(id).toBe("aaa-aaaa-aaa");
  });

  it("is different each time", () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateCallId()));
    expect(ids.size).toBe(100);
  });
});

describe("isValidCallId", () => {
  it.each(["a", "abc-DEF_123", "x".repeat(64)])("accepts %s", (id) => expect(isValidCallId(id)).toBe(true));
  it.each(["", "x".repeat(65), "a b", "a/b", "é", "a.b"])("rejects %j", (id) => expect(isValidCallId(id)).toBe(false));
});

describe("callIdFromPath / callPath", () => {
  it("round-trips", () => {
    expect(callIdFromPath(callPath("kqz-4tmp-wrd"))).toBe("kqz-4tmp-wrd");
  });
  it("tolerates a trailing slash", () => expect(callIdFromPath("/c/abc/")).toBe("abc"));
  it.each(["/", "/c/", "/c/a b", "/x/abc", "/c/abc/def", "/c/%E0%A4%A"])("is null for %s", (path) =>
    expect(callIdFromPath(path)).toBeNull(),
  );
});

describe("parseCallInput", () => {
  it.each([
    ["kqz-4tmp-wrd", "kqz-4tmp-wrd"],
    ["  kqz-4tmp-wrd \n", "kqz-4tmp-wrd"],
    ["https://peershare.example/c/kqz-4tmp-wrd", "kqz-4tmp-wrd"],
    ["http://127.0.0.1:8080/c/Team_Sync?x=1#y", "Team_Sync"],
    ["peershare.example/c/abc", "abc"],
    ["/c/abc", "abc"],
  ])("reads %j", (input, id) => expect(parseCallInput(input)).toEqual({ ok: true, id }));

  it("asks for something when empty", () => {
    expect(parseCallInput("   ")).toEqual({ ok: false, error: "Enter a call link or code." });
  });

  it("explains a link that is not a call link", () => {
    const result = parseCallInput("https://example.com/meeting/123");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/isn't a PeerShare call link/);
  });

  it("explains a code with bad characters", () => {
    const result = parseCallInput("hello world!");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/letters, numbers, dashes and underscores/);
  });

  it("explains a code that is too long", () => {
    const result = parseCallInput("a".repeat(65));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/too long/);
  });
});

describe("isGroupCall", () => {
  it("tells a stored group's call from a link call by the id's prefix", () => {
    expect(isGroupCall("g_team")).toBe(true);
    expect(isGroupCall("kqz-4tmp-wrd")).toBe(false);
    expect(isGroupCall("g-team")).toBe(false);
    expect(isGroupCall(generateCallId())).toBe(false);
  });
});

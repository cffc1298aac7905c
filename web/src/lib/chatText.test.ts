import { describe, expect, it } from "vitest";
import { chatPieces } from "./chatText";

describe("chatPieces", () => {
  it("keeps plain text as one piece, markup included", () => {
    expect(chatPieces("<b>hi</b> & <script>x</script>")).toEqual([{ kind: "text", text: "<b>hi</b> & <script>x</script>" }]);
  });

  it("makes http and https URLs links, leaving sentence punctuation outside", () => {
    expect(chatPieces("see https://example.com/a?b=1, then http://x.test.")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { kind: "text", text: ", then " },
      { kind: "link", text: "http://x.test", href: "http://x.test/" },
      { kind: "text", text: "." },
    ]);
  });

  it("keeps a parenthesis that belongs to the URL", () => {
    expect(chatPieces("(https://en.wikipedia.org/wiki/Tea_(meal))")).toEqual([
      { kind: "text", text: "(" },
      { kind: "link", text: "https://en.wikipedia.org/wiki/Tea_(meal)", href: "https://en.wikipedia.org/wiki/Tea_(meal)" },
      { kind: "text", text: ")" },
    ]);
  });

  it("never links other schemes", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd", "JAVASCRIPT://%0aalert(1)"]) {
      expect(chatPieces(text).every((p) => p.kind === "text"), text).toBe(true);
    }
  });

  it("does not link a scheme with no host", () => {
    expect(chatPieces("https://")).toEqual([{ kind: "text", text: "https://" }]);
  });
});

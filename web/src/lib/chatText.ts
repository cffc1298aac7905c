/**
 * Chat text as pieces to render: plain text, and http(s) links made clickable. Never markup:
 * every piece is rendered as text (a link's label too), so nothing a participant types becomes
 * HTML.
 */
export type ChatPiece = { kind: "text"; text: string } | { kind: "link"; text: string; href: string };

/** A URL starts with http:// or https:// and runs to white space or a quote or angle bracket. */
const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;

/** Punctuation that ends a sentence rather than the URL it follows. */
const TRAILING = /[.,;:!?)\]}]+$/;

export function chatPieces(text: string): ChatPiece[] {
  const pieces: ChatPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    let url = match[0];
    const trailing = TRAILING.exec(url)?.[0] ?? "";
    // A closing parenthesis that closes one inside the URL stays (Wikipedia-style links).
    const keep = trailing.startsWith(")") && url.slice(0, -trailing.length).includes("(") ? 1 : 0;
    url = url.slice(0, url.length - trailing.length + keep);
    const href = safeHref(url);
    if (start > last) pieces.push({ kind: "text", text: text.slice(last, start) });
    pieces.push(href ? { kind: "link", text: url, href } : { kind: "text", text: url });
    last = start + url.length;
  }
  if (last < text.length) pieces.push({ kind: "text", text: text.slice(last) });
  return pieces;
}

/** The URL as a link target when it parses as http(s) with a host, else null. */
function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname ? parsed.href : null;
  } catch {
    return null;
  }
}

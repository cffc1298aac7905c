/** Call ids: generating readable ones and recognising pasted links or codes. */

/** Lowercase letters and digits without look-alikes (0/o, 1/l/i). */
export const CALL_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** Group sizes of a generated id, e.g. `kqz-4tmp-wrd`. */
const GROUP_SIZES = [3, 4, 3] as const;

/** Ids of stored groups start with this (core's STORED_GROUP_PREFIX); any other id is a link call's. */
export const STORED_GROUP_PREFIX = "g_";

/** What the server accepts as a group id. */
const GROUP_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Path of a call page, e.g. `/c/kqz-4tmp-wrd`. */
const CALL_PATH_PATTERN = /^\/c\/([^/?#]+)\/?$/;

export type RandomBytes = (bytes: Uint8Array) => Uint8Array;

const cryptoRandomBytes: RandomBytes = (bytes) => crypto.getRandomValues(bytes);

/** A fresh, readable call id like `kqz-4tmp-wrd` (about 49 bits of entropy). */
export function generateCallId(randomBytes: RandomBytes = cryptoRandomBytes): string {
  const size = CALL_ID_ALPHABET.length;
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % size);
  const chars: string[] = [];
  const needed = GROUP_SIZES.reduce((a, b) => a + b, 0);
  while (chars.length < needed) {
    for (const byte of randomBytes(new Uint8Array(needed * 2))) {
      if (byte < limit && chars.length < needed) chars.push(CALL_ID_ALPHABET.charAt(byte % size));
    }
  }
  const groups: string[] = [];
  let at = 0;
  for (const groupSize of GROUP_SIZES) {
    groups.push(chars.slice(at, at + groupSize).join(""));
    at += groupSize;
  }
  return groups.join("-");
}

/** Whether `id` is a valid group id for the server (1–64 of `[A-Za-z0-9_-]`). */
export function isValidCallId(id: string): boolean {
  return GROUP_ID_PATTERN.test(id);
}

/**
 * Whether call `id` is a stored group's call (members, settings, history, recordings) rather
 * than a link call that anyone with the link joins.
 */
export function isGroupCall(id: string): boolean {
  return id.startsWith(STORED_GROUP_PREFIX);
}

/** The call id in a page path like `/c/<id>`, or null when the path is not a call page. */
export function callIdFromPath(pathname: string): string | null {
  const match = CALL_PATH_PATTERN.exec(pathname);
  if (!match?.[1]) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return isValidCallId(id) ? id : null;
}

/** The path of the page for call `id`. */
export function callPath(id: string): string {
  return `/c/${encodeURIComponent(id)}`;
}

export type ParsedCallInput = { ok: true; id: string } | { ok: false; error: string };

/**
 * Reads what someone pasted or typed into the "join a call" field: a full link
 * (`https://host/c/kqz-4tmp-wrd`), a path (`/c/kqz-4tmp-wrd`) or a bare code.
 */
export function parseCallInput(raw: string): ParsedCallInput {
  const input = raw.trim();
  if (input === "") return { ok: false, error: "Enter a call link or code." };

  const looksLikeLink = input.includes("/") || input.includes(":") || input.includes(".");
  if (looksLikeLink) {
    const url = toUrl(input);
    const id = url ? callIdFromPath(url.pathname) : null;
    if (id) return { ok: true, id };
    return {
      ok: false,
      error: "That link isn't a PeerShare call link. Call links end in /c/ followed by a code, like /c/kqz-4tmp-wrd.",
    };
  }
  if (isValidCallId(input)) return { ok: true, id: input };
  if (input.length > 64) return { ok: false, error: "That code is too long. Call codes are at most 64 characters." };
  return {
    ok: false,
    error: "Call codes use only letters, numbers, dashes and underscores, like kqz-4tmp-wrd.",
  };
}

function toUrl(input: string): URL | null {
  const candidates = [input, `https://${input}`];
  for (const candidate of input.startsWith("/") ? [`https://example.invalid${input}`] : candidates) {
    try {
      const url = new URL(candidate);
      if (url.protocol === "http:" || url.protocol === "https:") return url;
    } catch {
      // try the next form
    }
  }
  return null;
}

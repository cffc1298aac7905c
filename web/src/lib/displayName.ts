/** The name people show in calls: checking it and remembering it between visits. */

import { MAX_DISPLAY_NAME_CHARS } from "../protocol/generated";

const STORAGE_KEY = "peershare.displayName";

/** Characters the server refuses in names (Unicode control characters). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Why a name cannot be used, or null when it can. Mirrors the server's rules. */
export function displayNameError(raw: string): string | null {
  const name = raw.trim();
  if (name === "") return "Enter your name so others know who you are.";
  if ([...name].length > MAX_DISPLAY_NAME_CHARS) {
    return `Use at most ${MAX_DISPLAY_NAME_CHARS} characters.`;
  }
  if (CONTROL_CHARACTERS.test(name)) return "Remove line breaks and other special characters.";
  return null;
}

/** The name as it will be sent. */
export function normalizeDisplayName(raw: string): string {
  return raw.trim();
}

/** The name saved on an earlier visit, or "". */
export function loadDisplayName(storage: Pick<Storage, "getItem"> | undefined = safeStorage()): string {
  try {
    return storage?.getItem(STORAGE_KEY) ?? "";
  } catch {
    return "";
  }
}

/** Saves the name for the next visit; storage may be unavailable (private mode), which is fine. */
export function saveDisplayName(name: string, storage: Pick<Storage, "setItem"> | undefined = safeStorage()): void {
  try {
    storage?.setItem(STORAGE_KEY, normalizeDisplayName(name));
  } catch {
    // Not remembering the name is not worth bothering anyone about.
  }
}

/** Up to two initials for an avatar: "Ada Lovelace" → "AL", "grace" → "G". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return "?";
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  const letter = (word: string) => [...word][0]?.toLocaleUpperCase() ?? "";
  return letter(first) + (last ? letter(last) : "");
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

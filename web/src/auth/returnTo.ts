/** Where to go after signing in: only paths of this site, never another origin. */

/**
 * The `return_to` path from a query string when it is a same-origin path (`/groups/g_x?a=b`),
 * else `fallback`. Rejects absolute URLs, protocol-relative `//host` and backslash tricks.
 */
export function safeReturnTo(search: string, fallback = "/groups"): string {
  const raw = new URLSearchParams(search).get("return_to");
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return fallback;
  try {
    const url = new URL(raw, "https://peershare.invalid");
    if (url.origin !== "https://peershare.invalid") return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** `/signin?return_to=<path>` for coming back to `path` after signing in. */
export function signInPath(returnTo: string): string {
  return `/signin?return_to=${encodeURIComponent(returnTo)}`;
}

/** How long an access token lives, read from its own claims so a wrong local clock does no harm. */

/**
 * When `token` expires on this device's clock: `receivedAt` plus the token's lifetime
 * (`exp - iat`). Falls back to the server's `expiresAt` when the claims cannot be read.
 */
export function localExpiry(token: string, expiresAt: number, receivedAt: number): number {
  const claims = readClaims(token);
  if (claims && typeof claims.exp === "number" && typeof claims.iat === "number" && claims.exp > claims.iat) {
    return receivedAt + (claims.exp - claims.iat) * 1000;
  }
  return expiresAt;
}

function readClaims(token: string): { exp?: unknown; iat?: unknown } | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const json = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), "="));
    const claims = JSON.parse(json) as unknown;
    return typeof claims === "object" && claims !== null ? (claims as { exp?: unknown; iat?: unknown }) : null;
  } catch {
    return null;
  }
}

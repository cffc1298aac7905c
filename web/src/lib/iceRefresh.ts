/** When to fetch fresh TURN credentials. */

import type { IceConfig } from "../protocol/generated";

/** Refresh at this share of the credentials' lifetime. */
const REFRESH_AT_SHARE = 0.8;
/** With long lifetimes, refresh at least this long before they expire. */
const EXPIRY_MARGIN_MS = 60_000;
/** Never refresh earlier than this share of the lifetime (guards against a wrong clock). */
const EARLIEST_SHARE = 0.25;

/**
 * Milliseconds from `nowMs` until the credentials in `config`, fetched at `fetchedAtMs`,
 * should be refreshed.
 *
 * The lifetime is measured from the fetch on this machine's clock (so a skewed clock does
 * not matter): refresh at 80 % of `ttlSeconds`. When the lifetime is long enough, also make
 * sure the refresh happens at least 60 s before `expiresAt` by the server's clock; that
 * deadline is ignored when it would fall before 25 % of the lifetime (short test TTLs, or a
 * local clock far off the server's), so a bad clock cannot cause a refresh storm.
 */
export function iceRefreshDelayMs(
  config: Pick<IceConfig, "ttlSeconds" | "expiresAt">,
  fetchedAtMs: number,
  nowMs: number,
): number {
  const ttlMs = Math.max(0, config.ttlSeconds * 1000);
  let refreshAfterFetchMs = ttlMs * REFRESH_AT_SHARE;

  const deadlineAfterFetchMs = config.expiresAt * 1000 - EXPIRY_MARGIN_MS - fetchedAtMs;
  if (deadlineAfterFetchMs >= ttlMs * EARLIEST_SHARE) {
    refreshAfterFetchMs = Math.min(refreshAfterFetchMs, deadlineAfterFetchMs);
  }

  const elapsedMs = Math.max(0, nowMs - fetchedAtMs);
  return Math.max(0, Math.round(refreshAfterFetchMs - elapsedMs));
}

/** Delay before retrying a failed credentials fetch: soon, but well inside the old lifetime. */
export function iceRetryDelayMs(failures: number): number {
  return Math.min(30_000, 2_000 * 2 ** Math.min(Math.max(0, failures - 1), 4));
}

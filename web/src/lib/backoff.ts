/** Reconnection delays: exponential backoff with jitter. */

export type BackoffOptions = {
  /** Delay before the first retry, before jitter (ms). */
  initialMs: number;
  /** Largest delay, before jitter (ms). */
  maxMs: number;
  /** Share of the delay that is randomised, 0–1. 0.5 means the delay lands in [50 %, 100 %]. */
  jitter: number;
};

export const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 8000, jitter: 0.5 };

/**
 * How long to wait before retry number `attempt` (0 for the first retry): `initialMs`
 * doubling per attempt, capped at `maxMs`, then reduced by up to `jitter` of itself so
 * that many clients dropped at once do not reconnect in lockstep.
 * `random` returns a number in [0, 1).
 */
export function backoffDelayMs(
  attempt: number,
  random: () => number = Math.random,
  options: BackoffOptions = RECONNECT_BACKOFF,
): number {
  const safeAttempt = Number.isFinite(attempt) ? Math.max(0, Math.floor(attempt)) : 0;
  // Cap the exponent so 2 ** attempt can never overflow to Infinity.
  const uncapped = options.initialMs * 2 ** Math.min(safeAttempt, 30);
  const capped = Math.min(options.maxMs, uncapped);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(capped * (1 - options.jitter * r));
}

/** One refresh at a time across this browser's tabs (Web Locks), because a refresh cookie works once. */

/** The slice of `navigator.locks` used here. */
export type LockManagerLike = {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
};

const LOCK_NAME = "peershare.auth.refresh";

/** The browser's lock manager, when it has one. */
export function browserLocks(): LockManagerLike | null {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks && typeof locks.request === "function" ? (locks as unknown as LockManagerLike) : null;
}

/** Runs `task` while holding the refresh lock (or directly when the browser has no Web Locks). */
export function withRefreshLock<T>(locks: LockManagerLike | null, task: () => Promise<T>): Promise<T> {
  return locks ? locks.request(LOCK_NAME, task) : task();
}

import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/http";

export type Resource<T> =
  | { status: "loading"; data: null; error: null }
  | { status: "ready"; data: T; error: null }
  | { status: "error"; data: null; error: unknown };

export type UseResource<T> = Resource<T> & {
  /** The server's message (or a network hint) when loading failed. */
  message: string | null;
  reload(): void;
  /** Replaces the data after a change the server confirmed. */
  set(update: (current: T) => T): void;
};

/**
 * Loads `load()` when `key` changes (null: wait), dropping answers to outdated requests.
 * `load` should be stable or change only with `key`.
 */
export function useResource<T>(key: string | null, load: () => Promise<T>): UseResource<T> {
  const [state, setState] = useState<Resource<T> & { key: string | null }>({ status: "loading", data: null, error: null, key });
  const [generation, setGeneration] = useState(0);

  if (state.key !== key) setState({ status: "loading", data: null, error: null, key });

  useEffect(() => {
    if (key === null) return;
    let current = true;
    load().then(
      (data) => current && setState({ status: "ready", data, error: null, key }),
      (error: unknown) => current && setState({ status: "error", data: null, error, key }),
    );
    return () => {
      current = false;
    };
    // `load` is tied to `key` by contract; `generation` forces a reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);

  const reload = useCallback(() => {
    setState((s) => (s.status === "ready" ? s : { status: "loading", data: null, error: null, key: s.key }));
    setGeneration((g) => g + 1);
  }, []);
  const set = useCallback((update: (current: T) => T) => {
    setState((s) => (s.status === "ready" ? { ...s, data: update(s.data) } : s));
  }, []);

  const message = state.status === "error" ? errorMessage(state.error) : null;
  if (state.status === "ready") return { status: "ready", data: state.data, error: null, message, reload, set };
  if (state.status === "error") return { status: "error", data: null, error: state.error, message, reload, set };
  return { status: "loading", data: null, error: null, message, reload, set };
}

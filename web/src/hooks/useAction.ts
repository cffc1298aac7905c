import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/http";
import type { Message } from "../components/ui/LiveMessage";

export type UseAction = {
  pending: boolean;
  message: Message;
  /**
   * Runs `task` unless one is running; shows `success` (or the returned text) afterwards, or
   * the server's message when it fails. Resolves to the task's result, or undefined on failure.
   */
  run<T>(task: () => Promise<T>, success?: string | ((result: T) => string | null)): Promise<T | undefined>;
  clear(): void;
};

/** One button's or form's request at a time, with its outcome as a live message. */
export function useAction(): UseAction {
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async <T,>(task: () => Promise<T>, success?: string | ((result: T) => string | null)) => {
    if (running.current) return undefined;
    running.current = true;
    setPending(true);
    setMessage(null);
    try {
      const result = await task();
      const text = typeof success === "function" ? success(result) : success;
      if (mounted.current) setMessage(text ? { tone: "success", text } : null);
      return result;
    } catch (error) {
      if (mounted.current) setMessage({ tone: "error", text: errorMessage(error) });
      return undefined;
    } finally {
      running.current = false;
      if (mounted.current) setPending(false);
    }
  }, []);
  const clear = useCallback(() => setMessage(null), []);
  return { pending, message, run, clear };
}

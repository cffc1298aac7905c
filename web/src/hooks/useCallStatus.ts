import { useEffect, useState } from "react";
import { fetchCallStatus } from "../api/callApi";
import { useAuth } from "../auth/useAuth";
import type { CallStatus } from "../lib/callStatus";

const POLL_MS = 5000;

/**
 * How many people are in the call, polled every few seconds; null until known. Failures are
 * silent. Asked with the signed-in person's token: a group's call answers only those who may
 * join it.
 */
export function useCallStatus(groupId: string, enabled: boolean): CallStatus | null {
  const [status, setStatus] = useState<CallStatus | null>(null);
  const { api } = useAuth();
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await fetchCallStatus(groupId, abort.signal, (input, init) => api(String(input), init));
        if (!abort.signal.aborted) setStatus(next);
      } catch {
        // Keep the last known status; the line is a hint, not essential.
      }
      if (!abort.signal.aborted) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [groupId, enabled, api]);
  return status;
}

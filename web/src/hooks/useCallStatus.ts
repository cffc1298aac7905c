import { useEffect, useState } from "react";
import { fetchCallStatus } from "../api/callApi";
import type { CallStatus } from "../lib/callStatus";

const POLL_MS = 5000;

/** How many people are in the call, polled every few seconds; null until known. Failures are silent. */
export function useCallStatus(groupId: string, enabled: boolean): CallStatus | null {
  const [status, setStatus] = useState<CallStatus | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await fetchCallStatus(groupId, abort.signal);
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
  }, [groupId, enabled]);
  return status;
}

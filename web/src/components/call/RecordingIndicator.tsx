import { useNow } from "../../hooks/useNow";
import { formatElapsed } from "../../lib/recording";

/**
 * The red "REC" mark with the time since the recording began. Its accessible name is
 * "Recording"; as a timer it is not announced every second.
 */
export function RecordingIndicator({ sinceMs }: { sinceMs: number }) {
  const now = useNow();
  const elapsed = formatElapsed(now - sinceMs);
  return (
    <span
      role="timer"
      aria-label="Recording"
      title={`Recording for ${elapsed}`}
      className="inline-flex items-center gap-2 rounded-full bg-danger-surface px-3 py-1 text-sm font-semibold text-danger-soft"
    >
      <span aria-hidden="true" className="size-2.5 shrink-0 rounded-full bg-danger motion-safe:animate-pulse" />
      <span aria-hidden="true">REC</span>
      <span aria-hidden="true" className="font-mono tabular-nums">
        {elapsed}
      </span>
    </span>
  );
}

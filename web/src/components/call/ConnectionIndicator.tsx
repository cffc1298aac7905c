import type { ConnectionStatus } from "../../call/callSession";

const LABELS: Record<ConnectionStatus, string> = {
  idle: "Not connected",
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  disconnected: "Disconnected",
  left: "Left the call",
};

const DOTS: Record<ConnectionStatus, string> = {
  idle: "bg-ink-muted",
  connecting: "bg-warning motion-safe:animate-pulse",
  connected: "bg-success",
  reconnecting: "bg-warning motion-safe:animate-pulse",
  disconnected: "bg-danger-soft",
  left: "bg-ink-muted",
};

export function connectionLabel(status: ConnectionStatus): string {
  return LABELS[status];
}

/** The signaling connection's state in words (announced politely), plus latency. */
export function ConnectionIndicator({ status, latencyMs }: { status: ConnectionStatus; latencyMs: number | null }) {
  return (
    <div className="flex items-center gap-2 text-sm">
      <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-full ${DOTS[status]}`} />
      <span role="status" aria-live="polite" className="font-medium">
        {LABELS[status]}
      </span>
      {status === "connected" && latencyMs !== null ? (
        <span className="text-ink-muted" title="Round trip to the server">
          · {latencyMs} ms
        </span>
      ) : null}
    </div>
  );
}

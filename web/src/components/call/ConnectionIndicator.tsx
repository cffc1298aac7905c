import { Server } from "lucide-react";
import type { ConnectionStatus } from "../../call/callSession";
import type { CallMode } from "../../protocol/generated";

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

type Props = {
  status: ConnectionStatus;
  latencyMs: number | null;
  mode?: CallMode | null;
  switching?: boolean;
};

/**
 * The signaling connection's state in words (announced politely), plus latency, and a small
 * mark when media goes through a media server rather than directly between browsers.
 */
export function ConnectionIndicator({ status, latencyMs, mode = null, switching = false }: Props) {
  return (
    <div className="flex items-center gap-2 text-sm">
      <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-full ${DOTS[status]}`} />
      <span role="status" aria-live="polite" className="font-medium">
        {LABELS[status]}
      </span>
      {status === "connected" && latencyMs !== null ? (
        <span className="whitespace-nowrap text-ink-muted" title="Round trip to the server">
          · {latencyMs} ms
        </span>
      ) : null}
      {status === "connected" && mode === "media_node" ? (
        <span className="inline-flex items-center gap-1 whitespace-nowrap text-ink-muted" title="Media goes through a PeerShare media server">
          <Server aria-hidden="true" className="size-3.5" />
          {/* Phones have room for the icon only; screen readers always get the words. */}
          <span className="sr-only sm:not-sr-only">{switching ? "Moving to group call server…" : "Group call server"}</span>
        </span>
      ) : null}
    </div>
  );
}

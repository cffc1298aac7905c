/**
 * The call's WebSocket: typed messages in and out, and its heartbeat (as LiveKit's
 * `SignalClient` owns its ping): a ping every interval, the round-trip time from each pong, and
 * a connection that has heard nothing for three intervals reported closed (1006, "heartbeat
 * lost") although the browser still thinks it open.
 */

import type { ClientMessage, ServerMessage } from "../protocol/generated";

export type SignalingHandlers = {
  open(): void;
  message(message: ServerMessage): void;
  close(code: number, reason: string): void;
  /** The round-trip time of a heartbeat, in milliseconds. */
  rtt?(ms: number): void;
};

/** Heartbeat interval to use until the server tells us its own. */
export const DEFAULT_HEARTBEAT_MS = 10_000;
/** Missed heartbeat intervals after which the connection is considered dead. */
const SILENT_INTERVALS_BEFORE_DROP = 3;
/** Pings remembered while their pongs are awaited. */
const PINGS_REMEMBERED = 8;

export type WebSocketFactory = (url: string, protocols?: string[]) => WebSocket;

/** The subprotocol call sockets speak. */
export const CALL_PROTOCOL = "peershare.v1";

/** The subprotocols to offer: the call's, and the call pass (browsers cannot set headers on a WebSocket). */
export function callProtocols(pass: string | null): string[] {
  return pass ? [CALL_PROTOCOL, `peershare.pass.${pass}`] : [CALL_PROTOCOL];
}

export class SignalingSocket {
  private readonly ws: WebSocket;
  private detached = false;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private heartbeatMs = DEFAULT_HEARTBEAT_MS;
  private lastHeardAt: number;
  private nextNonce = 1;
  private readonly pingsInFlight = new Map<number, number>();

  constructor(
    url: string,
    private readonly handlers: SignalingHandlers,
    createWebSocket: WebSocketFactory = (u, p) => new WebSocket(u, p),
    protocols: string[] = [CALL_PROTOCOL],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastHeardAt = now();
    this.ws = createWebSocket(url, protocols);
    this.ws.onopen = () => {
      if (this.detached) return;
      this.lastHeardAt = this.now();
      handlers.open();
    };
    this.ws.onmessage = (event: MessageEvent) => {
      if (this.detached) return;
      this.lastHeardAt = this.now();
      const message = parseServerMessage(event.data);
      if (!message) {
        console.warn("ignoring unreadable message from the call server");
        return;
      }
      if (message.type === "pong") {
        const sentAt = this.pingsInFlight.get(message.nonce);
        if (sentAt === undefined) return;
        this.pingsInFlight.delete(message.nonce);
        handlers.rtt?.(Math.round(this.now() - sentAt));
        return;
      }
      handlers.message(message);
    };
    this.ws.onclose = (event: CloseEvent) => {
      if (this.detached) return;
      this.detached = true;
      this.stopHeartbeat();
      handlers.close(event.code, event.reason);
    };
    // An error is always followed by close, which carries what we need.
    this.ws.onerror = () => undefined;
  }

  /** Pings every `intervalMs` (the server's interval, at least a second), and once right away. */
  startHeartbeat(intervalMs: number): void {
    this.stopHeartbeat();
    if (this.detached) return;
    this.heartbeatMs = Math.max(1000, intervalMs);
    this.heartbeatTimer = setInterval(() => this.beat(), this.heartbeatMs);
  }

  /** Sends one ping now (its pong reports the round-trip time). */
  ping(): void {
    const nonce = this.nextNonce;
    this.nextNonce = this.nextNonce >= 0xffff_ffff ? 1 : this.nextNonce + 1;
    if (this.send({ type: "ping", nonce })) {
      this.pingsInFlight.set(nonce, this.now());
      // Forget pings whose pong never came.
      if (this.pingsInFlight.size > PINGS_REMEMBERED) {
        this.pingsInFlight.delete(this.pingsInFlight.keys().next().value as number);
      }
    }
  }

  private beat(): void {
    if (this.now() - this.lastHeardAt > this.heartbeatMs * SILENT_INTERVALS_BEFORE_DROP) {
      // The connection looks open but nothing comes through: treat it as dropped.
      this.close(4000, "heartbeat lost");
      this.handlers.close(1006, "heartbeat lost");
      return;
    }
    this.ping();
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.pingsInFlight.clear();
  }

  get isOpen(): boolean {
    return !this.detached && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends `message` if the socket is open; returns whether it was sent. */
  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Closes the socket without reporting the close to the handlers. */
  close(code = 1000, reason = ""): void {
    this.detached = true;
    this.stopHeartbeat();
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      try {
        this.ws.close(code, reason);
      } catch {
        this.ws.close();
      }
    }
  }
}

/** Parses one text frame; null when it is not a JSON object with a string `type`. */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== "string") return null;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string") {
      return value as ServerMessage;
    }
  } catch {
    // fall through
  }
  return null;
}

/** The WebSocket URL of call `groupId`, on the same host as the page. */
export function callSocketUrl(groupId: string, location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/groups/${encodeURIComponent(groupId)}/call`;
}

/** The call's WebSocket: typed messages in and out, nothing else. */

import type { ClientMessage, ServerMessage } from "../protocol/generated";

export type SignalingHandlers = {
  open(): void;
  message(message: ServerMessage): void;
  close(code: number, reason: string): void;
};

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

  constructor(
    url: string,
    handlers: SignalingHandlers,
    createWebSocket: WebSocketFactory = (u, p) => new WebSocket(u, p),
    protocols: string[] = [CALL_PROTOCOL],
  ) {
    this.ws = createWebSocket(url, protocols);
    this.ws.onopen = () => {
      if (!this.detached) handlers.open();
    };
    this.ws.onmessage = (event: MessageEvent) => {
      if (this.detached) return;
      const message = parseServerMessage(event.data);
      if (message) handlers.message(message);
      else console.warn("ignoring unreadable message from the call server");
    };
    this.ws.onclose = (event: CloseEvent) => {
      if (this.detached) return;
      this.detached = true;
      handlers.close(event.code, event.reason);
    };
    // An error is always followed by close, which carries what we need.
    this.ws.onerror = () => undefined;
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

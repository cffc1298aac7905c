import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SignalingSocket, type WebSocketFactory } from "./signalingSocket";

/** Just enough of a WebSocket: what was sent, and the server's side driven by hand. */
class TinySocket {
  static readonly OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  closedWith: [number | undefined, string | undefined] | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  pings(): number[] {
    return this.sent.map((s) => JSON.parse(s) as { type: string; nonce: number }).filter((m) => m.type === "ping").map((m) => m.nonce);
  }
}

function connect() {
  const socket = new TinySocket();
  const events: string[] = [];
  const rtts: number[] = [];
  vi.stubGlobal("WebSocket", { OPEN: 1, CONNECTING: 0 });
  const signaling = new SignalingSocket(
    "ws://test/call",
    {
      open: () => events.push("open"),
      message: (m) => events.push(m.type),
      close: (code, reason) => events.push(`close ${code} ${reason}`),
      rtt: (ms) => rtts.push(ms),
    },
    (() => socket) as unknown as WebSocketFactory,
    undefined,
    () => Date.now(),
  );
  socket.open();
  return { socket, signaling, events, rtts };
}

describe("SignalingSocket's heartbeat", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("pings each interval and reports the round trip from the pong, which is not a message", () => {
    const { socket, signaling, events, rtts } = connect();
    signaling.startHeartbeat(1000);
    signaling.ping();
    vi.advanceTimersByTime(25);
    socket.receive({ type: "pong", nonce: socket.pings()[0] });
    expect(rtts).toEqual([25]);
    expect(events).toEqual(["open"]);
    vi.advanceTimersByTime(2000);
    expect(socket.pings()).toHaveLength(3);
  });

  it("reports a connection that hears nothing for three intervals as lost, and closes it", () => {
    const { socket, signaling, events } = connect();
    signaling.startHeartbeat(1000);
    vi.advanceTimersByTime(3000);
    expect(events).toEqual(["open"]);
    socket.receive({ type: "participant_left", id: 2, reason: "left" });
    vi.advanceTimersByTime(3000);
    expect(events).toEqual(["open", "participant_left"]);
    vi.advanceTimersByTime(1000);
    expect(events).toEqual(["open", "participant_left", "close 1006 heartbeat lost"]);
    expect(socket.closedWith).toEqual([4000, "heartbeat lost"]);
    vi.advanceTimersByTime(10_000);
    expect(events).toHaveLength(3);
  });

  it("stops pinging once closed", () => {
    const { socket, signaling } = connect();
    signaling.startHeartbeat(1000);
    signaling.close();
    vi.advanceTimersByTime(5000);
    expect(socket.pings()).toEqual([]);
  });
});

/**
 * `window.__peershare`: a read-only window into the call for end-to-end tests, which read
 * WebRTC stats from the peer connections. Kept up to date by the call session.
 */

export type PeershareTestHook = {
  /** Remote participant id → the peer connection to them. Mutated in place. */
  peerConnections: Map<number, RTCPeerConnection>;
  /** This client's participant id in the current call, or null when not in one. */
  participantId: number | null;
  /** "idle" | "connecting" | "connected" | "reconnecting" | "disconnected" | "left". */
  connectionState: string;
  /** "peer_to_peer" or "media_node" once welcomed. */
  callMode: string | null;
  /** The connection to the media node, when the call runs on one. */
  nodeConnection: RTCPeerConnection | null;
  /** The media node's control API URL (as the room gave it), when the call runs on one. */
  nodeUrl: string | null;
  /** mid → participant id of the tracks the media node forwards to us. */
  nodeTracks: Record<string, number>;
  /** How many times the server has welcomed this tab into a call (1, then +1 per reconnect). */
  welcomes: number;
  /** Renegotiations this tab asked of the media node because its link was connected but silent. */
  silentLinkRepairs: number;
};

declare global {
  interface Window {
    __peershare?: PeershareTestHook;
  }
}

/** The page's test hook, created on first use. */
export function testHook(): PeershareTestHook {
  if (typeof window === "undefined") return createTestHook();
  window.__peershare ??= createTestHook();
  return window.__peershare;
}

/** A new, empty hook (tests pass their own to a session). */
export function createTestHook(): PeershareTestHook {
  return {
    peerConnections: new Map(),
    participantId: null,
    connectionState: "idle",
    callMode: null,
    nodeConnection: null,
    nodeUrl: null,
    nodeTracks: {},
    welcomes: 0,
    silentLinkRepairs: 0,
  };
}

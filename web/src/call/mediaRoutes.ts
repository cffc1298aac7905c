/**
 * The ways a call's media travels: one PeerLink per other participant (peer to peer), or one
 * NodeLink to the media node. Moving onto the node is make-before-break: the peer links carry
 * media until every node track decodes (or a deadline passes). While on the node, its stats
 * are polled to see who is speaking. The call session drives it and applies what it reports.
 */

import type { ClientMessage, ForwardedTrack, IceCandidate, MediaNodeAccess, MediaState, SessionDescription } from "../protocol/generated";
import { type NodeMediaStats, expectedAudio, isSpeaking, readNodeStats, statsEntries, switchReady } from "./mediaStats";
import { SilenceWatch } from "./silenceWatch";
import { NodeLink } from "./nodeLink";
import { type PeerConnectionFactory, PeerLink } from "./peerLink";

/** How often the media node's stats are checked while switching, and audio levels read. */
export const STATS_POLL_MS = 250;
/** Give up waiting for every node track to decode after this long and switch anyway. */
export const SWITCH_DEADLINE_MS = 10_000;

/** A participant as the routes need to know them. */
export type RoutedParticipant = { id: number; media: MediaState; speaking: boolean };

/** A change to what the routes carry for one participant. */
export type MediaPatch = Partial<{ stream: MediaStream | null; linkState: RTCPeerConnectionState; speaking: boolean }>;

/** Participant id → their change. */
export type MediaPatches = ReadonlyMap<number, MediaPatch>;

/** A description or ICE candidate for a peer, relayed by the server. */
export type PeerSignal = Extract<ClientMessage, { type: "description" | "ice_candidate" }>;

/** What the routes read from the call session, and tell it. */
export type MediaRoutesHost = {
  /** The other participants now (whose media a switch waits for, whose speech is tracked). */
  participants(): Iterable<RoutedParticipant>;
  /** Relays a description or ICE candidate to a peer. */
  signal(message: PeerSignal): void;
  /** Participants' streams, link states or speaking changed. */
  patch(patches: MediaPatches): void;
  /** The switch onto the node is done and the peer links closed; `patches` move everyone's tiles to the node. */
  switched(patches: MediaPatches): void;
  /** The node forwards a different set of tracks. */
  nodeTracksChanged(): void;
  /** The media node could not be joined, or its link stayed silent. */
  nodeFailed(error: unknown): void;
  /** The node was asked to renegotiate a link that was connected but silent. */
  repairing(): void;
};

/** How the routes make connections and tell the time. */
export type MediaRoutesDeps = {
  createPeerConnection?: PeerConnectionFactory;
  fetch?: typeof fetch;
  now: () => number;
};

const NO_TRACKS: ReadonlyMap<string, ForwardedTrack> = new Map();

/** How long a node link may stay disconnected before it is reported as failed. */
export const NODE_DISCONNECT_GRACE_MS = 2_000;

/** The peer links and the media node link of one call, and the switch between them. */
export class MediaRoutes {
  private readonly links = new Map<number, PeerLink>();
  private node: NodeLink | null = null;
  /** When the switch onto the node began; null when not switching. */
  private switchStartedAt: number | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  /** Set while the node link is disconnected, to report it if it stays so. */
  private nodeTroubleTimer: ReturnType<typeof setTimeout> | null = null;
  private localStream: MediaStream | null = null;
  private iceConfiguration: RTCConfiguration = {};
  /** Notices a node link that is connected but silent. */
  private readonly silence = new SilenceWatch();
  /** Renegotiations asked of the node because its link went silent. */
  private repairs = 0;
  /** The node link's completed renegotiations when last counted, and when that count last grew. */
  private negotiations = 0;
  private negotiatedAt: number | null = null;

  constructor(
    private readonly host: MediaRoutesHost,
    private readonly deps: MediaRoutesDeps,
  ) {}

  /** What the node carries for a participant now (nothing without a node): the start of their tile. */
  mediaOf(participantId: number): { stream: MediaStream | null; linkState: RTCPeerConnectionState } {
    return { stream: this.node?.streamOf(participantId) ?? null, linkState: this.node?.pc.connectionState ?? "new" };
  }

  /** Opens a peer link to `id` (replacing any earlier one); `polite` yields when both offer at once. */
  addPeer(id: number, polite: boolean): void {
    this.removePeer(id);
    const link: PeerLink = new PeerLink(
      id,
      polite,
      this.iceConfiguration,
      this.localStream,
      {
        sendDescription: (description) => this.host.signal({ type: "description", to: id, description }),
        sendCandidate: (candidate) => this.host.signal({ type: "ice_candidate", to: id, candidate }),
        remoteStream: (stream) => this.patchFromLink(id, link, { stream }),
        connectionState: (linkState) => this.patchFromLink(id, link, { linkState }),
      },
      this.deps.createPeerConnection,
    );
    this.links.set(id, link);
  }

  /** Closes the peer link to `id`, if there is one. */
  removePeer(id: number): void {
    this.links.get(id)?.close();
    this.links.delete(id);
  }

  /** Applies a description from peer `from`. */
  handleDescription(from: number, description: SessionDescription): void {
    this.links
      .get(from)
      ?.handleDescription(description)
      .catch((error: unknown) => console.warn(`description from ${from} failed`, error));
  }

  /** Applies an ICE candidate from peer `from`. */
  handleCandidate(from: number, candidate: IceCandidate | null): void {
    this.links
      .get(from)
      ?.handleCandidate(candidate)
      .catch((error: unknown) => console.warn(`candidate from ${from} failed`, error));
  }

  /**
   * Connects to the media node, replacing any earlier node link. When `switching`, the peer
   * links keep carrying media until the node's tracks decode (make-before-break); then they close.
   */
  useNode(access: MediaNodeAccess, switching: boolean): void {
    this.node?.close();
    this.cancelNodeTrouble();
    const node: NodeLink = new NodeLink(
      access,
      this.iceConfiguration,
      this.localStream,
      {
        remoteStream: (id, stream) => {
          if (this.node !== node) return;
          this.host.nodeTracksChanged();
          if (!this.isSwitching()) this.host.patch(new Map([[id, { stream }]]));
        },
        connectionState: (linkState) => {
          if (this.node !== node) return;
          this.watchNodeLink(node, linkState);
          if (this.isSwitching()) return;
          this.host.patch(new Map(Array.from(this.host.participants(), (p) => [p.id, { linkState }])));
        },
        failed: (error) => {
          if (this.node === node) this.host.nodeFailed(error);
        },
      },
      this.deps.createPeerConnection,
      this.deps.fetch,
    );
    this.node = node;
    this.silence.reset();
    this.negotiations = 0;
    this.negotiatedAt = null;
    this.switchStartedAt = switching ? this.deps.now() : null;
    this.startStatsPolling();
    void node.connect();
  }

  /**
   * Closes the node link (the node is gone). Its tracks end with it, and an ended track shows
   * black: every participant's tile goes back to their initials and "Connecting…" until the
   * next node's media arrives.
   */
  dropNode(): void {
    const had = this.node !== null;
    this.node?.close();
    this.node = null;
    this.cancelNodeTrouble();
    this.switchStartedAt = null;
    if (had) {
      const connecting = { stream: null, linkState: "connecting" as const };
      this.host.patch(new Map(Array.from(this.host.participants(), (p) => [p.id, connecting])));
    }
  }

  /** The tracks to send: on new connections, and swapped in on open ones. */
  setLocalStream(stream: MediaStream | null): void {
    if (this.localStream === stream) return;
    this.localStream = stream;
    for (const link of this.links.values()) link.setLocalStream(stream);
    this.node?.setLocalStream(stream);
  }

  /** How large a participant's video is shown (device pixels; 0 when not shown). */
  setViewport(participantId: number, width: number, height: number): void {
    this.node?.setViewport(participantId, width, height);
  }

  /** Fresh ICE servers (TURN credentials): for new connections, and open ones restart ICE. */
  updateIceConfiguration(config: RTCConfiguration): void {
    this.iceConfiguration = config;
    for (const link of this.links.values()) link.updateIceServers(config);
    this.node?.updateIceServers(config);
  }

  /** Closes every link and stops polling; the routes can be used again afterwards. */
  closeAll(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.node?.close();
    this.node = null;
    this.cancelNodeTrouble();
    this.switchStartedAt = null;
    this.stopStatsPolling();
  }

  /** Peer id → the connection to them. */
  peerConnections(): Map<number, RTCPeerConnection> {
    return new Map(Array.from(this.links, ([id, link]) => [id, link.pc]));
  }

  /** The connection to the media node, if the call is on one. */
  nodeConnection(): RTCPeerConnection | null {
    return this.node?.pc ?? null;
  }

  /** Renegotiations asked of the node because its link carried no media it should have. */
  silentLinkRepairs(): number {
    return this.repairs;
  }

  /** mid → what the node forwards on it (empty without a node). */
  nodeTracks(): ReadonlyMap<string, ForwardedTrack> {
    return this.node?.mids() ?? NO_TRACKS;
  }

  /**
   * A node link that failed, or stayed disconnected (no answer to ICE consent checks) for
   * NODE_DISCONNECT_GRACE_MS, is reported: the node may be gone.
   */
  private watchNodeLink(node: NodeLink, state: RTCPeerConnectionState): void {
    if (state === "failed") {
      this.cancelNodeTrouble();
      this.host.nodeFailed(new Error("the media node link failed"));
    } else if (state === "disconnected") {
      if (this.nodeTroubleTimer !== null) return;
      this.nodeTroubleTimer = setTimeout(() => {
        this.nodeTroubleTimer = null;
        if (this.node === node && node.pc.connectionState === "disconnected") {
          this.host.nodeFailed(new Error(`the media node link was disconnected for ${NODE_DISCONNECT_GRACE_MS} ms`));
        }
      }, NODE_DISCONNECT_GRACE_MS);
    } else {
      this.cancelNodeTrouble();
    }
  }

  private cancelNodeTrouble(): void {
    if (this.nodeTroubleTimer !== null) clearTimeout(this.nodeTroubleTimer);
    this.nodeTroubleTimer = null;
  }

  private isSwitching(): boolean {
    return this.switchStartedAt !== null;
  }

  private patchFromLink(id: number, link: PeerLink, patch: MediaPatch): void {
    if (this.links.get(id) === link) this.host.patch(new Map([[id, patch]]));
  }

  /** Closes the peer links and moves everyone's tiles to the node's streams. */
  private finishSwitch(node: NodeLink): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.switchStartedAt = null;
    const patches = new Map<number, MediaPatch>();
    for (const p of this.host.participants()) {
      patches.set(p.id, { stream: node.streamOf(p.id), linkState: node.pc.connectionState });
    }
    this.host.switched(patches);
  }

  // ---- Stats: switch readiness and who is speaking ----------------------------------------

  private startStatsPolling(): void {
    if (this.statsTimer !== null) return;
    this.statsTimer = setInterval(() => void this.pollStats(), STATS_POLL_MS);
  }

  private stopStatsPolling(): void {
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    this.statsTimer = null;
  }

  /** Repairs a connected node link that carries no audio it should: renegotiate, then rejoin. */
  private watchSilence(node: NodeLink, stats: NodeMediaStats): void {
    if (node.pc.connectionState !== "connected") {
      this.silence.reset();
      return;
    }
    const now = this.deps.now();
    // A renegotiation under way or just completed restarts the wait for media.
    if (node.negotiations() !== this.negotiations || node.answering()) {
      this.negotiations = node.negotiations();
      this.negotiatedAt = now;
    }
    const expected = expectedAudio(stats, node.mids(), this.host.participants());
    switch (this.silence.observe(now, expected, this.negotiatedAt)) {
      case "renegotiate":
        this.repairs += 1;
        console.warn("the media node link is connected but silent; renegotiating");
        node.renegotiate();
        this.host.repairing();
        return;
      case "rejoin":
        this.host.nodeFailed(new Error("the media node link stayed silent after a renegotiation"));
        return;
      case "ok":
        return;
    }
  }

  private async pollStats(): Promise<void> {
    const node = this.node;
    if (!node) return;
    let report: RTCStatsReport;
    try {
      report = await node.pc.getStats();
    } catch {
      return;
    }
    if (this.node !== node) return;
    const stats = readNodeStats(statsEntries(report), node.mids());
    if (this.switchStartedAt !== null) {
      const ready = switchReady(stats, this.host.participants());
      if (ready || this.deps.now() - this.switchStartedAt > SWITCH_DEADLINE_MS) this.finishSwitch(node);
    } else {
      this.watchSilence(node, stats);
    }
    const speaking = new Map<number, MediaPatch>();
    for (const p of this.host.participants()) {
      const speaks = isSpeaking(stats, p.id);
      if (p.speaking !== speaks) speaking.set(p.id, { speaking: speaks });
    }
    if (speaking.size > 0) this.host.patch(speaking);
  }
}

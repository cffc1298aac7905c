/**
 * One RTCPeerConnection to one other participant, negotiated with the W3C "perfect
 * negotiation" pattern: both sides may start an offer at any time; on a collision the polite
 * side rolls its own offer back and the impolite side ignores the incoming one.
 */

import type { IceCandidate, SessionDescription } from "../protocol/generated";

export type PeerLinkEvents = {
  /** An offer or answer to relay to the peer. */
  sendDescription(description: SessionDescription): void;
  /** A local ICE candidate to relay; null means there are no more. */
  sendCandidate(candidate: IceCandidate | null): void;
  /** The peer's media changed; a new stream object each time. */
  remoteStream(stream: MediaStream): void;
  /** `RTCPeerConnection.connectionState` changed. */
  connectionState(state: RTCPeerConnectionState): void;
};

export type PeerConnectionFactory = (config: RTCConfiguration) => RTCPeerConnection;

const MEDIA_KINDS = ["audio", "video"] as const;

/**
 * The polite side lets the impolite one (the newcomer) make the first offer and only makes its
 * own if none arrives within this time. Avoiding that first collision avoids a Chromium race
 * in which a rollback straight after the polite side's own offer leaves its answer with no ICE
 * candidates.
 */
export const FIRST_OFFER_GRACE_MS = 2000;

/** Restart ICE when the connection has not come up (or come back) within this time. */
export const CONNECT_WATCHDOG_MS = { impolite: 8000, polite: 12000 } as const;
type Kind = (typeof MEDIA_KINDS)[number];

export class PeerLink {
  readonly pc: RTCPeerConnection;

  // Perfect-negotiation state (names as in the W3C pattern).
  private makingOffer = false;
  private ignoreOffer = false;
  private isSettingRemoteAnswerPending = false;

  /** Our own transceiver for each kind; sending when we have a track, receive-only otherwise. */
  private readonly transceivers = new Map<Kind, RTCRtpTransceiver>();
  private readonly remoteTracks = new Set<MediaStreamTrack>();
  private closed = false;
  /** Polite side only: no offer from the peer yet, so do not start one ourselves. */
  private awaitingFirstOffer: boolean;
  private firstOfferTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly peerId: number,
    readonly polite: boolean,
    config: RTCConfiguration,
    localStream: MediaStream | null,
    private readonly events: PeerLinkEvents,
    createPeerConnection: PeerConnectionFactory = (c) => new RTCPeerConnection(c),
  ) {
    this.awaitingFirstOffer = polite;
    this.pc = createPeerConnection(config);
    this.pc.onnegotiationneeded = () => this.onNegotiationNeeded();
    this.pc.onicecandidate = ({ candidate }) => this.events.sendCandidate(candidate ? toWireCandidate(candidate) : null);
    this.pc.oniceconnectionstatechange = () => {
      if (this.pc.iceConnectionState === "failed") this.restartIce();
    };
    this.pc.onconnectionstatechange = () => {
      const state = this.pc.connectionState;
      if (state === "connected") this.stopWatchdog();
      else if (state === "disconnected" || state === "failed") this.startWatchdog();
      this.events.connectionState(state);
    };
    this.pc.ontrack = ({ track }) => this.addRemoteTrack(track);

    for (const kind of MEDIA_KINDS) {
      const track = firstTrack(localStream, kind);
      if (track && localStream) {
        const sender = this.pc.addTrack(track, localStream);
        const transceiver = this.pc.getTransceivers().find((t) => t.sender === sender);
        if (transceiver) this.transceivers.set(kind, transceiver);
      } else {
        this.transceivers.set(kind, this.pc.addTransceiver(kind, { direction: "recvonly" }));
      }
    }
    this.startWatchdog();
  }

  /** Handles an offer or answer from the peer. */
  async handleDescription(description: SessionDescription): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    const readyForOffer =
      !this.makingOffer && (pc.signalingState === "stable" || this.isSettingRemoteAnswerPending);
    const offerCollision = description.type === "offer" && !readyForOffer;

    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return;
    if (description.type === "offer") this.stopAwaitingFirstOffer();

    this.isSettingRemoteAnswerPending = description.type === "answer";
    try {
      // On a collision the polite side's own offer is rolled back implicitly here.
      await pc.setRemoteDescription(description);
    } finally {
      this.isSettingRemoteAnswerPending = false;
    }
    if (description.type === "offer") {
      await pc.setLocalDescription();
      this.sendLocalDescription();
    }
  }

  /** Handles a trickled ICE candidate from the peer (null: end of candidates). */
  async handleCandidate(candidate: IceCandidate | null): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch (error) {
      // Candidates for an offer we ignored are expected to fail.
      if (!this.ignoreOffer) throw error;
    }
  }

  /** Sends `stream`'s tracks instead of the current ones (device switch, device plugged in). */
  setLocalStream(stream: MediaStream | null): void {
    if (this.closed) return;
    for (const kind of MEDIA_KINDS) {
      const transceiver = this.transceivers.get(kind);
      if (!transceiver) continue;
      const track = firstTrack(stream, kind);
      if (transceiver.sender.track !== track) {
        transceiver.sender.replaceTrack(track).catch((error: unknown) => console.warn("replaceTrack failed", error));
      }
      if (track && transceiver.direction === "recvonly") transceiver.direction = "sendrecv";
    }
  }

  /** Uses fresh ICE servers (new TURN credentials) and restarts ICE so they take effect. */
  updateIceServers(config: Pick<RTCConfiguration, "iceServers" | "iceTransportPolicy">): void {
    if (this.closed) return;
    try {
      this.pc.setConfiguration({
        ...this.pc.getConfiguration(),
        iceServers: config.iceServers,
        iceTransportPolicy: config.iceTransportPolicy,
      });
    } catch (error) {
      console.warn(`could not update ICE servers for participant ${this.peerId}`, error);
      return;
    }
    this.restartIce();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopAwaitingFirstOffer();
    this.stopWatchdog();
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.oniceconnectionstatechange = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.pc.close();
  }

  private onNegotiationNeeded(): void {
    if (this.closed) return;
    if (this.awaitingFirstOffer) {
      // The peer's offer will cover our tracks too; if it never comes, offer ourselves.
      this.firstOfferTimer ??= setTimeout(() => {
        this.firstOfferTimer = null;
        this.awaitingFirstOffer = false;
        if (!this.closed && this.pc.signalingState === "stable") void this.negotiate();
      }, FIRST_OFFER_GRACE_MS);
      return;
    }
    void this.negotiate();
  }

  private stopAwaitingFirstOffer(): void {
    this.awaitingFirstOffer = false;
    if (this.firstOfferTimer !== null) clearTimeout(this.firstOfferTimer);
    this.firstOfferTimer = null;
  }

  private restartIce(): void {
    this.stopAwaitingFirstOffer();
    this.pc.restartIce();
    this.startWatchdog();
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    const delay = this.polite ? CONNECT_WATCHDOG_MS.polite : CONNECT_WATCHDOG_MS.impolite;
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      if (this.closed || this.pc.connectionState === "connected") return;
      console.warn(`media connection to participant ${this.peerId} is not up after ${delay} ms; restarting ICE`);
      this.restartIce();
    }, delay);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private async negotiate(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      this.sendLocalDescription();
    } catch (error) {
      console.warn(`negotiation with participant ${this.peerId} failed`, error);
    } finally {
      this.makingOffer = false;
    }
  }

  private sendLocalDescription(): void {
    const local = this.pc.localDescription;
    if (this.closed || !local || (local.type !== "offer" && local.type !== "answer")) return;
    this.events.sendDescription({ type: local.type, sdp: local.sdp });
  }

  private addRemoteTrack(track: MediaStreamTrack): void {
    this.remoteTracks.add(track);
    track.addEventListener("ended", () => {
      this.remoteTracks.delete(track);
      this.emitRemoteStream();
    });
    this.emitRemoteStream();
  }

  private emitRemoteStream(): void {
    if (this.closed) return;
    this.events.remoteStream(new MediaStream([...this.remoteTracks]));
  }
}

function firstTrack(stream: MediaStream | null, kind: Kind): MediaStreamTrack | null {
  if (!stream) return null;
  return (kind === "audio" ? stream.getAudioTracks() : stream.getVideoTracks())[0] ?? null;
}

function toWireCandidate(candidate: RTCIceCandidate): IceCandidate {
  const json = candidate.toJSON();
  return {
    candidate: json.candidate ?? "",
    sdpMid: json.sdpMid ?? null,
    sdpMLineIndex: json.sdpMLineIndex ?? null,
    usernameFragment: json.usernameFragment ?? null,
  };
}

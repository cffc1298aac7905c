/**
 * The connection to the call's media node (SFU): one RTCPeerConnection that sends our camera
 * (in three simulcast layers) and microphone, and receives everyone else's tracks. The node
 * renegotiates over a data channel when tracks come and go, and we tell it how large we show
 * each video so it can send the layer that fits.
 */

import { getJson } from "../api/http";
import {
  type ClientNodeMessage,
  type ForwardedTrack,
  type MediaNodeAccess,
  NODE_CHANNEL_LABEL,
  type NodeMessage,
  type SessionDescription,
} from "../protocol/generated";
import type { PeerConnectionFactory } from "./peerLink";

export type NodeLinkEvents = {
  /** A participant's media from the node changed; a new stream object each time. */
  remoteStream(participantId: number, stream: MediaStream): void;
  /** `RTCPeerConnection.connectionState` changed. */
  connectionState(state: RTCPeerConnectionState): void;
  /** The node could not be joined (HTTP error or network failure). */
  failed(error: unknown): void;
};

/** Simulcast layers we publish, lowest first, as the node expects (`q`, `h`, `f`). */
export const SIMULCAST_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: "q", scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: "h", scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: "f", scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

const KINDS = ["audio", "video"] as const;
type Kind = (typeof KINDS)[number];

/** The node's control API URL for joining, resolved against the page for relative node URLs. */
export function participantsUrl(access: MediaNodeAccess, base: string): string {
  const root = new URL(access.url, base).toString().replace(/\/+$/, "");
  return `${root}/v1/calls/${encodeURIComponent(access.call_id)}/participants`;
}

/** Which participants' tracks each mid carries, from the node's `tracks` message. */
export function tracksByParticipant(tracks: ForwardedTrack[]): Map<number, ForwardedTrack[]> {
  const byParticipant = new Map<number, ForwardedTrack[]>();
  for (const track of tracks) {
    const list = byParticipant.get(track.participant) ?? [];
    list.push(track);
    byParticipant.set(track.participant, list);
  }
  return byParticipant;
}

export class NodeLink {
  readonly pc: RTCPeerConnection;
  private readonly channel: RTCDataChannel;
  private readonly senders = new Map<Kind, RTCRtpTransceiver>();
  /** mid → what the node forwards on it. */
  private tracks = new Map<string, ForwardedTrack>();
  /** participant → the stream we last reported. */
  private readonly streams = new Map<number, MediaStream>();
  /** participant → the viewport we last told the node (width×height in device pixels). */
  private readonly viewports = new Map<number, string>();
  private readonly wantedViewports = new Map<number, { width: number; height: number }>();
  /**
   * Serializes the node's renegotiations and encoding changes: Chrome refuses `setParameters`
   * while another change to the same sender is in flight.
   */
  private negotiation: Promise<void> = Promise.resolve();
  /** The node's latest layer wishes not yet applied, by mid. */
  private readonly wantedLayers = new Map<string, string[]>();
  private layersQueued = false;
  private closed = false;
  /** Renegotiations completed (an offer of the node's answered, or an answer to ours applied). */
  private renegotiations = 0;
  /** The node's offers received and not answered yet. */
  private offersInHand = 0;

  constructor(
    private readonly access: MediaNodeAccess,
    config: RTCConfiguration,
    localStream: MediaStream | null,
    private readonly events: NodeLinkEvents,
    createPeerConnection: PeerConnectionFactory = (c) => new RTCPeerConnection(c),
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {
    this.pc = createPeerConnection(config);
    this.channel = this.pc.createDataChannel(NODE_CHANNEL_LABEL, { ordered: true });
    this.channel.onopen = () => this.onChannelOpen();
    this.channel.onmessage = (event: MessageEvent) => this.onChannelMessage(event.data);
    this.pc.onconnectionstatechange = () => this.events.connectionState(this.pc.connectionState);
    this.pc.ontrack = () => this.refreshStreams();

    for (const kind of KINDS) {
      const track = localStream?.getTracks().find((t) => t.kind === kind) ?? null;
      const init: RTCRtpTransceiverInit = { direction: "sendonly", streams: localStream ? [localStream] : [] };
      if (kind === "video") init.sendEncodings = SIMULCAST_LAYERS.map((layer) => ({ ...layer }));
      this.senders.set(kind, this.pc.addTransceiver(track ?? kind, init));
    }
  }

  /** Sends our offer to the node and applies its answer. */
  async connect(): Promise<void> {
    try {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      const description: SessionDescription = { type: "offer", sdp: this.pc.localDescription?.sdp ?? offer.sdp ?? "" };
      const answer = (await getJson(
        participantsUrl(this.access, typeof location === "undefined" ? "http://localhost/" : location.href),
        {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.access.token}` },
          body: JSON.stringify(description),
        },
        this.fetchImpl,
      )) as SessionDescription;
      if (this.closed) return;
      await this.pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    } catch (error) {
      if (!this.closed) this.events.failed(error);
    }
  }

  /** How many renegotiations this link has completed. */
  negotiations(): number {
    return this.renegotiations;
  }

  /** Whether an offer of the node's is being answered (on a busy machine, for seconds). */
  answering(): boolean {
    return this.offersInHand > 0;
  }

  /** The stream of one participant as the node sends it, or null before it arrives. */
  streamOf(participantId: number): MediaStream | null {
    return this.streams.get(participantId) ?? null;
  }

  /** Participants whose video (or, without video, audio) we receive from the node. */
  mids(): ReadonlyMap<string, ForwardedTrack> {
    return this.tracks;
  }

  /** Tells the node how large we show `participantId`'s video (device pixels; 0 = hidden). */
  setViewport(participantId: number, width: number, height: number): void {
    const size = { width: Math.max(0, Math.round(width)), height: Math.max(0, Math.round(height)) };
    this.wantedViewports.set(participantId, size);
    this.sendViewport(participantId);
  }

  /** Sends `stream`'s tracks instead of the current ones. */
  setLocalStream(stream: MediaStream | null): void {
    if (this.closed) return;
    for (const kind of KINDS) {
      const transceiver = this.senders.get(kind);
      const track = stream?.getTracks().find((t) => t.kind === kind) ?? null;
      if (transceiver && transceiver.sender.track !== track) {
        transceiver.sender.replaceTrack(track).catch((error: unknown) => console.warn("replaceTrack failed", error));
      }
    }
    this.publish();
  }

  /** Uses fresh ICE servers (new TURN credentials) for future connectivity checks. */
  updateIceServers(config: Pick<RTCConfiguration, "iceServers" | "iceTransportPolicy">): void {
    if (this.closed) return;
    try {
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), ...config });
    } catch (error) {
      console.warn("could not update ICE servers for the media node", error);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.onopen = null;
    this.channel.onmessage = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.channel.close();
    this.pc.close();
  }

  private onChannelOpen(): void {
    this.publish();
    for (const id of this.wantedViewports.keys()) this.sendViewport(id);
  }

  /** Describes our sending transceivers to the node (camera size lets it rank layers). */
  private publish(): void {
    for (const [kind, transceiver] of this.senders) {
      if (!transceiver.mid) continue;
      const settings = kind === "video" ? transceiver.sender.track?.getSettings() : undefined;
      this.send({
        type: "publish",
        mid: transceiver.mid,
        source: "camera",
        width: settings?.width ?? null,
        height: settings?.height ?? null,
      });
    }
  }

  private onChannelMessage(data: unknown): void {
    if (typeof data !== "string") return;
    let message: NodeMessage;
    try {
      message = JSON.parse(data) as NodeMessage;
    } catch {
      console.warn("media node sent a message that is not JSON");
      return;
    }
    switch (message.type) {
      case "tracks":
        this.tracks = new Map(message.tracks.map((t) => [t.mid, t]));
        this.refreshStreams();
        for (const id of this.wantedViewports.keys()) this.sendViewport(id);
        return;
      case "offer":
        this.offersInHand += 1;
        this.negotiation = this.negotiation.then(() => this.answer(message.sdp)).finally(() => {
          this.offersInHand -= 1;
        });
        return;
      case "answer":
        this.negotiation = this.negotiation.then(() => this.acceptAnswer(message.sdp));
        return;
      case "layers":
        this.wantedLayers.set(message.mid, message.rids);
        if (!this.layersQueued) {
          // One pass applies the latest wish for every mid, however many arrived meanwhile.
          this.layersQueued = true;
          this.negotiation = this.negotiation.then(() => this.applyWantedLayers());
        }
        return;
      case "error":
        console.warn(`media node: ${message.message}`);
        return;
      default:
        return;
    }
  }

  private async applyWantedLayers(): Promise<void> {
    this.layersQueued = false;
    const wanted = [...this.wantedLayers];
    this.wantedLayers.clear();
    for (const [mid, rids] of wanted) await this.sendOnlyLayers(mid, rids);
  }

  /** Pauses the simulcast layers of `mid` that no subscriber needs (and resumes wanted ones). */
  private async sendOnlyLayers(mid: string, rids: string[]): Promise<void> {
    const transceiver = [...this.senders.values()].find((t) => t.mid === mid);
    if (!transceiver || this.closed) return;
    const params = transceiver.sender.getParameters();
    let changed = false;
    for (const encoding of params.encodings) {
      const active = encoding.rid === undefined || rids.includes(encoding.rid);
      if (encoding.active !== active) {
        encoding.active = active;
        changed = true;
      }
    }
    if (!changed) return;
    try {
      await transceiver.sender.setParameters(params);
    } catch (error) {
      console.warn("could not pause unused simulcast layers", error);
    }
  }

  /**
   * Offers our side again over the data channel: the node answers and then offers whatever it
   * had not got through (a lost renegotiation leaves its tracks unopened). Its own offer, if one
   * crosses ours, wins (the browser rolls ours back).
   */
  renegotiate(): void {
    this.negotiation = this.negotiation.then(async () => {
      if (this.closed) return;
      try {
        const offer = await this.pc.createOffer();
        await this.pc.setLocalDescription(offer);
        this.send({ type: "offer", sdp: this.pc.localDescription?.sdp ?? offer.sdp ?? "" });
      } catch (error) {
        console.warn("could not renegotiate with the media node", error);
      }
    });
  }

  private async acceptAnswer(sdp: string): Promise<void> {
    if (this.closed || this.pc.signalingState !== "have-local-offer") return;
    try {
      await this.pc.setRemoteDescription({ type: "answer", sdp });
      this.renegotiations += 1;
      this.refreshStreams();
    } catch (error) {
      console.warn("the media node's answer did not apply", error);
    }
  }

  private async answer(sdp: string): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.setRemoteDescription({ type: "offer", sdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.send({ type: "answer", sdp: this.pc.localDescription?.sdp ?? answer.sdp ?? "" });
      this.renegotiations += 1;
      this.refreshStreams();
    } catch (error) {
      console.warn("renegotiation with the media node failed", error);
    }
  }

  /** Regroups received tracks into one stream per participant, reporting those that changed. */
  private refreshStreams(): void {
    if (this.closed) return;
    const wanted = new Map<number, MediaStreamTrack[]>();
    for (const transceiver of this.pc.getTransceivers()) {
      const mid = transceiver.mid;
      const info = mid ? this.tracks.get(mid) : undefined;
      if (!info || transceiver.currentDirection === "stopped" || transceiver.direction === "stopped") continue;
      const list = wanted.get(info.participant) ?? [];
      list.push(transceiver.receiver.track);
      wanted.set(info.participant, list);
    }
    for (const [id, tracks] of wanted) {
      const current = this.streams.get(id);
      const same =
        current !== undefined &&
        current.getTracks().length === tracks.length &&
        tracks.every((t) => current.getTracks().includes(t));
      if (same) continue;
      const stream = new MediaStream(tracks);
      this.streams.set(id, stream);
      this.events.remoteStream(id, stream);
    }
    for (const id of [...this.streams.keys()]) {
      if (!wanted.has(id)) this.streams.delete(id);
    }
  }

  private sendViewport(participantId: number): void {
    const size = this.wantedViewports.get(participantId);
    if (!size) return;
    const video = [...this.tracks.values()].find((t) => t.participant === participantId && t.kind === "video");
    if (!video) return;
    const key = `${video.mid}:${size.width}x${size.height}`;
    if (this.viewports.get(participantId) === key) return;
    if (this.send({ type: "viewport", mid: video.mid, width: size.width, height: size.height })) {
      this.viewports.set(participantId, key);
    }
  }

  private send(message: ClientNodeMessage): boolean {
    if (this.channel.readyState !== "open") return false;
    this.channel.send(JSON.stringify(message));
    return true;
  }
}

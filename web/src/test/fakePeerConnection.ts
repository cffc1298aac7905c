/**
 * A small model of RTCPeerConnection's signaling state machine, enough to exercise perfect
 * negotiation (offers, answers, implicit rollback) without a browser, and the media node's
 * data channel, forwarded tracks and stats.
 */

type Desc = { type: RTCSdpType; sdp: string };

let counter = 0;

class FakeSender {
  constructor(public track: MediaStreamTrack | null) {}
  async replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
  }
}

class FakeTransceiver {
  readonly sender: FakeSender;
  readonly receiver: { track: MediaStreamTrack };
  mid: string | null = null;
  currentDirection: RTCRtpTransceiverDirection | null = null;
  constructor(
    readonly kind: string,
    public direction: RTCRtpTransceiverDirection,
    track: MediaStreamTrack | null,
  ) {
    this.sender = new FakeSender(track);
    this.receiver = { track: fakeTrack(kind === "audio" ? "audio" : "video") };
  }
}

/** An RTCDataChannel stand-in: what was sent (parsed), and the other side driven by hand. */
export class FakeDataChannel {
  readyState: RTCDataChannelState = "connecting";
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly label: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = "closed";
  }
  open(): void {
    this.readyState = "open";
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];

  readonly id = ++counter;
  signalingState: RTCSignalingState = "stable";
  iceConnectionState: RTCIceConnectionState = "new";
  connectionState: RTCPeerConnectionState = "new";
  localDescription: Desc | null = null;
  remoteDescription: Desc | null = null;
  closed = false;
  restartIceCalls = 0;
  readonly candidates: (RTCIceCandidateInit | undefined)[] = [];
  readonly transceivers: FakeTransceiver[] = [];
  readonly channels: FakeDataChannel[] = [];
  /** What getStats() reports (set by tests). */
  stats: Record<string, unknown>[] = [];
  readonly log: string[] = [];
  private configuration: RTCConfiguration;

  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: RTCIceCandidate | null }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  ontrack: ((event: { track: MediaStreamTrack }) => void) | null = null;

  constructor(config: RTCConfiguration = {}) {
    this.configuration = { ...config };
    FakePeerConnection.instances.push(this);
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.configuration };
  }

  setConfiguration(config: RTCConfiguration): void {
    this.configuration = { ...config };
  }

  addTrack(track: MediaStreamTrack): FakeSender {
    const t = new FakeTransceiver(track.kind, "sendrecv", track);
    this.transceivers.push(t);
    return t.sender;
  }

  addTransceiver(kind: string, init?: RTCRtpTransceiverInit): FakeTransceiver {
    const t = new FakeTransceiver(kind, init?.direction ?? "sendrecv", null);
    this.transceivers.push(t);
    return t;
  }

  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }

  createDataChannel(label: string): FakeDataChannel {
    const channel = new FakeDataChannel(label);
    this.channels.push(channel);
    return channel;
  }

  async createOffer(): Promise<Desc> {
    return { type: "offer", sdp: `offer-${this.id}` };
  }

  async createAnswer(): Promise<Desc> {
    return { type: "answer", sdp: `answer-${this.id}` };
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    return new Map(this.stats.map((stat, i) => [`stat-${i}`, stat]));
  }

  async setLocalDescription(desc?: Desc): Promise<void> {
    await Promise.resolve();
    if (desc?.type === "rollback") {
      this.signalingState = "stable";
      this.localDescription = null;
      return;
    }
    if (this.signalingState === "have-remote-offer") {
      this.localDescription = { type: "answer", sdp: `answer-${this.id}` };
      this.signalingState = "stable";
    } else if (this.signalingState === "stable") {
      this.localDescription = { type: "offer", sdp: `offer-${this.id}` };
      this.signalingState = "have-local-offer";
    } else {
      throw new DOMException(`cannot create description in ${this.signalingState}`, "InvalidStateError");
    }
    this.log.push(`local ${this.localDescription.type}`);
  }

  async setRemoteDescription(desc: Desc): Promise<void> {
    await Promise.resolve();
    if (desc.type === "offer") {
      if (this.signalingState === "have-local-offer") {
        this.log.push("rollback");
        this.localDescription = null;
      }
      this.signalingState = "have-remote-offer";
    } else if (desc.type === "answer") {
      if (this.signalingState !== "have-local-offer") {
        throw new DOMException(`answer in ${this.signalingState}`, "InvalidStateError");
      }
      this.signalingState = "stable";
    }
    this.remoteDescription = desc;
    this.log.push(`remote ${desc.type}`);
  }

  async addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    await Promise.resolve();
    if (!this.remoteDescription) throw new DOMException("no remote description", "InvalidStateError");
    this.candidates.push(candidate);
  }

  restartIce(): void {
    this.restartIceCalls++;
  }

  close(): void {
    this.closed = true;
    this.signalingState = "closed";
  }

  // ---- driven by tests ----

  fireTrack(track: MediaStreamTrack): void {
    this.ontrack?.({ track });
  }

  fireCandidate(candidate: RTCIceCandidateInit | null): void {
    this.onicecandidate?.({
      candidate: candidate ? ({ toJSON: () => candidate } as RTCIceCandidate) : null,
    });
  }

  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}

export function asPeerConnectionFactory() {
  return (config: RTCConfiguration) => new FakePeerConnection(config) as unknown as RTCPeerConnection;
}

/** A bare MediaStreamTrack stand-in. */
export function fakeTrack(kind: "audio" | "video", id = `${kind}-${++counter}`): MediaStreamTrack {
  const target = new EventTarget();
  return Object.assign(target, { kind, id, enabled: true, readyState: "live", stop() {} }) as unknown as MediaStreamTrack;
}

/** A MediaStream stand-in (jsdom has none). */
export class FakeMediaStream {
  private readonly tracks: MediaStreamTrack[];
  constructor(tracks: MediaStreamTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === "audio");
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === "video");
  }
  addTrack(t: MediaStreamTrack) {
    this.tracks.push(t);
  }
  removeTrack(t: MediaStreamTrack) {
    const i = this.tracks.indexOf(t);
    if (i >= 0) this.tracks.splice(i, 1);
  }
}

export function installFakeMediaStream(): void {
  (globalThis as { MediaStream: unknown }).MediaStream = FakeMediaStream;
}

export function fakeStream(...tracks: MediaStreamTrack[]): MediaStream {
  return new FakeMediaStream(tracks) as unknown as MediaStream;
}

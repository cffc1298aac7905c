/**
 * A person's presence in one call: the signaling connection (join, reconnection with backoff),
 * the server's messages, and the participants; their media travels by MediaRoutes.
 * Framework-free; React reads it through `subscribe` / `getSnapshot`.
 */

import { backoffDelayMs } from "../lib/backoff";
import { type CallErrorInfo, describeCallError, errorCodeFromCloseCode, isApplicationCloseCode } from "../lib/callErrors";
import {
  type CallMode,
  type ChatMessage,
  type ClientMessage,
  type ErrorCategory,
  type MediaNodeAccess,
  type MediaState,
  type Peer,
  type RecordingView,
  type Role,
  PROTOCOL_VERSION,
  type ServerMessage,
} from "../protocol/generated";
import { RECORDING_ERRORS, recordingErrorMessage, requestEndedMessage } from "../lib/recording";
import { MediaRoutes, type MediaPatches } from "./mediaRoutes";
import type { PeerConnectionFactory } from "./peerLink";
import { DEFAULT_HEARTBEAT_MS, SignalingSocket, type WebSocketFactory, callProtocols } from "./signalingSocket";
import { isFinalPassError } from "../api/callPass";
import type { PeershareTestHook } from "./testHook";

export type ConnectionStatus = "idle" | "connecting" | "connected" | "reconnecting" | "disconnected" | "left";

export type RemoteParticipant = {
  id: number;
  displayName: string;
  /** A guest in a group's call (anyone may pick any name): the call marks them. */
  guest: boolean;
  /** A member's role in the group (null for guests and in link calls). */
  role: Role | null;
  media: MediaState;
  /** Their media, once it arrives. */
  stream: MediaStream | null;
  /** State of the connection carrying their media (to them, or to the media node). */
  linkState: RTCPeerConnectionState;
  /** Their microphone is picking up speech right now. */
  speaking: boolean;
};

export type CallProblem = {
  code: string;
  category: ErrorCategory | string;
  /** The server's detail, for logs and the "details" disclosure. */
  detail: string;
  info: CallErrorInfo;
};

export type CallSnapshot = {
  status: ConnectionStatus;
  selfId: number | null;
  /** Everyone else, in join order. */
  participants: RemoteParticipant[];
  /** The error that ended the call (status "disconnected"). */
  error: CallProblem | null;
  /** A problem worth showing while the call goes on. */
  notice: string | null;
  /** Round-trip time to the server from the last heartbeat. */
  latencyMs: number | null;
  /** Failed connection attempts in a row. */
  retryAttempt: number;
  capacity: number | null;
  /** How media flows: directly between two browsers, or through a media node. */
  mode: CallMode | null;
  /** The call is moving onto a media node; the old links carry media until it works. */
  switching: boolean;
  /** This participant's role in the group, from their call pass (null for guests and in link calls). */
  selfRole: Role | null;
  /** The lowest role that may start a recording in this group, as the call pass says. */
  recordRole: Role | null;
  /** The call's recording: a question being asked or a recording running (null: neither). */
  recording: RecordingView | null;
  /**
   * The call's media node is on its way: "starting" (none had room; one is booting, the call
   * goes on as it is meanwhile) or "moving" (the node stopped; the call moves to another).
   */
  mediaNode: "starting" | "moving" | null;
  /** The call's chat: the latest messages, oldest first, as the room numbered them. */
  chat: ChatMessage[];
  /** Why the last chat message was not sent (null: it was, or none was tried). */
  chatError: string | null;
};

export type JoinOptions = {
  displayName: string;
  media: MediaState;
  localStream: MediaStream | null;
  iceConfiguration: RTCConfiguration;
};

export type CallSessionDeps = {
  url: string;
  createWebSocket?: WebSocketFactory;
  createPeerConnection?: PeerConnectionFactory;
  random?: () => number;
  now?: () => number;
  hook?: PeershareTestHook;
  fetch?: typeof fetch;
  /** A call pass for the socket, for this display name (absent: connect without one). */
  getPass?: (displayName: string) => Promise<string>;
  /** Called when a socket offered a pass closes without ever opening: the pass may be stale. */
  onPassRefused?: () => void;
  /** The role the latest call pass gives (null for guests and link calls). */
  passRole?: () => Role | null;
  /** Who may start a recording, as the pass says. */
  passRecordRole?: () => Role | null;
};

/** Failed attempts in a row after which people are told we can't reach the server. */
const ATTEMPTS_BEFORE_NOTICE = 4;

/** How long after a recording command a `rate_limited` error is taken as its answer. */
const RECORDING_ANSWER_MS = 5_000;

const IDLE: CallSnapshot = {
  status: "idle",
  selfId: null,
  participants: [],
  error: null,
  notice: null,
  latencyMs: null,
  retryAttempt: 0,
  capacity: null,
  mode: null,
  switching: false,
  selfRole: null,
  recordRole: null,
  recording: null,
  mediaNode: null,
  chat: [],
  chatError: null,
};

/** Most chat messages a session keeps (the room keeps as many for late joiners). */
const MAX_CHAT_MESSAGES = 200;

/** How long after a chat message a `rate_limited` error is taken as its answer. */
const CHAT_ANSWER_MS = 5_000;

/** How long a report that the node link failed waits for the room to move the call, before rejoining. */
const NODE_REPORT_WAIT_MS = 12_000;

export class CallSession {
  private snapshot: CallSnapshot = IDLE;
  private readonly listeners = new Set<() => void>();

  private options: Pick<JoinOptions, "displayName" | "media"> | null = null;
  private socket: SignalingSocket | null = null;
  /** Whether the current socket was offered a pass and has not opened yet. */
  private passPending = false;
  /** Counts connection attempts, so a call pass that arrives late for an old attempt is dropped. */
  private connectAttempt = 0;
  private readonly routes: MediaRoutes;
  private participants = new Map<number, RemoteParticipant>();
  /** Whether this join has been welcomed at least once (a drop then means "reconnecting"). */
  private everWelcomed = false;
  /** Times the server welcomed this session (for the test hook). */
  private welcomes = 0;
  /**
   * Sent with every join of this call session: a reconnect presenting it takes back this
   * participant's seat (same id) instead of appearing a second time. Never leaves this tab.
   */
  private resumeKey = newResumeKey();

  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The node session this participant is connected to (its call id names it in reports). */
  private nodeAccess: MediaNodeAccess | null = null;
  /** Set while a report that the node link failed waits for the room's answer. */
  private nodeReportTimer: ReturnType<typeof setTimeout> | null = null;
  /** When this session last sent a recording command (`now()`), to read a `rate_limited` answer. */
  private recordingCommandAt: number | null = null;
  /** When this session last sent a chat message (`now()`), to read a `rate_limited` answer. */
  private chatSentAt: number | null = null;

  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly deps: CallSessionDeps) {
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? (() => performance.now());
    this.routes = new MediaRoutes(
      {
        participants: () => this.participants.values(),
        signal: (message) => this.socket?.send(message),
        patch: (patches) => {
          if (this.applyMedia(patches)) this.publishParticipants();
        },
        switched: (patches) => {
          this.applyMedia(patches);
          this.update({ switching: false, participants: this.participantList() });
        },
        nodeTracksChanged: () => this.publishHook(),
        nodeFailed: (error) => this.onNodeFailed(error),
        repairing: () => this.publishHook(),
      },
      { createPeerConnection: deps.createPeerConnection, fetch: deps.fetch, now: this.now },
    );
  }

  // ---- React glue -------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): CallSnapshot => this.snapshot;

  // ---- Commands ---------------------------------------------------------------------------

  /** Joins (or rejoins) the call. Does nothing while already in it or on the way in. */
  join(options: JoinOptions): void {
    const { status } = this.snapshot;
    if (status === "connecting" || status === "connected" || status === "reconnecting") return;
    this.options = { displayName: options.displayName, media: options.media };
    this.routes.setLocalStream(options.localStream);
    this.routes.updateIceConfiguration(options.iceConfiguration);
    this.everWelcomed = false;
    this.resumeKey = newResumeKey();
    this.update({ ...IDLE, status: "connecting" });
    this.connect();
  }

  /** Leaves on purpose: tells the server, closes everything. */
  leave(): void {
    if (this.snapshot.status === "idle" || this.snapshot.status === "left") return;
    this.socket?.send({ type: "leave" });
    this.shutDown();
    this.update({ ...IDLE, status: "left" });
  }

  /** Retries right away while reconnecting (e.g. the browser came back online). */
  retryNow(): void {
    if (this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  /** Microphone / camera toggled. */
  setMedia(media: MediaState): void {
    if (!this.options) return;
    if (this.options.media.audio === media.audio && this.options.media.video === media.video) return;
    this.options.media = { ...media };
    if (this.snapshot.status === "connected") this.socket?.send({ type: "media_state", media });
  }

  /** The local tracks changed (device switched or plugged in). */
  setLocalStream(stream: MediaStream | null): void {
    if (this.options) this.routes.setLocalStream(stream);
  }

  /** How large a participant's video is shown (device pixels; 0 when not shown). */
  setViewport(participantId: number, width: number, height: number): void {
    this.routes.setViewport(participantId, width, height);
  }

  /** Fresh ICE servers (TURN credentials): applied to every peer connection with an ICE restart. */
  updateIceConfiguration(config: RTCConfiguration): void {
    if (this.options) this.routes.updateIceConfiguration(config);
  }

  /** Asks everyone to agree to record the call (asking is this participant's own consent). */
  startRecording(): void {
    this.sendRecordingCommand({ type: "start_recording" });
  }

  /** Stops the recording, or withdraws the question (the starter, or an admin or owner). */
  stopRecording(): void {
    this.sendRecordingCommand({ type: "stop_recording" });
  }

  /** Answers the question to record, or changes the answer while recording (false: withdraw). */
  answerRecording(allow: boolean): void {
    this.sendRecordingCommand({ type: "recording_consent", allow });
  }

  /** Sends `text` to everyone in the call's chat; it shows once the room relays it back. */
  sendChat(text: string): void {
    if (this.snapshot.status !== "connected") return;
    this.chatSentAt = this.now();
    this.update({ chatError: null });
    this.socket?.send({ type: "chat", text });
  }

  private sendRecordingCommand(message: Extract<ClientMessage, { type: "start_recording" | "stop_recording" | "recording_consent" }>): void {
    if (this.snapshot.status !== "connected") return;
    this.recordingCommandAt = this.now();
    this.socket?.send(message);
  }

  dismissNotice(): void {
    if (this.snapshot.notice) this.update({ notice: null });
  }

  /** Leaves and forgets everything (the page is going away). */
  dispose(): void {
    this.leave();
    this.listeners.clear();
  }

  // ---- Connection -------------------------------------------------------------------------

  private connect(): void {
    this.socket?.close();
    this.socket = null;
    const getPass = this.deps.getPass;
    if (!getPass || !this.options) {
      this.openSocket(null);
      return;
    }
    const attempt = ++this.connectAttempt;
    getPass(this.options.displayName).then(
      (pass) => {
        if (attempt === this.connectAttempt && this.isTryingToConnect()) this.openSocket(pass);
      },
      (error: unknown) => {
        if (attempt !== this.connectAttempt || !this.isTryingToConnect()) return;
        if (isFinalPassError(error)) {
          this.fail({ code: error.code, category: "", detail: error.message, info: describeCallError(error.code) });
        } else {
          this.scheduleReconnect();
        }
      },
    );
  }

  /** Whether the session still wants a connection (nobody left or failed meanwhile). */
  private isTryingToConnect(): boolean {
    const status = this.snapshot.status;
    return status === "connecting" || status === "reconnecting";
  }

  private openSocket(pass: string | null): void {
    this.passPending = pass !== null;
    this.socket = new SignalingSocket(
      this.deps.url,
      {
        open: () => this.onOpen(),
        message: (message) => this.onMessage(message),
        close: (code, reason) => this.onClose(code, reason),
        rtt: (latencyMs) => this.update({ latencyMs }),
      },
      this.deps.createWebSocket,
      callProtocols(pass),
      this.now,
    );
  }

  private onOpen(): void {
    this.passPending = false;
    const options = this.options;
    if (!options) return;
    this.socket?.send({
      type: "join",
      version: PROTOCOL_VERSION,
      display_name: options.displayName,
      media: options.media,
      resume: this.resumeKey,
    });
    this.socket?.startHeartbeat(DEFAULT_HEARTBEAT_MS);
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    this.clearNodeReport();
    if (this.passPending) {
      this.passPending = false;
      this.deps.onPassRefused?.();
    }
    const status = this.snapshot.status;
    if (status === "left" || status === "disconnected" || status === "idle") return;

    if (isApplicationCloseCode(code)) {
      // The error frame normally arrives first; this covers it getting lost.
      const errorCode = errorCodeFromCloseCode(code) ?? "unknown";
      this.fail({ code: errorCode, category: "", detail: reason, info: describeCallError(errorCode) });
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const attempt = this.snapshot.retryAttempt;
    const delay = backoffDelayMs(attempt, this.random);
    this.update({
      status: this.everWelcomed ? "reconnecting" : "connecting",
      selfId: null,
      retryAttempt: attempt + 1,
      latencyMs: null,
      notice:
        attempt + 1 >= ATTEMPTS_BEFORE_NOTICE
          ? "Can't reach PeerShare. Check your internet connection; we'll keep trying."
          : this.snapshot.notice,
    });
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private fail(problem: CallProblem): void {
    this.shutDown();
    this.update({ ...IDLE, status: "disconnected", error: problem });
  }

  /** Closes the socket and every media link, and stops all timers. */
  private shutDown(): void {
    this.socket?.close();
    this.socket = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.closeAllLinks();
    this.clearNodeReport();
    this.nodeAccess = null;
    this.update({ mode: null, switching: false, selfId: null, recording: null, mediaNode: null });
  }

  // ---- Messages ---------------------------------------------------------------------------

  private onMessage(message: ServerMessage): void {
    switch (message.type) {
      case "welcome":
        return this.onWelcome(message);
      case "waiting_for_media_node":
        return this.update({ notice: null });
      case "media_node_starting":
        return this.update({ mediaNode: "starting" });
      case "media_node_lost":
        return this.onNodeLost();
      case "move_to_media_node":
        // While peer links are open they carry media until the node does (make-before-break);
        // after a lost node there is nothing to keep.
        return this.startNode(message.media_node, this.routes.peerConnections().size > 0);
      case "participant_joined":
        this.addParticipant(message.participant);
        return this.publishParticipants();
      case "participant_left":
        this.removeParticipant(message.id);
        return this.publishParticipants();
      case "participant_updated": {
        const p = this.participants.get(message.id);
        if (p) this.participants.set(p.id, { ...p, media: message.media });
        return this.publishParticipants();
      }
      case "participant_role_changed": {
        if (message.id === this.snapshot.selfId) return this.update({ selfRole: message.role });
        const p = this.participants.get(message.id);
        if (p) this.participants.set(p.id, { ...p, role: message.role });
        return this.publishParticipants();
      }
      case "recording_changed":
        return this.update({ recording: message.recording ?? null });
      case "chat":
        return this.update({ chat: withMessage(this.snapshot.chat, message.message) });
      case "recording_request_ended":
        return this.update({ notice: requestEndedMessage(message.reason, (id) => this.participants.get(id)?.displayName ?? null) });
      case "description":
        return this.routes.handleDescription(message.from, message.description);
      case "ice_candidate":
        return this.routes.handleCandidate(message.from, message.candidate);
      // Pongs are the socket's own (its heartbeat).
      case "error":
        return this.onServerError(message);
      default:
        // A newer server may send types this client does not know yet.
        return;
    }
  }

  private onWelcome(message: Extract<ServerMessage, { type: "welcome" }>): void {
    // After a reconnect everyone's ids are new: drop the stale connections.
    this.closeAllLinks();
    this.everWelcomed = true;
    this.socket?.startHeartbeat(message.heartbeat_interval_ms);
    // One ping right away, so the latency figure shows up without waiting a whole interval.
    this.socket?.ping();
    this.clearNodeReport();
    this.nodeAccess = null;
    this.update({ mode: message.mode, switching: false, mediaNode: null });
    for (const peer of message.participants) this.addParticipant(peer);
    // The room's chat so far replaces ours: after a reconnect it is the whole story.
    this.update({ chat: (message.chat ?? []).slice(-MAX_CHAT_MESSAGES) });
    this.update({
      status: "connected",
      selfId: message.you,
      selfRole: this.deps.passRole?.() ?? null,
      recordRole: this.deps.passRecordRole?.() ?? null,
      recording: message.recording ?? null,
      retryAttempt: 0,
      capacity: message.capacity,
      error: null,
      notice: null,
      participants: this.participantList(),
    });
    if (message.mode === "media_node" && message.media_node) this.startNode(message.media_node, false);
    this.welcomes += 1;
    this.publishHook();
  }

  // ---- Media node -------------------------------------------------------------------------

  /** Moves the call's media onto the node; when `switching`, the peer links carry it meanwhile. */
  private startNode(access: MediaNodeAccess, switching: boolean): void {
    this.clearNodeReport();
    this.nodeAccess = access;
    this.routes.useNode(access, switching);
    this.update({ mode: "media_node", switching, mediaNode: null });
  }

  /**
   * The node link failed (it stopped answering, or the node refused the join): the room hears
   * it and checks the node; if the node is gone it moves everyone to another. If the room does
   * not answer in time, a fresh join brings a fresh token (and possibly another node).
   */
  private onNodeFailed(error: unknown): void {
    console.warn("the media node link failed", error);
    const access = this.nodeAccess;
    if (access && this.socket && this.snapshot.status === "connected" && this.nodeReportTimer === null) {
      this.socket.send({ type: "media_node_failed", call_id: access.call_id });
      this.nodeReportTimer = setTimeout(() => {
        this.nodeReportTimer = null;
        this.rejoinForNode();
      }, NODE_REPORT_WAIT_MS);
      return;
    }
    if (this.nodeReportTimer === null) this.rejoinForNode();
  }

  private rejoinForNode(): void {
    this.update({ notice: "Couldn't reach the media server. Reconnecting…" });
    this.socket?.close(4000, "media node unreachable");
    this.onClose(1006, "media node unreachable");
  }

  /** The room says the call's node stopped: drop its link and wait for the next node. */
  private onNodeLost(): void {
    this.clearNodeReport();
    this.nodeAccess = null;
    this.routes.dropNode();
    this.update({ mediaNode: "moving" });
  }

  private clearNodeReport(): void {
    if (this.nodeReportTimer !== null) clearTimeout(this.nodeReportTimer);
    this.nodeReportTimer = null;
  }

  private onServerError(message: Extract<ServerMessage, { type: "error" }>): void {
    const info = describeCallError(message.code, message.category);
    const problem: CallProblem = { code: message.code, category: message.category, detail: message.message, info };
    // The pass may be one the room no longer takes: a later join asks for a new one.
    if (message.code === "access_revoked") this.deps.onPassRefused?.();
    // A rejected name is not fatal for the server, but the join cannot go on without a new one.
    if (message.fatal || message.code === "invalid_display_name") {
      this.fail(problem);
      return;
    }
    const chatAt = this.chatSentAt;
    if (message.code === "invalid_chat_message" || (message.code === "rate_limited" && chatAt !== null && this.now() - chatAt < CHAT_ANSWER_MS)) {
      this.chatSentAt = null;
      this.update({ chatError: message.code === "rate_limited" ? "You're sending messages too fast. Wait a moment." : message.message });
      return;
    }
    if (this.isRecordingAnswer(message.code)) {
      this.recordingCommandAt = null;
      this.update({ notice: recordingErrorMessage(message.code, message.message) });
      return;
    }
    if (info.action === "ignore") {
      console.warn(`call server: ${message.code}: ${message.message}`);
      return;
    }
    this.update({ notice: `${info.title}. ${info.suggestion}` });
  }

  /** Whether an error answers a recording command (`rate_limited` only just after one). */
  private isRecordingAnswer(code: string): boolean {
    if ((RECORDING_ERRORS as readonly string[]).includes(code)) return true;
    const at = this.recordingCommandAt;
    return code === "rate_limited" && at !== null && this.now() - at < RECORDING_ANSWER_MS;
  }

  // ---- Participants -----------------------------------------------------------------------

  private addParticipant(peer: Peer): void {
    this.removeParticipant(peer.id);
    this.participants.set(peer.id, {
      id: peer.id,
      displayName: peer.display_name,
      guest: peer.guest,
      role: peer.role ?? null,
      media: peer.media,
      ...this.routes.mediaOf(peer.id),
      speaking: false,
    });
    // On a media node everyone's media comes through the node link.
    if (this.snapshot.mode !== "media_node") this.routes.addPeer(peer.id, peer.polite);
  }

  private removeParticipant(id: number): void {
    this.routes.removePeer(id);
    this.participants.delete(id);
  }

  /** Applies the routes' changes to the participants they name; whether any was there. */
  private applyMedia(patches: MediaPatches): boolean {
    let applied = false;
    for (const [id, patch] of patches) {
      const p = this.participants.get(id);
      if (!p) continue;
      this.participants.set(id, { ...p, ...patch });
      applied = true;
    }
    return applied;
  }

  /** Closes every media link and forgets everyone (ids are new after a reconnect). */
  private closeAllLinks(): void {
    this.routes.closeAll();
    this.participants = new Map();
  }

  private participantList(): RemoteParticipant[] {
    return [...this.participants.values()].sort((a, b) => a.id - b.id);
  }

  private publishParticipants(): void {
    this.update({ participants: this.participantList() });
  }

  // ---- State ------------------------------------------------------------------------------

  private update(patch: Partial<CallSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.publishHook();
    for (const listener of this.listeners) listener();
  }

  /** Writes the test hook, the one place that does: from the snapshot and the live links. */
  private publishHook(): void {
    const hook = this.deps.hook;
    if (!hook) return;
    hook.connectionState = this.snapshot.status;
    hook.participantId = this.snapshot.selfId;
    hook.callMode = this.snapshot.mode;
    hook.welcomes = this.welcomes;
    hook.silentLinkRepairs = this.routes.silentLinkRepairs();
    hook.nodeConnection = this.routes.nodeConnection();
    hook.nodeUrl = this.nodeAccess?.url ?? null;
    hook.nodeTracks = Object.fromEntries([...this.routes.nodeTracks()].map(([mid, t]) => [mid, t.participant]));
    // The same map, refilled: tests hold on to it.
    hook.peerConnections.clear();
    for (const [id, pc] of this.routes.peerConnections()) hook.peerConnections.set(id, pc);
  }
}

/** A fresh resume key: 32 hex characters from the browser's secure random source. */
function newResumeKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `messages` with `message` in its place by number (a repeat is dropped), at most the latest 200. */
export function withMessage(messages: ChatMessage[], message: ChatMessage): ChatMessage[] {
  if (messages.some((m) => m.seq === message.seq)) return messages;
  const next = [...messages, message].sort((a, b) => a.seq - b.seq);
  return next.slice(-MAX_CHAT_MESSAGES);
}

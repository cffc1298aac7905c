import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakePeerConnection, asPeerConnectionFactory, fakeStream, fakeTrack, installFakeMediaStream } from "../test/fakePeerConnection";
import { FakeWebSocket, installFakeWebSocketGlobal } from "../test/fakeWebSocket";
import type { Peer } from "../protocol/generated";
import { CallSession, type CallSessionDeps, type JoinOptions } from "./callSession";
import { ApiError } from "../api/http";
import { type PeershareTestHook, createTestHook } from "./testHook";

const URL = "ws://test/api/groups/abc/call";

function setup(extra: Partial<CallSessionDeps> = {}) {
  const hook: PeershareTestHook = createTestHook();
  const session = new CallSession({
    url: URL,
    createWebSocket: (url) => new FakeWebSocket(url) as unknown as WebSocket,
    createPeerConnection: asPeerConnectionFactory(),
    random: () => 0,
    now: () => Date.now(),
    hook,
    ...extra,
  });
  return { session, hook };
}

const joinOptions = (overrides: Partial<JoinOptions> = {}): JoinOptions => ({
  displayName: "Ada",
  media: { audio: true, video: true },
  localStream: null,
  iceConfiguration: { iceServers: [], iceTransportPolicy: "all" },
  ...overrides,
});

const peer = (id: number, polite = true, name = `P${id}`): Peer => ({
  id,
  display_name: name,
  media: { audio: true, video: true },
  polite,
  guest: false,
});

function welcome(ws: FakeWebSocket, you = 2, participants: Peer[] = [peer(1, false)]) {
  ws.serverSend({
    type: "welcome",
    version: 1,
    you,
    participants,
    mode: "peer_to_peer",
    capacity: 8,
    heartbeat_interval_ms: 1000,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  installFakeWebSocketGlobal();
  installFakeMediaStream();
  FakeWebSocket.instances = [];
  FakePeerConnection.instances = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe("CallSession call passes", () => {
  function withPass(getPass: (name: string) => Promise<string>, onPassRefused?: () => void) {
    return new CallSession({
      onPassRefused,
      url: URL,
      createWebSocket: (url, protocols) => new FakeWebSocket(url, protocols) as unknown as WebSocket,
      createPeerConnection: asPeerConnectionFactory(),
      random: () => 0,
      now: () => Date.now(),
      hook: createTestHook(),
      getPass,
    });
  }

  it("offers the pass for the joining name as a subprotocol", async () => {
    const getPass = vi.fn(async (name: string) => `pass-for-${name}`);
    const session = withPass(getPass);
    session.join(joinOptions());
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(getPass).toHaveBeenCalledWith("Ada");
    expect(FakeWebSocket.latest().protocols).toEqual(["peershare.v1", "peershare.pass.pass-for-Ada"]);
  });

  it("stops with an explanation when the server refuses a pass for good", async () => {
    const session = withPass(async () => {
      throw new ApiError(401, "guests_not_allowed", "members only");
    });
    session.join(joinOptions());
    await vi.waitFor(() => expect(session.getSnapshot().status).toBe("disconnected"));
    expect(session.getSnapshot().error?.code).toBe("guests_not_allowed");
    expect(session.getSnapshot().error?.info.title).toBe("This call is for members");
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it("ends the call for good when the room says access was revoked, and drops the pass", async () => {
    const refused = vi.fn();
    const session = withPass(async () => "old-pass", refused);
    session.join(joinOptions());
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws, 2);
    ws.serverSend({ type: "error", code: "access_revoked", category: "access", message: "you are no longer a member of this group", fatal: true });
    expect(session.getSnapshot()).toMatchObject({ status: "disconnected", participants: [] });
    expect(session.getSnapshot().error?.info).toMatchObject({ title: "You can no longer join this call", action: "home" });
    expect(refused).toHaveBeenCalledTimes(1);
    ws.serverClose(4016);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("reports a socket that closed before opening, so a cached pass is dropped, and not one that opened", async () => {
    const refused = vi.fn();
    const session = withPass(async () => "cached", refused);
    session.join(joinOptions());
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    FakeWebSocket.latest().serverClose(1006);
    expect(refused).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2));
    const second = FakeWebSocket.latest();
    second.serverOpen();
    second.serverClose(1006);
    expect(refused).toHaveBeenCalledTimes(1);
  });

  it("retries with backoff when the pass could not be fetched (network, server busy)", async () => {
    let calls = 0;
    const session = withPass(async () => {
      calls += 1;
      if (calls === 1) throw new TypeError("Failed to fetch");
      return "second";
    });
    session.join(joinOptions());
    await vi.waitFor(() => expect(session.getSnapshot().retryAttempt).toBe(1));
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(FakeWebSocket.latest().protocols).toContain("peershare.pass.second");
  });
});

describe("CallSession", () => {
  it("joins with name, protocol version and media state", () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    expect(session.getSnapshot().status).toBe("connecting");
    expect(hook.connectionState).toBe("connecting");
    const ws = FakeWebSocket.latest();
    expect(ws.url).toBe(URL);
    ws.serverOpen();
    expect(ws.sent).toEqual([
      { type: "join", version: 1, display_name: "Ada", media: { audio: true, video: true }, resume: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
  });

  it("takes a new resume key for every call it joins, kept across reconnects only", () => {
    const { session } = setup();
    session.join(joinOptions());
    const first = FakeWebSocket.latest();
    first.serverOpen();
    const key = first.sentOfType("join")[0]?.resume;
    session.leave();
    session.join(joinOptions());
    const second = FakeWebSocket.latest();
    second.serverOpen();
    expect(second.sentOfType("join")[0]?.resume).toMatch(/^[0-9a-f]{32}$/);
    expect(second.sentOfType("join")[0]?.resume).not.toBe(key);
  });

  it("is connected after welcome, with a peer connection per participant", () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws, 2, [peer(1, false, "Grace")]);
    const snap = session.getSnapshot();
    expect(snap).toMatchObject({ status: "connected", selfId: 2, capacity: 8 });
    expect(snap.participants).toMatchObject([{ id: 1, displayName: "Grace", stream: null }]);
    expect(hook).toMatchObject({ participantId: 2, connectionState: "connected" });
    expect([...hook.peerConnections.keys()]).toEqual([1]);
  });

  it("tracks participants joining, updating and leaving", () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws, 1, []);
    ws.serverSend({ type: "participant_joined", participant: peer(2, true, "Bo") });
    expect(session.getSnapshot().participants.map((p) => p.displayName)).toEqual(["Bo"]);
    ws.serverSend({ type: "participant_updated", id: 2, media: { audio: false, video: true } });
    expect(session.getSnapshot().participants[0]?.media).toEqual({ audio: false, video: true });
    expect(session.getSnapshot().participants[0]?.role).toBeNull();
    ws.serverSend({ type: "participant_role_changed", id: 2, role: "admin" });
    expect(session.getSnapshot().participants[0]?.role).toBe("admin");
    const pc = hook.peerConnections.get(2) as unknown as FakePeerConnection;
    ws.serverSend({ type: "participant_left", id: 2, reason: "left" });
    expect(session.getSnapshot().participants).toEqual([]);
    expect(hook.peerConnections.size).toBe(0);
    expect(pc.closed).toBe(true);
  });

  it("relays descriptions and candidates to and from the right peer", async () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws, 1, []);
    ws.serverSend({ type: "participant_joined", participant: peer(7) });
    ws.serverSend({ type: "description", from: 7, description: { type: "offer", sdp: "o" } });
    await vi.advanceTimersByTimeAsync(0);
    expect(ws.sentOfType("description")).toEqual([{ type: "description", to: 7, description: { type: "answer", sdp: expect.any(String) } }]);
    ws.serverSend({ type: "ice_candidate", from: 7, candidate: { candidate: "candidate:x" } });
    await vi.advanceTimersByTimeAsync(0);
    const pc = hook.peerConnections.get(7) as unknown as FakePeerConnection;
    expect(pc.candidates).toEqual([{ candidate: "candidate:x" }]);
    pc.fireCandidate(null);
    expect(ws.sentOfType("ice_candidate")).toEqual([{ type: "ice_candidate", to: 7, candidate: null }]);
  });

  it("pings at the server's interval and measures the round trip", () => {
    const { session } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws);
    // One ping straight after welcome, then one per interval.
    const [ping] = ws.sentOfType("ping");
    expect(ping).toBeDefined();
    vi.advanceTimersByTime(40);
    ws.serverSend({ type: "pong", nonce: ping?.nonce ?? -1 });
    expect(session.getSnapshot().latencyMs).toBe(40);
    vi.advanceTimersByTime(960);
    expect(ws.sentOfType("ping")).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    expect(ws.sentOfType("ping")).toHaveLength(3);
  });

  it("tells the server about mic and camera changes", () => {
    const { session } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws);
    session.setMedia({ audio: false, video: true });
    session.setMedia({ audio: false, video: true });
    expect(ws.sentOfType("media_state")).toEqual([{ type: "media_state", media: { audio: false, video: true } }]);
  });

  it("reconnects with backoff after an unexpected drop and rejoins with the current state", () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    const first = FakeWebSocket.latest();
    first.serverOpen();
    const resume = first.sentOfType("join")[0]?.resume;
    welcome(first, 2, [peer(1, false)]);
    expect(hook.welcomes).toBe(1);
    const stalePc = hook.peerConnections.get(1) as unknown as FakePeerConnection;
    session.setMedia({ audio: false, video: false });

    first.serverClose(1006);
    expect(session.getSnapshot()).toMatchObject({ status: "reconnecting", selfId: null, retryAttempt: 1 });
    expect(hook).toMatchObject({ connectionState: "reconnecting", participantId: null });

    vi.advanceTimersByTime(499);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    const second = FakeWebSocket.latest();
    expect(second).not.toBe(first);

    // The second attempt fails too: the wait doubles.
    second.serverClose(1006);
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    const third = FakeWebSocket.latest();
    third.serverOpen();
    // The same resume key: the server gives this participant their seat back.
    expect(third.sentOfType("join")[0]).toMatchObject({ display_name: "Ada", media: { audio: false, video: false }, resume });

    welcome(third, 3, [peer(1, false)]);
    expect(stalePc.closed).toBe(true);
    expect(hook.peerConnections.get(1)).not.toBe(stalePc);
    expect(session.getSnapshot()).toMatchObject({ status: "connected", selfId: 3, retryAttempt: 0 });
    expect(hook.welcomes).toBe(2);
  });

  it("keeps saying connecting while the very first attempts fail, then explains", () => {
    const { session } = setup();
    session.join(joinOptions());
    for (let i = 0; i < 4; i++) {
      FakeWebSocket.latest().serverClose(1006);
      vi.advanceTimersByTime(10_000);
    }
    expect(session.getSnapshot().status).toBe("connecting");
    expect(session.getSnapshot().notice).toMatch(/Can't reach PeerShare/);
  });

  it("stops on a fatal error and explains it", () => {
    const { session } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    ws.serverSend({ type: "error", code: "room_full", category: "capacity", message: "full (8)", fatal: true });
    ws.serverClose(4010, "room_full");
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    const snap = session.getSnapshot();
    expect(snap.status).toBe("disconnected");
    expect(snap.error).toMatchObject({ code: "room_full", detail: "full (8)", info: { title: "This call is full" } });
  });

  it("reads the error from the close code when the error frame is missing", () => {
    const { session } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    ws.serverClose(4011, "group_calls_unavailable");
    expect(session.getSnapshot().error?.code).toBe("group_calls_unavailable");
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it("shows non-fatal errors without ending the call, and ignores self-healing ones", () => {
    const { session } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws);
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    ws.serverSend({ type: "error", code: "unknown_participant", category: "invalid_request", message: "gone", fatal: false });
    expect(session.getSnapshot().notice).toBeNull();
    ws.serverSend({ type: "error", code: "malformed_message", category: "invalid_request", message: "bad", fatal: false });
    expect(session.getSnapshot()).toMatchObject({ status: "connected", notice: expect.stringMatching(/Reload/) });
    session.dismissNotice();
    expect(session.getSnapshot().notice).toBeNull();
  });

  it("leaves cleanly and can rejoin", () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws);
    session.leave();
    expect(ws.sentOfType("leave")).toHaveLength(1);
    expect(ws.closedWith?.code).toBe(1000);
    expect(session.getSnapshot().status).toBe("left");
    expect(hook).toMatchObject({ connectionState: "left", participantId: null });
    expect(hook.peerConnections.size).toBe(0);
    ws.serverClose(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);

    session.join(joinOptions());
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it("drops a connection that has gone silent", () => {
    const { session } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws);
    vi.advanceTimersByTime(4000);
    expect(session.getSnapshot().status).toBe("reconnecting");
    expect(ws.closedWith).not.toBeNull();
  });

  it("refreshes ICE servers on every peer connection", () => {
    const { session, hook } = setup();
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws, 3, [peer(1, false), peer(2, false)]);
    session.updateIceConfiguration({ iceServers: [{ urls: "turn:x", username: "u", credential: "c" }], iceTransportPolicy: "relay" });
    for (const pc of hook.peerConnections.values()) {
      const fake = pc as unknown as FakePeerConnection;
      expect(fake.restartIceCalls).toBe(1);
      expect(fake.getConfiguration().iceTransportPolicy).toBe("relay");
    }
    // New peers use the new configuration from the start.
    ws.serverSend({ type: "participant_joined", participant: peer(4) });
    expect(hook.peerConnections.get(4)?.getConfiguration().iceTransportPolicy).toBe("relay");
  });

  it("swaps local tracks on every peer connection", () => {
    const { session, hook } = setup();
    session.join(joinOptions({ localStream: fakeStream(fakeTrack("video")) }));
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws);
    const next = fakeTrack("video");
    session.setLocalStream(fakeStream(next));
    const pc = hook.peerConnections.get(1) as unknown as FakePeerConnection;
    expect(pc.transceivers.find((t) => t.kind === "video")?.sender.track).toBe(next);
  });

  it("notifies subscribers", () => {
    const { session } = setup();
    const listener = vi.fn();
    const unsubscribe = session.subscribe(listener);
    session.join(joinOptions());
    expect(listener).toHaveBeenCalled();
    unsubscribe();
    listener.mockClear();
    session.leave();
    expect(listener).not.toHaveBeenCalled();
  });
});

describe("CallSession on a media node", () => {
  it("moves onto the node make-before-break, then shows everyone through it", async () => {
    const { session, hook } = setup({
      fetch: (async () => ({ ok: true, status: 200, text: async () => '{"type":"answer","sdp":"a"}' }) as Response) as typeof fetch,
    });
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    welcome(ws, 2, [peer(1, false)]);
    const peerPc = hook.peerConnections.get(1) as unknown as FakePeerConnection;

    ws.serverSend({ type: "move_to_media_node", media_node: { url: "http://node.test/", call_id: "c", token: "t" } });
    expect(session.getSnapshot()).toMatchObject({ mode: "media_node", switching: true });
    const nodePc = hook.nodeConnection as unknown as FakePeerConnection;
    expect(nodePc).not.toBe(peerPc);
    await vi.advanceTimersByTimeAsync(0);
    nodePc.addTransceiver("audio", { direction: "recvonly" }).mid = "a1";
    nodePc.addTransceiver("video", { direction: "recvonly" }).mid = "v1";
    const tracks = [
      { mid: "a1", participant: 1, kind: "audio", source: "camera" },
      { mid: "v1", participant: 1, kind: "video", source: "camera" },
    ];
    nodePc.channels[0]?.receive({ type: "tracks", tracks });
    expect(hook.nodeTracks).toEqual({ a1: 1, v1: 1 });
    expect(session.getSnapshot().participants[0]?.stream).toBeNull();
    expect(hook.peerConnections.get(1)).toBe(peerPc);

    // Decoding video is not enough: their microphone is on too.
    nodePc.stats = [{ type: "inbound-rtp", mid: "v1", framesDecoded: 1 }];
    await vi.advanceTimersByTimeAsync(250);
    expect(session.getSnapshot().switching).toBe(true);
    nodePc.stats.push({ type: "inbound-rtp", mid: "a1", packetsReceived: 1 });
    await vi.advanceTimersByTimeAsync(250);
    expect(session.getSnapshot().switching).toBe(false);
    expect(session.getSnapshot().participants[0]?.stream).not.toBeNull();
    expect(peerPc.closed).toBe(true);
    expect(hook.peerConnections.size).toBe(0);

    session.leave();
    expect(nodePc.closed).toBe(true);
    expect(hook).toMatchObject({ nodeConnection: null, nodeTracks: {} });
  });
});

describe("CallSession when its media node is lost", () => {
  const answering = (async () => ({ ok: true, status: 200, text: async () => '{"type":"answer","sdp":"a"}' }) as Response) as typeof fetch;

  function onNode() {
    const { session, hook } = setup({ fetch: answering });
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    ws.serverSend({
      type: "welcome",
      version: 1,
      you: 3,
      participants: [peer(1, false), peer(2, false)],
      mode: "media_node",
      capacity: 8,
      heartbeat_interval_ms: 10_000,
      media_node: { url: "http://node-a.test/", call_id: "call-a", token: "t" },
    });
    const nodePc = hook.nodeConnection as unknown as FakePeerConnection;
    return { session, hook, ws, nodePc };
  }

  it("reports a link disconnected for two seconds once, and moves to the next node in its own seat", async () => {
    const { session, hook, ws, nodePc } = onNode();
    nodePc.setConnectionState("connected");
    nodePc.setConnectionState("disconnected");
    await vi.advanceTimersByTimeAsync(1_900);
    expect(ws.sentOfType("media_node_failed")).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(ws.sentOfType("media_node_failed")).toEqual([{ type: "media_node_failed", call_id: "call-a" }]);
    nodePc.setConnectionState("failed");
    expect(ws.sentOfType("media_node_failed")).toHaveLength(1);

    ws.serverSend({ type: "media_node_lost" });
    expect(session.getSnapshot()).toMatchObject({ mediaNode: "moving", status: "connected" });
    expect(nodePc.closed).toBe(true);
    expect(session.getSnapshot().participants.map((p) => p.id)).toEqual([1, 2]);

    ws.serverSend({ type: "move_to_media_node", media_node: { url: "http://node-b.test/", call_id: "call-b", token: "t2" } });
    const next = hook.nodeConnection as unknown as FakePeerConnection;
    expect(next).not.toBe(nodePc);
    expect(session.getSnapshot()).toMatchObject({ mediaNode: null, mode: "media_node", switching: false });
    expect(session.getSnapshot().participants.map((p) => p.id)).toEqual([1, 2]);
    expect(ws.sentOfType("join")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(FakeWebSocket.latest()).toBe(ws);
  });

  it("a link that recovers within the grace is not reported", async () => {
    const { ws, nodePc } = onNode();
    nodePc.setConnectionState("connected");
    nodePc.setConnectionState("disconnected");
    await vi.advanceTimersByTimeAsync(1_000);
    nodePc.setConnectionState("connected");
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ws.sentOfType("media_node_failed")).toEqual([]);
  });

  it("rejoins when the room does not answer a report in time", async () => {
    const { ws, nodePc } = onNode();
    nodePc.setConnectionState("failed");
    expect(ws.sentOfType("media_node_failed")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(12_000);
    expect(ws.closedWith).toEqual({ code: 4000, reason: "media node unreachable" });
  });

  it("shows that a node is starting until the call moves", () => {
    const { session, ws } = onNode();
    ws.serverSend({ type: "media_node_starting" });
    expect(session.getSnapshot().mediaNode).toBe("starting");
    ws.serverSend({ type: "move_to_media_node", media_node: { url: "http://node-b.test/", call_id: "call-b", token: "t2" } });
    expect(session.getSnapshot().mediaNode).toBeNull();
  });
});

describe("CallSession recording", () => {
  const asking = { phase: "asking" as const, started_by: 1, since_ms: 1_700_000_000_000, recorded: [1], waiting: [2], declined: [] };

  function joined(extra: Partial<CallSessionDeps> = {}, recording: typeof asking | null = null) {
    const { session } = setup(extra);
    session.join(joinOptions());
    const ws = FakeWebSocket.latest();
    ws.serverOpen();
    ws.serverSend({
      type: "welcome",
      version: 1,
      you: 2,
      participants: [peer(1, false, "Grace"), peer(3, true, "Bob")],
      mode: "peer_to_peer",
      capacity: 8,
      heartbeat_interval_ms: 1000,
      recording,
    });
    return { session, ws };
  }

  it("takes the role from the call pass and follows changes to it", () => {
    const { session, ws } = joined({ passRole: () => "member" });
    expect(session.getSnapshot().selfRole).toBe("member");
    ws.serverSend({ type: "participant_role_changed", id: 2, role: "admin" });
    expect(session.getSnapshot().selfRole).toBe("admin");
    expect(session.getSnapshot().participants.map((p) => p.role)).toEqual([null, null]);
  });

  it("knows of a recording asked for before it joined (a newcomer is prompted), and follows every change", () => {
    const { session, ws } = joined({}, asking);
    expect(session.getSnapshot().recording).toEqual(asking);
    const running = { ...asking, phase: "recording" as const, recorded: [1, 2], waiting: [] };
    ws.serverSend({ type: "recording_changed", recording: running });
    expect(session.getSnapshot().recording).toEqual(running);
    ws.serverSend({ type: "recording_changed", recording: null });
    expect(session.getSnapshot().recording).toBeNull();
  });

  it("sends start, stop and answers", () => {
    const { session, ws } = joined();
    session.startRecording();
    session.answerRecording(true);
    session.answerRecording(false);
    session.stopRecording();
    expect(ws.sent.filter((m) => m.type !== "join" && m.type !== "ping")).toEqual([
      { type: "start_recording" },
      { type: "recording_consent", allow: true },
      { type: "recording_consent", allow: false },
      { type: "stop_recording" },
    ]);
  });

  it("tells the asker why the request ended, with names", () => {
    const { session, ws } = joined();
    ws.serverSend({ type: "recording_request_ended", reason: { kind: "declined", by: 3, display_name: "Bob" } });
    expect(session.getSnapshot().notice).toBe("Bob declined recording. Nothing was recorded.");
    ws.serverSend({ type: "recording_request_ended", reason: { kind: "timed_out", waiting: [1, 3] } });
    expect(session.getSnapshot().notice).toBe("Not everyone answered in time (no answer from Grace and Bob). Nothing was recorded.");
  });

  it("shows refusals of recording commands, and a rate limit only right after one", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { session, ws } = joined();
    ws.serverSend({ type: "error", code: "rate_limited", category: "overload", message: "slow down", fatal: false });
    expect(session.getSnapshot().notice).toBeNull();
    session.startRecording();
    ws.serverSend({ type: "error", code: "rate_limited", category: "overload", message: "a request to record ended less than 10 s ago; ask again later", fatal: false });
    expect(session.getSnapshot().notice).toBe("Please wait before asking again: a request to record ended less than 10 s ago; ask again later.");
    ws.serverSend({
      type: "error",
      code: "recording_not_allowed",
      category: "access",
      message: "in this group, only admins and owners may start a recording",
      fatal: false,
    });
    expect(session.getSnapshot()).toMatchObject({
      status: "connected",
      notice: "Recording isn't allowed: in this group, only admins and owners may start a recording.",
    });
    warn.mockRestore();
  });

  it("forgets the recording when leaving, and sends nothing while not connected", () => {
    const { session, ws } = joined({}, asking);
    session.leave();
    expect(session.getSnapshot().recording).toBeNull();
    const sent = ws.sent.length;
    session.startRecording();
    expect(ws.sent).toHaveLength(sent);
  });
});

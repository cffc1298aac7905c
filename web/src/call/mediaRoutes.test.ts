import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ForwardedTrack, MediaState } from "../protocol/generated";
import { FakePeerConnection, asPeerConnectionFactory, installFakeMediaStream } from "../test/fakePeerConnection";
import { SILENT_AFTER_MS } from "./silenceWatch";
import { MediaRoutes, type MediaPatches, type MediaRoutesHost, type RoutedParticipant, STATS_POLL_MS, SWITCH_DEADLINE_MS } from "./mediaRoutes";

const ACCESS = { url: "http://node.test/", call_id: "c1", token: "t" };
const CAMERA_ONLY: MediaState = { audio: false, video: true };

/** A host that applies patches to its own participants and records everything it is told. */
function setup(participants: RoutedParticipant[] = [], fetchImpl: typeof fetch = answeringFetch) {
  const people = new Map(participants.map((p) => [p.id, { ...p }]));
  const apply = (patches: MediaPatches) => {
    for (const [id, patch] of patches) {
      const p = people.get(id);
      if (p && patch.speaking !== undefined) p.speaking = patch.speaking;
    }
  };
  const host = {
    participants: () => people.values(),
    signal: vi.fn<MediaRoutesHost["signal"]>(),
    patch: vi.fn<MediaRoutesHost["patch"]>(apply),
    switched: vi.fn<MediaRoutesHost["switched"]>(apply),
    nodeTracksChanged: vi.fn<MediaRoutesHost["nodeTracksChanged"]>(),
    nodeFailed: vi.fn<MediaRoutesHost["nodeFailed"]>(),
    repairing: vi.fn<MediaRoutesHost["repairing"]>(),
  };
  const routes = new MediaRoutes(host, { createPeerConnection: asPeerConnectionFactory(), fetch: fetchImpl, now: () => Date.now() });
  return { routes, host };
}

/** The node's HTTP API: answers every offer. */
const answeringFetch = (async () =>
  ({ ok: true, status: 200, text: async () => JSON.stringify({ type: "answer", sdp: "node-answer" }) }) as Response) as typeof fetch;

const latestPc = () => FakePeerConnection.instances.at(-1) as FakePeerConnection;

/** Joins the node and has it forward `tracks`; returns the node's connection. */
async function joinNode(routes: MediaRoutes, switching: boolean, tracks: ForwardedTrack[]): Promise<FakePeerConnection> {
  routes.useNode(ACCESS, switching);
  const pc = latestPc();
  await vi.advanceTimersByTimeAsync(0);
  for (const track of tracks) {
    const transceiver = pc.addTransceiver(track.kind, { direction: "recvonly" });
    transceiver.mid = track.mid;
  }
  pc.channels[0]?.receive({ type: "tracks", tracks });
  return pc;
}

const video = (participant: number): ForwardedTrack => ({ mid: `v${participant}`, participant, kind: "video", source: "camera" });
const audio = (participant: number): ForwardedTrack => ({ mid: `a${participant}`, participant, kind: "audio", source: "camera" });

beforeEach(() => {
  vi.useFakeTimers();
  installFakeMediaStream();
  FakePeerConnection.instances = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe("MediaRoutes, peer to peer", () => {
  it("opens a peer link per peer and closes it when they go", () => {
    const { routes } = setup();
    routes.addPeer(1, false);
    routes.addPeer(2, true);
    const [first, second] = FakePeerConnection.instances;
    expect([...routes.peerConnections()]).toEqual([
      [1, first],
      [2, second],
    ]);
    routes.removePeer(1);
    expect(first?.closed).toBe(true);
    expect(second?.closed).toBe(false);
    expect([...routes.peerConnections().keys()]).toEqual([2]);
  });

  it("relays each link's signals to its peer and reports its state for that peer", () => {
    const { routes, host } = setup();
    routes.addPeer(7, true);
    const pc = latestPc();
    pc.fireCandidate(null);
    expect(host.signal).toHaveBeenCalledWith({ type: "ice_candidate", to: 7, candidate: null });
    pc.setConnectionState("connected");
    expect(host.patch).toHaveBeenCalledWith(new Map([[7, { linkState: "connected" }]]));
  });

  it("uses the latest local stream and ICE servers for new links", () => {
    const { routes } = setup();
    routes.updateIceConfiguration({ iceServers: [], iceTransportPolicy: "relay" });
    routes.addPeer(1, false);
    expect(latestPc().getConfiguration().iceTransportPolicy).toBe("relay");
  });
});

describe("MediaRoutes, switching onto the media node", () => {
  it("keeps the peer links until every node track decodes, then closes them", async () => {
    const { routes, host } = setup([{ id: 1, media: CAMERA_ONLY, speaking: false }]);
    routes.addPeer(1, false);
    const peerPc = latestPc();
    const nodePc = await joinNode(routes, true, [video(1)]);
    expect(routes.nodeConnection()).toBe(nodePc);
    expect(host.nodeTracksChanged).toHaveBeenCalled();
    // While switching, the node's streams wait: the peer link still carries the tile.
    expect(host.patch).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(STATS_POLL_MS * 4);
    expect(host.switched).not.toHaveBeenCalled();
    expect(peerPc.closed).toBe(false);

    nodePc.stats = [{ type: "inbound-rtp", mid: "v1", framesDecoded: 1 }];
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS);
    expect(peerPc.closed).toBe(true);
    expect(routes.peerConnections().size).toBe(0);
    expect(host.switched).toHaveBeenCalledTimes(1);
    const patch = host.switched.mock.calls[0]?.[0].get(1);
    expect(patch?.stream?.getTracks()).toEqual([nodePc.transceivers.find((t) => t.mid === "v1")?.receiver.track]);
    expect(patch?.linkState).toBe("new");

    // Switched: the node's states now reach everyone.
    nodePc.setConnectionState("connected");
    expect(host.patch).toHaveBeenCalledWith(new Map([[1, { linkState: "connected" }]]));
  });

  it("switches anyway once the deadline passes", async () => {
    const { routes, host } = setup([{ id: 1, media: CAMERA_ONLY, speaking: false }]);
    // Polite: its connect watchdog (longer than the deadline) stays quiet.
    routes.addPeer(1, true);
    const peerPc = latestPc();
    await joinNode(routes, true, [video(1)]);
    await vi.advanceTimersByTimeAsync(SWITCH_DEADLINE_MS);
    expect(peerPc.closed).toBe(false);
    expect(host.switched).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS);
    expect(peerPc.closed).toBe(true);
    expect(host.switched).toHaveBeenCalledTimes(1);
  });

  it("hands the node's streams on at once when not switching", async () => {
    const { routes, host } = setup([{ id: 1, media: CAMERA_ONLY, speaking: false }]);
    await joinNode(routes, false, [video(1)]);
    expect(host.patch).toHaveBeenCalledWith(new Map([[1, { stream: routes.mediaOf(1).stream }]]));
    expect(routes.mediaOf(1).stream).not.toBeNull();
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS);
    expect(host.switched).not.toHaveBeenCalled();
  });

  it("puts every tile back to connecting when the node is dropped, since its tracks end", async () => {
    const { routes, host } = setup([{ id: 1, media: CAMERA_ONLY, speaking: false }, { id: 2, media: CAMERA_ONLY, speaking: false }]);
    await joinNode(routes, false, [video(1), video(2)]);
    host.patch.mockClear();
    routes.dropNode();
    const connecting = { stream: null, linkState: "connecting" };
    expect(host.patch).toHaveBeenCalledWith(new Map([[1, connecting], [2, connecting]]));
    host.patch.mockClear();
    routes.dropNode();
    expect(host.patch, "nothing more to drop").not.toHaveBeenCalled();
  });

  it("reports a node that cannot be joined", async () => {
    const { routes, host } = setup([], (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch);
    routes.useNode(ACCESS, false);
    await vi.advanceTimersByTimeAsync(0);
    expect(host.nodeFailed).toHaveBeenCalledWith(expect.any(TypeError));
  });
});

describe("MediaRoutes, stats polling", () => {
  it("reports who starts and stops speaking, once per change", async () => {
    const { routes, host } = setup([{ id: 1, media: { audio: true, video: false }, speaking: false }]);
    const nodePc = await joinNode(routes, false, [audio(1)]);
    host.patch.mockClear();
    nodePc.stats = [{ type: "inbound-rtp", mid: "a1", packetsReceived: 10, audioLevel: 0.4 }];
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS * 3);
    expect(host.patch.mock.calls).toEqual([[new Map([[1, { speaking: true }]])]]);
    nodePc.stats = [{ type: "inbound-rtp", mid: "a1", packetsReceived: 20, audioLevel: 0 }];
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS);
    expect(host.patch).toHaveBeenLastCalledWith(new Map([[1, { speaking: false }]]));
  });

  it("stops polling and closes every link when closed", async () => {
    const { routes } = setup([{ id: 1, media: CAMERA_ONLY, speaking: false }]);
    routes.addPeer(1, false);
    const peerPc = latestPc();
    const nodePc = await joinNode(routes, true, [video(1)]);
    const getStats = vi.spyOn(nodePc, "getStats");
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS);
    expect(getStats).toHaveBeenCalledTimes(1);
    routes.closeAll();
    expect(peerPc.closed).toBe(true);
    expect(nodePc.closed).toBe(true);
    expect(routes.nodeConnection()).toBeNull();
    expect(routes.nodeTracks().size).toBe(0);
    await vi.advanceTimersByTimeAsync(SWITCH_DEADLINE_MS * 2);
    expect(getStats).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("MediaRoutes, a node link that is connected but silent", () => {
  const MIC_ON: MediaState = { audio: true, video: false };

  it("asks the node to renegotiate, then rejoins when that brings nothing", async () => {
    const { routes, host } = setup([{ id: 2, media: MIC_ON, speaking: false }]);
    const pc = await joinNode(routes, false, [audio(2)]);
    pc.channels[0]?.open();
    pc.setConnectionState("connected");
    // The m-line was never opened (the node's offer was lost): no inbound-rtp for it at all.
    await vi.advanceTimersByTimeAsync(SILENT_AFTER_MS - STATS_POLL_MS);
    expect(routes.silentLinkRepairs()).toBe(0);
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS * 2);
    expect(routes.silentLinkRepairs()).toBe(1);
    expect(host.repairing).toHaveBeenCalledTimes(1);
    expect(pc.channels[0]?.sent.filter((m) => (m as { type: string }).type === "offer")).toHaveLength(1);
    expect(pc.signalingState).toBe("have-local-offer");
    // The node's answer is applied.
    pc.channels[0]?.receive({ type: "answer", sdp: "node-answer" });
    await vi.advanceTimersByTimeAsync(0);
    expect(pc.signalingState).toBe("stable");
    // The node lists the track again under a new mid: still the same silent participant.
    pc.channels[0]?.receive({ type: "tracks", tracks: [{ ...audio(2), mid: "a2-again" }] });
    // The answer completed a renegotiation: the link gets a full period from then.
    await vi.advanceTimersByTimeAsync(SILENT_AFTER_MS - STATS_POLL_MS);
    expect(host.nodeFailed).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(STATS_POLL_MS * 2);
    expect(host.nodeFailed).toHaveBeenCalledTimes(1);
    expect(routes.silentLinkRepairs()).toBe(1);
  });

  it("leaves alone a link whose audio flows, and tracks of people whose microphone is off", async () => {
    const { routes, host } = setup([
      { id: 2, media: MIC_ON, speaking: false },
      { id: 3, media: CAMERA_ONLY, speaking: false },
    ]);
    const pc = await joinNode(routes, false, [audio(2), audio(3)]);
    pc.setConnectionState("connected");
    for (let packets = 1; packets <= 100; packets++) {
      pc.stats = [{ type: "inbound-rtp", mid: "a2", packetsReceived: packets * 12 }];
      await vi.advanceTimersByTimeAsync(STATS_POLL_MS);
    }
    expect(routes.silentLinkRepairs()).toBe(0);
    expect(host.nodeFailed).not.toHaveBeenCalled();
    expect(host.repairing).not.toHaveBeenCalled();
  });
});

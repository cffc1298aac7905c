import { beforeEach, describe, expect, it, vi } from "vitest";
import type { IceCandidate, SessionDescription } from "../protocol/generated";
import {
  FakePeerConnection,
  asPeerConnectionFactory,
  fakeStream,
  fakeTrack,
  installFakeMediaStream,
} from "../test/fakePeerConnection";
import { CONNECT_WATCHDOG_MS, FIRST_OFFER_GRACE_MS, PeerLink, type PeerLinkEvents } from "./peerLink";

type Signal = { description: SessionDescription } | { candidate: IceCandidate | null };

function events(outbox: Signal[], overrides: Partial<PeerLinkEvents> = {}): PeerLinkEvents {
  return {
    sendDescription: (description) => outbox.push({ description }),
    sendCandidate: (candidate) => outbox.push({ candidate }),
    remoteStream: () => undefined,
    connectionState: () => undefined,
    ...overrides,
  };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

async function deliver(outbox: Signal[], to: PeerLink) {
  while (outbox.length > 0) {
    const signal = outbox.shift() as Signal;
    if ("description" in signal) await to.handleDescription(signal.description);
    else await to.handleCandidate(signal.candidate);
    await flush();
  }
}

const pcOf = (link: PeerLink) => link.pc as unknown as FakePeerConnection;

beforeEach(() => {
  installFakeMediaStream();
  FakePeerConnection.instances = [];
});

describe("PeerLink", () => {
  it("sends local tracks, or receives only when there are none", () => {
    const audio = fakeTrack("audio");
    const withAudio = new PeerLink(1, true, {}, fakeStream(audio), events([]), asPeerConnectionFactory());
    expect(pcOf(withAudio).transceivers.map((t) => [t.kind, t.direction])).toEqual([
      ["audio", "sendrecv"],
      ["video", "recvonly"],
    ]);
    const none = new PeerLink(2, true, {}, null, events([]), asPeerConnectionFactory());
    expect(pcOf(none).transceivers.map((t) => t.direction)).toEqual(["recvonly", "recvonly"]);
  });

  it("uses the ICE configuration it is given", () => {
    const config: RTCConfiguration = { iceServers: [{ urls: ["turn:t"] }], iceTransportPolicy: "relay" };
    const link = new PeerLink(1, true, config, null, events([]), asPeerConnectionFactory());
    expect(link.pc.getConfiguration()).toEqual(config);
  });

  it("offers on negotiationneeded and the other side answers", async () => {
    const aOut: Signal[] = [];
    const bOut: Signal[] = [];
    const a = new PeerLink(2, false, {}, null, events(aOut), asPeerConnectionFactory());
    const b = new PeerLink(1, true, {}, null, events(bOut), asPeerConnectionFactory());
    pcOf(a).onnegotiationneeded?.();
    await flush();
    expect(aOut).toEqual([{ description: { type: "offer", sdp: expect.any(String) } }]);
    await deliver(aOut, b);
    expect(bOut).toEqual([{ description: { type: "answer", sdp: expect.any(String) } }]);
    await deliver(bOut, a);
    expect(pcOf(a).signalingState).toBe("stable");
    expect(pcOf(b).signalingState).toBe("stable");
  });

  it("lets the impolite newcomer make the first offer", async () => {
    vi.useFakeTimers();
    try {
      const politeOut: Signal[] = [];
      const impoliteOut: Signal[] = [];
      const polite = new PeerLink(1, true, {}, null, events(politeOut), asPeerConnectionFactory());
      const impolite = new PeerLink(2, false, {}, null, events(impoliteOut), asPeerConnectionFactory());
      pcOf(polite).onnegotiationneeded?.();
      pcOf(impolite).onnegotiationneeded?.();
      await vi.advanceTimersByTimeAsync(0);
      expect(politeOut).toEqual([]);
      await deliver(impoliteOut, polite);
      expect(politeOut).toEqual([{ description: { type: "answer", sdp: expect.any(String) } }]);
      // No offer of its own later either: the answer covered it.
      await vi.advanceTimersByTimeAsync(FIRST_OFFER_GRACE_MS * 2);
      expect(politeOut).toHaveLength(1);
      polite.close();
      impolite.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("makes the first offer itself when polite and none arrives in time", async () => {
    vi.useFakeTimers();
    try {
      const out: Signal[] = [];
      const polite = new PeerLink(1, true, {}, null, events(out), asPeerConnectionFactory());
      pcOf(polite).onnegotiationneeded?.();
      await vi.advanceTimersByTimeAsync(FIRST_OFFER_GRACE_MS - 1);
      expect(out).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(out).toEqual([{ description: { type: "offer", sdp: expect.any(String) } }]);
      polite.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("resolves offer glare: the polite side rolls back, the impolite side ignores", async () => {
    const impoliteOut: Signal[] = [];
    const politeOut: Signal[] = [];
    const impolite = new PeerLink(1, false, {}, null, events(impoliteOut), asPeerConnectionFactory());
    const polite = new PeerLink(2, true, {}, null, events(politeOut), asPeerConnectionFactory());
    // First negotiation, started by the impolite side.
    pcOf(impolite).onnegotiationneeded?.();
    await flush();
    await deliver(impoliteOut, polite);
    await deliver(politeOut, impolite);
    pcOf(polite).log.length = 0;

    // Later both start an offer at the same time (say, both restart ICE).
    pcOf(impolite).onnegotiationneeded?.();
    pcOf(polite).onnegotiationneeded?.();
    await flush();
    expect(impoliteOut[0]).toMatchObject({ description: { type: "offer" } });
    expect(politeOut[0]).toMatchObject({ description: { type: "offer" } });

    // Crossing offers: the impolite side ignores the polite one's...
    await deliver(politeOut, impolite);
    expect(pcOf(impolite).signalingState).toBe("have-local-offer");

    // ...and the polite side rolls back its own and answers.
    await deliver(impoliteOut, polite);
    expect(pcOf(polite).log).toEqual(["local offer", "rollback", "remote offer", "local answer"]);

    await deliver(politeOut, impolite);
    expect(pcOf(impolite).signalingState).toBe("stable");
    expect(pcOf(polite).signalingState).toBe("stable");
    impolite.close();
    polite.close();
  });

  it("restarts ICE when the connection does not come up in time, until it does", async () => {
    vi.useFakeTimers();
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const link = new PeerLink(1, false, {}, null, events([]), asPeerConnectionFactory());
      await vi.advanceTimersByTimeAsync(CONNECT_WATCHDOG_MS.impolite);
      expect(pcOf(link).restartIceCalls).toBe(1);
      await vi.advanceTimersByTimeAsync(CONNECT_WATCHDOG_MS.impolite);
      expect(pcOf(link).restartIceCalls).toBe(2);
      pcOf(link).setConnectionState("connected");
      await vi.advanceTimersByTimeAsync(CONNECT_WATCHDOG_MS.impolite * 3);
      expect(pcOf(link).restartIceCalls).toBe(2);
      // Lost again: the watchdog is back.
      pcOf(link).setConnectionState("disconnected");
      await vi.advanceTimersByTimeAsync(CONNECT_WATCHDOG_MS.impolite);
      expect(pcOf(link).restartIceCalls).toBe(3);
      link.close();
      await vi.advanceTimersByTimeAsync(CONNECT_WATCHDOG_MS.impolite * 3);
      expect(pcOf(link).restartIceCalls).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("swallows candidates for an offer it ignored", async () => {
    const link = new PeerLink(1, false, {}, null, events([]), asPeerConnectionFactory());
    pcOf(link).onnegotiationneeded?.();
    await flush();
    await link.handleDescription({ type: "offer", sdp: "theirs" });
    await expect(link.handleCandidate({ candidate: "candidate:1" })).resolves.toBeUndefined();
  });

  it("reports candidate failures when the offer was not ignored", async () => {
    const link = new PeerLink(1, true, {}, null, events([]), asPeerConnectionFactory());
    await expect(link.handleCandidate({ candidate: "candidate:1" })).rejects.toThrow();
  });

  it("passes end-of-candidates through as null", async () => {
    const out: Signal[] = [];
    const link = new PeerLink(1, true, {}, null, events(out), asPeerConnectionFactory());
    pcOf(link).fireCandidate({ candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host", sdpMid: "0", sdpMLineIndex: 0 });
    pcOf(link).fireCandidate(null);
    expect(out).toEqual([
      {
        candidate: {
          candidate: "candidate:1 1 udp 1 1.2.3.4 5 typ host",
          sdpMid: "0",
          sdpMLineIndex: 0,
          usernameFragment: null,
        },
      },
      { candidate: null },
    ]);
    await link.handleDescription({ type: "offer", sdp: "x" });
    await link.handleCandidate(null);
    expect(pcOf(link).candidates).toEqual([undefined]);
  });

  it("replaces tracks and starts sending when a device appears", () => {
    const first = fakeTrack("video");
    const link = new PeerLink(1, true, {}, fakeStream(first), events([]), asPeerConnectionFactory());
    const [audioT, videoT] = pcOf(link).transceivers;
    const mic = fakeTrack("audio");
    const second = fakeTrack("video");
    link.setLocalStream(fakeStream(mic, second));
    expect(videoT?.sender.track).toBe(second);
    expect(audioT?.sender.track).toBe(mic);
    expect(audioT?.direction).toBe("sendrecv");
  });

  it("applies fresh ICE servers and restarts ICE", () => {
    const link = new PeerLink(1, true, { bundlePolicy: "max-bundle" }, null, events([]), asPeerConnectionFactory());
    link.updateIceServers({ iceServers: [{ urls: "turn:new" }], iceTransportPolicy: "relay" });
    expect(link.pc.getConfiguration()).toEqual({
      bundlePolicy: "max-bundle",
      iceServers: [{ urls: "turn:new" }],
      iceTransportPolicy: "relay",
    });
    expect(pcOf(link).restartIceCalls).toBe(1);
  });

  it("restarts ICE when it fails", () => {
    const link = new PeerLink(1, true, {}, null, events([]), asPeerConnectionFactory());
    pcOf(link).iceConnectionState = "failed";
    pcOf(link).oniceconnectionstatechange?.();
    expect(pcOf(link).restartIceCalls).toBe(1);
  });

  it("collects remote tracks into one stream and reports state", () => {
    const remoteStream = vi.fn();
    const connectionState = vi.fn();
    const link = new PeerLink(1, true, {}, null, events([], { remoteStream, connectionState }), asPeerConnectionFactory());
    pcOf(link).fireTrack(fakeTrack("audio"));
    pcOf(link).fireTrack(fakeTrack("video"));
    const stream = remoteStream.mock.lastCall?.[0] as MediaStream;
    expect(stream.getTracks().map((t) => t.kind)).toEqual(["audio", "video"]);
    pcOf(link).setConnectionState("connected");
    expect(connectionState).toHaveBeenCalledWith("connected");
  });

  it("goes quiet once closed", async () => {
    const out: Signal[] = [];
    const link = new PeerLink(1, true, {}, null, events(out), asPeerConnectionFactory());
    link.close();
    expect(pcOf(link).closed).toBe(true);
    await link.handleDescription({ type: "offer", sdp: "x" });
    expect(out).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { expectedAudio, isSpeaking, readNodeStats, switchReady, type NodeTrack } from "./mediaStats";

// Trimmed from a real Chromium getStats() on a node link with two remote participants
// (7: camera and microphone, 9: microphone only), plus the entries that are not inbound media.
const REPORT: Record<string, unknown>[] = [
  { type: "transport", id: "T01", dtlsState: "connected" },
  { type: "candidate-pair", id: "CP1", state: "succeeded", currentRoundTripTime: 0.002 },
  { type: "inbound-rtp", id: "IT01V1", kind: "video", mid: "2", framesDecoded: 112, packetsReceived: 640, frameWidth: 320 },
  { type: "inbound-rtp", id: "IT01A1", kind: "audio", mid: "3", packetsReceived: 251, audioLevel: 0.21 },
  { type: "inbound-rtp", id: "IT01A2", kind: "audio", mid: "5", packetsReceived: 250, audioLevel: 0.004 },
  { type: "inbound-rtp", id: "IT01V2", kind: "video", mid: "4", framesDecoded: 0, packetsReceived: 0 },
  { type: "inbound-rtp", id: "IT01X", kind: "video", mid: "99", framesDecoded: 40, packetsReceived: 200 },
  { type: "outbound-rtp", id: "OT01V", kind: "video", mid: "0", framesEncoded: 300 },
];

const TRACKS = new Map<string, NodeTrack>([
  ["2", { participant: 7, kind: "video" }],
  ["3", { participant: 7, kind: "audio" }],
  ["4", { participant: 9, kind: "video" }],
  ["5", { participant: 9, kind: "audio" }],
]);

describe("readNodeStats", () => {
  const stats = readNodeStats(REPORT, TRACKS);

  it("finds whose video decodes and whose audio arrives, by the node's track table", () => {
    expect([...stats.decoding]).toEqual([7]);
    expect([...stats.hearing].sort()).toEqual([7, 9]);
  });

  it("ignores tracks the node never announced and everything that is not inbound media", () => {
    expect(stats.decoding.size + stats.hearing.size).toBe(3);
  });

  it("tells speaking from silence by the audio level", () => {
    expect(isSpeaking(stats, 7)).toBe(true);
    expect(isSpeaking(stats, 9)).toBe(false);
    expect(isSpeaking(stats, 11)).toBe(false);
  });
});

describe("switchReady", () => {
  const stats = readNodeStats(REPORT, TRACKS);

  it("waits for every camera that is on to decode and every microphone that is on to be heard", () => {
    const on = { audio: true, video: true };
    expect(switchReady(stats, [{ id: 7, media: on }])).toBe(true);
    expect(switchReady(stats, [{ id: 7, media: on }, { id: 9, media: on }])).toBe(false);
    expect(switchReady(stats, [{ id: 7, media: on }, { id: 9, media: { audio: true, video: false } }])).toBe(true);
    expect(switchReady(stats, [])).toBe(true);
  });
});

describe("expectedAudio", () => {
  it("says whether each participant who should be heard has been, and not for a track never opened", () => {
    const tracks = new Map<string, NodeTrack>([...TRACKS, ["8", { participant: 11, kind: "audio" }], ["10", { participant: 12, kind: "audio" }]]);
    const people = [
      { id: 7, media: { audio: true, video: true } },
      { id: 9, media: { audio: false, video: false } },
      { id: 11, media: { audio: true, video: false } },
    ];
    // 9 is muted and 12 is not in the call (any more): neither is expected.
    expect(expectedAudio(readNodeStats(REPORT, tracks), tracks, people)).toEqual(new Map([[7, true], [11, false]]));
  });
});

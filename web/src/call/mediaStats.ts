/**
 * What the media node link's getStats() says about each participant: whose video decodes,
 * whose audio arrives, who is speaking. Pure functions over a stats report and the node's track
 * table, so they are tested on recorded reports, and the call session only acts on the answer.
 */

import type { MediaState } from "../protocol/generated";

/** Audio level (0–1, from getStats) above which a participant counts as speaking. */
export const SPEAKING_LEVEL = 0.03;

/** What one node track carries: whose, and which kind. */
export type NodeTrack = { participant: number; kind: "audio" | "video" | string };

/** Per participant, what arrives from the node. */
export type NodeMediaStats = {
  /** Participants with at least one decoded video frame. */
  decoding: Set<number>;
  /** Participants with at least one received audio packet. */
  hearing: Set<number>;
  /** Participants' latest audio level (0–1). */
  levels: Map<number, number>;
};

/** Reads `report` (the node link's getStats) through `tracks` (mid → track). */
export function readNodeStats(report: Iterable<Record<string, unknown>>, tracks: ReadonlyMap<string, NodeTrack>): NodeMediaStats {
  const stats: NodeMediaStats = { decoding: new Set(), hearing: new Set(), levels: new Map() };
  for (const stat of report) {
    if (stat.type !== "inbound-rtp" || typeof stat.mid !== "string") continue;
    const track = tracks.get(stat.mid);
    if (!track) continue;
    if (track.kind === "video" && Number(stat.framesDecoded ?? 0) > 0) stats.decoding.add(track.participant);
    if (track.kind === "audio") {
      if (Number(stat.packetsReceived ?? 0) > 0) stats.hearing.add(track.participant);
      stats.levels.set(track.participant, Number(stat.audioLevel ?? 0));
    }
  }
  return stats;
}

/**
 * Whether a switch onto the node can complete: everyone whose camera is on decodes through it,
 * and everyone whose microphone is on is heard through it.
 */
export function switchReady(stats: NodeMediaStats, participants: Iterable<{ id: number; media: MediaState }>): boolean {
  for (const p of participants) {
    if (p.media.video && !stats.decoding.has(p.id)) return false;
    if (p.media.audio && !stats.hearing.has(p.id)) return false;
  }
  return true;
}

/**
 * Whether each participant who should be heard now has been (any audio packet from the node):
 * they are here with their microphone on and the node announced an audio track of theirs.
 */
export function expectedAudio(
  stats: NodeMediaStats,
  tracks: ReadonlyMap<string, NodeTrack>,
  participants: Iterable<{ id: number; media: MediaState }>,
): Map<number, boolean> {
  const announced = new Set(Array.from(tracks.values()).filter((t) => t.kind === "audio").map((t) => t.participant));
  const expected = new Map<number, boolean>();
  for (const p of participants) if (p.media.audio && announced.has(p.id)) expected.set(p.id, stats.hearing.has(p.id));
  return expected;
}

/** Whether `participant` is speaking now. */
export function isSpeaking(stats: NodeMediaStats, participant: number): boolean {
  return (stats.levels.get(participant) ?? 0) > SPEAKING_LEVEL;
}

/** The entries of an RTCStatsReport (a Map-like of stats objects). */
export function statsEntries(report: RTCStatsReport): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = [];
  report.forEach((stat: Record<string, unknown>) => entries.push(stat));
  return entries;
}

/** Reading a call's state out of a PeerShare tab: WebRTC stats through the client's test hook. */
import { expect, type Page } from '@playwright/test';

export interface PeerStats {
  participantId: number;
  connectionState: string;
  framesDecoded: number;
  audioPacketsReceived: number;
  localCandidateType: string | null;
  remoteCandidateType: string | null;
}

/** Stats of every peer connection in the tab, from `RTCPeerConnection.getStats()`. */
export async function peerStats(page: Page): Promise<PeerStats[]> {
  return page.evaluate(async () => {
    type Hook = { peerConnections: Map<number, RTCPeerConnection> };
    const hook = (window as unknown as { __peershare?: Hook }).__peershare;
    if (!hook) return [];
    const out = [];
    for (const [participantId, pc] of hook.peerConnections) {
      const report = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown>) => byId.set(s.id as string, s));
      let framesDecoded = 0;
      let audioPacketsReceived = 0;
      let pairId: string | undefined;
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += (s.framesDecoded as number) ?? 0;
        if (s.type === 'inbound-rtp' && s.kind === 'audio') audioPacketsReceived += (s.packetsReceived as number) ?? 0;
        if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId as string;
      });
      const pair = pairId ? byId.get(pairId) : undefined;
      const local = pair ? byId.get(pair.localCandidateId as string) : undefined;
      const remote = pair ? byId.get(pair.remoteCandidateId as string) : undefined;
      out.push({
        participantId,
        connectionState: pc.connectionState,
        framesDecoded,
        audioPacketsReceived,
        localCandidateType: (local?.candidateType as string) ?? null,
        remoteCandidateType: (remote?.candidateType as string) ?? null,
      });
    }
    return out;
  });
}

/**
 * Waits until the tab receives video and audio from `peers` other participants and both keep
 * flowing: decoded frames and audio packets grow past a first reading.
 */
export async function expectMediaFlowing(page: Page, peers: number, label: string): Promise<PeerStats[]> {
  let first: PeerStats[] = [];
  await expect
    .poll(async () => {
      first = await peerStats(page);
      return first.filter((s) => s.framesDecoded > 0 && s.audioPacketsReceived > 0).length;
    }, { message: `${label}: video decodes and audio arrives from ${peers} peer(s)`, timeout: 90_000 })
    .toBe(peers);
  let later: PeerStats[] = [];
  await expect
    .poll(async () => {
      later = await peerStats(page);
      return later.every((s) => {
        const before = first.find((f) => f.participantId === s.participantId);
        return before !== undefined && s.framesDecoded >= before.framesDecoded + 20 && s.audioPacketsReceived >= before.audioPacketsReceived + 20;
      }) && later.length === peers;
    }, { message: `${label}: frames and audio packets keep growing`, timeout: 60_000 })
    .toBe(true);
  return later;
}

/** Opens the call's pre-join screen, enters a name and presses "Join call". */
export async function joinCall(page: Page, callUrl: string, name: string): Promise<void> {
  await page.goto(callUrl);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join call' }).click();
  await expect(page.getByRole('button', { name: 'Leave call' })).toBeVisible();
}

export interface NodeStats {
  /** The participant whose tracks these are. */
  participantId: number;
  framesDecoded: number;
  audioPacketsReceived: number;
  /** Width of the last decoded frame (the simulcast layer the node forwards). */
  frameWidth: number;
}

/** Stats of what the tab receives from the media node, per sending participant. */
export async function nodeStats(page: Page): Promise<NodeStats[]> {
  return page.evaluate(async () => {
    type Hook = { nodeConnection: RTCPeerConnection | null; nodeTracks: Record<string, number> };
    const hook = (window as unknown as { __peershare?: Hook }).__peershare;
    if (!hook?.nodeConnection) return [];
    const report = await hook.nodeConnection.getStats();
    const byParticipant = new Map<number, { framesDecoded: number; audioPacketsReceived: number; frameWidth: number }>();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp' || typeof s.mid !== 'string') return;
      const participantId = hook.nodeTracks[s.mid];
      if (participantId === undefined) return;
      const entry = byParticipant.get(participantId) ?? { framesDecoded: 0, audioPacketsReceived: 0, frameWidth: 0 };
      if (s.kind === 'video') {
        entry.framesDecoded += (s.framesDecoded as number) ?? 0;
        entry.frameWidth = Math.max(entry.frameWidth, (s.frameWidth as number) ?? 0);
      }
      if (s.kind === 'audio') entry.audioPacketsReceived += (s.packetsReceived as number) ?? 0;
      byParticipant.set(participantId, entry);
    });
    return [...byParticipant].map(([participantId, e]) => ({ participantId, ...e }));
  });
}

/**
 * Waits until the tab decodes video and receives audio from each of `others` through the media
 * node, and both keep flowing.
 */
export async function expectNodeMediaFlowing(page: Page, others: number[], label: string): Promise<NodeStats[]> {
  const flowing = (stats: NodeStats[]) =>
    others.every((id) => stats.some((s) => s.participantId === id && s.framesDecoded > 0 && s.audioPacketsReceived > 0));
  let first: NodeStats[] = [];
  await expect
    .poll(async () => flowing((first = await nodeStats(page))), {
      message: `${label}: video decodes and audio arrives from participants ${others.join(', ')} through the media node`,
      timeout: 90_000,
    })
    .toBe(true);
  let later: NodeStats[] = [];
  await expect
    .poll(async () => {
      later = await nodeStats(page);
      return others.every((id) => {
        const before = first.find((s) => s.participantId === id);
        const now = later.find((s) => s.participantId === id);
        return before && now && now.framesDecoded >= before.framesDecoded + 10 && now.audioPacketsReceived >= before.audioPacketsReceived + 10;
      });
    }, { message: `${label}: frames and audio packets from the node keep growing`, timeout: 60_000 })
    .toBe(true);
  return later;
}

/** This tab's participant id in the call. */
export async function participantId(page: Page): Promise<number> {
  const id = await page.evaluate(() => (window as unknown as { __peershare?: { participantId: number | null } }).__peershare?.participantId ?? null);
  if (id === null) throw new Error('not in a call');
  return id;
}

/** How media flows in the tab's call: "peer_to_peer", "media_node" or null. */
export async function callMode(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as { __peershare?: { callMode: string | null } }).__peershare?.callMode ?? null);
}

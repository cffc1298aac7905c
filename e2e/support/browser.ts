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
  try {
    await expect
      .poll(async () => flowing((first = await nodeStats(page))), {
        message: `${label}: video decodes and audio arrives from participants ${others.join(', ')} through the media node`,
        timeout: 90_000,
      })
      .toBe(true);
  } catch (error) {
    throw new Error(`${String(error)}\nlast stats: ${JSON.stringify(first)}\n${await nodeDiagnostics(page)}`);
  }
  let later: NodeStats[] = [];
  try {
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
  } catch (error) {
    throw new Error(`${String(error)}\nbefore: ${JSON.stringify(first)}\nafter: ${JSON.stringify(later)}\n${await nodeDiagnostics(page)}`);
  }
  return later;
}

/** The tab's node track map and its video RTP stats, for failure messages. */
async function nodeDiagnostics(page: Page): Promise<string> {
  const tracks = await page.evaluate(() => (window as unknown as { __peershare?: { nodeTracks: unknown } }).__peershare?.nodeTracks);
  const rtp = await page.evaluate(async () => {
    const pc = (window as unknown as { __peershare?: { nodeConnection: RTCPeerConnection | null } }).__peershare?.nodeConnection;
    if (!pc) return null;
    const out: unknown[] = [];
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        out.push({ rid: s.rid, frames: s.framesEncoded, key: s.keyFramesEncoded, w: s.frameWidth, limit: s.qualityLimitationReason, pli: s.pliCount, fir: s.firCount, active: s.active });
      }
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.push({ in: s.mid, packets: s.packetsReceived, lost: s.packetsLost, frames: s.framesReceived, dropped: s.framesDropped, decoded: s.framesDecoded, key: s.keyFramesDecoded, pli: s.pliCount, fir: s.firCount, nack: s.nackCount });
      }
      if (s.type === 'candidate-pair' && s.nominated) {
        out.push({ pair: s.state, rtt: s.currentRoundTripTime, outgoing: s.availableOutgoingBitrate });
      }
    });
    return out;
  });
  return `node tracks: ${JSON.stringify(tracks)}\nvideo rtp: ${JSON.stringify(rtp)}`;
}

/** This tab's participant id in the call, once it has been welcomed. */
export async function participantId(page: Page): Promise<number> {
  const read = () => page.evaluate(() => (window as unknown as { __peershare?: { participantId: number | null } }).__peershare?.participantId ?? null);
  await expect.poll(read, { message: 'the tab is welcomed into the call', timeout: 90_000, intervals: [50] }).not.toBeNull();
  return (await read()) as number;
}

/** How many times the server has welcomed the tab into its call (1, then +1 per reconnect). */
export async function welcomes(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __peershare?: { welcomes: number } }).__peershare?.welcomes ?? 0);
}

/** How media flows in the tab's call: "peer_to_peer", "media_node" or null. */
export async function callMode(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as { __peershare?: { callMode: string | null } }).__peershare?.callMode ?? null);
}

/**
 * Watches the decoded frames of one participant's video in the tab (requestVideoFrameCallback on
 * its <video>) and reports the longest gap between two frames once stopped.
 */
export function startFreezeWatch(page: Page, participantId: number): { stop(): Promise<number> } {
  const started = page.evaluate((id) => {
    const w = window as unknown as { __freeze?: { last: number; longest: number; stop: boolean } };
    const state = { last: 0, longest: 0, stop: false };
    w.__freeze = state;
    const video = document.querySelector(`video[data-participant-id="${id}"]`) as HTMLVideoElement | null;
    if (!video) throw new Error(`no video for participant ${id}`);
    const onFrame = (now: number) => {
      if (state.last > 0) state.longest = Math.max(state.longest, now - state.last);
      state.last = now;
      if (!state.stop) video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }, participantId);
  return {
    async stop() {
      await started;
      return page.evaluate(() => {
        const w = window as unknown as { __freeze?: { longest: number; stop: boolean } };
        if (!w.__freeze) return Number.POSITIVE_INFINITY;
        w.__freeze.stop = true;
        return Math.round(w.__freeze.longest);
      });
    },
  };
}

/** From a group page: the call button, then the pre-join screen with the profile's name. */
export async function joinGroupCall(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: /^(Start|Join) call$/ }).click();
  await expect(page).toHaveURL(/\/c\/g_[A-Za-z0-9_-]+$/);
  await expect(page.getByLabel('Your name')).toHaveValue(name);
  await page.getByRole('button', { name: 'Join call' }).click();
  await expect(page.getByRole('button', { name: 'Leave call' })).toBeVisible();
}

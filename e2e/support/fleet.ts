/**
 * A `peershare dev --media-fleet` server's node processes, seen from a test: how many are
 * registered, which process serves a tab's node, and the loss of that node measured from the
 * tabs' own WebRTC stats.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect } from './test';
import { nodeStats, participantId, welcomes } from './browser';

/** Media nodes registered with the server (its `/healthz`). */
export async function mediaNodes(serverUrl: string): Promise<number> {
  const health = (await (await fetch(`${serverUrl}/healthz`)).json()) as { media_nodes?: number };
  if (health.media_nodes === undefined) throw new Error('the server runs no media-node fleet');
  return health.media_nodes;
}

/** The media node URL the tab's call runs on. */
export async function nodeUrl(page: Page): Promise<string | null> {
  return page.evaluate(() => (window as unknown as { __peershare?: { nodeUrl: string | null } }).__peershare?.nodeUrl ?? null);
}

/**
 * The process of the node at `url`: a proxied node's (`/api/media-nodes/{id}`) by the id on its
 * command line, a node reached directly by the port it listens on.
 */
export function nodePid(url: string): number {
  const proxied = /^\/api\/media-nodes\/([A-Za-z0-9._-]+)$/.exec(url)?.[1];
  return proxied ? pidOfNode(proxied) : pidListeningOn(Number(new URL(url).port));
}

/** The `peershare-media-node` process started with `--node-id id`. */
function pidOfNode(id: string): number {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let args: string[];
    try {
      args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const named = args.findIndex((arg, i) => arg === '--node-id' && args[i + 1] === id);
    if (args[0]?.endsWith('peershare-media-node') && named >= 0) return Number(pid);
  }
  throw new Error(`no media node process ${id}`);
}

/** The process listening on TCP `port` on this machine (read from /proc: sockets → owners). */
export function pidListeningOn(port: number): number {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // Field 1 is the local address, 3 the state (0A: listening), 9 the socket's inode.
      .filter((fields) => fields[1]?.endsWith(hex) && fields[3] === '0A')
      .map((fields) => fields[9]),
  );
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode && inodes.has(inode)) return Number(pid);
      } catch {
        // The descriptor closed meanwhile.
      }
    }
  }
  throw new Error(`no process listens on port ${port}`);
}

/**
 * Kills (SIGKILL) the node the first tab's call runs on, then waits until every tab decodes
 * video and receives audio from every other through another node, with the same participant ids
 * and no rejoin. Returns, per tab, the time from the kill to it decoding everyone again.
 */
export async function killNodeAndRecover(tabs: Page[]): Promise<number[]> {
  const before = await Promise.all(tabs.map(async (tab) => ({ id: await participantId(tab), welcomes: await welcomes(tab), url: await nodeUrl(tab) })));
  const lostUrl = before[0].url;
  if (!lostUrl) throw new Error('the call is not on a media node');
  expect(before.every((tab) => tab.url === lostUrl), 'a call never spans nodes').toBe(true);
  // What each tab decoded so far from each other participant, on the node about to die.
  const decodedBefore = await Promise.all(tabs.map((tab) => nodeStats(tab)));
  const killedAt = Date.now();
  process.kill(nodePid(lostUrl), 'SIGKILL');
  const recoveredAt: number[] = [];
  await Promise.all(
    tabs.map(async (tab, i) => {
      const others = before.filter((_, j) => j !== i).map((t) => t.id);
      await expect
        .poll(
          async () => {
            if ((await nodeUrl(tab)) === lostUrl) return false;
            const stats = await nodeStats(tab);
            return others.every((id) => stats.some((s) => s.participantId === id && s.framesDecoded > 0 && s.audioPacketsReceived > 0));
          },
          { message: `tab ${i + 1} decodes everyone again through another node`, timeout: 90_000, intervals: [100] },
        )
        .toBe(true);
      recoveredAt[i] = Date.now();
      expect(await participantId(tab), 'the same participant id').toBe(before[i].id);
      expect(await welcomes(tab), 'no rejoin: the room moved the tab').toBe(before[i].welcomes);
    }),
  );
  expect(decodedBefore.every((stats) => stats.length === tabs.length - 1), 'everyone decoded everyone before the kill').toBe(true);
  return recoveredAt.map((at) => at - killedAt);
}

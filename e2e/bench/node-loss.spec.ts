/**
 * Benchmark (not a test) of the media-node fleet of `peershare dev --media-fleet`:
 * - node loss: three tabs on a node; the node is killed (SIGKILL); per tab, the time until it
 *   decodes video and receives audio from every other through another node (BENCH_RUNS kills of
 *   one call, the fleet back to its warm minimum in between);
 * - scale from zero: no node running, two tabs talking peer-to-peer, a third presses "Join call":
 *   the time until every tab decodes every other through the node started for it.
 * Writes BENCH_OUT as JSON.
 */
import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { joinCall, nodeStats, participantId } from '../support/browser';
import { killNodeAndRecover, mediaNodes } from '../support/fleet';
import { startPeershare } from '../support/peershare';

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

const names = ['Ada', 'Bob', 'Cy'];

test('media-node fleet: node loss and scale from zero', async ({ browser }) => {
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  const perTab: number[] = [];
  const perKill: number[] = [];
  const server = await startPeershare(['--media-fleet', '3', '--warm-nodes', '2', '--node-heartbeat-ms', '1000'], 'bench-node-loss');
  try {
    await expect.poll(() => mediaNodes(server.url), { timeout: 60_000 }).toBe(2);
    const tabs = await Promise.all(names.map(async () => (await browser.newContext()).newPage()));
    const callUrl = `${server.url}/c/bench-node-loss-${Date.now()}`;
    for (const [i, tab] of tabs.entries()) await joinCall(tab, callUrl, names[i]);
    for (const tab of tabs) await participantId(tab);
    await expect.poll(async () => (await Promise.all(tabs.map(nodeStats))).every((s) => s.filter((t) => t.framesDecoded > 0).length === 2), { timeout: 90_000 }).toBe(true);
    for (let run = 0; run < runs; run++) {
      await expect.poll(() => mediaNodes(server.url), { message: 'back to two nodes', timeout: 60_000 }).toBe(2);
      const times = await killNodeAndRecover(tabs);
      perTab.push(...times);
      perKill.push(Math.max(...times));
      console.log(`kill ${run + 1}/${runs}: tabs decode everyone again after ${times.join(', ')} ms`);
    }
  } finally {
    await server.stop();
  }

  const coldMs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const cold = await startPeershare(['--media-fleet', '1', '--node-heartbeat-ms', '1000'], 'bench-cold-start');
    try {
      const tabs = await Promise.all(names.map(async () => (await browser.newContext()).newPage()));
      const callUrl = `${cold.url}/c/bench-cold-${Date.now()}`;
      await joinCall(tabs[0], callUrl, 'Ada');
      await joinCall(tabs[1], callUrl, 'Bob');
      expect(await mediaNodes(cold.url)).toBe(0);
      const cy = tabs[2];
      await cy.goto(callUrl);
      await cy.getByLabel('Your name').fill('Cy');
      const clicked = Date.now();
      await cy.getByRole('button', { name: 'Join call' }).click();
      await expect
        .poll(async () => (await Promise.all(tabs.map(nodeStats))).every((s) => s.filter((t) => t.framesDecoded > 0).length === 2), { timeout: 90_000, intervals: [100] })
        .toBe(true);
      coldMs.push(Date.now() - clicked);
      console.log(`scale from zero ${run + 1}/3: everyone decodes everyone through the new node ${coldMs.at(-1)} ms after Join call`);
      await Promise.all(tabs.map((tab) => tab.context().close()));
    } finally {
      await cold.stop();
    }
  }

  const tabsSorted = [...perTab].sort((a, b) => a - b);
  const killsSorted = [...perKill].sort((a, b) => a - b);
  const coldSorted = [...coldMs].sort((a, b) => a - b);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    kills: runs,
    node_loss_per_tab_ms: perTab,
    node_loss_p50_ms: quantile(tabsSorted, 0.5),
    node_loss_p95_ms: quantile(tabsSorted, 0.95),
    node_loss_max_ms: tabsSorted[tabsSorted.length - 1],
    node_loss_last_tab_p50_ms: quantile(killsSorted, 0.5),
    scale_from_zero_ms: coldMs,
    scale_from_zero_p50_ms: quantile(coldSorted, 0.5),
  };
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
});

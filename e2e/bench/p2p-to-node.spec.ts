/**
 * Benchmark (not a test): two tabs talk peer-to-peer, a third joins and the call moves to the
 * media node. Per run: time from the third tab's "Join call" to every tab decoding every other
 * participant's video through the node (and, for reference, to the third tab being welcomed
 * into the call), and the longest gap between frames presented by the
 * two original tabs across the switch. Writes BENCH_OUT as JSON.
 */
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { joinCall, nodeStats, participantId, peerStats, startFreezeWatch } from '../support/browser';
import { startPeershare } from '../support/peershare';

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** Whether `page` decodes video from each of `others` through the node. */
async function decodesAll(page: Page, others: number[]): Promise<boolean> {
  const stats = await nodeStats(page);
  return others.every((id) => stats.some((s) => s.participantId === id && s.framesDecoded > 0));
}

test('peer-to-peer to media node switch', async ({ browser }) => {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const server = await startPeershare([], 'bench-p2p-to-node');
  const switchMs: number[] = [];
  const welcomedMs: number[] = [];
  const gapMs: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const contexts = await Promise.all([0, 1, 2].map(() => browser.newContext({ viewport: { width: 1280, height: 800 } })));
      const [ada, bob, cy] = await Promise.all(contexts.map((c) => c.newPage()));
      const callUrl = `${server.url}/c/bench-switch-${Date.now()}-${i}`;
      await joinCall(ada, callUrl, 'Ada');
      await joinCall(bob, callUrl, 'Bob');
      await expect.poll(async () => (await peerStats(ada)).some((s) => s.framesDecoded > 0), { timeout: 90_000 }).toBe(true);
      await expect.poll(async () => (await peerStats(bob)).some((s) => s.framesDecoded > 0), { timeout: 90_000 }).toBe(true);
      const [adaId, bobId] = [await participantId(ada), await participantId(bob)];
      const watchAda = startFreezeWatch(ada, bobId);
      const watchBob = startFreezeWatch(bob, adaId);

      await cy.goto(callUrl);
      await cy.getByLabel('Your name').fill('Cy');
      await expect.poll(() => cy.evaluate(() => [...document.querySelectorAll('video')].some((v) => v.readyState >= 2))).toBe(true);
      const clicked = Date.now();
      await cy.getByRole('button', { name: 'Join call' }).click();
      const cyId = await participantId(cy);
      welcomedMs.push(Date.now() - clicked);
      const everyone = async () =>
        (await decodesAll(ada, [bobId, cyId])) && (await decodesAll(bob, [adaId, cyId])) && (await decodesAll(cy, [adaId, bobId]));
      await expect.poll(everyone, { timeout: 90_000, intervals: [50] }).toBe(true);
      switchMs.push(Date.now() - clicked);
      // Let the peer links close and the node carry the call for a moment before reading gaps.
      await expect.poll(async () => (await peerStats(ada)).length + (await peerStats(bob)).length, { timeout: 60_000 }).toBe(0);
      gapMs.push(Math.max(await watchAda.stop(), await watchBob.stop()));
      console.log(`run ${i + 1}/${runs}: all decode everyone ${switchMs.at(-1)} ms after Join call; longest gap ${gapMs.at(-1)} ms`);
      await Promise.all(contexts.map((c) => c.close()));
    }
  } finally {
    await server.stop();
  }
  const s = [...switchMs].sort((a, b) => a - b);
  const g = [...gapMs].sort((a, b) => a - b);
  const afterWelcome = switchMs.map((ms, i) => ms - welcomedMs[i]);
  const w = [...afterWelcome].sort((a, b) => a - b);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    runs,
    welcomed_ms: welcomedMs,
    all_decode_ms: switchMs,
    all_decode_p50_ms: quantile(s, 0.5),
    all_decode_max_ms: s[s.length - 1],
    after_welcome_ms: afterWelcome,
    after_welcome_p50_ms: quantile(w, 0.5),
    after_welcome_max_ms: w[w.length - 1],
    longest_gap_ms: gapMs,
    longest_gap_p50_ms: quantile(g, 0.5),
    longest_gap_max_ms: g[g.length - 1],
  };
  writeFileSync(process.env.BENCH_OUT ?? 'p2p-to-node.json', JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
});

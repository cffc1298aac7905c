/**
 * Benchmark (not a test): time from pressing "Join call" in the second tab to the first remote
 * video frame presented there, over BENCH_RUNS fresh calls. Writes BENCH_OUT as JSON.
 */
import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { joinCall } from '../support/browser';
import { startPeershare } from '../support/peershare';

/** Records the click on "Join call" and the first frame presented by a remote <video>. */
const instrument = () => {
  const w = window as unknown as { __bench: { clickAt?: number; firstFrameAt?: number } };
  w.__bench = {};
  document.addEventListener(
    'click',
    (e) => {
      const button = (e.target as Element | null)?.closest('button');
      if (button?.textContent?.trim() === 'Join call' && w.__bench.clickAt === undefined) w.__bench.clickAt = performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    for (const v of document.querySelectorAll<HTMLVideoElement>('video[data-participant-id]')) {
      if ((v as unknown as { watched?: boolean }).watched) continue;
      (v as unknown as { watched?: boolean }).watched = true;
      v.requestVideoFrameCallback((now) => {
        if (w.__bench.firstFrameAt === undefined) w.__bench.firstFrameAt = now;
      });
    }
  }).observe(document, { subtree: true, childList: true });
};

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

test('first remote frame after Join call', async ({ browser }) => {
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  const server = await startPeershare([], 'bench-first-frame');
  const samples: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const first = await browser.newContext();
      const second = await browser.newContext();
      await second.addInitScript(instrument);
      const ada = await first.newPage();
      const bob = await second.newPage();
      const callUrl = `${server.url}/c/bench-${Date.now()}-${i}`;
      await joinCall(ada, callUrl, 'Ada');
      await bob.goto(callUrl);
      await bob.getByLabel('Your name').fill('Bob');
      // Preview running, devices ready: the state a person is in when they press the button.
      await expect.poll(() => bob.evaluate(() => [...document.querySelectorAll('video')].some((v) => v.readyState >= 2))).toBe(true);
      await bob.getByRole('button', { name: 'Join call' }).click();
      const timing = await expect
        .poll(() => bob.evaluate(() => (window as unknown as { __bench: { clickAt?: number; firstFrameAt?: number } }).__bench), {
          timeout: 60_000,
        })
        .toHaveProperty('firstFrameAt')
        .then(() => bob.evaluate(() => (window as unknown as { __bench: { clickAt: number; firstFrameAt: number } }).__bench));
      samples.push(timing.firstFrameAt - timing.clickAt);
      console.log(`run ${i + 1}/${runs}: ${(timing.firstFrameAt - timing.clickAt).toFixed(0)} ms`);
      await first.close();
      await second.close();
    }
  } finally {
    await server.stop();
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    runs,
    samples_ms: samples.map((s) => Math.round(s)),
    p50_ms: quantile(sorted, 0.5),
    max_ms: sorted[sorted.length - 1],
    min_ms: sorted[0],
  };
  const out = process.env.BENCH_OUT ?? 'first-frame.json';
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(JSON.stringify(result));
});

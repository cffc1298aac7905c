/**
 * Eight people in one call on the media node, on this two-core machine, with Chromium's default
 * fake camera: everyone decodes everyone's audio and video, verified from WebRTC stats.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/test';
import { expectNodeMediaFlowing, joinCall, participantId } from '../support/browser';
import { startPeershare, type Peershare } from '../support/peershare';
import { captureAtAllSizes } from '../support/screenshots';

let server: Peershare;


test.beforeAll(async () => {
  server = await startPeershare([], 'eight-person-call');
});

test.afterAll(async () => {
  await server?.stop();
});

test('eight participants all see and hear each other through the media node', async ({ browser }) => {
  test.setTimeout(600_000);
  const pages: Page[] = [];
  const problems: string[] = [];
  for (let i = 0; i < 8; i++) {
    const page = await (await browser.newContext({ viewport: { width: 640, height: 400 } })).newPage();
    page.on('console', (message) => {
      const text = message.text();
      if (message.type() !== 'warning') return;
      // A silent link repaired (renegotiated or rejoined) is the safety net working: reported, not failed.
      if (text.includes('silent')) console.log(`Person ${i + 1}: ${text}`);
      else if (text.includes('media node') || text.includes('simulcast')) problems.push(`Person ${i + 1}: ${text}`);
    });
    pages.push(page);
  }
  await pages[0].goto(server.url);
  await pages[0].getByRole('button', { name: 'Start a call' }).click();
  await expect(pages[0]).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = pages[0].url();
  for (const [i, page] of pages.entries()) await joinCall(page, callUrl, `Person ${i + 1}`);
  const ids: number[] = [];
  for (const page of pages) ids.push(await participantId(page));
  for (const [i, page] of pages.entries()) {
    await expectNodeMediaFlowing(page, ids.filter((id) => id !== ids[i]), `Person ${i + 1}`);
  }
  await expect(pages[0].getByText('8 participants')).toBeVisible();
  expect(problems, 'no failed renegotiation or layer change').toEqual([]);
  await captureAtAllSizes(pages[0], 'group-call-8');
});

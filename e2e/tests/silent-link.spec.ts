/**
 * A media node link that is connected but silent is repaired, not waited out: here one tab's
 * first node link drops every renegotiation offer the node sends on its data channel (as a
 * renegotiation lost on the way would), so the node's tracks never open there. The tab notices
 * the silence from its WebRTC stats, asks the node to renegotiate, and when that brings
 * nothing, joins the node again; then everyone decodes everyone.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../support/test';
import { expectNodeMediaFlowing, joinCall, participantId } from '../support/browser';
import { startPeershare, type Peershare } from '../support/peershare';

let server: Peershare;

test.beforeAll(async () => {
  server = await startPeershare([], 'silent-link');
});

test.afterAll(async () => {
  await server?.stop();
});

/** Makes the page's first `peershare` data channel swallow the node's `offer` messages. */
async function dropOffersOnFirstNodeLink(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const state = window as unknown as { __droppedNodeOffers: number };
    state.__droppedNodeOffers = 0;
    const create = RTCPeerConnection.prototype.createDataChannel;
    let first = true;
    RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
      const channel = create.call(this, label, init);
      if (label !== 'peershare' || !first) return channel;
      first = false;
      let handler: ((event: MessageEvent) => void) | null = null;
      channel.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data === 'string' && (JSON.parse(event.data) as { type?: string }).type === 'offer') {
          state.__droppedNodeOffers += 1;
          return;
        }
        handler?.call(channel, event);
      });
      Object.defineProperty(channel, 'onmessage', { get: () => handler, set: (h: typeof handler) => { handler = h; } });
      return channel;
    };
  });
}

test('a tab whose node link stays silent renegotiates, then rejoins the node, and everyone decodes everyone', async ({ browser }) => {
  const open = async () => (await browser.newContext({ viewport: { width: 960, height: 600 } })).newPage();
  const [ada, bob, cy] = [await open(), await open(), await open()];
  await dropOffersOnFirstNodeLink(cy);
  await ada.goto(server.url);
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = ada.url();
  for (const [page, name] of [[ada, 'Ada'], [bob, 'Bob'], [cy, 'Cy']] as const) await joinCall(page, callUrl, name);
  const hook = (page: Page) =>
    page.evaluate(() => {
      const w = window as unknown as { __peershare?: { silentLinkRepairs: number; welcomes: number }; __droppedNodeOffers?: number };
      return { repairs: w.__peershare?.silentLinkRepairs ?? 0, welcomes: w.__peershare?.welcomes ?? 0, dropped: w.__droppedNodeOffers ?? 0 };
    });
  await expect
    .poll(async () => (await hook(cy)).welcomes, { message: 'Cy joins again after the silent link', timeout: 90_000 })
    .toBeGreaterThanOrEqual(2);
  const repaired = await hook(cy);
  expect(repaired.dropped, 'the node offered, and the first link swallowed it').toBeGreaterThanOrEqual(1);
  expect(repaired.repairs, 'Cy asked the node to renegotiate before it rejoined').toBeGreaterThanOrEqual(1);
  const ids = [await participantId(ada), await participantId(bob), await participantId(cy)];
  for (const [i, page] of [ada, bob, cy].entries()) {
    await expectNodeMediaFlowing(page, ids.filter((id) => id !== ids[i]), ['Ada', 'Bob', 'Cy'][i]);
  }
  const after = await hook(ada);
  expect(after.repairs, 'a healthy link needs no repair').toBe(0);
});

/** Calls played out the same way against every host (`peershare dev`, the Worker in workerd). */
import { expect, type Browser, type Page } from '@playwright/test';
import { callMode, expectNodeMediaFlowing, joinCall, participantId, peerStats } from './browser';

/**
 * Ada and Bob talk peer-to-peer; Cy joins and the call moves to the media node without anyone
 * reloading; everyone decodes everyone (WebRTC stats), the peer link closes; Cy leaves and the
 * other two go on on the node. `atThree` runs while all three are in the call.
 */
export async function thirdPersonMovesTheCallToTheNode(
  browser: Browser,
  siteUrl: string,
  atThree: (pages: { ada: Page; bob: Page; cy: Page }) => Promise<void> = async () => {},
): Promise<void> {
  const open = async () => (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const [ada, bob, cy] = [await open(), await open(), await open()];
  await ada.goto(siteUrl);
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = ada.url();

  await joinCall(ada, callUrl, 'Ada Lovelace');
  await joinCall(bob, callUrl, 'Bob Kahn');
  await expect.poll(async () => (await peerStats(ada)).some((s) => s.framesDecoded > 0), { message: 'Ada and Bob talk peer-to-peer first', timeout: 90_000 }).toBe(true);
  await expect.poll(async () => (await peerStats(bob)).some((s) => s.framesDecoded > 0), { message: 'Bob decodes Ada peer-to-peer', timeout: 90_000 }).toBe(true);

  await joinCall(cy, callUrl, 'Cy Young');
  const ids = { ada: await participantId(ada), bob: await participantId(bob), cy: await participantId(cy) };
  for (const [page, name] of [[ada, 'Ada'], [bob, 'Bob'], [cy, 'Cy']] as const) {
    await expect.poll(() => callMode(page), { message: `${name} is on the media node` }).toBe('media_node');
  }
  await expectNodeMediaFlowing(ada, [ids.bob, ids.cy], 'Ada');
  await expectNodeMediaFlowing(bob, [ids.ada, ids.cy], 'Bob');
  await expectNodeMediaFlowing(cy, [ids.ada, ids.bob], 'Cy');

  // Make-before-break done: the peer link between Ada and Bob is closed.
  await expect.poll(async () => (await peerStats(ada)).length, { message: 'Ada closed her peer link' }).toBe(0);
  await expect.poll(async () => (await peerStats(bob)).length, { message: 'Bob closed his peer link' }).toBe(0);
  await expect(ada.getByText('3 participants')).toBeVisible();
  await expect(ada.getByText('Group call server')).toBeVisible();
  await atThree({ ada, bob, cy });

  // Back to two: the call stays on the node and keeps flowing.
  await cy.getByRole('button', { name: 'Leave call' }).click();
  await expect(ada.getByText('2 participants')).toBeVisible();
  await expectNodeMediaFlowing(ada, [ids.bob], 'Ada after Cy left');
  await expect.poll(() => callMode(ada)).toBe('media_node');
}

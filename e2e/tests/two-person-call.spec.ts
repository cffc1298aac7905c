/** Two tabs join the same link and see and hear each other, verified from WebRTC stats. */
import { expect, test } from '../support/test';
import { expectMediaFlowing, joinCall, peerStats } from '../support/browser';
import { startPeershare, type Peershare } from '../support/peershare';
import { captureAtAllSizes } from '../support/screenshots';

let server: Peershare;

test.beforeAll(async () => {
  server = await startPeershare([], 'two-person-call');
});

test.afterAll(async () => {
  await server?.stop();
});

test('two tabs on the same link see and hear each other', async ({ browser }) => {
  const ada = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const bob = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();

  await ada.goto(server.url);
  await expect(ada.getByRole('button', { name: 'Start a call' })).toBeVisible();
  await captureAtAllSizes(ada, 'landing');
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = ada.url();
  await expect(ada.getByLabel('Your name')).toBeVisible();
  await expect(ada.getByRole('button', { name: 'Join call' })).toBeVisible();
  // Wait for the camera preview to play before capturing the pre-join screen.
  await expect.poll(() => ada.evaluate(() => [...document.querySelectorAll('video')].some((v) => v.readyState >= 2))).toBe(true);
  await captureAtAllSizes(ada, 'prejoin');

  await joinCall(ada, callUrl, 'Ada Lovelace');
  await joinCall(bob, callUrl, 'Bob Kahn');

  const adaStats = await expectMediaFlowing(ada, 1, 'Ada');
  const bobStats = await expectMediaFlowing(bob, 1, 'Bob');
  expect(adaStats[0].connectionState).toBe('connected');
  expect(bobStats[0].connectionState).toBe('connected');

  // Names are shown on the tiles and the count is right.
  await expect(ada.getByText('Bob Kahn')).toBeVisible();
  await expect(bob.getByText('Ada Lovelace')).toBeVisible();
  await expect(ada.getByText('2 participants')).toBeVisible();
  await expect.poll(() => ada.evaluate(() => [...document.querySelectorAll('video[data-participant-id]')].some((v) => (v as HTMLVideoElement).videoWidth > 0))).toBe(true);
  await captureAtAllSizes(ada, 'call');

  // Muting the microphone is announced to the other side.
  await ada.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(ada.getByRole('button', { name: 'Unmute microphone' })).toHaveAttribute('aria-pressed', 'true');
  await expect(bob.getByLabel(/Ada Lovelace.*microphone off|microphone off.*Ada Lovelace/i).first()).toBeVisible();

  // Leaving ends the peer connection on the other side.
  await bob.getByRole('button', { name: 'Leave call' }).click();
  await expect.poll(async () => (await peerStats(ada)).length, { message: 'Ada drops the peer connection to Bob' }).toBe(0);
  await expect(ada.getByText('1 participant', { exact: true })).toBeVisible();
});

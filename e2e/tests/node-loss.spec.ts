/**
 * A media node dies mid-call (SIGKILL): with `peershare dev --media-fleet`, three tabs on node A
 * end up decoding each other through node B by themselves — the same participant ids, no reload,
 * no rejoin — verified from WebRTC stats. Then B dies too and the call moves again (the fleet
 * started a replacement meanwhile: its warm minimum is two).
 */
import { expect, test } from '../support/test';
import { expectNodeMediaFlowing, joinCall, participantId } from '../support/browser';
import { killNodeAndRecover, mediaNodes } from '../support/fleet';
import { startPeershare, type Peershare } from '../support/peershare';

let server: Peershare;

test.beforeAll(async () => {
  server = await startPeershare(['--media-fleet', '3', '--warm-nodes', '2', '--node-heartbeat-ms', '1000'], 'node-loss');
});

test.afterAll(async () => {
  await server?.stop();
});

test('when the call\'s media node is killed, every tab decodes every other again through another node, in its own seat', async ({ browser }) => {
  await expect.poll(() => mediaNodes(server.url), { message: 'two warm nodes registered', timeout: 60_000 }).toBe(2);
  const tabs = await Promise.all([1, 2, 3].map(async () => (await browser.newContext()).newPage()));
  const [ada] = tabs;
  await ada.goto(server.url);
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = ada.url();
  for (const [page, name] of tabs.map((tab, i) => [tab, ['Ada', 'Bob', 'Cy'][i]] as const)) await joinCall(page, callUrl, name);
  const ids = await Promise.all(tabs.map((tab) => participantId(tab)));
  for (const [i, tab] of tabs.entries()) await expectNodeMediaFlowing(tab, ids.filter((_, j) => j !== i), `tab ${i + 1} on node A`);

  const first = await killNodeAndRecover(tabs);
  console.log(`node loss: kill → each tab decoding every other through another node in ${first.join(', ')} ms`);
  await expect.poll(() => mediaNodes(server.url), { message: 'the fleet is back to its warm minimum', timeout: 60_000 }).toBe(2);
  const second = await killNodeAndRecover(tabs);
  console.log(`second node loss: ${second.join(', ')} ms`);
});

/**
 * The fleet through the Worker: the rooms are Durable Objects in workerd that ask the API's
 * allocator for call sessions (`MEDIA_FLEET=api`), and pages and rooms reach the nodes through the
 * API's proxy (`/api/media-nodes/{node}`, TLS pinned to each node's own certificate). No media
 * node runs at first: the third person's join starts one (the room waits, "pending", on its
 * alarm) and the call moves there. Then that node is killed (SIGKILL): the fleet starts another, and every tab decodes every
 * other through it — the same participant ids, no reload, no rejoin — verified from WebRTC stats.
 */
import { expect, test } from '../support/test';
import { expectNodeMediaFlowing, joinCall, participantId } from '../support/browser';
import { startEdgeWithFleet, type Edge } from '../support/edge';
import { killNodeAndRecover, mediaNodes, nodeUrl } from '../support/fleet';

let edge: Edge;

test.beforeAll(async () => {
  edge = await startEdgeWithFleet('edge-node-loss', ['--media-fleet', '2', '--node-heartbeat-ms', '1000']);
});

test.afterAll(async () => {
  await edge?.stop();
});

test('through the Worker, a group call starts a media node from zero, and when it is killed the call moves to a new one by itself', async ({ browser }) => {
  expect(await mediaNodes(edge.apiUrl), 'no media node runs while nobody calls').toBe(0);
  const tabs = await Promise.all([1, 2, 3].map(async () => (await browser.newContext()).newPage()));
  const [ada] = tabs;
  await ada.goto(edge.url);
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = ada.url();
  for (const [page, name] of tabs.map((tab, i) => [tab, ['Ada', 'Bob', 'Cy'][i]] as const)) await joinCall(page, callUrl, name);
  const ids = await Promise.all(tabs.map((tab) => participantId(tab)));
  for (const [i, tab] of tabs.entries()) await expectNodeMediaFlowing(tab, ids.filter((_, j) => j !== i), `tab ${i + 1} on the first node`);
  expect(await mediaNodes(edge.apiUrl), 'the call started exactly one node').toBe(1);
  expect(await nodeUrl(ada), 'the page reaches its node through its own site').toMatch(/^\/api\/media-nodes\/[A-Za-z0-9._-]+$/);
  // The room is the Worker's: the API behind it has nobody in that call.
  const call = new URL(callUrl).pathname.split('/').pop();
  const inCall = async (origin: string) => (await (await fetch(`${origin}/api/groups/${call}/call/status`)).json()).participants;
  expect(await inCall(edge.url)).toBe(3);
  expect(await inCall(edge.apiUrl)).toBe(0);

  const first = await nodeUrl(ada);
  const recovered = await killNodeAndRecover(tabs);
  console.log(`node loss through the Worker: kill → each tab decoding every other through a new node in ${recovered.join(', ')} ms`);
  expect(await nodeUrl(ada)).not.toBe(first);
  expect(await inCall(edge.url), 'nobody is in the call twice').toBe(3);
});

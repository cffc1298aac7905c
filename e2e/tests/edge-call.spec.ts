/**
 * The production shape, in the browser: the page, the API and the call rooms reached through
 * the Worker in workerd (rooms in Durable Objects), calls of three on a standalone media node
 * the room opens over HTTP. Two tabs talk peer-to-peer; a third moves the call to the node and
 * everyone decodes everyone, verified from WebRTC stats.
 */
import { expect, test } from '@playwright/test';
import { startEdge, type Edge } from '../support/edge';
import { thirdPersonMovesTheCallToTheNode } from '../support/scenarios';

let edge: Edge;

test.beforeAll(async () => {
  edge = await startEdge('edge-call');
});

test.afterAll(async () => {
  await edge?.stop();
});

test('through the Worker, two tabs talk peer-to-peer and a third moves the call to the media node', async ({ browser }) => {
  await thirdPersonMovesTheCallToTheNode(browser, edge.url, async ({ ada }) => {
    // The room is the Worker's Durable Object: the API origin behind it has no one in that call.
    const call = new URL(ada.url()).pathname.split('/').pop();
    const status = async (origin: string) => (await (await fetch(`${origin}/api/groups/${call}/call/status`)).json()).participants;
    expect(await status(edge.url)).toBe(3);
    expect(await status(edge.apiUrl)).toBe(0);
  });
});

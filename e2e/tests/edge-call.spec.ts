/**
 * The production shape, in the browser: the page, the API and the call rooms reached through
 * the Worker in workerd (rooms in Durable Objects), calls of three on a standalone media node
 * the room opens over HTTP. Two tabs talk peer-to-peer; a third moves the call to the node and
 * everyone decodes everyone, verified from WebRTC stats. Then workerd is killed and started
 * again: the tabs reconnect by themselves and the call goes on.
 */
import { expect, test } from '../support/test';
import { callMode, expectNodeMediaFlowing, participantId, welcomes } from '../support/browser';
import { startEdge, type Edge } from '../support/edge';
import { thirdPersonMovesTheCallToTheNode } from '../support/scenarios';

let edge: Edge;

test.beforeAll(async () => {
  edge = await startEdge('edge-call');
});

test.afterAll(async () => {
  await edge?.stop();
});

test('through the Worker, two tabs talk peer-to-peer and a third moves the call to the media node; after workerd restarts, everyone comes back by themselves', async ({ browser }) => {
  await thirdPersonMovesTheCallToTheNode(browser, edge.url, async ({ ada, bob, cy }) => {
    // The room is the Worker's Durable Object: the API origin behind it has no one in that call.
    const call = new URL(ada.url()).pathname.split('/').pop();
    const status = async (origin: string) => (await (await fetch(`${origin}/api/groups/${call}/call/status`)).json()).participants;
    expect(await status(edge.url)).toBe(3);
    expect(await status(edge.apiUrl)).toBe(0);

    // workerd dies with every socket and comes back on the same storage. Each tab reconnects
    // with its backoff and resume key: the same seat, still on the node, media flowing again.
    const tabs = [['Ada', ada], ['Bob', bob], ['Cy', cy]] as const;
    const before = new Map<string, { id: number; welcomes: number }>();
    for (const [name, page] of tabs) before.set(name, { id: await participantId(page), welcomes: await welcomes(page) });
    await edge.restartWorker();
    for (const [name, page] of tabs) {
      await expect.poll(() => welcomes(page), { message: `${name} is welcomed back`, timeout: 90_000 }).toBeGreaterThan(before.get(name)!.welcomes);
      expect(await participantId(page), `${name} keeps their id`).toBe(before.get(name)!.id);
      expect(await callMode(page)).toBe('media_node');
    }
    const ids = (name: string) => [...before].filter(([other]) => other !== name).map(([, seat]) => seat.id);
    for (const [name, page] of tabs) await expectNodeMediaFlowing(page, ids(name), `${name} after the restart`);
    expect(await status(edge.url), 'nobody is in the call twice').toBe(3);
  });
});

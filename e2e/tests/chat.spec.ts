/**
 * The call's chat through the room: a message reaches the other tab with its link clickable and
 * its markup shown as text, junk is refused in place, and someone joining later reads what was
 * said.
 */
import { expect, test } from '../support/test';
import { joinCall } from '../support/browser';
import { startPeershare, type Peershare } from '../support/peershare';
import { captureAtAllSizes } from '../support/screenshots';

let server: Peershare;

test.beforeAll(async () => {
  server = await startPeershare([], 'chat');
});

test.afterAll(async () => {
  await server?.stop();
});

test('a chat message reaches everyone in the call, and someone joining later reads it', async ({ browser }) => {
  const tabs = await Promise.all([1, 2, 3].map(async () => (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage()));
  const [ada, bob, cy] = tabs;
  await ada.goto(server.url);
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  const callUrl = ada.url();
  await joinCall(ada, callUrl, 'Ada');
  await joinCall(bob, callUrl, 'Bob');

  await ada.getByRole('button', { name: 'Chat' }).click();
  const adaChat = ada.getByRole('complementary', { name: 'Chat' });
  await adaChat.getByRole('textbox', { name: 'Message' }).fill('<b>agenda</b> at https://example.com/agenda');
  await adaChat.getByRole('button', { name: 'Send' }).click();
  await expect(adaChat.getByText('Ada (you)')).toBeVisible();

  // Bob sees an unread badge, then the message: its link clickable, its markup as text.
  const bobButton = bob.getByRole('button', { name: 'Chat' });
  await expect(bobButton).toHaveAccessibleDescription('1 unread message', { timeout: 30_000 });
  await bobButton.click();
  const bobChat = bob.getByRole('complementary', { name: 'Chat' });
  await expect(bobChat.getByText('<b>agenda</b> at', { exact: false })).toBeVisible();
  await expect(bobChat.getByRole('link', { name: 'https://example.com/agenda' })).toHaveAttribute('href', 'https://example.com/agenda');
  expect(await bobChat.locator('b').count(), 'no markup is rendered').toBe(0);

  // An empty message is never sent; one too long is cut at the limit by the box itself.
  await expect(bobChat.getByRole('button', { name: 'Send' })).toBeDisabled();
  await bobChat.getByRole('textbox', { name: 'Message' }).fill('thanks!');
  await bobChat.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(adaChat.getByText('thanks!')).toBeVisible({ timeout: 30_000 });
  await captureAtAllSizes(ada, 'call-chat');

  // Bob leaves; Cy joins afterwards and reads the whole conversation.
  await bob.getByRole('button', { name: 'Leave call' }).click();
  await joinCall(cy, callUrl, 'Cy');
  await cy.getByRole('button', { name: 'Chat' }).click();
  const cyChat = cy.getByRole('complementary', { name: 'Chat' });
  await expect(cyChat.getByRole('listitem')).toHaveCount(2, { timeout: 30_000 });
  await expect(cyChat.getByText('thanks!')).toBeVisible();
});

/**
 * Accounts end to end: Ada signs in with Google, makes a group and an invite link; Bob follows
 * the link, signs in with GitHub and joins; both start the group's call from its page and see
 * and hear each other. Google and GitHub are local providers speaking the real protocols
 * (support/oauth-idp.mjs): authorization code with PKCE, state and a verified id_token.
 */
import type { Browser, Page } from '@playwright/test';
import { expect, test } from '../support/test';
import path from 'node:path';
import { expectMediaFlowing, joinGroupCall } from '../support/browser';
import { startOAuthProviders, type OAuthProviders } from '../support/oauthProviders';
import { startPeershare, type Peershare } from '../support/peershare';
import { captureAtAllSizes } from '../support/screenshots';

const webDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../web/dist');

let server: Peershare;
let providers: OAuthProviders;

test.beforeAll(async () => {
  providers = await startOAuthProviders({
    google: 'Ada Lovelace <ada@example.com>',
    github: 'Bob Kahn <bob@example.com>',
  });
  server = await startPeershare(['--web-dir', webDir, ...providers.flags], 'accounts');
});

test.afterAll(async () => {
  await server?.stop();
  providers?.stop();
});

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
  });
  return context.newPage();
}

/** Signs in on the sign-in page with `provider`, which signs its default person in at once. */
async function signInWith(page: Page, provider: 'Google' | 'GitHub' | 'Microsoft'): Promise<void> {
  await page.getByRole('link', { name: `Continue with ${provider}` }).click();
}

test('a group made by one person is joined through an invite and its call connects both', async ({ browser }) => {
  const ada = await newPage(browser);
  const bob = await newPage(browser);

  // Ada: sign in from the landing page, arrive at her (empty) groups.
  await ada.goto(server.url);
  await ada.getByRole('link', { name: 'Sign in' }).click();
  await expect(ada).toHaveURL(/\/signin$/);
  await expect(ada.getByRole('heading', { name: 'Sign in to PeerShare' })).toBeVisible();
  for (const provider of ['Google', 'Microsoft', 'GitHub']) {
    await expect(ada.getByRole('link', { name: `Continue with ${provider}` })).toBeVisible();
  }
  await expect(ada.getByLabel('Name', { exact: true }), 'no dev sign-in once providers exist').toHaveCount(0);
  await captureAtAllSizes(ada, 'signin');
  await signInWith(ada, 'Google');
  await expect(ada).toHaveURL(/\/groups$/);
  await expect(ada.getByText("You're not in any groups yet")).toBeVisible();
  await captureAtAllSizes(ada, 'groups-empty');

  // A new group, then an invite link copied from its page.
  await ada.getByLabel('Group name').fill('Design crew');
  await ada.getByLabel('Description').fill('Weekly critique of whatever we are building.');
  await ada.getByRole('button', { name: 'Create group' }).click();
  await expect(ada).toHaveURL(/\/groups\/g_[A-Za-z0-9_-]+$/);
  const groupPath = new URL(ada.url()).pathname;
  await expect(ada.getByRole('heading', { level: 1, name: 'Design crew' })).toBeVisible();
  await ada.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Groups' }).click();
  await expect(ada.getByRole('link', { name: /Design crew/ })).toBeVisible();
  await captureAtAllSizes(ada, 'groups');
  await ada.getByRole('link', { name: /Design crew/ }).click();
  await expect(ada).toHaveURL(new RegExp(`${groupPath}$`));
  await ada.getByLabel('Link works for').selectOption({ label: '7 days' });
  await ada.getByRole('button', { name: 'Create invite link' }).click();
  await expect(ada.getByText('Invite link created')).toBeVisible();
  await ada.getByRole('button', { name: 'Copy link' }).click();
  await expect(ada.getByText('Link copied')).toBeVisible();
  const inviteUrl = await ada.evaluate(() => navigator.clipboard.readText());
  expect(inviteUrl).toMatch(new RegExp(`^${server.url.replace(/\/$/, '')}/invite/[A-Za-z0-9_-]+$`));
  await expect(ada.getByText('0 of', { exact: false }).or(ada.getByText('0 uses, no limit'))).toBeVisible();

  // Bob: the link, then sign-in, then back to the invite to join.
  await bob.goto(inviteUrl);
  await expect(bob.getByRole('heading', { level: 1, name: 'Design crew' })).toBeVisible();
  await captureAtAllSizes(bob, 'invite-signed-out');
  await bob.getByRole('link', { name: 'Sign in to join' }).click();
  await expect(bob).toHaveURL(/\/signin\?return_to=%2Finvite%2F/);
  await signInWith(bob, 'GitHub');
  await expect(bob).toHaveURL(/\/invite\/[A-Za-z0-9_-]+$/);
  await expect(bob.getByRole('button', { name: 'Join group' })).toBeVisible();
  await captureAtAllSizes(bob, 'invite-signed-in');
  await bob.getByRole('button', { name: 'Join group' }).click();
  await expect(bob).toHaveURL(new RegExp(`${groupPath}$`));
  await expect(bob.getByRole('heading', { level: 1, name: 'Design crew' })).toBeVisible();
  await expect(bob.getByText('Bob Kahn')).toBeVisible();
  await captureAtAllSizes(bob, 'group-member');

  // Ada sees Bob among the members; owners get a role picker per member.
  await ada.reload();
  await expect(ada.getByRole('combobox', { name: 'Role of Bob Kahn' })).toHaveValue('member');
  await captureAtAllSizes(ada, 'group-owner');

  // Both start the group's call from its page and see and hear each other.
  await joinGroupCall(ada, 'Ada Lovelace');
  await joinGroupCall(bob, 'Bob Kahn');
  const adaStats = await expectMediaFlowing(ada, 1, 'Ada');
  const bobStats = await expectMediaFlowing(bob, 1, 'Bob');
  expect(adaStats[0].connectionState).toBe('connected');
  expect(bobStats[0].connectionState).toBe('connected');
  await expect(ada.getByText('Bob Kahn')).toBeVisible();
  await expect(bob.getByText('Ada Lovelace')).toBeVisible();

  // Bob's profile page, after the call.
  await bob.getByRole('button', { name: 'Leave call' }).click();
  await bob.goto(`${server.url.replace(/\/$/, '')}/profile`);
  await expect(bob.getByLabel('Display name')).toHaveValue('Bob Kahn');
  await captureAtAllSizes(bob, 'profile');
});

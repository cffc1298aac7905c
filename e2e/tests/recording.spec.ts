/**
 * Recording with consent, end to end: in a group's call of three, the owner asks to record, the
 * two members allow it in their prompts, everyone sees the REC indicator; about 20 s later the
 * owner stops; the group page offers the composed MP4 to the owner and to a member, and the file
 * is H.264 + AAC, as long as the recording ran, moving and not silent (ffprobe / ffmpeg). A link
 * call explains that recording needs a group.
 */
import type { Browser, Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../support/test';
import { expectNodeMediaFlowing, joinCall, joinGroupCall, participantId } from '../support/browser';
import { durationSeconds, freezes, meanVolumeDb, streams } from '../support/mediaFile';
import { startPeershare, type Peershare } from '../support/peershare';

const here = path.dirname(new URL(import.meta.url).pathname);
const webDir = path.resolve(here, '../../web/dist');
const outDir = path.resolve(here, '../test-results/recording');

/** How long the recording runs. */
const RECORD_MS = 20_000;
/** The composer runs on a 2-core machine that also ran three browsers. */
const READY_DEADLINE_MS = 180_000;

let server: Peershare;
let site: string;

test.beforeAll(async () => {
  server = await startPeershare(['--web-dir', webDir], 'recording');
  site = server.url.replace(/\/$/, '');
});

test.afterAll(async () => {
  await server?.stop();
});

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}

/** Signs in by name on the development server's sign-in form, landing on `returnTo`. */
async function signIn(page: Page, name: string, returnTo: string): Promise<void> {
  await page.goto(`${site}/signin?return_to=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(`${site}${returnTo}`);
}

const indicator = (page: Page) => page.getByRole('timer', { name: 'Recording', exact: true });

/**
 * Notes in the page, on its own clock (the machine's, as the test's), when the Recording
 * indicator first appears and when Stop recording is pressed: what the recording's length is
 * measured by, without the latency of polling the page from the test.
 */
async function watchRecordingTimes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const times: { shown?: number; stop?: number } = {};
    (window as unknown as { __recordingTimes: typeof times }).__recordingTimes = times;
    const seen = () => {
      if (times.shown === undefined && document.querySelector('[role="timer"][aria-label="Recording"]')) times.shown = Date.now();
    };
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true });
    seen();
    document.addEventListener(
      'click',
      (event) => {
        const button = (event.target as Element | null)?.closest('button');
        if (times.stop === undefined && button?.textContent?.trim() === 'Stop recording') times.stop = Date.now();
      },
      true,
    );
  });
}

async function recordingTimes(page: Page): Promise<{ shown?: number; stop?: number }> {
  return page.evaluate(() => (window as unknown as { __recordingTimes: { shown?: number; stop?: number } }).__recordingTimes);
}

/** The group's recordings as the group page last fetched them (the API's own start and stop). */
function lastRecordingList(page: Page): () => { started_at: number; stopped_at: number | null; duration_ms: number | null }[] {
  let latest: { started_at: number; stopped_at: number | null; duration_ms: number | null }[] = [];
  page.on('response', (response) => {
    if (!/\/api\/groups\/[^/]+\/recordings$/.test(new URL(response.url()).pathname) || !response.ok()) return;
    response.json().then((body: { recordings: typeof latest }) => (latest = body.recordings), () => {});
  });
  return () => latest;
}

/** Waits on the group page until the newest recording can be downloaded; returns its link. */
async function downloadLink(page: Page, groupPath: string, who: string): Promise<string> {
  await page.goto(`${site}${groupPath}`);
  const recordings = page.getByRole('region', { name: 'Recordings' });
  const link = recordings.getByRole('link', { name: 'Download', exact: true });
  try {
    await expect(link).toBeVisible({ timeout: READY_DEADLINE_MS });
  } catch (error) {
    throw new Error(`${who}: no Download link within ${READY_DEADLINE_MS / 1000} s; the section says: ${await recordings.innerText()}\n${String(error)}`);
  }
  const href = await link.getAttribute('href');
  expect(href, 'the Download link has an address').toBeTruthy();
  return new URL(href as string, page.url()).toString();
}

test('a group call of three is recorded with everyone\'s consent and its MP4 is downloadable', async ({ browser }) => {
  test.setTimeout(600_000);
  const [owner, bob, cy] = [await newPage(browser), await newPage(browser), await newPage(browser)];

  // The owner makes a group and an invite link; Bob and Cy join through it.
  await signIn(owner, 'Ada Owner', '/groups');
  await owner.getByLabel('Group name').fill('Recorded crew');
  await owner.getByRole('button', { name: 'Create group' }).click();
  await expect(owner).toHaveURL(/\/groups\/g_[A-Za-z0-9_-]+$/);
  const groupPath = new URL(owner.url()).pathname;
  await owner.getByRole('button', { name: 'Create invite link' }).click();
  const inviteText = await owner.getByText(/\/invite\/[A-Za-z0-9_-]+$/).innerText();
  const invitePath = new URL(inviteText.trim()).pathname;
  for (const [page, name] of [[bob, 'Bob Member'], [cy, 'Cy Member']] as const) {
    await signIn(page, name, invitePath);
    await page.getByRole('button', { name: 'Join group' }).click();
    await expect(page).toHaveURL(`${site}${groupPath}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Recorded crew' })).toBeVisible();
  }

  // All three in the group's call, on the media node, everyone receiving everyone.
  await owner.goto(`${site}${groupPath}`);
  await joinGroupCall(owner, 'Ada Owner');
  await joinGroupCall(bob, 'Bob Member');
  await joinGroupCall(cy, 'Cy Member');
  const ids = { owner: await participantId(owner), bob: await participantId(bob), cy: await participantId(cy) };
  await expectNodeMediaFlowing(owner, [ids.bob, ids.cy], 'Owner');
  await expectNodeMediaFlowing(bob, [ids.owner, ids.cy], 'Bob');
  await expectNodeMediaFlowing(cy, [ids.owner, ids.bob], 'Cy');

  // The owner asks; nothing is recorded until both members allow it in their prompts.
  await owner.getByRole('button', { name: 'Start recording', exact: true }).click();
  await expect(owner.getByText('Waiting for everyone to agree…')).toBeVisible();
  const bobPrompt = bob.getByRole('dialog', { name: 'Record this call?' });
  const cyPrompt = cy.getByRole('dialog', { name: 'Record this call?' });
  await expect(bobPrompt).toBeVisible();
  await expect(bobPrompt).toContainText('Ada Owner wants to record this call');
  await expect(cyPrompt).toBeVisible();
  await bobPrompt.getByRole('button', { name: 'Allow recording', exact: true }).click();
  await expect(bobPrompt).toBeHidden();
  await expect(indicator(owner), 'nothing is recorded while Cy has not answered').toHaveCount(0);
  // The last answer starts the recording; the owner's page notes when its indicator appears.
  await watchRecordingTimes(owner);
  await cyPrompt.getByRole('button', { name: 'Allow recording', exact: true }).click();
  await expect(indicator(owner)).toBeVisible();
  const startedAt = (await recordingTimes(owner)).shown as number;
  expect(startedAt, "the owner's page saw its indicator appear").toBeGreaterThan(0);
  for (const [page, name] of [[bob, 'Bob'], [cy, 'Cy']] as const) {
    await expect(indicator(page), `${name} sees the Recording indicator`).toBeVisible();
    await expect(page.getByText('You are being recorded.')).toBeVisible();
  }
  await expect(indicator(owner)).toContainText('REC');
  // Members may not stop someone else's recording.
  await expect(bob.getByRole('button', { name: 'Stop recording', exact: true })).toHaveAttribute('aria-disabled', 'true');

  // Record for RECORD_MS from the indicator's appearance (a measured wait: the point of the test).
  while (Date.now() - startedAt < RECORD_MS) {
    await owner.waitForTimeout(Math.min(1000, RECORD_MS - (Date.now() - startedAt)));
  }
  await owner.getByRole('button', { name: 'Stop recording', exact: true }).click();
  const stoppedAt = (await recordingTimes(owner)).stop as number;
  expect(stoppedAt, "the owner's page saw Stop recording pressed").toBeGreaterThan(startedAt);
  const recordedSeconds = (stoppedAt - startedAt) / 1000;
  for (const [page, name] of [[owner, 'Owner'], [bob, 'Bob'], [cy, 'Cy']] as const) {
    await expect(indicator(page), `${name}'s indicator goes once stopped`).toHaveCount(0);
  }
  console.log(`recorded for ${recordedSeconds.toFixed(2)} s (indicator shown to Stop pressed)`);

  // Everyone leaves: the composer gets the machine's two cores.
  for (const page of [owner, bob, cy]) await page.getByRole('button', { name: 'Leave call' }).click();

  // The owner waits on the group page for the composed file, then downloads it.
  const listed = lastRecordingList(owner);
  const waitStarted = Date.now();
  const url = await downloadLink(owner, groupPath, 'Owner');
  console.log(`the Download link appeared ${((Date.now() - waitStarted) / 1000).toFixed(1)} s after the recording stopped`);
  const response = await owner.request.get(url);
  expect(response.status(), 'the download link works').toBe(200);
  expect(response.headers()['content-type']).toContain('video/mp4');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'recording.mp4');
  writeFileSync(file, await response.body());

  // A member sees it too.
  await downloadLink(bob, groupPath, 'Bob');
  await expect(bob.getByRole('region', { name: 'Recordings' }).getByRole('button', { name: 'Delete' }), 'members do not delete').toHaveCount(0);
  await expect(owner.getByRole('region', { name: 'Recordings' })).toContainText('Ada Owner, Bob Member and Cy Member');

  // The file: H.264 + AAC, as long as the recording ran, moving, not silent.
  const found = await streams(file);
  const duration = await durationSeconds(file);
  const frozen = await freezes(file, 2);
  const volume = await meanVolumeDb(file);
  const stored = listed()[0];
  const serverSeconds = stored?.stopped_at != null ? (stored.stopped_at - stored.started_at) / 1000 : null;
  console.log(
    `recording.mp4: ${JSON.stringify(found)}, duration ${duration.toFixed(3)} s (measured ${recordedSeconds.toFixed(3)} s; ` +
      `the server's start to stop ${serverSeconds?.toFixed(3) ?? '?'} s), ` +
      `freezes ≥ 2 s: ${JSON.stringify(frozen)}, mean volume ${volume} dB`,
  );
  expect(found, 'exactly one H.264 video and one AAC audio stream').toEqual([
    { codecType: 'video', codecName: 'h264' },
    { codecType: 'audio', codecName: 'aac' },
  ]);
  expect(Math.abs(duration - recordedSeconds), `duration ${duration} s within 1 s of the measured ${recordedSeconds} s`).toBeLessThanOrEqual(1);
  expect(frozen, `no freeze of 2 s or more while people were sending; measured: ${JSON.stringify(frozen)}`).toEqual([]);
  expect(volume, 'the mixed microphones are not silent').toBeGreaterThan(-50);
});

test('in a link call, the record control explains that recording needs a group', async ({ browser }) => {
  const ada = await newPage(browser);
  await ada.goto(site);
  await ada.getByRole('button', { name: 'Start a call' }).click();
  await expect(ada).toHaveURL(/\/c\/[A-Za-z0-9_-]+$/);
  await joinCall(ada, ada.url(), 'Ada');
  const control = ada.getByRole('button', { name: 'Start recording', exact: true });
  await expect(control).toBeVisible();
  await expect(control).toHaveAttribute('aria-disabled', 'true');
  await expect(control).toHaveAccessibleDescription(/Recording needs a group/);
  // Playwright's click waits for an enabled button; a keyboard user presses it all the same.
  await control.focus();
  await ada.keyboard.press('Enter');
  await expect(ada.getByText(/Recording needs a group/)).toBeVisible();
  await expect(ada.getByText('Waiting for everyone to agree…'), 'nothing was asked').toHaveCount(0);
  await expect(ada.getByRole('alert'), 'and the room refused nothing').toHaveCount(0);
});

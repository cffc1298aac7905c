/** The same call when only a TURN relay can carry it, and coturn refusing expired credentials. */
import { expect, test } from '../support/test';
import { allocatedUsernames, startCoturn, type Coturn } from '../support/coturn';
import { expectMediaFlowing, joinCall, peerStats } from '../support/browser';
import { startPeershare } from '../support/peershare';

let turn: Coturn;

test.beforeAll(async () => {
  turn = await startCoturn();
});

test.afterAll(async () => {
  await turn?.stop();
});

function relayServer(ttlSeconds: number) {
  return startPeershare(
    ['--turn-urls', turn.url, '--turn-secret', turn.secret, '--turn-ttl-secs', String(ttlSeconds), '--ice-transport-policy', 'relay'],
    `relay-ttl${ttlSeconds}`,
  );
}

test('a relay-only call goes through coturn on both sides', async ({ browser }) => {
  const server = await relayServer(3600);
  try {
    const ada = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    const callUrl = `${server.url}/c/relay-${Date.now()}`;
    await joinCall(ada, callUrl, 'Ada');
    await joinCall(bob, callUrl, 'Bob');
    for (const [page, label] of [[ada, 'Ada'], [bob, 'Bob']] as const) {
      const [stats] = await expectMediaFlowing(page, 1, label);
      expect(stats.localCandidateType, `${label} local candidate`).toBe('relay');
      expect(stats.remoteCandidateType, `${label} remote candidate`).toBe('relay');
    }
    expect(allocatedUsernames(turn.log()).size).toBeGreaterThanOrEqual(2);
  } finally {
    await server.stop();
  }
});

/** Gathers candidates in the page with the given ICE servers; reports relay candidates and errors. */
async function gather(page: import('@playwright/test').Page, iceServers: RTCIceServer[]) {
  return page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    const errors: number[] = [];
    let relay = 0;
    pc.onicecandidateerror = (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode);
    pc.onicecandidate = (e) => {
      if (e.candidate?.type === 'relay') relay += 1;
    };
    pc.createDataChannel('probe');
    const done = new Promise<void>((resolve) => {
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    });
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);
    pc.close();
    return { relay, errors };
  }, iceServers);
}

test('coturn accepts fresh credentials and refuses them once they expire', async ({ browser }) => {
  const server = await relayServer(10);
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    // TURN credentials are for holders of a call pass (a guest's, for a link call).
    const config = await page.evaluate(async () => {
      const anonymous = await fetch('/api/turn-credentials');
      if (anonymous.status !== 401) throw new Error(`anonymous TURN credentials answered ${anonymous.status}`);
      const pass = await fetch('/api/groups/relay-probe/call-pass', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Probe' }),
      });
      const { token } = await pass.json();
      return (await fetch('/api/turn-credentials', { headers: { Authorization: `Bearer ${token}` } })).json();
    });
    expect(config.ttlSeconds).toBe(10);

    const fresh = await gather(page, config.iceServers);
    expect(fresh.relay, 'fresh credentials get a relay candidate').toBeGreaterThan(0);

    await expect
      .poll(() => Date.now() / 1000 > config.expiresAt + 1, { message: 'credentials expire', timeout: 30_000 })
      .toBe(true);
    const expired = await gather(page, config.iceServers);
    expect(expired.relay, 'expired credentials get no relay candidate').toBe(0);
    expect(expired.errors).toContain(401);
    expect(turn.log()).toContain('Cannot find credentials of user');
  } finally {
    await server.stop();
  }
});

test('a relay call keeps working across credential expiry by refreshing them', async ({ browser }) => {
  const server = await relayServer(15);
  try {
    const ada = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    const before = allocatedUsernames(turn.log());
    const callUrl = `${server.url}/c/refresh-${Date.now()}`;
    await joinCall(ada, callUrl, 'Ada');
    await joinCall(bob, callUrl, 'Bob');
    await expectMediaFlowing(ada, 1, 'Ada');
    await expectMediaFlowing(bob, 1, 'Bob');
    const joinedAt = Date.now();
    const initial = [...allocatedUsernames(turn.log())].filter((u) => !before.has(u));

    // Each tab refreshes before its 15 s credentials expire and restarts ICE with new ones.
    await expect
      .poll(() => [...allocatedUsernames(turn.log())].filter((u) => !before.has(u) && !initial.includes(u)).length, {
        message: 'both tabs allocate relays with refreshed credentials',
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(2);
    await expect.poll(() => Date.now() - joinedAt > 20_000, { timeout: 30_000 }).toBe(true);

    for (const [page, label] of [[ada, 'Ada'], [bob, 'Bob']] as const) {
      const [stats] = await expectMediaFlowing(page, 1, `${label} after expiry`);
      expect(stats.connectionState).toBe('connected');
      expect(stats.localCandidateType).toBe('relay');
    }
    expect((await peerStats(ada)).length).toBe(1);
  } finally {
    await server.stop();
  }
});

/**
 * coturn runs on the project's policy (infra/coturn/turnserver.conf): a relay to a private,
 * link-local or loopback address is refused (403 Forbidden IP), and one credential holds a
 * limited number of allocations. Probed with coturn's own client, turnutils_uclient, the way an
 * attacker with valid credentials would try it; the test server allows only 127.0.0.1.
 */
test('coturn refuses to relay into private networks and caps allocations per credential', async () => {
  const { execFile } = await import('node:child_process');
  const { createHmac } = await import('node:crypto');
  // A credential of its own per probe: coturn counts allocations per credential, and those of
  // an earlier probe live on for a while after its client exits.
  let probes = 0;
  const probe = (peer: string, clients: number) =>
    new Promise<string>((resolve) => {
      probes += 1;
      const username = `${Math.floor(Date.now() / 1000) + 600}:probe${probes}`;
      const password = createHmac('sha1', turn.secret).update(username).digest('base64');
      const args = ['-p', String(turn.port), '-u', username, '-w', password, '-e', peer, '-r', '3480', '-n', '1', '-m', String(clients), '127.0.0.1'];
      execFile('turnutils_uclient', args, { timeout: 30_000 }, (_error, stdout, stderr) => resolve(`${stdout}${stderr}`));
    });
  for (const peer of ['10.1.2.3', '192.168.1.10', '172.16.0.9', '169.254.169.254', '127.0.0.2']) {
    expect(await probe(peer, 1), `relay to ${peer}`).toContain('403 (Forbidden IP)');
  }
  expect(await probe('127.0.0.1', 1), 'the one address the tests allow').not.toContain('Forbidden IP');
  expect(await probe('127.0.0.1', 12), 'more allocations than one credential may hold').toContain(
    '486 (Allocation Quota Reached)',
  );
});

/**
 * The production shape on one machine: the Worker in workerd (the real Workers runtime, on the
 * project's edge/workerd.capnp) serving the web client and the call rooms, a `peershare dev` as
 * its API origin, and a standalone media node the rooms open call sessions on over HTTP.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPeershare } from './peershare';
import { cargoTarget, startProcess } from './process';

export interface Edge {
  /** The Worker: what browsers open. */
  url: string;
  /** The API origin behind it (`peershare dev`), which has call rooms of its own, unused here. */
  apiUrl: string;
  /** Kills workerd (every socket with it) and starts it again on the same address and storage. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Polls `url` until it answers 2xx. */
async function answers(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the API, a media node and the Worker in front of them. */
export async function startEdge(name: string): Promise<Edge> {
  const workerd = path.join(repo, 'edge/node_modules/.bin/workerd');
  for (const needed of ['edge/build/index_bg.wasm', 'edge/node_modules/.bin/workerd', 'web/dist/index.html']) {
    if (!existsSync(path.join(repo, needed))) throw new Error(`${needed} is missing: run \`cargo xtask edge\` and build the web client`);
  }
  const running: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => {
    for (const process of running.reverse()) await process.stop();
  };
  try {
    const api = await startPeershare([], `${name}-api`);
    running.push(api);

    // The media key: the Worker signs room and participant tokens, the node trusts its public half.
    const keys = generateKeyPairSync('ed25519');
    const publicKey = keys.publicKey.export({ format: 'jwk' }).x as string;
    const signingKey = keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const nodeId = `${name}-node`;
    const node = await startProcess(
      process.env.PEERSHARE_MEDIA_NODE_BIN ?? path.join(cargoTarget(), 'release/peershare-media-node'),
      ['--udp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--ops-listen', '127.0.0.1:0', '--node-id', nodeId, '--public-key', publicKey],
      { logName: `${name}-media-node`, ready: /HTTP (http:\/\/[\d.:]+)/ },
    );
    running.push(node);

    const listen = `127.0.0.1:${await freePort()}`;
    const env = {
      PATH: process.env.PATH,
      API_ORIGIN: api.url,
      SESSION_JWKS: await (await fetch(`${api.url}/api/auth/keys`)).text(),
      MEDIA_NODES: JSON.stringify([{ id: nodeId, control_url: node.ready, public_url: node.ready }]),
      MEDIA_SIGNING_KEY: signingKey,
    };
    const rooms = mkdtempSync(path.join(tmpdir(), 'peershare-e2e-rooms-'));
    const args = [
      'serve',
      '--experimental',
      path.join(repo, 'edge/workerd.capnp'),
      `--socket-addr=http=${listen}`,
      `--directory-path=rooms=${rooms}`,
      `--directory-path=assets=${path.join(repo, 'web/dist')}`,
    ];
    const startWorker = () => startProcess(workerd, args, { env, logName: `${name}-workerd`, ready: () => answers(`http://${listen}/healthz`) });
    running.push({ stop: async () => rmSync(rooms, { recursive: true, force: true }) });
    let worker = await startWorker();
    running.push({ stop: () => worker.stop() });
    const restartWorker = async () => {
      await worker.kill();
      worker = await startWorker();
    };
    return { url: `http://${listen}`, apiUrl: api.url, restartWorker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

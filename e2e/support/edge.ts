/**
 * The production shape on one machine: the Worker in workerd (the real Workers runtime, on the
 * project's edge/workerd.capnp) serving the web client and the call rooms, a `peershare dev` as
 * its API origin, and a standalone media node the rooms open call sessions on over HTTP. The
 * Worker and the node are started by `peershare-stack edge`, as for the Rust tests and the
 * benchmark.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startPeershare } from './peershare';
import { cargoTarget, freePort, startProcess } from './process';

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

/** The line `peershare-stack edge` prints whenever the Worker answers (started or restarted). */
const ready = /^(\{.*\})$/;

// Debug by default, as CI builds it; the stack only starts the others.
const stackBin = () => process.env.PEERSHARE_STACK_BIN ?? path.join(cargoTarget(), 'debug/peershare-stack');

/** Starts the API, then a media node and the Worker in front of it. */
export async function startEdge(name: string): Promise<Edge> {
  const api = await startPeershare([], `${name}-api`);
  const node = [
    '--media-node-bin',
    process.env.PEERSHARE_MEDIA_NODE_BIN ?? path.join(cargoTarget(), 'release/peershare-media-node'),
    '--node-id',
    `${name}-node`,
  ];
  return startWorker(name, api, node);
}

/**
 * Starts the API with a media-node fleet (`peershare dev --media-fleet`, `fleetArgs` added),
 * then the Worker in front of it, whose rooms ask the API's allocator for call sessions
 * (`MEDIA_FLEET=api`) and are told by the API when a node is lost (`--rooms-url`, the Worker's
 * own route). The nodes are reached through the API (`--media-node-proxy`), as on Cloudflare:
 * the pages and the Worker never call a node's own address. The API and the Worker share the
 * internal secret and the media signing key.
 */
export async function startEdgeWithFleet(name: string, fleetArgs: string[]): Promise<Edge> {
  const key = execFileSync(stackBin(), ['media-key'], { encoding: 'utf8' }).trim();
  const secret = randomBytes(16).toString('hex');
  const workerAddress = `127.0.0.1:${await freePort()}`;
  const api = await startPeershare(
    [...fleetArgs, '--media-node-proxy', '--internal-secret', secret, '--rooms-url', `http://${workerAddress}`, `--media-signing-key=${key}`],
    `${name}-api`,
  );
  return startWorker(name, api, ['--listen', workerAddress, '--internal-secret', secret, `--media-fleet-key=${key}`]);
}

/** Starts the Worker (and whatever `extra` asks of the stack) in front of `api`. */
async function startWorker(name: string, api: Awaited<ReturnType<typeof startPeershare>>, extra: string[]): Promise<Edge> {
  try {
    if (!existsSync(path.join(repo, 'web/dist/index.html'))) throw new Error('web/dist is missing: build the web client');
    const stack = await startProcess(
      stackBin(),
      ['edge', '--api-origin', api.url, '--edge-dir', path.join(repo, 'edge'), '--assets', path.join(repo, 'web/dist'), ...extra],
      { logName: `${name}-stack`, ready, input: true },
    );
    const url: string = JSON.parse(stack.ready).url;
    const restartWorker = async () => {
      const restarted = stack.next(ready);
      stack.write('restart');
      await restarted;
    };
    const stop = async () => {
      await stack.stop();
      await api.stop();
    };
    return { url, apiUrl: api.url, restartWorker, stop };
  } catch (error) {
    await api.stop();
    throw error;
  }
}

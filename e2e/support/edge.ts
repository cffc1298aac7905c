/**
 * The production shape on one machine: the Worker in workerd (the real Workers runtime, on the
 * project's edge/workerd.capnp) serving the web client and the call rooms, a `peershare dev` as
 * its API origin, and a standalone media node the rooms open call sessions on over HTTP. The
 * Worker and the node are started by `peershare-stack edge`, as for the Rust tests and the
 * benchmark.
 */
import { existsSync } from 'node:fs';
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

/** The line `peershare-stack edge` prints whenever the Worker answers (started or restarted). */
const ready = /^(\{.*\})$/;

/** Starts the API, then a media node and the Worker in front of it. */
export async function startEdge(name: string): Promise<Edge> {
  if (!existsSync(path.join(repo, 'web/dist/index.html'))) throw new Error('web/dist is missing: build the web client');
  const api = await startPeershare([], `${name}-api`);
  try {
    const stack = await startProcess(
      // Debug by default, as CI builds it; the stack only starts the others.
      process.env.PEERSHARE_STACK_BIN ?? path.join(cargoTarget(), 'debug/peershare-stack'),
      [
        'edge',
        '--api-origin',
        api.url,
        '--media-node-bin',
        process.env.PEERSHARE_MEDIA_NODE_BIN ?? path.join(cargoTarget(), 'release/peershare-media-node'),
        '--node-id',
        `${name}-node`,
        '--edge-dir',
        path.join(repo, 'edge'),
        '--assets',
        path.join(repo, 'web/dist'),
      ],
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

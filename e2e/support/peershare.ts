/** A real `peershare dev` process on a free loopback port. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cargoTarget, startProcess } from './process';

export interface Peershare {
  url: string;
  stop(): Promise<void>;
}

function binary(): string {
  return process.env.PEERSHARE_BIN ?? path.join(cargoTarget(), 'release/peershare');
}

/** Starts `peershare dev` with extra flags and resolves once it prints its URL. */
export async function startPeershare(args: string[] = [], logName = 'peershare'): Promise<Peershare> {
  // Each server gets its own data directory: its own database and session key.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'peershare-e2e-'));
  const server = await startProcess(binary(), ['dev', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...args], {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' },
    logName,
    ready: /http:\/\/[\d.:]+/,
  });
  return { url: server.ready, stop: server.stop };
}

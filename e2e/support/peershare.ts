/** A real `peershare dev` process on a free loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface Peershare {
  url: string;
  stop(): Promise<void>;
}

const here = path.dirname(new URL(import.meta.url).pathname);

function binary(): string {
  return process.env.PEERSHARE_BIN ?? path.resolve(here, '../../target/release/peershare');
}

/** Starts `peershare dev` with extra flags and resolves once it prints its URL. */
export async function startPeershare(args: string[] = [], logName = 'peershare'): Promise<Peershare> {
  const logDir = path.resolve(here, '../test-results/logs');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${logName}-${Date.now()}.log`));
  // Each server gets its own data directory: its own database and session key.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'peershare-e2e-'));
  const child: ChildProcess = spawn(binary(), ['dev', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...args], {
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(log);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('peershare did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`peershare exited with ${code} before listening`)));
    child.once('error', reject);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      const match = line.match(/http:\/\/[\d.:]+/);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A child process of a test: logged to test-results/logs, ready once it prints a line, stoppable,
 * and optionally talked to over its standard input.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface Running {
  /** What the readiness pattern matched. */
  ready: string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
  /** SIGKILL, as when a machine dies; resolves once it has exited. */
  kill(): Promise<void>;
  /** Writes `line` to its standard input (when started with `input: true`). */
  write(line: string): void;
  /** Resolves with the first match of `pattern` in a line it prints from now on (within 60 s). */
  next(pattern: RegExp): Promise<string>;
}

const here = path.dirname(new URL(import.meta.url).pathname);

/** The folder of build output (`CARGO_TARGET_DIR`, else the repository's `target`). */
export function cargoTarget(): string {
  return process.env.CARGO_TARGET_DIR ?? path.resolve(here, '../../target');
}

/**
 * Starts `program` and resolves with the first match of `ready` in its standard output (or,
 * when `ready` is a function, once that resolves). With `input`, its standard input is a pipe
 * (see `write`); otherwise it is closed.
 */
export async function startProcess(
  program: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; logName: string; ready: RegExp | (() => Promise<void>); input?: boolean },
): Promise<Running> {
  const logDir = path.resolve(here, '../test-results/logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = path.join(logDir, `${options.logName}-${Date.now()}.log`);
  const log = createWriteStream(logPath);
  const child: ChildProcess = spawn(program, args, {
    env: options.env ?? process.env,
    stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  child.stderr?.pipe(log);
  // Writing to a child that has exited fails; its exit is what the caller hears of.
  child.stdin?.on('error', () => {});
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => log.write(`${line}\n`));
  const ready = await new Promise<string>((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      // Never leave a process behind that did not become ready.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${options.logName} was not ready within 60 s (log: ${logPath})`)), 60_000);
    const done = (value: string) => {
      clearTimeout(timer);
      resolve(value);
    };
    child.once('exit', (code) => fail(new Error(`${options.logName} exited with ${code} before it was ready (log: ${logPath})`)));
    child.once('error', fail);
    const pattern = options.ready;
    if (pattern instanceof RegExp) {
      lines.on('line', (line) => {
        const match = line.match(pattern);
        if (match) done(match[1] ?? match[0]);
      });
    } else {
      pattern().then(() => done(''), fail);
    }
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const signal = async (first: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // A graceful shutdown may wait on connections a test left open: 10 s, then SIGKILL.
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.kill(first);
    await exited;
    clearTimeout(kill);
  };
  const write = (line: string) => {
    if (!child.stdin) throw new Error(`${options.logName} was started without input`);
    child.stdin.write(`${line}\n`);
  };
  const next = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const settle = (done: () => void) => {
        clearTimeout(timer);
        lines.off('line', seen);
        child.off('exit', gone);
        done();
      };
      const seen = (line: string) => {
        const match = line.match(pattern);
        if (match) settle(() => resolve(match[1] ?? match[0]));
      };
      const gone = () => settle(() => reject(new Error(`${options.logName} exited before it printed ${pattern} (log: ${logPath})`)));
      const timer = setTimeout(() => settle(() => reject(new Error(`${options.logName} did not print ${pattern} within 60 s (log: ${logPath})`))), 60_000);
      lines.on('line', seen);
      child.once('exit', gone);
    });
  return { ready, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL'), write, next };
}

/** A loopback port free right now (another process may take it before it is used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

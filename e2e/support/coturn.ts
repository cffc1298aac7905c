/** A real coturn (Debian's turnserver) in the foreground with TURN REST (`use-auth-secret`). */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Coturn {
  port: number;
  url: string;
  secret: string;
  /** Everything coturn has logged so far. */
  log(): string;
  stop(): Promise<void>;
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export async function startCoturn(secret = `test-secret-${Date.now()}`): Promise<Coturn> {
  const port = await freeUdpPort();
  const dir = mkdtempSync(path.join(tmpdir(), 'peershare-coturn-'));
  // The project's own policy (infra/coturn/turnserver.conf: credentials, peers it refuses,
  // quotas), then what this test server needs on top.
  const here = path.dirname(new URL(import.meta.url).pathname);
  const policy = readFileSync(path.join(here, '../../infra/coturn/turnserver.conf'), 'utf8');
  const config = [
    policy,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    'min-port=40000',
    'max-port=40999',
    `static-auth-secret=${secret}`,
    // Both browsers run on this machine, so relayed peers are loopback addresses: the one
    // exception to the policy's refusals, made here and only here.
    'allow-loopback-peers',
    'allowed-peer-ip=127.0.0.1',
    'no-tls',
    'no-dtls',
    `pidfile=${dir}/turnserver.pid`,
    `userdb=${dir}/turndb`,
    'log-file=stdout',
    'simple-log',
    'verbose',
  ].join('\n');
  writeFileSync(path.join(dir, 'turnserver.conf'), config);
  const child = spawn('turnserver', ['-c', path.join(dir, 'turnserver.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`coturn did not open UDP ${port} in 20 s:\n${output}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`coturn exited with ${code}:\n${output}`)));
    const check = () => {
      if (output.includes(`UDP listener opened on: 127.0.0.1:${port}`)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
  });
  return {
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Distinct TURN usernames that coturn allocated a relay for. */
export function allocatedUsernames(log: string): Set<string> {
  const names = new Set<string>();
  for (const line of log.split('\n')) {
    const m = line.match(/user <([^>]+)>: incoming packet ALLOCATE processed, success/);
    if (m) names.add(m[1]);
  }
  return names;
}

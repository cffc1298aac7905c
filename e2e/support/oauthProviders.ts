/** The local OAuth providers (support/oauth-idp.mjs) as stand-ins for Google, Microsoft and GitHub. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from './process';

export interface OAuthProviders {
  google: string;
  microsoft: string;
  github: string;
  /** `peershare dev` flags that configure all three. */
  flags: string[];
  stop(): void;
}

const here = path.dirname(new URL(import.meta.url).pathname);

/**
 * Starts the three providers; `people` sets who signs in at each when no login hint is given,
 * e.g. `{ google: 'Ada Lovelace <ada@example.com>' }`.
 */
export async function startOAuthProviders(people: Record<string, string> = {}): Promise<OAuthProviders> {
  const ports = [await freePort(), await freePort(), await freePort()].map(String);
  const people_ = Object.entries(people).map(([provider, who]) => `${provider}=${who}`);
  const child = spawn('node', [path.join(here, 'oauth-idp.mjs'), ...ports, ...people_], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the OAuth providers did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the OAuth providers exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  const client = (name: string) => [`--${name}-client-id`, 'peershare-e2e', `--${name}-client-secret`, 'e2e-secret'];
  return {
    google: urls.google,
    microsoft: urls.microsoft,
    github: urls.github,
    flags: [
      ...client('google'), '--google-issuer', urls.google,
      ...client('microsoft'), '--microsoft-issuer', urls.microsoft,
      ...client('github'), '--github-base-url', urls.github,
    ],
    stop: () => void child.kill('SIGTERM'),
  };
}

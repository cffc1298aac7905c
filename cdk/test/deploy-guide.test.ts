/**
 * docs/deploy.md against the app: the secrets it stores are the names the stack grants, the
 * settings it documents are the ones the app reads, each `cdk deploy` in it synthesizes, the
 * outputs and wrangler variables it names exist. local/tests/deploy_guide.rs runs its key
 * commands.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { readSettings, repoRoot, secretNames } from '../lib/settings.ts';
import { context, synth } from './synth.ts';

const guide = readFileSync(resolve(repoRoot, 'docs/deploy.md'), 'utf8');
const blocks = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
const commands = blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter(Boolean);
const STAGE = 'prod';
const expand = (text: string) => text.replaceAll('$STAGE', STAGE).replaceAll('$PUBLIC_URL', 'https://peershare.example').replaceAll('$REGION', 'eu-west-1');
const names = secretNames(STAGE);

/** The API's secrets: its options that `PEERSHARE_SECRETS_PATH` may hold (functions/src/lambda). */
const API_SECRET_NAMES = ['signing-key', 'internal-secret', 'fleet-secret', 'google-client-secret', 'microsoft-client-secret', 'github-client-secret'];

test('the guide stores every secret under the names the stack grants and reads', () => {
  const stored = commands.filter((c) => c.startsWith('put "')).map((c) => expand(c.split('"')[1]));
  assert.ok(stored.length >= 5, 'the put commands');
  for (const name of [`${names.apiPath}/signing-key`, `${names.apiPath}/internal-secret`, names.fleetSecret, names.mediaPublicKey, names.turnSecret]) {
    assert.ok(stored.includes(name), `the guide stores ${name}`);
  }
  for (const name of stored) {
    if (name.startsWith(`${names.apiPath}/`)) {
      assert.ok(API_SECRET_NAMES.includes(name.slice(names.apiPath.length + 1)), `${name} is a secret the API reads`);
    } else {
      assert.ok([names.mediaPublicKey, names.turnSecret].includes(name), `${name} is one the nodes read`);
    }
  }
  const tick = commands.find((c) => c.startsWith('aws secretsmanager create-secret'))!;
  assert.ok(expand(tick).includes(`--name "${names.tickAuthorization}"`));
  assert.ok(tick.includes('--secret-string "Bearer $internal_secret"'), 'the tick presents the internal secret');
});

test('every setting the app reads is in the guide’s table, and nothing else is', () => {
  const asked = new Set<string>();
  readSettings((key) => {
    asked.add(key);
    return context()[key];
  });
  const section = guide.slice(guide.indexOf('The settings:'), guide.indexOf('What it makes'));
  const documented = new Set([...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([A-Za-z]+)`/g)].map((k) => k[1])));
  // Where `cargo xtask aws-build` puts the binaries: the guide builds them there.
  for (const built of ['lambdaDir', 'nodeBinary', 'composerBinary']) asked.delete(built);
  assert.deepEqual([...documented].sort(), [...asked].sort());
});

test('each cdk deploy in the guide synthesizes with the settings the guide has built up by then', () => {
  let settings = '';
  const deployed: Record<string, string>[] = [];
  for (const command of commands) {
    const assignment = /^settings="(.*)"$/.exec(command);
    if (assignment) settings = expand(assignment[1].replace('$settings', settings));
    if (!command.includes('npx cdk deploy') && !command.includes('npx cdk destroy')) continue;
    assert.ok(command.includes('$settings'), `${command}: every deploy takes the same settings`);
    const context: Record<string, string> = {};
    for (const [, key, value] of expand(command.replace('$settings', settings)).matchAll(/-c ([A-Za-z]+)=('[^']*'|[^\s)]+)/g)) {
      context[key] = value.startsWith("'<") ? 'client-id.example' : value.replace(/^'|'$/g, '');
    }
    deployed.push(context);
  }
  assert.ok(deployed.length >= 3, 'the first deploy, the warm-capacity one and destroy');
  for (const context of deployed) {
    assert.equal(context.stage, STAGE);
    assert.equal(context.publicUrl, 'https://peershare.example');
    assert.equal(context.googleClientId, 'client-id.example', 'later deploys keep the first one’s settings');
    const { stack } = synth({ alarmEmail: undefined, maxNodes: undefined, nodeCapacity: undefined, ...context });
    assert.equal(stack.stackName, `PeerShare-${STAGE}`);
  }
  assert.ok(deployed.some((c) => c.warmCapacity === 'eu-west-1=1,eu-west-1@mon-fri/08-18=3'));
});

test('the outputs and the wrangler variables the guide names exist', () => {
  const { template } = synth();
  const outputs = Object.keys(template.toJSON().Outputs);
  assert.ok(!outputs.includes('MediaNodeOrigins'), 'pages reach the nodes through the API: no node origin to allow');
  for (const name of ['ApiOrigin']) {
    assert.ok(guide.includes(`\`${name}\``), name);
    assert.ok(outputs.includes(name), `the stack outputs ${name}`);
  }
  const wrangler = readFileSync(resolve(repoRoot, 'edge/wrangler.toml'), 'utf8');
  const section = guide.slice(guide.indexOf('Fill in `[vars]`'), guide.indexOf('Set the Worker'));
  const vars = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(vars.length >= 4, `the guide fills in the vars: ${vars}`);
  for (const name of vars) assert.match(wrangler, new RegExp(`^#? ?${name} = `, 'm'), `${name} is a var of edge/wrangler.toml`);
  for (const [, secret] of guide.matchAll(/wrangler secret put ([A-Z_]+)/g)) {
    assert.match(wrangler, new RegExp(`wrangler secret put ${secret}\\b`), `${secret} is a secret edge/wrangler.toml documents`);
  }
});

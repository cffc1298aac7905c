/**
 * The deployment's settings, read from CDK context (`cdk.json`, or `-c key=value` on the command
 * line) into one typed, checked object. A wrong value stops the synth with a message naming it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The repository's root, where `migrations/` and `infra/` live. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Where `cargo xtask aws-build` leaves the arm64 binaries the stack deploys. */
export const buildDir = resolve(import.meta.dirname, '..', 'build');

/** Settings of one PeerShare deployment. */
export interface Settings {
  /** Names this deployment's resources and its secrets' path (`prod`, `staging`). */
  readonly stage: string;
  /** The site's public origin, where the Worker answers (`https://peershare.example`). */
  readonly publicUrl: string;
  /** The id of the session signing key, named in every token's header. */
  readonly signingKeyId: string;
  /** OAuth client ids of the providers signed in with (their secrets are in SSM). */
  readonly oauthClientIds: { google?: string; microsoft?: string; github?: string };
  /** The media nodes' EC2 instance type (arm64: the binaries are built for aarch64). */
  readonly nodeInstanceType: string;
  /** The SSM parameter holding the Debian 12 arm64 AMI id, unless `nodeAmiId` is given. */
  readonly nodeAmiParameter: string;
  /** A fixed AMI id for the nodes (overrides `nodeAmiParameter`). */
  readonly nodeAmiId?: string;
  /** Most media nodes the fleet may run. */
  readonly maxNodes: number;
  /** Participants one node carries. */
  readonly nodeCapacity: number;
  /** Nodes kept running when idle (`eu-west-1=1,eu-west-1@mon-fri/08-18=3`), or none. */
  readonly warmCapacity?: string;
  /** Who gets the alarms by email, or none (the alarms still show in CloudWatch). */
  readonly alarmEmail?: string;
  /** Days after which recordings are deleted, or none: kept until a person deletes them. */
  readonly recordingsExpireDays?: number;
  /** Folder holding the Lambda's `bootstrap`. */
  readonly lambdaDir: string;
  /** The media node's binary. */
  readonly nodeBinary: string;
  /** The recording composer's binary (it runs beside the node). */
  readonly composerBinary: string;
}

/** Reads context values by name; `app.node.tryGetContext` fits. */
export type Context = (key: string) => unknown;

/** Why the settings cannot be used. */
export class SettingsError extends Error {}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const AMI_ID = /^ami-[0-9a-f]{8,17}$/;
const CLIENT_ID = /^[A-Za-z0-9._-]{1,200}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NODE_CAPACITY = 5000;

/** The settings from context, checked; throws a {@link SettingsError} naming the bad key. */
export function readSettings(context: Context): Settings {
  const text = (key: string, fallback?: string): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value !== 'string') throw new SettingsError(`context ${key} must be a string`);
    return value;
  };
  const need = (key: string, fallback?: string): string => {
    const value = text(key, fallback);
    if (value === undefined) throw new SettingsError(`context ${key} is required (-c ${key}=…)`);
    return value;
  };
  const matching = (key: string, value: string | undefined, pattern: RegExp, what: string) => {
    if (value !== undefined && !pattern.test(value)) {
      throw new SettingsError(`context ${key} must be ${what}, not ${JSON.stringify(value)}`);
    }
    return value;
  };
  const whole = (key: string, min: number, max: number, fallback?: number): number | undefined => {
    const raw = context(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new SettingsError(`context ${key} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    }
    return value;
  };

  const stage = matching('stage', need('stage', 'prod'), STAGE, 'lowercase letters, digits and dashes (at most 20)')!;
  const publicUrl = need('publicUrl');
  let origin: URL;
  try {
    origin = new URL(publicUrl);
  } catch {
    throw new SettingsError(`context publicUrl must be a URL, not ${JSON.stringify(publicUrl)}`);
  }
  if (origin.protocol !== 'https:' || origin.origin !== publicUrl) {
    throw new SettingsError(`context publicUrl must be an https origin with no path (https://peershare.example), not ${JSON.stringify(publicUrl)}`);
  }
  const lambdaDir = resolve(need('lambdaDir', resolve(buildDir, 'lambda')));
  const nodeBinary = resolve(need('nodeBinary', resolve(buildDir, 'media-node', 'peershare-media-node')));
  const composerBinary = resolve(need('composerBinary', resolve(buildDir, 'composer', 'peershare-composer')));
  for (const [key, path] of [['lambdaDir', resolve(lambdaDir, 'bootstrap')], ['nodeBinary', nodeBinary], ['composerBinary', composerBinary]]) {
    if (!existsSync(path)) {
      throw new SettingsError(`${path} (context ${key}) does not exist: build it with \`cargo xtask aws-build\``);
    }
  }
  return {
    stage,
    publicUrl,
    signingKeyId: matching('signingKeyId', need('signingKeyId', 'k1'), /^[A-Za-z0-9._-]{1,64}$/, 'a key id of letters, digits, . _ -')!,
    oauthClientIds: {
      google: matching('googleClientId', text('googleClientId'), CLIENT_ID, 'an OAuth client id'),
      microsoft: matching('microsoftClientId', text('microsoftClientId'), CLIENT_ID, 'an OAuth client id'),
      github: matching('githubClientId', text('githubClientId'), CLIENT_ID, 'an OAuth client id'),
    },
    nodeInstanceType: matching('nodeInstanceType', need('nodeInstanceType', 'c7g.xlarge'), INSTANCE_TYPE, 'an EC2 instance type')!,
    nodeAmiParameter: matching('nodeAmiParameter', need('nodeAmiParameter', '/aws/service/debian/release/12/latest/arm64'), /^\/[A-Za-z0-9/._-]+$/, 'an SSM parameter name')!,
    nodeAmiId: matching('nodeAmiId', text('nodeAmiId'), AMI_ID, 'an AMI id'),
    maxNodes: whole('maxNodes', 1, 1000, 10)!,
    nodeCapacity: whole('nodeCapacity', 1, MAX_NODE_CAPACITY, 500)!,
    warmCapacity: matching('warmCapacity', text('warmCapacity'), /^[a-z0-9=,@/ -]{1,500}$/, 'a warm-capacity list (eu-west-1=1,eu-west-1@mon-fri/08-18=3)'),
    alarmEmail: matching('alarmEmail', text('alarmEmail'), EMAIL, 'an email address'),
    recordingsExpireDays: whole('recordingsExpireDays', 1, 36500),
    lambdaDir,
    nodeBinary,
    composerBinary,
  };
}

/** Names of the SSM parameters holding this stage's secrets (SecureStrings the operator puts). */
export function secretNames(stage: string) {
  const api = `/peershare/${stage}/api`;
  const media = `/peershare/${stage}/media`;
  return {
    /** The API's secrets: the Lambda reads every parameter under it at cold start. */
    apiPath: api,
    /** The nodes' own secrets. */
    mediaPath: media,
    /** The nodes' fleet secret (the API's own, under its path). */
    fleetSecret: `${api}/fleet-secret`,
    /** The media-token public key the nodes trust (the Worker's MEDIA_SIGNING_KEY's public half). */
    mediaPublicKey: `${media}/media-public-key`,
    /** coturn's shared secret (the Worker's TURN_SECRET). */
    turnSecret: `${media}/turn-secret`,
    /** Secrets Manager: `Bearer <internal secret>`, the scheduler's Authorization header. */
    tickAuthorization: `peershare/${stage}/tick-authorization`,
  };
}

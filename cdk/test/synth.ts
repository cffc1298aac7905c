/** The stack under test, synthesized once per test file with a deployment's typical settings. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PeerShareStack } from '../lib/peershare-stack.ts';
import { readSettings } from '../lib/settings.ts';

/** Context a test deployment is made with; `overrides` replace or add keys. */
export function context(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(JSON.parse(readFileSync(resolve(import.meta.dirname, '..', 'cdk.json'), 'utf8')).context as Record<string, unknown>),
    stage: 'prod',
    publicUrl: 'https://peershare.example',
    googleClientId: 'google-client.apps.example',
    maxNodes: 12,
    nodeCapacity: 400,
    alarmEmail: 'ops@peershare.example',
    ...overrides,
  };
}

/** The stack made from `context`, and its template. */
export function synth(overrides: Record<string, unknown> = {}) {
  const values = context(overrides);
  const app = new App({ context: values });
  const settings = readSettings((key) => app.node.tryGetContext(key));
  const stack = new PeerShareStack(app, `PeerShare-${settings.stage}`, { settings });
  return { stack, settings, template: Template.fromStack(stack) };
}

/** The one resource of `type` (fails when there are none or several). */
export function only(template: Template, type: string): { logicalId: string; properties: Record<string, any> } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0];
  return { logicalId, properties: (resource as { Properties: Record<string, any> }).Properties };
}

/** Every statement of every IAM policy attached to the role `roleLogicalId`. */
export function statementsOf(template: Template, roleLogicalId: string): Record<string, any>[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy: any) => policy.Properties.Roles.some((r: any) => r.Ref === roleLogicalId))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

/** A statement's actions (always a list). */
export const actionsOf = (statement: Record<string, any>): string[] => [statement.Action].flat();

/** A statement's resources (always a list). */
export const resourcesOf = (statement: Record<string, any>): unknown[] => [statement.Resource].flat();

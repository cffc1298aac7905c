/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy -c publicUrl=https://… ` from cdk/ (see
 * docs/deploy.md). Settings come from context (cdk.json, `-c key=value`); every resource is
 * checked by cdk-nag's AWS Solutions rules, and an unsuppressed finding fails the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PeerShareStack } from '../lib/peershare-stack.ts';
import { SettingsError, readSettings } from '../lib/settings.ts';

const app = new App();
let settings;
try {
  settings = readSettings((key) => app.node.tryGetContext(key));
} catch (e) {
  if (e instanceof SettingsError) {
    console.error(`peershare cdk: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
new PeerShareStack(app, `PeerShare-${settings.stage}`, {
  settings,
  description: `PeerShare (${settings.stage}): API, media-node fleet, recordings, monitoring`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

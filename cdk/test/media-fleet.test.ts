import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { CONTROL_PORT, DRAIN_HOOK_NAME, MEDIA_UDP_PORT, TURN_PORT, TURN_RELAY_PORTS, withoutComments } from '../lib/media-fleet.ts';
import { repoRoot } from '../lib/settings.ts';
import { actionsOf, only, resourcesOf, statementsOf, synth } from './synth.ts';

const { template, stack } = synth();
const group = only(template, 'AWS::AutoScaling::AutoScalingGroup').properties;
const launch = only(template, 'AWS::EC2::LaunchTemplate').properties.LaunchTemplateData;

test('the group starts at no instances, protects new ones from scale-in and leaves its size to the API', () => {
  assert.equal(group.MinSize, '0');
  assert.equal(group.MaxSize, '12');
  assert.equal(group.DesiredCapacity, undefined, 'a deploy must not reset the size the API set');
  assert.equal(group.NewInstancesProtectedFromScaleIn, true);
  assert.equal(group.AutoScalingGroupName, 'peershare-prod-media-nodes');
  assert.deepEqual(group.MetricsCollection, [{ Granularity: '1Minute' }]);
  assert.ok(group.NotificationConfigurations[0].NotificationTypes.includes('autoscaling:EC2_INSTANCE_LAUNCH_ERROR'));
});

test('a terminating instance waits on the drain hook', () => {
  const hook = only(template, 'AWS::AutoScaling::LifecycleHook').properties;
  assert.equal(hook.LifecycleTransition, 'autoscaling:EC2_INSTANCE_TERMINATING');
  assert.equal(hook.LifecycleHookName, DRAIN_HOOK_NAME);
  assert.equal(hook.DefaultResult, 'CONTINUE');
  assert.ok(hook.HeartbeatTimeout >= 60 && hook.HeartbeatTimeout <= 3600);
});

test('instances require IMDSv2, get a public address and an encrypted root volume', () => {
  assert.equal(launch.MetadataOptions.HttpTokens, 'required');
  assert.equal(launch.MetadataOptions.HttpPutResponseHopLimit, 1);
  assert.equal(launch.NetworkInterfaces[0].AssociatePublicIpAddress, true);
  assert.equal(launch.BlockDeviceMappings[0].Ebs.Encrypted, true);
  assert.match(launch.InstanceType, /^c7g\./, 'Graviton (arm64), which the binaries are built for');
  assert.equal(template.toJSON().Parameters[launch.ImageId.Ref].Default, '/aws/service/debian/release/12/latest/arm64');
});

test('the security group opens the media port, the control API and TURN, and nothing else', () => {
  const ingress = only(template, 'AWS::EC2::SecurityGroup').properties.SecurityGroupIngress.map((r: any) => `${r.IpProtocol}:${r.FromPort}-${r.ToPort}`);
  assert.deepEqual(ingress.sort(), [
    `tcp:${CONTROL_PORT}-${CONTROL_PORT}`,
    `tcp:${TURN_PORT}-${TURN_PORT}`,
    `udp:${TURN_PORT}-${TURN_PORT}`,
    `udp:${TURN_RELAY_PORTS.min}-${TURN_RELAY_PORTS.max}`,
    `udp:${MEDIA_UDP_PORT}-${MEDIA_UDP_PORT}`,
  ].sort());
  assert.equal(template.findResources('AWS::EC2::SecurityGroupIngress') && Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress')).length, 0);
});

test('the instance role reads three named parameters and its binaries, writes and composes recordings, completes its own drain', () => {
  const profile = only(template, 'AWS::IAM::InstanceProfile').properties;
  const statements = statementsOf(template, profile.Roles[0].Ref);
  const ssm = statements.find((s) => actionsOf(s).includes('ssm:GetParameter'))!;
  const names = JSON.stringify(resourcesOf(ssm));
  for (const name of ['api/fleet-secret', 'media/media-public-key', 'media/turn-secret']) assert.ok(names.includes(`parameter/peershare/prod/${name}"`), name);
  assert.equal(resourcesOf(ssm).length, 3);
  const binaries = statements.find((s) => actionsOf(s).length === 1 && actionsOf(s)[0] === 's3:GetObject')!;
  assert.equal(resourcesOf(binaries).length, 2, 'the node and the composer');
  assert.ok(!JSON.stringify(resourcesOf(binaries)).includes('/*'), 'the two objects, not the asset bucket');
  const writes = statements.find((s) => actionsOf(s).includes('s3:PutObject'))!;
  assert.deepEqual(actionsOf(writes).sort(), ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject']);
  assert.equal(stack.resolve(resourcesOf(writes))[0]['Fn::Join'][1][1], '/*');
  const list = statements.find((s) => actionsOf(s).includes('s3:ListBucket'))!;
  assert.equal(resourcesOf(list).length, 1, 'the recordings bucket only');
  const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
  assert.deepEqual(dynamo.map((s) => actionsOf(s).join()).sort(), ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  const condition = (action: string) => dynamo.find((s) => actionsOf(s)[0] === action)!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
  assert.deepEqual(condition('dynamodb:GetItem'), ['RECORDING#*', 'GROUP#*'], 'recordings and groups, not accounts or sessions');
  assert.deepEqual(condition('dynamodb:UpdateItem'), ['RECORDING#*'], 'changes recordings only');
  assert.match(JSON.stringify(stack.resolve(resourcesOf(dynamo.find((s) => actionsOf(s)[0] === 'dynamodb:Query')!))), /\/index\/gsi1/);
  const hook = statements.find((s) => actionsOf(s).includes('autoscaling:CompleteLifecycleAction'))!;
  assert.match(JSON.stringify(resourcesOf(hook)), /autoScalingGroupName\/peershare-prod-media-nodes"/);
  assert.ok(!statements.some((s) => resourcesOf(s).includes('*')), 'no statement on every resource');
});

test('the user data is infra/media-node/cloud-init.yaml with every placeholder filled and no other', () => {
  const [text, values] = launch.UserData['Fn::Base64']['Fn::Sub'];
  assert.equal(text, readFileSync(resolve(repoRoot, 'infra/media-node/cloud-init.yaml'), 'utf8'));
  const used = new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m: RegExpMatchArray) => m[1]));
  assert.deepEqual(Object.keys(values).sort(), [...used].sort());
  const unit = Buffer.from(values.NodeUnitBase64, 'base64').toString('utf8');
  assert.equal(unit, withoutComments(readFileSync(resolve(repoRoot, 'infra/media-node/peershare-media-node.service'), 'utf8')));
  assert.ok(unit.includes('ExecStart=/usr/local/bin/peershare-media-node'));
  const composer = Buffer.from(values.ComposerUnitBase64, 'base64').toString('utf8');
  assert.equal(composer, withoutComments(readFileSync(resolve(repoRoot, 'infra/media-node/peershare-composer.service'), 'utf8')));
  assert.deepEqual(values.TableName, { Ref: only(template, 'AWS::DynamoDB::GlobalTable').logicalId }, 'the API\'s table');
  assert.equal(values.MediaUdpPort, String(MEDIA_UDP_PORT));
  assert.equal(values.NodeCapacity, '400', 'the same capacity the API allocates by');
  assert.equal(values.DrainHookName, DRAIN_HOOK_NAME);
  assert.equal(values.FleetGroupName, group.AutoScalingGroupName);
});

test('a fixed AMI id is used as it is, whatever the region', () => {
  const { template: fixed } = synth({ nodeAmiId: 'ami-0123456789abcdef0' });
  const data = only(fixed, 'AWS::EC2::LaunchTemplate').properties.LaunchTemplateData;
  assert.equal(data.ImageId, 'ami-0123456789abcdef0');
});

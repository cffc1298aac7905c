import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { TICK_PATH } from '../lib/api.ts';
import { repoRoot } from '../lib/settings.ts';
import { actionsOf, only, resourcesOf, statementsOf, synth } from './synth.ts';

const { template, stack } = synth();
const fn = only(template, 'AWS::Lambda::Function').properties;
const roleId = fn.Role['Fn::GetAtt'][0];
const statements = statementsOf(template, roleId);
const tableId = stack.resolve(stack.data.table.tableArn)['Fn::GetAtt'][0];

test('the API is peershare-lambda on provided.al2023 for arm64', () => {
  assert.equal(fn.Runtime, 'provided.al2023');
  assert.deepEqual(fn.Architectures, ['arm64']);
  assert.equal(fn.Handler, 'bootstrap');
});

test('no secret is in the function’s environment: it reads them from its SSM path', () => {
  const env = fn.Environment.Variables;
  assert.equal(env.PEERSHARE_SECRETS_PATH, '/peershare/prod/api/');
  for (const name of Object.keys(env).filter((n) => n !== 'PEERSHARE_SECRETS_PATH')) {
    assert.ok(!/SECRET|SIGNING_KEY$|PASSWORD|TOKEN/.test(name), `${name} looks like a secret`);
  }
  assert.equal(env.PEERSHARE_PUBLIC_URL, 'https://peershare.example');
  assert.equal(env.PEERSHARE_GOOGLE_CLIENT_ID, 'google-client.apps.example');
  assert.equal(env.PEERSHARE_FLEET_NODE_CAPACITY, '400');
  assert.equal(env.PEERSHARE_FLEET_PROXY, 'true', 'the nodes are reached through the API');
  const unit = readFileSync(resolve(repoRoot, 'infra/media-node/peershare-media-node.service'), 'utf8');
  assert.match(unit, /^Environment=PEERSHARE_MEDIA_TLS_SELF_SIGNED=true$/m, 'and the nodes register the certificate it pins');
  const ssm = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('ssm:')));
  assert.equal(ssm.length, 1);
  assert.deepEqual(actionsOf(ssm[0]), ['ssm:GetParametersByPath']);
  assert.match(JSON.stringify(resourcesOf(ssm[0])), /:parameter\/peershare\/prod\/api"/);
});

test('the function may touch only its table and index, reading recordings, and its own group', () => {
  const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
  assert.equal(dynamo.length, 1);
  assert.ok(!actionsOf(dynamo[0]).some((a) => a.includes('*')), 'named actions only');
  assert.ok(!actionsOf(dynamo[0]).some((a) => /DeleteTable|CreateTable|UpdateTable|Scan/.test(a)));
  assert.deepEqual(stack.resolve(resourcesOf(dynamo[0])), [
    { 'Fn::GetAtt': [tableId, 'Arn'] },
    { 'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, '/index/gsi1']] },
  ]);
  const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
  const bucketId = stack.resolve(stack.recordings.bucket.bucketArn)['Fn::GetAtt'][0];
  const onObjects = s3.find((s) => actionsOf(s).includes('s3:GetObject'))!;
  assert.deepEqual(actionsOf(onObjects).sort(), ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject'], 'presigned downloads and deleting recordings');
  assert.deepEqual(stack.resolve(resourcesOf(onObjects)), [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] }]);
  const onBucket = s3.find((s) => actionsOf(s).includes('s3:ListBucket'))!;
  assert.deepEqual(actionsOf(onBucket).sort(), ['s3:ListBucket', 's3:ListBucketMultipartUploads'], 'listing what a deletion removes');
  assert.deepEqual(stack.resolve(resourcesOf(onBucket)), [{ 'Fn::GetAtt': [bucketId, 'Arn'] }]);
  assert.equal(s3.length, 2);
  assert.ok(!s3.some((s) => actionsOf(s).includes('s3:PutObject')), 'the API writes no recording');
  const autoscaling = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('autoscaling:')));
  for (const s of autoscaling) {
    const star = resourcesOf(s).includes('*');
    assert.equal(star, actionsOf(s).every((a) => a.startsWith('autoscaling:Describe')), 'only Describe* (no resource-level permissions) on *');
    if (!star) assert.match(JSON.stringify(resourcesOf(s)), /autoScalingGroupName\/peershare-prod-media-nodes"/);
  }
  const everything = statements.filter((s) => resourcesOf(s).includes('*'));
  assert.deepEqual(everything.flatMap(actionsOf).sort(), ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances']);
  assert.ok(!statements.some((s) => actionsOf(s).some((a) => a === '*' || a.endsWith(':*'))), 'no service-wide action');
});

test('the HTTP API sends every route to the function, throttled, with access logs', () => {
  const stage = only(template, 'AWS::ApiGatewayV2::Stage').properties;
  assert.equal(stage.StageName, '$default');
  assert.ok(stage.DefaultRouteSettings.ThrottlingRateLimit > 0 && stage.DefaultRouteSettings.ThrottlingBurstLimit > 0);
  assert.ok(stage.AccessLogSettings.DestinationArn);
  const format = JSON.parse(stage.AccessLogSettings.Format);
  assert.deepEqual(Object.keys(format).sort(), ['integrationError', 'ip', 'latencyMs', 'method', 'path', 'requestId', 'status']);
  assert.equal(only(template, 'AWS::ApiGatewayV2::Route').properties.RouteKey, '$default');
});

test('every minute the scheduler posts the tick with the internal secret, referenced from Secrets Manager', () => {
  const rule = only(template, 'AWS::Events::Rule').properties;
  assert.equal(rule.ScheduleExpression, 'rate(1 minute)');
  const destination = only(template, 'AWS::Events::ApiDestination').properties;
  assert.equal(destination.HttpMethod, 'POST');
  assert.equal(destination.InvocationEndpoint['Fn::Join'][1][1], TICK_PATH);
  const connection = only(template, 'AWS::Events::Connection').properties;
  assert.equal(connection.AuthParameters.ApiKeyAuthParameters.ApiKeyName, 'Authorization');
  assert.equal(connection.AuthParameters.ApiKeyAuthParameters.ApiKeyValue, '{{resolve:secretsmanager:peershare/prod/tick-authorization:SecretString:::}}');
});

test('the template holds no secret value: only SSM and Secrets Manager names', () => {
  const text = JSON.stringify(template.toJSON());
  assert.ok(!/-----BEGIN|MC4CAQAwBQYDK2Vw/.test(text), 'no key material');
  // The user data writes secrets from shell variables it fills from SSM on the instance.
  for (const line of ['static-auth-secret=$turn_secret', 'PEERSHARE_FLEET_SECRET=$fleet_secret', 'PEERSHARE_MEDIA_PUBLIC_KEY=$media_public_key']) {
    assert.ok(text.includes(line), line);
  }
  assert.equal([...text.matchAll(/static-auth-secret=/g)].length, 1);
  assert.equal([...text.matchAll(/PEERSHARE_FLEET_SECRET=/g)].length, 1);
});

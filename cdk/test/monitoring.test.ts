import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../lib/settings.ts';
import { ALLOCATION_PATH, FLEET_SUMMARY_MESSAGE, SCALING_FAILURE_MESSAGES } from '../lib/monitoring.ts';
import { only, synth } from './synth.ts';

const { template } = synth();
const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a: any) => a.Properties);
const topic = Object.keys(template.findResources('AWS::SNS::Topic'))[0];

test('alarms watch API errors, allocation and scaling failures, a full fleet and stuck compositions, and tell the topic', () => {
  const watched = alarms.map((a) => `${a.Namespace}/${a.MetricName}`).sort();
  assert.deepEqual(watched, [
    'AWS/ApiGateway/5xx',
    'AWS/AutoScaling/GroupInServiceInstances',
    'AWS/Lambda/Errors',
    'AWS/Lambda/Throttles',
    'PeerShare/prod/AllocationFailures',
    'PeerShare/prod/CompositionsPending',
    'PeerShare/prod/FleetScalingFailures',
  ]);
  for (const alarm of alarms) {
    assert.deepEqual(alarm.AlarmActions, [{ Ref: topic }]);
    assert.equal(alarm.TreatMissingData, 'notBreaching');
  }
  const full = alarms.find((a) => a.MetricName === 'GroupInServiceInstances');
  assert.equal(full.Threshold, 12, 'the fleet at its maxNodes');
  const stuck = alarms.find((a) => a.MetricName === 'CompositionsPending');
  assert.deepEqual([stuck.Statistic, stuck.Period, stuck.EvaluationPeriods, stuck.Threshold], ['Minimum', 3600, 3, 1], 'pending all of 3 hours');
});

test('the alarm topic takes this account’s alarms, over TLS only, and mails the operator', () => {
  assert.equal(only(template, 'AWS::SNS::Topic').properties.KmsMasterKeyId, undefined, 'CloudWatch cannot publish under the AWS-managed key');
  const subscription = only(template, 'AWS::SNS::Subscription').properties;
  assert.equal(subscription.Protocol, 'email');
  assert.equal(subscription.Endpoint, 'ops@peershare.example');
  const policy = only(template, 'AWS::SNS::TopicPolicy').properties.PolicyDocument.Statement;
  assert.ok(policy.some((s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'));
  const publish = policy.find((s: any) => s.Effect === 'Allow' && s.Action === 'sns:Publish');
  assert.deepEqual(publish.Principal, { Service: 'cloudwatch.amazonaws.com' });
  assert.deepEqual(publish.Condition, { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } });
});

test('failures and participants are counted from the API’s logs by what it writes', () => {
  const filters = Object.values(template.findResources('AWS::Logs::MetricFilter')).map((f: any) => f.Properties);
  const pattern = (name: string) => filters.find((f) => f.MetricTransformations[0].MetricName === name)!.FilterPattern as string;
  assert.equal(pattern('FleetScalingFailures'), `{ ${SCALING_FAILURE_MESSAGES.map((m) => `($.fields.message = "${m}")`).join(' || ')} }`);
  assert.equal(pattern('AllocationFailures'), `{ ($.path = "${ALLOCATION_PATH}") && ($.status = "5*") }`);
  assert.equal(pattern('Participants'), `{ $.fields.message = "${FLEET_SUMMARY_MESSAGE}" }`);
  const participants = filters.find((f) => f.MetricTransformations[0].MetricName === 'Participants')!;
  assert.equal(participants.MetricTransformations[0].MetricValue, '$.fields.participants');
});

test('the API writes the log lines the filters count (functions/src/fleet/service.rs)', () => {
  const service = readFileSync(resolve(repoRoot, 'functions/src/fleet/service.rs'), 'utf8');
  for (const message of [...SCALING_FAILURE_MESSAGES, FLEET_SUMMARY_MESSAGE]) assert.ok(service.includes(`"${message}"`), message);
  const summary = service.slice(service.indexOf('nodes = report.nodes'), service.indexOf(`"${FLEET_SUMMARY_MESSAGE}"`));
  for (const field of ['participants = report.participants', 'compositions_pending = u8::from(report.compositions_pending)']) {
    assert.ok(summary.includes(field), `the summary line carries ${field}`);
  }
  const routes = readFileSync(resolve(repoRoot, 'functions/src/api/mod.rs'), 'utf8');
  assert.ok(routes.includes(`"${ALLOCATION_PATH}"`), 'the allocation route');
});

test('one dashboard shows nodes, participants, failures and the API', () => {
  const body = JSON.stringify(only(template, 'AWS::CloudWatch::Dashboard').properties.DashboardBody);
  for (const title of ['Media nodes', 'Participants on media nodes', 'Allocation and scaling failures', 'API requests and errors', 'API function']) {
    assert.ok(body.includes(title), title);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ABORT_MULTIPART_AFTER_DAYS } from '../lib/recordings.ts';
import { synth } from './synth.ts';

const { template, stack } = synth();
const recordingsId = stack.resolve(stack.recordings.bucket.bucketName).Ref as string;
const buckets = template.findResources('AWS::S3::Bucket');
const bucket = buckets[recordingsId].Properties;

test('every bucket is encrypted and blocks all public access', () => {
  assert.equal(Object.keys(buckets).length, 2, 'the recordings and their access logs');
  for (const [id, resource] of Object.entries(buckets)) {
    const p = (resource as any).Properties;
    assert.deepEqual(p.BucketEncryption.ServerSideEncryptionConfiguration, [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }], id);
    assert.deepEqual(
      p.PublicAccessBlockConfiguration,
      { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      id,
    );
    assert.equal((resource as any).DeletionPolicy, 'Retain', id);
  }
});

test('every bucket refuses requests without TLS (1.2 at least)', () => {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as any[];
  assert.equal(policies.length, 2);
  for (const policy of policies) {
    const denials = policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny' && s.Action === 's3:*');
    assert.ok(denials.some((s: any) => s.Condition?.Bool?.['aws:SecureTransport'] === 'false'), 'denies plain HTTP');
    assert.ok(denials.some((s: any) => s.Condition?.NumericLessThan?.['s3:TlsVersion'] === 1.2), 'denies TLS below 1.2');
    assert.ok(denials.every((s: any) => s.Principal.AWS === '*'), 'for everyone');
  }
});

test('unfinished multipart uploads are aborted, old recordings move to infrequent access, nothing is versioned', () => {
  const rules = bucket.LifecycleConfiguration.Rules;
  assert.ok(rules.some((r: any) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation === ABORT_MULTIPART_AFTER_DAYS && r.Status === 'Enabled'));
  assert.ok(rules.some((r: any) => r.Transitions?.[0]?.StorageClass === 'STANDARD_IA'));
  assert.ok(!rules.some((r: any) => r.ExpirationInDays), 'kept until deleted unless the operator sets an expiry');
  assert.equal(bucket.VersioningConfiguration, undefined, 'a deleted recording leaves no noncurrent version behind');
  assert.equal(bucket.OwnershipControls.Rules[0].ObjectOwnership, 'BucketOwnerEnforced', 'no ACLs');
  assert.ok(bucket.LoggingConfiguration.DestinationBucketName.Ref, 'access is logged');
});

test('recordingsExpireDays deletes recordings after that many days, each rule’s expiry after its transition', () => {
  for (const days of [400, 31, 30, 7]) {
    const { template: expiring, stack: s } = synth({ recordingsExpireDays: days });
    const id = s.resolve(s.recordings.bucket.bucketName).Ref as string;
    const rules = expiring.findResources('AWS::S3::Bucket')[id].Properties.LifecycleConfiguration.Rules;
    assert.ok(rules.some((r: any) => r.ExpirationInDays === days), `${days}`);
    for (const rule of rules) {
      for (const t of rule.Transitions ?? []) assert.ok(!rule.ExpirationInDays || rule.ExpirationInDays > t.TransitionInDays, `${days}: S3 refuses an expiry not after the transition`);
    }
  }
});

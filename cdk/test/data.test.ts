import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readMigration } from '../lib/data.ts';
import { only, synth } from './synth.ts';

const { template } = synth();
const table = only(template, 'AWS::DynamoDB::GlobalTable');
const { table: migration, ttl } = readMigration();

test('the table is the one migrations/dynamodb/table.json creates: keys, attributes, indexes', () => {
  const p = table.properties;
  assert.deepEqual(p.KeySchema, migration.KeySchema);
  const byName = (list: { AttributeName: string }[]) => [...list].sort((a, b) => a.AttributeName.localeCompare(b.AttributeName));
  assert.deepEqual(byName(p.AttributeDefinitions), byName(migration.AttributeDefinitions));
  assert.deepEqual(
    p.GlobalSecondaryIndexes.map((i: any) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection })),
    migration.GlobalSecondaryIndexes,
  );
  assert.equal(p.BillingMode, migration.BillingMode);
});

test('the table expires items by the TTL attribute of migrations/dynamodb/time_to_live.json', () => {
  assert.deepEqual(table.properties.TimeToLiveSpecification, { AttributeName: ttl.AttributeName, Enabled: ttl.Enabled });
});

test('the table has point-in-time recovery and deletion protection, and outlives the stack', () => {
  const [replica] = table.properties.Replicas;
  assert.equal(replica.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
  assert.equal(replica.DeletionProtectionEnabled, true);
  const resource = template.toJSON().Resources[table.logicalId];
  assert.equal(resource.DeletionPolicy, 'Retain');
  assert.equal(resource.UpdateReplacePolicy, 'Retain');
});

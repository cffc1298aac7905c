/**
 * The API's DynamoDB table, made from `migrations/dynamodb/` — the same CreateTable request and
 * TTL setting `peershare migrate` sends — so the cloud's table and a migrated one cannot differ
 * (test/data.test.ts compares the synthesized table with the files).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { repoRoot } from './settings.ts';

/** The parts of `migrations/dynamodb/table.json` (a CreateTable request) the table is made of. */
export interface TableMigration {
  BillingMode: string;
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  GlobalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
}

/** `migrations/dynamodb/time_to_live.json`: the UpdateTimeToLive specification. */
export interface TimeToLiveMigration {
  AttributeName: string;
  Enabled: boolean;
}

/** The migration files, parsed. */
export function readMigration(): { table: TableMigration; ttl: TimeToLiveMigration } {
  const dir = resolve(repoRoot, 'migrations', 'dynamodb');
  return {
    table: JSON.parse(readFileSync(resolve(dir, 'table.json'), 'utf8')) as TableMigration,
    ttl: JSON.parse(readFileSync(resolve(dir, 'time_to_live.json'), 'utf8')) as TimeToLiveMigration,
  };
}

/** The table: on-demand, point-in-time recovery, TTL, deletion protection, kept on stack deletion. */
export class Data extends Construct {
  readonly table: dynamodb.TableV2;
  /** The names of its global secondary indexes. */
  readonly indexes: string[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { table, ttl } = readMigration();
    if (table.BillingMode !== 'PAY_PER_REQUEST') {
      throw new Error(`migrations/dynamodb/table.json: BillingMode ${table.BillingMode} is not supported (PAY_PER_REQUEST)`);
    }
    const attribute = (name: string): dynamodb.Attribute => {
      const definition = table.AttributeDefinitions.find((a) => a.AttributeName === name);
      if (!definition) throw new Error(`migrations/dynamodb/table.json: key ${name} has no attribute definition`);
      const type = { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY }[
        definition.AttributeType
      ];
      if (!type) throw new Error(`migrations/dynamodb/table.json: attribute ${name} has type ${definition.AttributeType}`);
      return { name, type };
    };
    const keys = (schema: TableMigration['KeySchema']) => ({
      partitionKey: attribute(schema.find((k) => k.KeyType === 'HASH')!.AttributeName),
      sortKey: schema.some((k) => k.KeyType === 'RANGE')
        ? attribute(schema.find((k) => k.KeyType === 'RANGE')!.AttributeName)
        : undefined,
    });
    this.indexes = (table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName);
    this.table = new dynamodb.TableV2(this, 'Table', {
      ...keys(table.KeySchema),
      billing: dynamodb.Billing.onDemand(),
      globalSecondaryIndexes: (table.GlobalSecondaryIndexes ?? []).map((index) => ({
        indexName: index.IndexName,
        ...keys(index.KeySchema),
        projectionType: dynamodb.ProjectionType[index.Projection.ProjectionType],
        nonKeyAttributes: index.Projection.NonKeyAttributes,
      })),
      timeToLiveAttribute: ttl.Enabled ? ttl.AttributeName : undefined,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

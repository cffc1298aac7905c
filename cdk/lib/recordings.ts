/**
 * The recordings bucket: encrypted, never public, TLS only, cheaper storage for old recordings,
 * unfinished multipart uploads cleaned up, and its access logged to a second bucket.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

/** Days a finished recording stays in S3 Standard before moving to Standard-IA. */
export const INFREQUENT_ACCESS_AFTER_DAYS = 30;

/**
 * Days before an unfinished multipart upload is aborted. A node streams each track of a call as
 * one multipart upload, so this must outlast the longest call (calls end within a day).
 */
export const ABORT_MULTIPART_AFTER_DAYS = 2;

/** Days the access logs are kept. */
export const ACCESS_LOG_DAYS = 90;

/** Settings of the recordings bucket. */
export interface RecordingsProps {
  /** Days after which recordings are deleted, or none. */
  readonly expireDays?: number;
}

/** The recordings bucket and its access-log bucket. */
export class Recordings extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: RecordingsProps) {
    super(scope, id);
    const common = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    // S3 delivers the access logs under a bucket policy (the app's
    // @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy), so this bucket needs no ACLs either.
    const logs = new s3.Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(ACCESS_LOG_DAYS) }],
    });
    acknowledge(logs, [
      { id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' },
    ]);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...common,
      // Versioning is off on purpose: a recording a person deletes must be gone, not kept as a
      // noncurrent version (docs/security.md).
      versioned: false,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'recordings/',
      lifecycleRules: [
        { id: 'abort-unfinished-uploads', abortIncompleteMultipartUploadAfter: Duration.days(ABORT_MULTIPART_AFTER_DAYS) },
        // S3 refuses a rule whose expiry is not after its transition: recordings kept 30 days
        // or less stay in Standard.
        {
          id: 'old-recordings',
          ...(props.expireDays === undefined || props.expireDays > INFREQUENT_ACCESS_AFTER_DAYS
            ? { transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(INFREQUENT_ACCESS_AFTER_DAYS) }] }
            : {}),
          ...(props.expireDays ? { expiration: Duration.days(props.expireDays) } : {}),
        },
      ],
    });
  }
}

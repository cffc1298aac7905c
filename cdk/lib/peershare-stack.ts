/**
 * PeerShare's AWS side in one stack, one construct per concern: the table (data), the
 * recordings bucket, the API, the media-node fleet and monitoring. One stack because they are
 * deployed, upgraded and torn down together and refer to each other (the API sizes the fleet's
 * group, the nodes register with the API and write to the bucket); cross-stack exports would
 * only pin them. The edge (Cloudflare) is deployed by wrangler with the outputs below.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Api } from './api.ts';
import { Data } from './data.ts';
import { MediaFleet } from './media-fleet.ts';
import { Monitoring } from './monitoring.ts';
import { Recordings } from './recordings.ts';
import { type Settings, secretNames } from './settings.ts';

/** The stack's settings. */
export interface PeerShareStackProps extends StackProps {
  readonly settings: Settings;
}

/** PeerShare on AWS. */
export class PeerShareStack extends Stack {
  readonly data: Data;
  readonly recordings: Recordings;
  readonly api: Api;
  readonly fleet: MediaFleet;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: PeerShareStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const fleetGroupName = `peershare-${settings.stage}-media-nodes`;
    this.data = new Data(this, 'Data');
    this.recordings = new Recordings(this, 'Recordings', { expireDays: settings.recordingsExpireDays });
    this.monitoring = new Monitoring(this, 'Monitoring', { stage: settings.stage, alarmEmail: settings.alarmEmail });
    this.api = new Api(this, 'Api', {
      settings,
      table: this.data.table,
      tableIndexes: this.data.indexes,
      recordings: this.recordings.bucket,
      fleetGroupName,
    });
    this.fleet = new MediaFleet(this, 'MediaFleet', {
      settings,
      groupName: fleetGroupName,
      registryUrl: this.api.url,
      recordings: this.recordings.bucket,
      table: this.data.table,
      tableIndexes: this.data.indexes,
      notifications: this.monitoring.topic,
    });
    this.monitoring.watch(this.api, fleetGroupName, settings.maxNodes);

    const names = secretNames(settings.stage);
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('ApiOrigin', this.api.url, "wrangler.toml [vars] API_ORIGIN: the Worker sends every /api/* route it does not serve here");
    output('TableName', this.data.table.tableName, 'The DynamoDB table (peershare migrate --table)');
    output('RecordingsBucketName', this.recordings.bucket.bucketName, 'Where the nodes write recordings');
    output('FleetGroupName', fleetGroupName, 'The media nodes’ Auto Scaling group');
    output('ApiSecretsPath', names.apiPath, 'SSM path of the API’s SecureString secrets');
    output('MediaSecretsPath', names.mediaPath, 'SSM path of the nodes’ SecureString secrets');
    output('TickAuthorizationSecret', names.tickAuthorization, 'Secrets Manager secret: "Bearer <internal secret>" for the fleet tick');
    output('Dashboard', `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=PeerShare-${settings.stage}`, 'CloudWatch dashboard');
  }
}

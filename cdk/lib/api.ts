/**
 * The API: `peershare-lambda` (arm64, provided.al2023) behind an API Gateway HTTP API, with
 * only the rights it uses, its secrets read from SSM at cold start, and the fleet's scheduler
 * (an EventBridge rule calling the tick route every minute with the internal secret).
 */
import { Aws, Duration, Fn, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { type Settings, secretNames } from './settings.ts';
import { autoScalingGroupArn } from './media-fleet.ts';
import { acknowledge, wildcard } from './nag.ts';

/** Days the API's logs are kept. */
export const API_LOG_DAYS = logs.RetentionDays.THREE_MONTHS;

/** Steady requests per second the HTTP API takes before answering 429, and its burst. */
export const API_RATE_LIMIT = 500;
export const API_BURST_LIMIT = 1000;

/** The route the scheduler calls (functions/src/api/fleet_routes.rs). */
export const TICK_PATH = '/api/internal/media-nodes/tick';

/** What the API is given. */
export interface ApiProps {
  readonly settings: Settings;
  readonly table: dynamodb.ITableV2;
  /** The table's global secondary indexes (the store queries them). */
  readonly tableIndexes: string[];
  readonly recordings: s3.IBucket;
  /** The media nodes' Auto Scaling group (by name: the group's user data names the API). */
  readonly fleetGroupName: string;
}

/** The API function, its HTTP API and the fleet's scheduler. */
export class Api extends Construct {
  readonly function: lambda.Function;
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly logGroup: logs.LogGroup;
  readonly accessLogGroup: logs.LogGroup;
  /** The API's base URL (`https://<id>.execute-api.<region>.amazonaws.com`). */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { settings } = props;
    const names = secretNames(settings.stage);
    const stack = Stack.of(this);

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: API_LOG_DAYS, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'PeerShare API: its table, reading recordings, its secrets, its media-node group',
    });
    this.logGroup.grantWrite(role);
    // Exactly the calls the DynamoDB store makes (functions/src/store/dynamodb/), on the table
    // and its one index. TransactWriteItems is authorised as the puts, updates, deletes and
    // condition checks it holds (it has no IAM action of its own).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [props.table.tableArn, ...props.tableIndexes.map((index) => `${props.table.tableArn}/index/${index}`)],
      }),
    );
    // Download links are presigned GETs of the recordings; deleting a recording (or its group)
    // lists its objects and unfinished uploads under its prefix and removes them
    // (recording/src/storage/: delete_prefix).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [props.recordings.arnForObjects('*')],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [props.recordings.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParametersByPath'],
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: names.apiPath.slice(1) })],
      }),
    );
    const group = autoScalingGroupArn(stack, props.fleetGroupName);
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:SetInstanceProtection', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: [group],
      }),
    );
    const describe = new iam.PolicyStatement({
      actions: ['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances'],
      resources: ['*'],
    });
    role.addToPolicy(describe);
    acknowledge(role, [
      wildcard(stack, '*', 'Describe* of EC2 Auto Scaling has no resource-level permissions: its resource must be *'),
      wildcard(stack, group, 'An Auto Scaling group ARN holds a generated id before the name the stack gives it'),
      wildcard(stack, props.recordings.arnForObjects('*'), 'Download links are presigned GETs of any recording the API lets a member see, and deleting one removes its objects'),
    ]);

    const oauth = settings.oauthClientIds;
    this.function = new lambda.Function(this, 'Function', {
      description: 'PeerShare API (peershare-lambda)',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.ARM_64,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(settings.lambdaDir),
      memorySize: 512,
      timeout: Duration.seconds(29),
      role,
      logGroup: this.logGroup,
      environment: {
        PEERSHARE_TABLE: props.table.tableName,
        PEERSHARE_PUBLIC_URL: settings.publicUrl,
        PEERSHARE_SIGNING_KEY_ID: settings.signingKeyId,
        PEERSHARE_SECRETS_PATH: `${names.apiPath}/`,
        PEERSHARE_RECORDINGS_BUCKET: props.recordings.bucketName,
        PEERSHARE_FLEET_GROUPS: Fn.join('', [Aws.REGION, '=', props.fleetGroupName]),
        PEERSHARE_FLEET_NODE_CAPACITY: String(settings.nodeCapacity),
        // Browsers and the Worker reach the nodes through this API (/api/media-nodes/…), which
        // speaks TLS pinned to each node's own certificate: no node needs a name or port 443.
        PEERSHARE_FLEET_PROXY: 'true',
        ...(settings.warmCapacity ? { PEERSHARE_FLEET_WARM_CAPACITY: settings.warmCapacity } : {}),
        ...(oauth.google ? { PEERSHARE_GOOGLE_CLIENT_ID: oauth.google } : {}),
        ...(oauth.microsoft ? { PEERSHARE_MICROSOFT_CLIENT_ID: oauth.microsoft } : {}),
        ...(oauth.github ? { PEERSHARE_GITHUB_CLIENT_ID: oauth.github } : {}),
        RUST_LOG: 'info',
      },
    });

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', { retention: API_LOG_DAYS, removalPolicy: RemovalPolicy.DESTROY });
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'PeerShare API',
      defaultIntegration: new HttpLambdaIntegration('LambdaIntegration', this.function),
      createDefaultStage: false,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: { rateLimit: API_RATE_LIMIT, burstLimit: API_BURST_LIMIT },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = this.httpApi.apiEndpoint;
    acknowledge(this.httpApi, [
      {
        id: 'AwsSolutions-APIG4',
        reason: 'The API authenticates every caller itself (session tokens, OAuth, the fleet and internal secrets); public routes such as sign-in and the JWKS must be reachable without an authorizer.',
      },
    ]);

    // The fleet's scheduler: every minute, POST the tick route with `Authorization: Bearer
    // <internal secret>`, kept in Secrets Manager (only a reference is in the template).
    const connection = new events.Connection(this, 'TickConnection', {
      description: 'PeerShare fleet tick: the internal secret',
      authorization: events.Authorization.apiKey('Authorization', SecretValue.secretsManager(names.tickAuthorization)),
    });
    const destination = new events.ApiDestination(this, 'TickDestination', {
      description: 'PeerShare fleet tick',
      connection,
      endpoint: `${this.url}${TICK_PATH}`,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: 1,
    });
    new events.Rule(this, 'Tick', {
      description: 'Looks at the media-node fleet every minute (warm capacity, dead and idle nodes)',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.ApiDestination(destination, { retryAttempts: 0 })],
    });
  }
}

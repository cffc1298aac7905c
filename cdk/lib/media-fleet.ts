/**
 * The media-node fleet: an Auto Scaling group of Debian 12 arm64 instances, starting at none,
 * grown and shrunk by the API (it sets the desired size, protects new instances from scale-in
 * and terminates only nodes it has drained). Each instance runs the node and coturn from the
 * user data in `infra/media-node/cloud-init.yaml`; a termination lifecycle hook gives a node the
 * time to leave the registry before its instance goes, whoever terminates it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type Settings, repoRoot, secretNames } from './settings.ts';
import { acknowledge, wildcard } from './nag.ts';

/** The node's one UDP port for media. */
export const MEDIA_UDP_PORT = 50000;
/** The node's control API (TCP): browsers join calls on it, the Worker opens sessions on it. */
export const CONTROL_PORT = 8090;
/** coturn's port, UDP and TCP. */
export const TURN_PORT = 3478;
/** coturn's relay ports (UDP), clear of the media port. */
export const TURN_RELAY_PORTS = { min: 40000, max: 49999 } as const;
/** The termination lifecycle hook's name, which the instance's drain watcher completes. */
export const DRAIN_HOOK_NAME = 'drain';
/** How long a terminating instance may take to drain before it goes anyway. */
export const DRAIN_TIMEOUT = Duration.minutes(10);
/** The root volume (GiB): the OS, coturn, the node and recording checkpoints. */
export const ROOT_VOLUME_GIB = 16;

/** What the fleet is given. */
export interface MediaFleetProps {
  readonly settings: Settings;
  /** The group's name (the API finds and sizes the group by it). */
  readonly groupName: string;
  /** The API's base URL, where nodes register. */
  readonly registryUrl: string;
  readonly recordings: s3.IBucket;
  /** The API's table: the composer's queue and the recordings' metadata. */
  readonly table: dynamodb.ITableV2;
  /** The table's indexes (the composer queries the queue in them). */
  readonly tableIndexes: string[];
  /** Where the group's launches and terminations are announced. */
  readonly notifications: sns.ITopic;
}

/** The fleet's network, instances and group. */
export class MediaFleet extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  readonly role: iam.Role;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly group: autoscaling.AutoScalingGroup;

  constructor(scope: Construct, id: string, props: MediaFleetProps) {
    super(scope, id);
    const { settings } = props;
    const stack = Stack.of(this);
    const names = secretNames(settings.stage);

    // Public subnets only: nodes are reached directly on their public addresses, and reach
    // the API, SSM and S3 the same way (no NAT gateway to pay for).
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 }],
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY })),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: 'PeerShare media nodes: media (UDP), the control API, TURN',
      allowAllOutbound: true,
    });
    const anyone = ec2.Peer.anyIpv4();
    this.securityGroup.addIngressRule(anyone, ec2.Port.udp(MEDIA_UDP_PORT), 'media: ICE, DTLS and SRTP of every participant');
    this.securityGroup.addIngressRule(anyone, ec2.Port.tcp(CONTROL_PORT), 'control API (HTTPS): the API proxies browsers and the Worker to it, pinned to the node certificate');
    this.securityGroup.addIngressRule(anyone, ec2.Port.udp(TURN_PORT), 'TURN over UDP');
    this.securityGroup.addIngressRule(anyone, ec2.Port.tcp(TURN_PORT), 'TURN over TCP');
    this.securityGroup.addIngressRule(anyone, ec2.Port.udpRange(TURN_RELAY_PORTS.min, TURN_RELAY_PORTS.max), 'TURN relays');
    acknowledge(this.securityGroup, [
      { id: 'AwsSolutions-EC23', reason: 'Media, TURN and the control API are reached by browsers anywhere on the internet; nothing else is open.' },
    ]);

    const binary = new Asset(this, 'NodeBinary', { path: settings.nodeBinary });
    const composer = new Asset(this, 'ComposerBinary', { path: settings.composerBinary });
    this.role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'PeerShare media node: its secrets, its binaries, writing and composing recordings, completing its drain',
    });
    const groupArn = autoScalingGroupArn(stack, props.groupName);
    const parameter = (name: string) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.slice(1) });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [names.fleetSecret, names.mediaPublicKey, names.turnSecret].map(parameter),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [binary, composer].map((asset) => `arn:${Aws.PARTITION}:s3:::${asset.s3BucketName}/${asset.s3ObjectKey}`),
      }),
    );
    // The node writes tracks and removes its checkpoints; the composer reads them back and
    // writes the MP4.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [props.recordings.arnForObjects('*')],
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.recordings.bucketArn] }));
    // The composer (functions/src/store/dynamodb/recordings.rs): the queue in the index, its
    // claims and progress on recording items, and a group's recording quality.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: props.tableIndexes.map((index) => `${props.table.tableArn}/index/${index}`),
      }),
    );
    const leadingKeys = (...prefixes: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes } });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys('RECORDING#*', 'GROUP#*'),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys('RECORDING#*'),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:CompleteLifecycleAction'],
        resources: [groupArn],
      }),
    );
    acknowledge(this.role, [
      wildcard(stack, props.recordings.arnForObjects('*'), 'A node writes one object per track of each call it records (keys made at run time)'),
      wildcard(stack, groupArn, 'An Auto Scaling group ARN holds a generated id before the name the stack gives it'),
    ]);

    const base64 = (path: string) => Buffer.from(withoutComments(readFileSync(resolve(repoRoot, path), 'utf8'))).toString('base64');
    const userDataTemplate = readFileSync(resolve(repoRoot, 'infra', 'media-node', 'cloud-init.yaml'), 'utf8');
    const userData = ec2.UserData.custom(
      Fn.sub(userDataTemplate, {
        NodeArtifactUrl: binary.s3ObjectUrl,
        NodeUnitBase64: base64('infra/media-node/peershare-media-node.service'),
        ComposerArtifactUrl: composer.s3ObjectUrl,
        ComposerUnitBase64: base64('infra/media-node/peershare-composer.service'),
        TableName: props.table.tableName,
        CoturnPolicyBase64: base64('infra/coturn/turnserver.conf'),
        HomeRegion: Aws.REGION,
        FleetSecretParameter: names.fleetSecret,
        MediaPublicKeyParameter: names.mediaPublicKey,
        TurnSecretParameter: names.turnSecret,
        RegistryUrl: props.registryUrl,
        RecordingsBucket: props.recordings.bucketName,
        NodeCapacity: String(settings.nodeCapacity),
        MediaUdpPort: String(MEDIA_UDP_PORT),
        ControlPort: String(CONTROL_PORT),
        TurnPort: String(TURN_PORT),
        TurnRelayPortMin: String(TURN_RELAY_PORTS.min),
        TurnRelayPortMax: String(TURN_RELAY_PORTS.max),
        FleetGroupName: props.groupName,
        DrainHookName: DRAIN_HOOK_NAME,
      }),
    );

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: settings.nodeAmiId
        ? fixedImage(settings.nodeAmiId)
        : ec2.MachineImage.fromSsmParameter(settings.nodeAmiParameter, { os: ec2.OperatingSystemType.LINUX }),
      instanceType: new ec2.InstanceType(settings.nodeInstanceType),
      role: this.role,
      securityGroup: this.securityGroup,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      associatePublicIpAddress: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(ROOT_VOLUME_GIB, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });

    this.group = new autoscaling.AutoScalingGroup(this, 'Group', {
      autoScalingGroupName: props.groupName,
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      launchTemplate: this.launchTemplate,
      // No desired capacity: the API owns it, and a deploy must not reset it.
      minCapacity: 0,
      maxCapacity: settings.maxNodes,
      newInstancesProtectedFromScaleIn: true,
      healthChecks: autoscaling.HealthChecks.ec2({ gracePeriod: Duration.minutes(5) }),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: props.notifications }],
    });
    this.group.addLifecycleHook('Drain', {
      lifecycleHookName: DRAIN_HOOK_NAME,
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: DRAIN_TIMEOUT,
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
    acknowledge(this.group, [
      {
        id: 'AwsSolutions-AS1',
        reason: 'There is no load balancer: participants reach each node directly; the API tracks node health by heartbeat and EC2 health checks replace broken instances.',
      },
      { id: 'AwsSolutions-AS2', reason: 'As AS1: no load balancer to health-check through.' },
    ]);
  }
}

/** An AMI by id, in whatever region the stack deploys to (the stack's region may be unknown at synth). */
function fixedImage(imageId: string): ec2.IMachineImage {
  return { getImage: () => ({ imageId, osType: ec2.OperatingSystemType.LINUX, userData: ec2.UserData.forLinux() }) };
}

/**
 * A configuration file as the user data carries it: without comment lines (`#` first) and blank
 * lines, which only cost room in EC2's 16 KiB (media-node/tests/cloud_init.rs checks nothing
 * else is lost).
 */
export function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => `${line}\n`)
    .join('');
}

/** The ARN of the Auto Scaling group named `name` (its generated id, before the name, a wildcard). */
export function autoScalingGroupArn(stack: Stack, name: string): string {
  return stack.formatArn({
    service: 'autoscaling',
    resource: 'autoScalingGroup',
    resourceName: `*:autoScalingGroupName/${name}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

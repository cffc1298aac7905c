/**
 * What an operator watches: the number of media nodes, participants, failed allocations and
 * scaling, and the API's errors, as alarms (to an SNS topic, and an email when one is given)
 * and one CloudWatch dashboard.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Api } from './api.ts';
import { acknowledge } from './nag.ts';

/** The namespace of the metrics made from the API's logs. */
export const namespace = (stage: string) => `PeerShare/${stage}`;

/** The log lines (functions/src/fleet/service.rs) that say the fleet could not change size. */
export const SCALING_FAILURE_MESSAGES = ['could not ask for more media nodes', "could not change the fleet's size"];

/** The route a signaling host asks for a media node on (functions/src/api/fleet_routes.rs). */
export const ALLOCATION_PATH = '/api/internal/media-nodes/allocations';

/** The message of the tick's summary line, which carries the fleet's nodes and participants. */
export const FLEET_SUMMARY_MESSAGE = 'fleet looked at';

/** The topic, alarms and dashboard. */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly stage: string;

  constructor(scope: Construct, id: string, props: { stage: string; alarmEmail?: string }) {
    super(scope, id);
    this.stage = props.stage;
    // Not encrypted at rest: CloudWatch cannot publish to a topic under the AWS-managed SNS key
    // (its policy cannot grant the service), and alarms carry no secret (names and states).
    this.topic = new sns.Topic(this, 'Alarms', {
      displayName: `PeerShare ${props.stage} alarms`,
      enforceSSL: true,
    });
    // The topic's policy replaces SNS's default one: let this account's alarms publish.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    acknowledge(this.topic, [
      { id: 'AwsSolutions-SNS2', reason: 'CloudWatch alarms cannot publish to a topic under the AWS-managed key; the alarms carry no secret.' },
    ]);
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `PeerShare-${props.stage}` });
  }

  /** A metric counted from log lines matching `pattern` (0 in periods with none). */
  private logMetric(id: string, logGroup: logs.ILogGroup, metricName: string, pattern: logs.IFilterPattern, value = '1') {
    new logs.MetricFilter(this, id, {
      logGroup,
      filterPattern: pattern,
      metricNamespace: namespace(this.stage),
      metricName,
      metricValue: value,
      defaultValue: value === '1' ? 0 : undefined,
    });
    return new cloudwatch.Metric({ namespace: namespace(this.stage), metricName, period: Duration.minutes(5), statistic: 'Sum' });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, threshold: number, description: string, periods = 1) {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** Watches the API, the fleet's group and what the API logs about the fleet. */
  watch(api: Api, fleetGroupName: string, maxNodes: number) {
    const fiveMinutes = { period: Duration.minutes(5) };
    const group = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/AutoScaling',
        metricName,
        dimensionsMap: { AutoScalingGroupName: fleetGroupName },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      });
    const inService = group('GroupInServiceInstances');
    const scalingFailures = this.logMetric(
      'ScalingFailures',
      api.logGroup,
      'FleetScalingFailures',
      logs.FilterPattern.any(...SCALING_FAILURE_MESSAGES.map((m) => logs.FilterPattern.stringValue('$.fields.message', '=', m))),
    );
    const allocationFailures = this.logMetric(
      'AllocationFailures',
      api.accessLogGroup,
      'AllocationFailures',
      logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.path', '=', ALLOCATION_PATH),
        logs.FilterPattern.stringValue('$.status', '=', '5*'),
      ),
    );
    const summary = logs.FilterPattern.stringValue('$.fields.message', '=', FLEET_SUMMARY_MESSAGE);
    const participants = this.logMetric('Participants', api.logGroup, 'Participants', summary, '$.fields.participants').with({
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });

    this.alarm('ApiErrors', api.function.metricErrors(fiveMinutes), 5, 'The API function failed 5 or more times in 5 minutes');
    this.alarm('ApiThrottles', api.function.metricThrottles(fiveMinutes), 1, 'The API function was throttled (account concurrency reached)');
    this.alarm('Api5xx', api.httpApi.metricServerError(fiveMinutes), 10, 'The API answered 10 or more 5xx in 5 minutes');
    this.alarm('AllocationFailed', allocationFailures, 1, 'A call could not get a media node (the allocation route answered 5xx)');
    this.alarm('ScalingFailed', scalingFailures, 1, 'The API could not change the media fleet’s size (see its log)');
    this.alarm('FleetFull', inService, maxNodes, 'The media fleet has run at its maximum size for 15 minutes: raise maxNodes', 15);
    // 1 while recordings wait for the nodes' composers, which keeps a node running: for hours
    // on end, a composer is not working (see its journal on a node).
    const compositionsPending = this.logMetric('CompositionsPending', api.logGroup, 'CompositionsPending', summary, '$.fields.compositions_pending').with({
      statistic: 'Minimum',
      period: Duration.hours(1),
    });
    this.alarm('CompositionsStuck', compositionsPending, 1, 'Recordings have waited to be composed for 3 hours, keeping a media node running: look at peershare-composer on the nodes', 3);

    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Media nodes', left: [inService, group('GroupDesiredCapacity')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Participants on media nodes', left: [participants], right: [compositionsPending], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Allocation and scaling failures', left: [allocationFailures, scalingFailures], width: 8 }),
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [api.httpApi.metricCount(fiveMinutes), api.httpApi.metricClientError(fiveMinutes), api.httpApi.metricServerError(fiveMinutes)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (p50, p99)',
        left: [api.httpApi.metricLatency({ ...fiveMinutes, statistic: 'p50' }), api.httpApi.metricLatency({ ...fiveMinutes, statistic: 'p99' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API function',
        left: [api.function.metricInvocations(fiveMinutes), api.function.metricErrors(fiveMinutes), api.function.metricThrottles(fiveMinutes)],
        right: [api.function.metricDuration({ ...fiveMinutes, statistic: 'p99' })],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
  }
}

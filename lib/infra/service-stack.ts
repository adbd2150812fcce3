/**
 * The loop of DESIGN section 2 on AWS: the webhook (Function URL), the sync and evaluate functions on their FIFO
 * queues, the reconcile poll every minute, alarms to an SNS topic and a dashboard. Stateless: it finds the table and
 * the secrets of the data stack by their fixed names (lib/infra/contract.ts), so redeploying or deleting it never
 * touches them, and no CloudFormation export couples the two stacks.
 */
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  type EmitterOf,
  type FunctionKey,
  METRICS_NAMESPACE,
  type MetricName,
  secretNamesOf,
  serviceOf,
  tableNameOf,
} from './contract';
import { ZoneEvalFunction } from './function';
import { type StageSettings, sheetsCallers } from './settings';

/**
 * Timeouts, and why a Google fault cannot outlive them (functions/shared/google.ts). Without faults a sync reads one
 * sheet and may write its Feedback (two Google calls), an evaluate scores (under 2 s) and publishes in one call, a
 * reconcile lists a folder: seconds. Each SQS source takes one message per invocation, so a timeout is one message's.
 *
 * One Google call, counted honestly: up to 7 attempts of at most 10 s each (the HTTP timeout on Lambda), one token
 * request of at most 10 s when the token is renewed, and 6 waits between attempts of at most 16 s each (47 s of
 * backoff), which Retry-After hints can stretch to 32 s each: 7 x 10 + 10 + 6 x 32 = 272 s, more than these
 * timeouts, and a sync makes two calls. So the retries do not decide when an invocation ends: its deadline does.
 * The Google caller reads the invocation's remaining time (`context.getRemainingTimeInMillis()`) and starts no
 * attempt that could end (a token and a request, 20 s) and begins no wait that could end, within 10 s of the
 * timeout; it gives up instead, the record fails, and those 10 s are for failing it cleanly (the log line, the
 * partial batch response, the message made visible again for SQS's retry) rather than being killed mid-write. A
 * sync gives up sooner still, a minute after its invocation started (`SYNC_GOOGLE_BUDGET_MS`): its record comes
 * back after RETRY_DELAY_SECONDS instead of holding the sheet's group for most of the 3 minutes.
 */
export const TIMEOUTS: Record<FunctionKey, Duration> = {
  webhook: Duration.seconds(10),
  sync: Duration.minutes(3),
  evaluate: Duration.minutes(3),
  reconcile: Duration.minutes(2),
};
/** AWS's advice for an SQS event source: a visibility timeout of at least 6 times the function's timeout. */
export const VISIBILITY_FACTOR = 6;
/** The evaluate queue's delivery delay: a burst of edits becomes a few runs (DESIGN section 2). */
export const EVALUATE_DELAY = Duration.seconds(5);
/** Receives before a message goes to its dead-letter queue. */
export const MAX_RECEIVES = 5;
/** Seconds a fetched secret is cached: a filled-in or rotated secret is seen within this, without a redeploy. */
export const SECRET_MAX_AGE_SECONDS = 300;

export type ServiceStackProps = StackProps & { stage: string; settings: StageSettings };

export class ServiceStack extends Stack {
  readonly functions: Record<FunctionKey, ZoneEvalFunction>;
  readonly queues: { sync: Queue; syncDlq: Queue; evaluate: Queue; evaluateDlq: Queue };
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { stage, settings } = props;
    const tableName = tableNameOf(stage);
    const tableArn = this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
    const names = secretNamesOf(stage);
    // Secrets Manager appends six random characters to a secret's ARN; `-??????` matches exactly those.
    const secretArn = (name: string) =>
      this.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${name}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    const googleSecretArn = secretArn(names.google);
    const triggerSecretArn = secretArn(names.trigger);

    // ---- queues -------------------------------------------------------------------------------------------
    const fifoQueue = (
      qid: string,
      extra: { visibilityTimeout?: Duration; deliveryDelay?: Duration; dlq?: Queue },
    ) =>
      new Queue(this, qid, {
        fifo: true,
        contentBasedDeduplication: false,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        ...(extra.visibilityTimeout && { visibilityTimeout: extra.visibilityTimeout }),
        ...(extra.deliveryDelay && { deliveryDelay: extra.deliveryDelay }),
        ...(extra.dlq && { deadLetterQueue: { queue: extra.dlq, maxReceiveCount: MAX_RECEIVES } }),
      });
    const syncDlq = fifoQueue('SyncDeadLetters', {});
    const evaluateDlq = fifoQueue('EvaluateDeadLetters', {});
    for (const dlq of [syncDlq, evaluateDlq])
      Validations.of(dlq).acknowledge({
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This is a dead-letter queue: a message lands here after 5 receives and waits for the admin (an alarm fires); it needs no dead-letter queue of its own.',
      });
    const sync = fifoQueue('SyncQueue', {
      visibilityTimeout: Duration.seconds(TIMEOUTS.sync.toSeconds() * VISIBILITY_FACTOR),
      dlq: syncDlq,
    });
    const evaluate = fifoQueue('EvaluateQueue', {
      visibilityTimeout: Duration.seconds(TIMEOUTS.evaluate.toSeconds() * VISIBILITY_FACTOR),
      deliveryDelay: EVALUATE_DELAY,
      dlq: evaluateDlq,
    });
    this.queues = { sync, syncDlq, evaluate, evaluateDlq };

    // ---- functions ----------------------------------------------------------------------------------------
    const common = {
      TABLE_NAME: tableName,
      SECRET_MAX_AGE_SECONDS: String(SECRET_MAX_AGE_SECONDS),
    };
    // Every process that can call Sheets at once as the service account paces under 1/n of its quota (`shareOf`).
    const sheets = {
      SHEETS_CONCURRENCY: String(sheetsCallers(settings)),
      RETRY_DELAY_SECONDS: '10',
    };
    const make = (
      fn: FunctionKey,
      description: string,
      memorySize: number,
      environment: Record<string, string>,
      extra: { reserved?: number | undefined; quietPlatformLogs?: boolean } = {},
    ) =>
      new ZoneEvalFunction(this, titleOf(fn), {
        fn,
        stage,
        description,
        timeout: TIMEOUTS[fn],
        memorySize,
        logRetentionDays: settings.logRetentionDays,
        environment: { ...common, ...environment },
        ...(extra.reserved === undefined ? {} : { reservedConcurrentExecutions: extra.reserved }),
        ...(extra.quietPlatformLogs && { quietPlatformLogs: true }),
      });
    const webhook = make(
      'webhook',
      'Edit signals from the spreadsheet triggers: verify, count, queue a sync',
      256,
      {
        SYNC_QUEUE_URL: sync.queueUrl,
        TRIGGER_SECRET_ID: names.trigger,
        // The throttle every account can have (lib/pipeline/rate-limit.ts says why it is in the handler).
        SIGNALS_PER_SECOND: String(settings.webhookSignalsPerSecond),
      },
      {
        reserved: settings.webhookConcurrency > 0 ? settings.webhookConcurrency : undefined,
        // Anyone can invoke it: a flood's refused calls must not each write Lambda's three lines (README).
        quietPlatformLogs: true,
      },
    );
    const syncFn = make('sync', 'Reads one spreadsheet, stores its values, asks for an evaluation', 1024, {
      SYNC_QUEUE_URL: sync.queueUrl,
      EVALUATE_QUEUE_URL: evaluate.queueUrl,
      GOOGLE_SECRET_ID: names.google,
      ...sheets,
    });
    const evaluateFn = make(
      'evaluate',
      'Scores an evaluation, stores the run, publishes the results spreadsheet',
      1769,
      {
        GOOGLE_SECRET_ID: names.google,
        ...sheets,
      },
    );
    const reconcileFn = make(
      'reconcile',
      'Every minute: Drive versions against the stored ones, stalled requests re-sent',
      512,
      {
        SYNC_QUEUE_URL: sync.queueUrl,
        EVALUATE_QUEUE_URL: evaluate.queueUrl,
        GOOGLE_SECRET_ID: names.google,
        EVALUATIONS: settings.evaluations,
      },
    );
    this.functions = { webhook, sync: syncFn, evaluate: evaluateFn, reconcile: reconcileFn };

    // ---- least privilege: every action of every function, and nothing else (asserted by the infra tests) -----
    webhook.allow(['secretsmanager:GetSecretValue'], [triggerSecretArn]);
    webhook.allow(['dynamodb:GetItem', 'dynamodb:UpdateItem'], [tableArn]);
    webhook.allow(['sqs:SendMessage'], [sync.queueArn]);

    syncFn.allow(['secretsmanager:GetSecretValue'], [googleSecretArn]);
    syncFn.allow(
      ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      [tableArn],
    );
    // The control sheet's resync of every zone goes back on the sync queue; a sync asks for an evaluation.
    syncFn.allow(['sqs:SendMessage'], [sync.queueArn, evaluate.queueArn]);

    evaluateFn.allow(['secretsmanager:GetSecretValue'], [googleSecretArn]);
    // A run past one item is written in parts (BatchWriteItem) before its head.
    evaluateFn.allow(
      [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
      ],
      [tableArn],
    );

    reconcileFn.allow(['secretsmanager:GetSecretValue'], [googleSecretArn]);
    reconcileFn.allow(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'], [tableArn]);
    reconcileFn.allow(['sqs:SendMessage'], [sync.queueArn, evaluate.queueArn]);

    // ---- event sources ------------------------------------------------------------------------------------
    // The sync source's maximum concurrency, not reserved concurrency: a new account (concurrency limit 10) cannot
    // reserve any, and with the poller capped no message is throttled back to the queue.
    syncFn.fn.addEventSource(
      new SqsEventSource(sync, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: settings.syncConcurrency,
      }),
    );
    evaluateFn.fn.addEventSource(
      new SqsEventSource(evaluate, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: settings.evaluateConcurrency,
      }),
    );
    for (const f of [syncFn, evaluateFn]) {
      Validations.of(f.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          "Invoked only by its SQS event source, never asynchronously: a failed message goes to its queue's dead-letter queue after 5 receives.",
      });
      Validations.of(f.fn).acknowledge({
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          "An SQS event source has no on-failure destination of its own: the queue's dead-letter queue is the destination.",
      });
    }

    // ---- the webhook's Function URL ------------------------------------------------------------------------
    // Auth type NONE: the trigger cannot sign AWS requests; the HMAC signature is the authentication. CDK grants
    // both permissions public invocation needs since October 2025: lambda:InvokeFunctionUrl (FunctionUrlAuthType
    // NONE) and lambda:InvokeFunction (lambda:InvokedViaFunctionUrl true).
    const url = webhook.fn.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });
    Validations.of(webhook.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously through its Function URL only; a failed signal is answered 5xx and the trigger or the reconcile poll signals again.',
    });
    new CfnOutput(this, 'WebhookUrl', {
      value: url.url,
      description: 'The URL the spreadsheet triggers post signed signals to',
    });

    // ---- the reconcile schedule ------------------------------------------------------------------------------
    const schedule = new Rule(this, 'ReconcileSchedule', {
      description: 'The reconcile poll, every minute (DESIGN section 2, step 4)',
      schedule: Schedule.rate(Duration.minutes(1)),
      // With no evaluation configured the poll has nothing to do (and its configuration would refuse to start).
      enabled: settings.evaluations !== '',
      targets: [new LambdaFunction(reconcileFn.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
    reconcileFn.fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    Validations.of(reconcileFn.fn).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'A failed poll is replaced by the next one a minute later and holds nothing to redrive; its errors alarm.',
    });
    Validations.of(reconcileFn.fn).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason:
        'A failed poll is replaced by the next one a minute later and holds nothing to redrive; its errors alarm.',
    });
    Validations.of(schedule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A poll EventBridge could not deliver is worth nothing later: the next one comes a minute after, and it covers everything the missed one would have.',
    });

    // ---- alarms ------------------------------------------------------------------------------------------------
    const topic = new Topic(this, 'Alarms', { displayName: `zone-eval ${stage} alarms`, enforceSSL: true });
    if (settings.alarmEmail !== '') {
      const email = topic.addSubscription(new EmailSubscription(settings.alarmEmail));
      Validations.of(email).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason:
          "An alarm email SNS could not deliver would wait in a queue nobody reads; the alarm's state stays in CloudWatch and on the dashboard, where the admin looks when mail is down.",
      });
    }
    this.alarmTopic = topic;
    const action = new SnsAction(topic);
    const alarm = (aid: string, a: ConstructorParameters<typeof Alarm>[2]) => {
      const made = new Alarm(this, `${aid}Alarm`, { alarmName: `zone-eval-${stage}-${aid}`, ...a });
      made.addAlarmAction(action);
      return made;
    };
    const fiveMin = Duration.minutes(5);
    for (const [dlq, what] of [
      [syncDlq, 'SyncDeadLetters'],
      [evaluateDlq, 'EvaluateDeadLetters'],
    ] as const)
      alarm(what, {
        alarmDescription: `A message failed ${MAX_RECEIVES} times and waits in the ${what} queue (README: the admin guide, alarms).`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: fiveMin, statistic: Stats.MAXIMUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    for (const [key, f] of Object.entries(this.functions)) {
      alarm(`${titleOf(key as FunctionKey)}Errors`, {
        alarmDescription: `The ${key} function failed (an exception or a timeout) in 2 of the last 3 five-minute periods.`,
        metric: f.fn.metricErrors({ period: fiveMin, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm(`${titleOf(key as FunctionKey)}Throttles`, {
        alarmDescription: `Invocations of the ${key} function were throttled (the account's concurrency, or the webhook's own limit under a flood).`,
        metric: f.fn.metricThrottles({ period: fiveMin, statistic: Stats.SUM }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('EvaluationBehind', {
      alarmDescription:
        "An evaluation's requested counter has stayed above scored for 15 minutes: no run answers the edits (README: the admin guide, alarms).",
      metric: handlerMetric('evaluation.unscored-seconds', 'reconcile', Stats.MAXIMUM, Duration.minutes(1)),
      threshold: 15 * 60,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('ResultsSheetUnavailable', {
      alarmDescription:
        'Google refused a results publish with 403 or 404: the results spreadsheet was deleted, moved out of the shared drive, or no longer shared with the service account (README: the admin guide, alarms).',
      metric: handlerMetric('publish.unavailable', 'evaluate', Stats.SUM, fiveMin),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('WebhookFlood', {
      alarmDescription:
        "The webhook's own rate limit refused at least 50 calls in 5 minutes: a flood of calls, or edits faster than the limit allows (README: the admin guide, alarms).",
      metric: handlerMetric('signal.throttled', 'webhook', Stats.SUM, fiveMin),
      threshold: 50,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm('SheetsThrottled', {
      alarmDescription:
        'Google answered 429 (quota) at least 5 times in each of 3 five-minute periods: the Sheets quota is too small for the edits, or another caller shares the service account.',
      metric: new MathExpression({
        expression: 'FILL(s, 0) + FILL(e, 0)',
        usingMetrics: {
          s: handlerMetric('sheets.429', 'sync', Stats.SUM, fiveMin),
          e: handlerMetric('sheets.429', 'evaluate', Stats.SUM, fiveMin),
        },
        period: fiveMin,
        label: 'Sheets 429 answers',
      }),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // ---- dashboard -------------------------------------------------------------------------------------------------
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `zone-eval-${stage}` });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# zone-eval ${stage}\nEdits in, syncs, runs out; the admin guide in the README says what each alarm means.`,
        width: 24,
        height: 2,
      }),
      new GraphWidget({
        title: 'Edits (signals accepted and refused)',
        left: [
          handlerMetric('signal.accepted', 'webhook', Stats.SUM, fiveMin),
          handlerMetric('signal.refused', 'webhook', Stats.SUM, fiveMin),
          handlerMetric('signal.throttled', 'webhook', Stats.SUM, fiveMin),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Syncs and runs',
        left: [
          handlerMetric('sync.processed', 'sync', Stats.SUM, fiveMin),
          handlerMetric('evaluate.scored', 'evaluate', Stats.SUM, fiveMin),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Edit to published result (s)',
        left: [
          handlerMetric('edit-to-publish', 'evaluate', Stats.p(50), fiveMin),
          handlerMetric('edit-to-publish', 'evaluate', Stats.p(95), fiveMin),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Refused cells (shown to officials in Feedback)',
        left: [handlerMetric('cells.refused', 'sync', Stats.SUM, fiveMin)],
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead letters',
        left: [
          syncDlq.metricApproximateNumberOfMessagesVisible(),
          evaluateDlq.metricApproximateNumberOfMessagesVisible(),
        ],
        width: 8,
      }),
      new SingleValueWidget({
        title: 'Function errors (5 min)',
        metrics: Object.values(this.functions).map((f) => f.fn.metricErrors({ period: fiveMin })),
        width: 8,
      }),
    );
  }
}

/**
 * A handler's Powertools metric: namespace ZoneEval, dimension `service` = the emitting function's service name. The
 * name comes from the metrics table (lib/pipeline/metrics.ts), and `fn` must be one of the functions that emit it.
 */
function handlerMetric<N extends MetricName>(
  name: N,
  fn: EmitterOf<N>,
  statistic: string,
  period: Duration,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: serviceOf(fn) },
    statistic,
    period,
  });
}

const titleOf = (fn: FunctionKey) => `${fn[0]?.toUpperCase() ?? ''}${fn.slice(1)}`;

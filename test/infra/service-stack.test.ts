import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { ServerlessChecks } from 'cdk-nag';
import {
  FUNCTION_KEYS,
  type FunctionKey,
  GOOGLE_CREDENTIALS_PLACEHOLDER,
  METRICS_NAMESPACE,
  secretNamesOf,
  tableNameOf,
} from '../../lib/infra/contract';
import { NODE_RUNTIME, ROLE_NAME_MAX, roleNameOf } from '../../lib/infra/function';
import { EVALUATE_DELAY, MAX_RECEIVES, TIMEOUTS, VISIBILITY_FACTOR } from '../../lib/infra/service-stack';
import { StageNameSchema } from '../../lib/infra/settings';
import { synthApp } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown> };

const {
  app,
  outdir,
  data,
  service,
  serviceTemplate: template,
  dataTemplate,
  settings,
  stage,
} = synthApp({
  context: { stage: 'test', evaluations: 'eval2026=folderA', alarmEmail: 'ops@example.org' },
});
const resources = template.toJSON().Resources as Record<string, Resource>;
const logicalIdOf = (c: { node: { defaultChild?: unknown } }) =>
  service.getLogicalId(c.node.defaultChild as Parameters<typeof service.getLogicalId>[0]);

/** Friendly names of the resources a policy may name, by logical id. */
const names = new Map<string, string>([
  [logicalIdOf(service.queues.sync), 'sync queue'],
  [logicalIdOf(service.queues.evaluate), 'evaluate queue'],
  [logicalIdOf(service.queues.syncDlq), 'sync DLQ'],
  [logicalIdOf(service.queues.evaluateDlq), 'evaluate DLQ'],
  ...FUNCTION_KEYS.map((fn) => [logicalIdOf(service.functions[fn].logGroup), `${fn} log group`] as const),
]);

/** A policy resource as a readable string: a queue's name, the table, a secret. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ('Fn::GetAtt' in o) {
      const [id] = o['Fn::GetAtt'] as [string];
      return names.get(id) ?? `<${id}>`;
    }
    if ('Ref' in o) return `<${String(o.Ref)}>`;
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      const joined = parts.map(render).join(sep);
      const table = joined.match(/:dynamodb:<AWS::Region>:<AWS::AccountId>:table\/(.+)$/);
      if (table) return `table ${table[1]}`;
      const secret = joined.match(/:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:(.+)$/);
      if (secret) return `secret ${secret[1]}`;
      return joined;
    }
  }
  return JSON.stringify(value);
}

/** Every `action on resource` the role of a function is allowed, sorted. */
function allowed(fn: FunctionKey): string[] {
  const role = logicalIdOf(service.functions[fn].role);
  const out: string[] = [];
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = r.Properties.Roles as { Ref: string }[];
    if (!roles.some((x) => x.Ref === role)) continue;
    const doc = r.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    for (const s of doc.Statement) {
      expect(s.Effect).toBe('Allow');
      expect(s.Condition).toBeUndefined();
      const actions = ([] as string[]).concat(s.Action as string | string[]);
      const res = ([] as unknown[]).concat(s.Resource);
      for (const a of actions) for (const x of res) out.push(`${a} on ${render(x)}`);
    }
  }
  // Managed policies would grant what this table cannot see.
  const roleResource = resources[role];
  expect(roleResource?.Properties.ManagedPolicyArns).toBeUndefined();
  expect(roleResource?.Properties.Policies).toBeUndefined();
  return out.sort();
}

const secrets = secretNamesOf('test');
const table = `table ${tableNameOf('test')}`;
const consume = (queue: string) =>
  [
    'sqs:ChangeMessageVisibility',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:GetQueueUrl',
    'sqs:ReceiveMessage',
  ].map((a) => `${a} on ${queue}`);
const logs = (fn: string) => [
  `logs:CreateLogStream on ${fn} log group`,
  `logs:PutLogEvents on ${fn} log group`,
];

/** The least-privilege table: every action each function may take, and on what. Nothing else is allowed. */
const LEAST_PRIVILEGE: Record<FunctionKey, string[]> = {
  webhook: [
    ...logs('webhook'),
    `secretsmanager:GetSecretValue on secret ${secrets.trigger}-??????`,
    `dynamodb:GetItem on ${table}`,
    `dynamodb:UpdateItem on ${table}`,
    'sqs:SendMessage on sync queue',
  ],
  sync: [
    ...logs('sync'),
    `secretsmanager:GetSecretValue on secret ${secrets.google}-??????`,
    `dynamodb:GetItem on ${table}`,
    `dynamodb:Query on ${table}`,
    `dynamodb:PutItem on ${table}`,
    `dynamodb:UpdateItem on ${table}`,
    'sqs:SendMessage on sync queue',
    'sqs:SendMessage on evaluate queue',
    ...consume('sync queue'),
  ],
  evaluate: [
    ...logs('evaluate'),
    `secretsmanager:GetSecretValue on secret ${secrets.google}-??????`,
    `dynamodb:GetItem on ${table}`,
    `dynamodb:Query on ${table}`,
    `dynamodb:PutItem on ${table}`,
    `dynamodb:UpdateItem on ${table}`,
    `dynamodb:BatchWriteItem on ${table}`,
    ...consume('evaluate queue'),
  ],
  reconcile: [
    ...logs('reconcile'),
    `secretsmanager:GetSecretValue on secret ${secrets.google}-??????`,
    `dynamodb:GetItem on ${table}`,
    `dynamodb:Query on ${table}`,
    `dynamodb:UpdateItem on ${table}`,
    'sqs:SendMessage on sync queue',
    'sqs:SendMessage on evaluate queue',
  ],
};

const fnResource = (fn: FunctionKey) => {
  const r = resources[logicalIdOf(service.functions[fn].fn)];
  if (!r) throw new Error(`no ${fn} function in the template`);
  return r;
};

describe('least privilege', () => {
  test.each(FUNCTION_KEYS)('the %s function may do exactly what its row of the table says', (fn) => {
    expect(allowed(fn)).toEqual([...LEAST_PRIVILEGE[fn]].sort());
  });

  test('no function may touch the other secret: only the webhook reads the trigger secret', () => {
    for (const fn of FUNCTION_KEYS) {
      const reads = allowed(fn).filter((a) => a.startsWith('secretsmanager:'));
      expect(reads).toEqual([
        `secretsmanager:GetSecretValue on secret ${fn === 'webhook' ? secrets.trigger : secrets.google}-??????`,
      ]);
    }
  });
});

describe('the functions', () => {
  test('the newest Node.js runtime aws-cdk-lib offers, on ARM64', () => {
    const versions = Object.keys(Runtime)
      .map((k) => k.match(/^NODEJS_(\d+)_X$/)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number);
    expect(NODE_RUNTIME.name).toBe(`nodejs${Math.max(...versions)}.x`);
    for (const fn of FUNCTION_KEYS) {
      expect(fnResource(fn).Properties.Runtime).toBe(NODE_RUNTIME.name);
      expect(fnResource(fn).Properties.Architectures).toEqual(['arm64']);
    }
  });

  test.each(FUNCTION_KEYS)(
    'the %s function runs as a role of fixed name zone-eval-<stage>-<fn>, which a Workload Identity Federation binding can name',
    (fn) => {
      const role = resources[(fnResource(fn).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]];
      expect(role?.Type).toBe('AWS::IAM::Role');
      expect(role?.Properties.RoleName).toBe(`zone-eval-test-${fn}`);
    },
  );

  test("the longest stage name the settings accept still makes role names within IAM's 64 characters", () => {
    const longest = `a${'b'.repeat(20)}`;
    expect(StageNameSchema.safeParse(longest).success).toBe(true);
    expect(StageNameSchema.safeParse(`${longest}c`).success).toBe(false);
    for (const fn of FUNCTION_KEYS) expect(roleNameOf(longest, fn).length).toBeLessThanOrEqual(ROLE_NAME_MAX);
    expect(() => roleNameOf('s'.repeat(60), 'reconcile')).toThrow(
      /past IAM's 64: choose a shorter stage name/,
    );
  });

  test("only the webhook, which anyone can invoke, leaves out Lambda's START, END and REPORT lines", () => {
    expect(fnResource('webhook').Properties.LoggingConfig).toMatchObject({
      LogFormat: 'JSON',
      SystemLogLevel: 'WARN',
      ApplicationLogLevel: 'INFO',
    });
    for (const fn of ['sync', 'evaluate', 'reconcile'] as const)
      expect(fnResource(fn).Properties.LoggingConfig).not.toHaveProperty('SystemLogLevel');
  });

  test.each(FUNCTION_KEYS)('the %s function logs to its own log group, with a retention', (fn) => {
    const config = fnResource(fn).Properties.LoggingConfig as { LogGroup: { Ref: string } };
    const group = resources[config.LogGroup.Ref];
    expect(group?.Type).toBe('AWS::Logs::LogGroup');
    expect(group?.Properties.RetentionInDays).toBe(settings.logRetentionDays);
  });

  test('each function gets the settings its configuration module reads, secrets by name only', () => {
    const env = (fn: FunctionKey) =>
      Object.keys((fnResource(fn).Properties.Environment as { Variables: object }).Variables).sort();
    const base = ['POWERTOOLS_LOG_LEVEL', 'SECRET_MAX_AGE_SECONDS', 'TABLE_NAME'];
    expect(env('webhook')).toEqual(
      [...base, 'SYNC_QUEUE_URL', 'TRIGGER_SECRET_ID', 'SIGNALS_PER_SECOND'].sort(),
    );
    expect(env('sync')).toEqual(
      [
        ...base,
        'SYNC_QUEUE_URL',
        'EVALUATE_QUEUE_URL',
        'GOOGLE_SECRET_ID',
        'SHEETS_CONCURRENCY',
        'RETRY_DELAY_SECONDS',
      ].sort(),
    );
    expect(env('evaluate')).toEqual(
      [...base, 'GOOGLE_SECRET_ID', 'SHEETS_CONCURRENCY', 'RETRY_DELAY_SECONDS'].sort(),
    );
    expect(env('reconcile')).toEqual(
      [...base, 'SYNC_QUEUE_URL', 'EVALUATE_QUEUE_URL', 'GOOGLE_SECRET_ID', 'EVALUATIONS'].sort(),
    );
    const vars = (fn: FunctionKey) =>
      (fnResource(fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars('webhook').TRIGGER_SECRET_ID).toBe(secrets.trigger);
    expect(vars('sync').GOOGLE_SECRET_ID).toBe(secrets.google);
    expect(vars('reconcile').EVALUATIONS).toBe('eval2026=folderA');
    expect(vars('webhook').TABLE_NAME).toBe(tableNameOf(stage));
    expect(vars('webhook').SIGNALS_PER_SECOND).toBe(String(settings.webhookSignalsPerSecond));
  });

  test('the Sheets pacing is shared among every caller that can run at once: sync, evaluate and the CLI', () => {
    const n = settings.syncConcurrency + settings.evaluateConcurrency + settings.otherSheetsCallers;
    for (const fn of ['sync', 'evaluate'] as const)
      expect(
        (fnResource(fn).Properties.Environment as { Variables: Record<string, unknown> }).Variables
          .SHEETS_CONCURRENCY,
      ).toBe(String(n));
  });
});

describe('the queues', () => {
  const queue = (q: keyof typeof service.queues) => {
    const r = resources[logicalIdOf(service.queues[q])];
    if (!r) throw new Error(`no ${String(q)} queue`);
    return r.Properties;
  };

  test('all four are FIFO with content-based deduplication off, encrypted, and refuse plain HTTP', () => {
    for (const q of ['sync', 'evaluate', 'syncDlq', 'evaluateDlq'] as const) {
      expect(queue(q)).toMatchObject({
        FifoQueue: true,
        ContentBasedDeduplication: false,
        SqsManagedSseEnabled: true,
      });
    }
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        }),
      },
      4,
    );
  });

  test.each([
    ['sync', 'syncDlq'],
    ['evaluate', 'evaluateDlq'],
  ] as const)('the %s queue dead-letters after 5 receives into its own FIFO DLQ', (q, dlq) => {
    expect(queue(q).RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(service.queues[dlq]), 'Arn'] },
      maxReceiveCount: MAX_RECEIVES,
    });
    expect(MAX_RECEIVES).toBe(5);
  });

  test.each(['sync', 'evaluate'] as const)(
    "the %s queue's visibility timeout is at least 6 times its function's timeout",
    (q) => {
      const timeout = fnResource(q).Properties.Timeout as number;
      expect(timeout).toBe(TIMEOUTS[q].toSeconds());
      expect(queue(q).VisibilityTimeout as number).toBeGreaterThanOrEqual(VISIBILITY_FACTOR * timeout);
    },
  );

  test('the evaluate queue delays delivery 5 s at queue level; the sync queue does not delay', () => {
    expect(queue('evaluate').DelaySeconds).toBe(5);
    expect(EVALUATE_DELAY.toSeconds()).toBe(5);
    expect(queue('sync').DelaySeconds).toBeUndefined();
  });

  test('each source reports batch item failures; the sync source is capped by maximum concurrency, not reserved concurrency', () => {
    const mapping = (q: 'sync' | 'evaluate') =>
      Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::Lambda::EventSourceMapping' &&
          JSON.stringify(r.Properties.EventSourceArn).includes(logicalIdOf(service.queues[q])),
      )?.Properties;
    expect(mapping('sync')).toMatchObject({
      FunctionName: { Ref: logicalIdOf(service.functions.sync.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: settings.syncConcurrency },
      BatchSize: 1,
    });
    expect(mapping('evaluate')).toMatchObject({
      FunctionName: { Ref: logicalIdOf(service.functions.evaluate.fn) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: settings.evaluateConcurrency },
    });
    expect(fnResource('sync').Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('the webhook', () => {
  test('has a Function URL with auth type NONE and both permissions public invocation needs since October 2025', () => {
    const fn = { 'Fn::GetAtt': [logicalIdOf(service.functions.webhook.fn), 'Arn'] };
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: fn });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: fn,
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fn,
      InvokedViaFunctionUrl: true,
      Principal: '*',
    });
    // The only public permissions: no other function is invocable by anyone.
    const publicPermissions = Object.values(resources).filter(
      (r) => r.Type === 'AWS::Lambda::Permission' && r.Properties.Principal === '*',
    );
    expect(publicPermissions).toHaveLength(2);
  });

  test('a throttle by default, in the handler (10 signals a second an instance); reserved concurrency when the stage asks, as new accounts cannot reserve any', () => {
    expect(fnResource('webhook').Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(settings.webhookSignalsPerSecond).toBe(10);
    const throttled = synthApp({
      context: { stage: 'test', webhookConcurrency: '5', webhookSignalsPerSecond: '4' },
    });
    throttled.serviceTemplate.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'zone-eval-test-webhook',
      ReservedConcurrentExecutions: 5,
      Environment: { Variables: Match.objectLike({ SIGNALS_PER_SECOND: '4' }) },
    });
  });
});

describe('the reconcile poll', () => {
  test('runs every minute, without retries (the next poll replaces a failed one)', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(service.functions.reconcile.fn), 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
        }),
      ],
    });
  });

  test('is created disabled when the stage names no evaluation', () => {
    const idle = synthApp({ context: { stage: 'test', evaluations: '' } });
    idle.serviceTemplate.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'DISABLED',
    });
  });
});

describe('the secrets', () => {
  test('the Google credentials start as the placeholder the handlers recognise; the master secret is generated', () => {
    dataTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: secrets.google,
      SecretString: GOOGLE_CREDENTIALS_PLACEHOLDER,
    });
    dataTemplate.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: secrets.trigger,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      SecretString: Match.absent(),
    });
  });

  test('the placeholder never changes (a changed value would overwrite the credentials an admin filled in)', () => {
    expect(GOOGLE_CREDENTIALS_PLACEHOLDER).toBe(
      '{"type":"zone-eval-placeholder","note":"Not filled in. Put a service-account key or a Workload Identity Federation configuration here (README: the admin guide)."}',
    );
  });

  test('both secrets, like the table, are kept when the stack is deleted', () => {
    dataTemplate.allResources('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('alarms and the dashboard', () => {
  const alarms = () => Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
  const topic = logicalIdOf(service.alarmTopic);

  test('every alarm notifies the SNS topic, which emails the stage address', () => {
    expect(alarms().length).toBe(14);
    for (const a of alarms()) expect(a.Properties.AlarmActions).toEqual([{ Ref: topic }]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
      TopicArn: { Ref: topic },
    });
  });

  test('each dead-letter queue not empty alarms', () => {
    for (const dlq of ['syncDlq', 'evaluateDlq'] as const)
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(service.queues[dlq]), 'QueueName'] } },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
  });

  test.each(FUNCTION_KEYS)('the %s function alarms on errors and on throttles', (fn) => {
    for (const metric of ['Errors', 'Throttles'])
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalIdOf(service.functions[fn].fn) } }],
      });
  });

  test("an evaluation behind for 15 minutes, an unavailable results sheet and sustained Sheets 429s alarm, from the handlers' metrics", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'evaluation.unscored-seconds',
      Dimensions: [{ Name: 'service', Value: 'zone-eval-reconcile' }],
      Threshold: 900,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'publish.unavailable',
      Dimensions: [{ Name: 'service', Value: 'zone-eval-evaluate' }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: METRICS_NAMESPACE, MetricName: 'sheets.429' }),
          }),
        }),
      ]),
      EvaluationPeriods: 3,
    });
  });

  test("a flood the webhook's own rate limit refuses alarms", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'signal.throttled',
      Dimensions: [{ Name: 'service', Value: 'zone-eval-webhook' }],
      Threshold: 50,
    });
  });

  test('a dashboard shows edits, syncs, runs, edit-to-publish seconds and refused cells', () => {
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of [
      'signal.accepted',
      'sync.processed',
      'evaluate.scored',
      'edit-to-publish',
      'cells.refused',
    ])
      expect(body).toContain(metric);
  });
});

describe('the two stacks', () => {
  test('are coupled by fixed names, never by CloudFormation exports', () => {
    for (const t of [template, dataTemplate]) {
      const json = JSON.stringify(t.toJSON());
      expect(json).not.toContain('Fn::ImportValue');
      for (const output of Object.values((t.toJSON().Outputs ?? {}) as Record<string, object>))
        expect(output).not.toHaveProperty('Export');
    }
    dataTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: tableNameOf('test') });
  });

  test('the service stack holds no stateful resource: no table, secret or backup', () => {
    for (const type of [
      'AWS::DynamoDB::GlobalTable',
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::Backup::BackupVault',
    ])
      template.resourceCountIs(type, 0);
  });
});

describe('cdk-nag', () => {
  test('the AwsSolutions and Serverless packs leave no unacknowledged finding over the whole app', () => {
    // synthApp would have thrown on any; the report says so too.
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });

  test('every acknowledgement is on one resource, never a stack or the app, with a reason', () => {
    const acks: { path: string; rule: string; reason: string }[] = [];
    for (const c of [...service.node.findAll(), ...data.node.findAll()])
      for (const m of c.node.metadata)
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
          expect(Stack.isStack(c)).toBe(false);
          for (const [rule, reason] of Object.entries(m.data as Record<string, string>))
            acks.push({ path: c.node.path, rule, reason });
        }
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length).toBeGreaterThan(60);
    expect(app.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).toEqual(
      [],
    );
  });

  test('the Serverless pack does run: a function with no dead-letter queue fails synthesis', () => {
    const bad = new App({ outdir: mkdtempSync(join(tmpdir(), 'zone-eval-nag-')) });
    Validations.of(bad).addPlugins(new ServerlessChecks(bad));
    new LambdaFunction(new Stack(bad, 'Bad'), 'Fn', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => ({});'),
    });
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => bad.synth()).toThrow(/Serverless-LambdaDLQ/);
    } finally {
      quiet.mockRestore();
    }
  });
});

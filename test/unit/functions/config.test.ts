import { queueUrlOf } from '../../../functions/shared/aws-queue';
import { CONFIG_SCHEMAS, ConfigError, loadConfig } from '../../../functions/shared/config';
import { googleCredentials } from '../../../functions/shared/google';

const env = {
  TABLE_NAME: 'zone-eval',
  SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync.fifo',
  EVALUATE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/evaluate.fifo',
  GOOGLE_SECRET_ID: 'zone-eval/google',
  TRIGGER_SECRET_ID: 'zone-eval/trigger',
  EVALUATIONS: 'pilot2024=folderA@driveA, pilot2025=folderB',
  AWS_REGION: 'eu-west-1',
};

test('a complete environment gives typed settings with the tuning defaults', () => {
  const c = loadConfig('reconcile', CONFIG_SCHEMAS.reconcile, env);
  expect(c.EVALUATIONS).toEqual([
    { evaluationId: 'pilot2024', folder: 'folderA', driveId: 'driveA' },
    { evaluationId: 'pilot2025', folder: 'folderB' },
  ]);
  expect(c.SECRET_MAX_AGE_SECONDS).toBe(300);
});

test('a missing setting fails naming it and what it holds', () => {
  const { TABLE_NAME: _, ...rest } = env;
  expect(() => loadConfig('webhook', CONFIG_SCHEMAS.webhook, rest)).toThrow(ConfigError);
  expect(() => loadConfig('webhook', CONFIG_SCHEMAS.webhook, rest)).toThrow(
    /TABLE_NAME is not set \(the DynamoDB table name\)/,
  );
});

test('every bad setting is named at once', () => {
  expect(() =>
    loadConfig('sync', CONFIG_SCHEMAS.sync, {
      ...env,
      SYNC_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync',
      GOOGLE_SECRET_ID: undefined,
    }),
  ).toThrow(/SYNC_QUEUE_URL is invalid: must be the URL of a FIFO queue.*GOOGLE_SECRET_ID is not set/);
});

test('an evaluation without its Drive folder is refused with the form expected', () => {
  expect(() =>
    loadConfig('reconcile', CONFIG_SCHEMAS.reconcile, { ...env, EVALUATIONS: 'pilot2025' }),
  ).toThrow(/EVALUATIONS is invalid: each entry must read evaluationId=folderId@sharedDriveId/);
});

test('a secret value in the environment is not a setting: only ids of secrets are read', () => {
  const c = loadConfig('webhook', CONFIG_SCHEMAS.webhook, { ...env, TRIGGER_SECRET: 'plain text' });
  expect(Object.keys(c)).not.toContain('TRIGGER_SECRET');
});

test('a record ARN gives its queue URL for ChangeMessageVisibility', () => {
  expect(queueUrlOf('arn:aws:sqs:eu-west-1:123456789012:sync.fifo')).toBe(
    'https://sqs.eu-west-1.amazonaws.com/123456789012/sync.fifo',
  );
  expect(() => queueUrlOf('sync.fifo')).toThrow(/not an SQS queue ARN/);
});

test('the Google secret is a service-account key or a federation config, told by its type', () => {
  expect(googleCredentials('{"type":"service_account"}').kind).toBe('service-account');
  expect(googleCredentials('{"type": "external_account"}').kind).toBe('external-account');
});

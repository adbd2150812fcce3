/**
 * The handlers' adapters on AWS, built once per container: DynamoDB, SQS, Secrets Manager (through Powertools
 * parameters, cached for `SECRET_MAX_AGE_SECONDS`), and Google's clients authenticated with the credentials secret.
 * A rotated Google secret takes effect when the cache expires: the clients are rebuilt when its text changes.
 *
 * `lambdaEntry` reads the configuration at module load inside Lambda, so a missing setting fails the cold start
 * with its name; imported anywhere else (the local runtime, tests) nothing is read until the handler is called.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import type { SheetStageDeps } from '../../lib/pipeline/deps';
import type { MessageQueue, QueueName } from '../../lib/pipeline/messages';
import { SqsMessageQueue } from '../../lib/queue/sqs';
import {
  type CallerOptions,
  createGoogleClients,
  type GoogleClients,
  type GoogleCredentials,
  GoogleFeedbackWriter,
  GoogleResultsPublisher,
  GoogleSpreadsheetFiles,
  GoogleSpreadsheetReader,
  shareOf,
} from '../../lib/sheets';
import { DynamoStore } from '../../lib/store/dynamo-store';
import type { EvaluateHandlerDeps } from '../evaluate';
import type { ReconcileHandlerDeps } from '../reconcile';
import type { SyncHandlerDeps } from '../sync';
import type { WebhookDeps } from '../webhook';
import { CONFIG_SCHEMAS, type FunctionConfig, type FunctionName, loadConfig } from './config';
import { functionLogger, pipelineLogger, powertoolsCounters } from './observability';
import type { RetryLater } from './sqs-batch';

/**
 * A sync or evaluate invocation retries Google for at most about a minute (backoffs of at most 1, 2, 4, 8, 16, 16 s:
 * 47 s in all); past that the record fails and comes back after RETRY_DELAY_SECONDS, instead of the invocation
 * outliving its timeout and the message waiting out the queue's whole visibility timeout.
 */
export const LAMBDA_GOOGLE_RETRY = { maxAttempts: 7, baseDelayMs: 1000, maxDelayMs: 16_000 } as const;

const once = <T>(make: () => T): (() => T) => {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
};

const region = () => process.env['AWS_REGION'];
const dynamo = once(() => DynamoDBDocumentClient.from(new DynamoDBClient({ region: region() })));
const sqs = once(() => new SQSClient({ region: region() }));

/** The store on the configured table, with the spreadsheet index. */
export const awsStore = once(
  () => new DynamoStore({ client: dynamo(), tableName: process.env['TABLE_NAME'] ?? '' }),
);

/**
 * The queue port over the FIFO queues the function's configuration names; a function is given only the queues it
 * sends to (the webhook: sync), and sending to another is a bug, thrown.
 */
export function awsQueue(config: { SYNC_QUEUE_URL?: string; EVALUATE_QUEUE_URL?: string }): MessageQueue {
  const urls: Partial<Record<QueueName, string>> = {
    ...(config.SYNC_QUEUE_URL && { sync: config.SYNC_QUEUE_URL }),
    ...(config.EVALUATE_QUEUE_URL && { evaluate: config.EVALUATE_QUEUE_URL }),
  };
  const any = urls.sync ?? urls.evaluate;
  if (!any) throw new Error('a queue URL is needed');
  const sqsQueue = new SqsMessageQueue(sqs(), { sync: urls.sync ?? any, evaluate: urls.evaluate ?? any });
  return {
    async send(queue, group, dedupId, body) {
      if (!urls[queue]) throw new Error(`this function is not configured to send to the ${queue} queue`);
      await sqsQueue.send(queue, group, dedupId, body);
    },
  };
}

/** A secret's text, from Secrets Manager through the Powertools cache. */
export async function secretText(id: string, maxAgeSeconds: number): Promise<string> {
  const value = await getSecret(id, { maxAge: maxAgeSeconds });
  if (typeof value !== 'string' || value === '')
    throw new Error(`secret ${id} has no text value (a binary or empty secret cannot be used)`);
  return value;
}

/** Which kind of Google credentials a secret holds, from its JSON `type`. */
export function googleCredentials(text: string): GoogleCredentials {
  return /"type"\s*:\s*"external_account"/.test(text)
    ? { kind: 'external-account', config: text }
    : { kind: 'service-account', key: text };
}

let google: { text: string; clients: GoogleClients } | undefined;

/** Google's clients for the credentials secret, rebuilt only when the secret's text changed. */
export async function awsGoogle(
  config: { GOOGLE_SECRET_ID: string; SECRET_MAX_AGE_SECONDS: number; SHEETS_CONCURRENCY: number },
  calls: CallerOptions = {},
): Promise<GoogleClients> {
  const text = await secretText(config.GOOGLE_SECRET_ID, config.SECRET_MAX_AGE_SECONDS);
  if (google?.text !== text) {
    google = {
      text,
      clients: createGoogleClients({
        credentials: googleCredentials(text),
        calls: { pace: shareOf(config.SHEETS_CONCURRENCY), retry: LAMBDA_GOOGLE_RETRY, ...calls },
      }),
    };
  }
  return google.clients;
}

/** The SQS queue URL of a record's queue, from its ARN (`arn:aws:sqs:region:account:name`). */
export function queueUrlOf(arn: string): string {
  const [, , , r, account, name] = arn.split(':');
  if (!r || !account || !name) throw new Error(`not an SQS queue ARN: ${arn}`);
  return `https://sqs.${r}.amazonaws.com/${account}/${name}`;
}

/** Makes a failed record visible again after the delay (ChangeMessageVisibility; the function's role has it). */
export const awsRetryLater: RetryLater = async (record: SQSRecord, delayMs: number) => {
  await sqs().send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.round(delayMs / 1000),
    }),
  );
};

/** Logger (pipeline port over Powertools) and Powertools metrics for a function. */
export function awsObservability(name: FunctionName) {
  const service = `zone-eval-${name}`;
  return { log: pipelineLogger(functionLogger(service)), counters: powertoolsCounters(service) };
}

/**
 * A Lambda entry point: the configuration is read at cold start (in Lambda, at module load), the dependencies are
 * built by `build` (cheap once cached), and the handler is made again only when they change (a rotated secret).
 */
export function lambdaEntry<S extends z.ZodType, D, R>(
  name: FunctionName,
  schema: S,
  build: (config: z.output<S>) => Promise<D>,
  make: (deps: D) => (event: unknown) => Promise<R>,
): (event: unknown) => Promise<R> {
  const config = once(() => loadConfig(name, schema));
  if (process.env['AWS_LAMBDA_FUNCTION_NAME']) config();
  let cached: { deps: D; handler: (event: unknown) => Promise<R> } | undefined;
  return async (event) => {
    const deps = await build(config());
    if (cached?.deps !== deps) cached = { deps, handler: make(deps) };
    return cached.handler(event);
  };
}

let webhookDeps: WebhookDeps | undefined;

/** The webhook's dependencies: the store with the index, the sync queue, the trigger master secret (cached). */
export async function awsWebhookDeps(config: FunctionConfig<'webhook'>): Promise<WebhookDeps> {
  if (webhookDeps) return webhookDeps;
  const { log, counters } = awsObservability('webhook');
  webhookDeps = {
    log,
    counters,
    signal: {
      store: awsStore(),
      queue: awsQueue(config),
      masterSecret: () => secretText(config.TRIGGER_SECRET_ID, config.SECRET_MAX_AGE_SECONDS),
      log,
    },
  };
  return webhookDeps;
}

/** Deps rebuilt only when Google's clients were (a rotated secret): keyed by the clients object. */
function perClients<D>(make: (clients: GoogleClients) => D): (clients: GoogleClients) => D {
  let last: { clients: GoogleClients; deps: D } | undefined;
  return (clients) => {
    if (last?.clients !== clients) last = { clients, deps: make(clients) };
    return last.deps;
  };
}

/** The sheet stages' adapters over Google's clients. */
function sheetStage(clients: GoogleClients, log: SyncHandlerDeps['log']): SheetStageDeps {
  return {
    store: awsStore(),
    reader: new GoogleSpreadsheetReader(clients),
    feedback: new GoogleFeedbackWriter(clients),
    files: new GoogleSpreadsheetFiles(clients),
    log,
  };
}

const syncDeps = perClients((clients): SyncHandlerDeps => {
  const { log, counters } = awsObservability('sync');
  const config = loadConfig('sync', CONFIG_SCHEMAS.sync);
  return {
    stage: sheetStage(clients, log),
    index: awsStore(),
    queue: awsQueue(config),
    log,
    counters,
    retryLater: awsRetryLater,
    retryDelayMs: config.RETRY_DELAY_SECONDS * 1000,
  };
});

/** The sync function's dependencies. */
export async function awsSyncDeps(config: FunctionConfig<'sync'>): Promise<SyncHandlerDeps> {
  return syncDeps(await awsGoogle(config));
}

const evaluateDeps = perClients((clients): EvaluateHandlerDeps => {
  const { log, counters } = awsObservability('evaluate');
  const config = loadConfig('evaluate', CONFIG_SCHEMAS.evaluate);
  return {
    stage: { store: awsStore(), publisher: new GoogleResultsPublisher(clients), log },
    log,
    counters,
    retryLater: awsRetryLater,
    retryDelayMs: config.RETRY_DELAY_SECONDS * 1000,
  };
});

/** The evaluate function's dependencies. */
export async function awsEvaluateDeps(config: FunctionConfig<'evaluate'>): Promise<EvaluateHandlerDeps> {
  return evaluateDeps(await awsGoogle(config));
}

const reconcileDeps = perClients((clients): ReconcileHandlerDeps => {
  const { log, counters } = awsObservability('reconcile');
  const config = loadConfig('reconcile', CONFIG_SCHEMAS.reconcile);
  return {
    stage: { store: awsStore(), queue: awsQueue(config), log },
    files: (driveId) => new GoogleSpreadsheetFiles(clients, 1000, driveId === undefined ? {} : { driveId }),
    evaluations: config.EVALUATIONS,
    log,
    counters,
  };
});

/** The reconcile function's dependencies (Drive only: its quota is Drive's, not Sheets'). */
export async function awsReconcileDeps(config: FunctionConfig<'reconcile'>): Promise<ReconcileHandlerDeps> {
  return reconcileDeps(await awsGoogle({ ...config, SHEETS_CONCURRENCY: 1 }));
}

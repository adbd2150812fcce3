/**
 * Where the admin commands (status, recompute, history, trace, export, provision) find the evaluation: the local
 * stack a demo left in a directory (`--local --data-dir DIR`), or AWS and Google with credentials from the
 * environment. Every command takes the same three options and gets the same adapters the Lambdas use.
 *
 * Local layout of DIR: the emulator's state file (`emulator-state.json`, as `zone-eval emulator --data-dir`
 * keeps it) and dynalite's LevelDB directory `dynamo/`. Nothing here writes the state file but the emulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueAttributesCommand, type GetQueueAttributesCommandOutput } from '@aws-sdk/client-sqs';
import { StageSettingsSchema, sheetsCallers } from '../infra/settings';
import type { MessageQueue, QueueName } from '../pipeline/messages';
import { createGoogleClients, type GoogleClients, type GoogleCredentials } from '../sheets/client';
import { shareOf } from '../sheets/retry';
import type { DynamoStore } from '../store/dynamo-store';
import { UsageError } from './errors';

/** Options every admin command takes. */
export const BACKEND_OPTIONS = {
  evaluation: { type: 'string' },
  local: { type: 'boolean' },
  'data-dir': { type: 'string' },
} as const;

export const BACKEND_HELP = `  --evaluation ID      the evaluation (default: $ZONE_EVAL_EVALUATION)
  --local              use the local stack a demo left (with --data-dir) instead of AWS and Google
  --data-dir DIR       the local stack's directory: emulator-state.json and dynamo/ (dynalite)`;

/** The local stack's files in a data directory. */
export const localDataPaths = (dir: string) => ({ emulator: dir, dynamo: join(dir, 'dynamo') });

export type BackendChoice =
  | { kind: 'local'; evaluationId: string; dataDir: string }
  | { kind: 'aws'; evaluationId: string };

/** Reads `--evaluation`, `--local` and `--data-dir`; refuses a half-given pair. */
export function backendChoice(
  o: { evaluation?: string | undefined; local?: boolean | undefined; 'data-dir'?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): BackendChoice {
  const evaluationId = o.evaluation ?? env.ZONE_EVAL_EVALUATION;
  if (!evaluationId)
    throw new UsageError(
      'option --evaluation is required (or set ZONE_EVAL_EVALUATION), e.g. --evaluation pilot-2025',
    );
  if (o.local) {
    if (!o['data-dir'])
      throw new UsageError("option --local needs --data-dir DIR, the local stack's directory");
    return { kind: 'local', evaluationId, dataDir: o['data-dir'] };
  }
  if (o['data-dir'])
    throw new UsageError('option --data-dir is only used with --local (without it the command talks to AWS)');
  return { kind: 'aws', evaluationId };
}

/** A queue's dead-letter depth: `ApproximateNumberOfMessages` of its DLQ. */
export type DlqDepth = { queue: QueueName; url: string; messages: number };

/** The part of `SQSClient` the DLQ read uses, so a test records the request without a network. */
export type SqsAttributeReader = {
  send(command: GetQueueAttributesCommand): Promise<GetQueueAttributesCommandOutput>;
};

/** One GetQueueAttributes per dead-letter queue, asking only for ApproximateNumberOfMessages. */
export async function dlqDepths(
  client: SqsAttributeReader,
  urls: Partial<Record<QueueName, string>>,
): Promise<DlqDepth[]> {
  const out: DlqDepth[] = [];
  for (const [queue, url] of Object.entries(urls) as [QueueName, string | undefined][]) {
    if (!url) continue;
    const res = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    out.push({ queue, url, messages: Number(res.Attributes?.ApproximateNumberOfMessages ?? 0) });
  }
  return out;
}

/** A message the local stack's queue holds until the command works it off. */
export type QueuedMessage = { queue: QueueName; group: string; dedupId: string; body: string };

/**
 * The local stand-in for the queues when no runtime is running: it keeps what is sent, in order, dropping a
 * dedup id seen before (as SQS FIFO does within 5 minutes), so the command can run the stage itself.
 */
export class HeldQueue implements MessageQueue {
  readonly messages: QueuedMessage[] = [];
  private readonly seen = new Set<string>();
  async send(queue: QueueName, group: string, dedupId: string, body: string): Promise<void> {
    const key = `${queue}:${dedupId}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.messages.push({ queue, group, dedupId, body });
  }
}

export type Backend = {
  kind: 'local' | 'aws';
  evaluationId: string;
  store: DynamoStore;
  queue: MessageQueue;
  /** The service's Google clients (the emulator's, locally). */
  google(): GoogleClients;
  /** Dead-letter depths; empty locally (the local runtime's queues live in its own process). */
  dlqs(): Promise<DlqDepth[]>;
  /** Locally: the emulator, to share as a Workspace admin would and to read the state of the shared drive. */
  local?: import('../local/stack').LocalStack;
  close(): Promise<void>;
};

/** Google credentials from the environment: `GOOGLE_APPLICATION_CREDENTIALS` names a key or a WIF config file. */
export function googleCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): GoogleCredentials {
  const path = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (!path)
    throw new UsageError(
      'set GOOGLE_APPLICATION_CREDENTIALS to the Workload Identity Federation config (recommended) or the service-account key file (README: Google credentials)',
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(
      `GOOGLE_APPLICATION_CREDENTIALS=${path} cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const type = typeof json === 'object' && json !== null && 'type' in json ? String(json.type) : '';
  if (type === 'service_account') return { kind: 'service-account', key: json as Record<string, unknown> };
  if (type === 'external_account')
    return { kind: 'external-account', config: json as Record<string, unknown> };
  throw new UsageError(
    `GOOGLE_APPLICATION_CREDENTIALS=${path} has type '${type}': expected 'external_account' (Workload Identity Federation) or 'service_account'`,
  );
}

/**
 * The processes that may call Sheets as the service account at once, as the service stack counts them with its
 * default settings (`sheetsCallers`: syncConcurrency + evaluateConcurrency + otherSheetsCallers, 2 + 2 + 1): the
 * functions pace under 1/this of the quota, and so does the CLI, or together they would overrun it.
 */
export const DEFAULT_SHEETS_CALLERS = sheetsCallers(StageSettingsSchema.parse({}));

/** The most `SHEETS_CONCURRENCY` the functions' configuration accepts (functions/shared/config.ts). */
const MAX_SHEETS_CALLERS = 50;

/**
 * How many shares the CLI divides the Sheets quota into on AWS: `SHEETS_CONCURRENCY`, the value the stack gives the
 * sync and evaluate functions (their configuration in the Lambda console), or DEFAULT_SHEETS_CALLERS. A stage
 * deployed with other concurrency settings sets it in the admin's environment.
 */
export function sheetsCallersFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SHEETS_CONCURRENCY;
  if (raw === undefined || raw.trim() === '') return DEFAULT_SHEETS_CALLERS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHEETS_CALLERS)
    throw new UsageError(
      `SHEETS_CONCURRENCY=${raw} must be a whole number from 1 to ${MAX_SHEETS_CALLERS}: the processes calling Sheets as the service account at once, the stage's syncConcurrency + evaluateConcurrency + otherSheetsCallers (${DEFAULT_SHEETS_CALLERS} by default; the sync function's SHEETS_CONCURRENCY shows the deployed value)`,
    );
  return n;
}

/** Opens the chosen backend. Locally it starts the emulator and dynalite over the directory's state. */
export async function openBackend(
  choice: BackendChoice,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Backend> {
  if (choice.kind === 'local') {
    const { startLocalStack } = require('../local/stack') as typeof import('../local/stack');
    const paths = localDataPaths(choice.dataDir);
    const stack = await startLocalStack({
      emulator: { dataDir: paths.emulator, quota: 'off' },
      dynamoPath: paths.dynamo,
      calls: { pace: false },
    });
    return {
      kind: 'local',
      evaluationId: choice.evaluationId,
      store: stack.store,
      queue: new HeldQueue(),
      google: () => stack.google,
      dlqs: async () => [],
      local: stack,
      close: () => stack.close(),
    };
  }
  const need = (name: string, what: string) => {
    const v = env[name];
    if (!v) throw new UsageError(`set ${name} to ${what} (README: the admin CLI)`);
    return v;
  };
  const tableName = need('TABLE_NAME', 'the DynamoDB table name');
  // Read before anything is opened, so a bad value is refused even by a command that never calls Sheets.
  const callers = sheetsCallersFromEnv(env);
  const { DynamoDBClient } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient } =
    require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb');
  const { SQSClient } = require('@aws-sdk/client-sqs') as typeof import('@aws-sdk/client-sqs');
  const { DynamoStore: Store } = require('../store/dynamo-store') as typeof import('../store/dynamo-store');
  const { SqsMessageQueue } = require('../queue/sqs') as typeof import('../queue/sqs');
  const raw = new DynamoDBClient({});
  const sqs = new SQSClient({});
  let google: GoogleClients | undefined;
  let queue: MessageQueue | undefined;
  return {
    kind: 'aws',
    evaluationId: choice.evaluationId,
    store: new Store({ client: DynamoDBDocumentClient.from(raw), tableName }),
    get queue() {
      queue ??= new SqsMessageQueue(sqs, {
        sync: need('SYNC_QUEUE_URL', 'the sync FIFO queue URL'),
        evaluate: need('EVALUATE_QUEUE_URL', 'the evaluate FIFO queue URL'),
      });
      return queue;
    },
    google: () => {
      // Its share of the quota, as the functions take theirs (`shareOf`), not the whole of it.
      google ??= createGoogleClients({
        credentials: googleCredentialsFromEnv(env),
        calls: { pace: shareOf(callers) },
      });
      return google;
    },
    dlqs: () =>
      dlqDepths(sqs, {
        ...(env.SYNC_DLQ_URL && { sync: env.SYNC_DLQ_URL }),
        ...(env.EVALUATE_DLQ_URL && { evaluate: env.EVALUATE_DLQ_URL }),
      }),
    close: async () => {
      raw.destroy();
      sqs.destroy();
    },
  };
}

/** Opens the backend, runs `work`, and always closes it (the local stack flushes the emulator's state). */
export async function withBackend<T>(choice: BackendChoice, work: (b: Backend) => Promise<T>): Promise<T> {
  const b = await openBackend(choice);
  try {
    return await work(b);
  } finally {
    await b.close();
  }
}

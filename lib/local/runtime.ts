/**
 * The local runtime (DESIGN section 7): the whole loop on one machine with **the same handlers** as on AWS. The
 * Sheets/Drive emulator and dynalite (the local stack) stand in for Google and DynamoDB, two in-process FIFO queues
 * for SQS, a local HTTP server for the webhook's Function URL, and a timer for the reconcile schedule. Each handler
 * is the one in functions/, made with local adapters and invoked with Lambda-shaped events; the emulator's
 * simulated Apps Script trigger posts to the webhook over HTTP, signed with the runtime's master secret.
 *
 * `startLocalRuntime()` starts it all; `close()` stops it all and leaves no timer, socket or server behind.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SQSRecord } from 'aws-lambda';
import { makeHandler as makeEvaluate } from '../../functions/evaluate';
import { makeHandler as makeReconcile } from '../../functions/reconcile';
import { functionLogger, pipelineLogger } from '../../functions/shared/observability';
import { makeHandler as makeSync } from '../../functions/sync';
import { makeHandler as makeWebhook } from '../../functions/webhook';
import type { Logger } from '../pipeline/log';
import { MemoryMetrics } from '../pipeline/metrics';
import { LocalFifoQueue, LocalQueues } from '../queue/local';
import { type CallerOptions, GoogleResultsPublisher, GoogleSpreadsheetFiles } from '../sheets';
import { type EvaluateThread, type EvaluateWorkerInit, startEvaluateThread } from './evaluate-thread';
import { type LocalStack, type LocalStackOptions, SERVICE_ACCOUNT, startLocalStack } from './stack';

/** The production evaluate queue's delivery delay: a burst of edits within it becomes one run. */
export const PRODUCTION_EVALUATE_DELAY_MS = 5000;

export type LocalRuntimeOptions = {
  /** The emulator (port, data directory, quota) and dynalite (a directory to keep the table in). */
  emulator?: LocalStackOptions['emulator'];
  dynamoPath?: string;
  /** Retries and pacing of the service account's Google calls. */
  calls?: CallerOptions;
  /** The evaluate queue's delivery delay; production's 5 s by default, tests use a short one. */
  evaluateDelayMs?: number;
  /** Visibility timeout of both queues (a failed message that is not made visible sooner comes back after it). */
  visibilityTimeoutMs?: number;
  /** How soon a failed message comes back (doubling per receive); the Lambdas use 10 s. */
  retryDelayMs?: number;
  /** Sync invocations at once (the sync function's reserved concurrency). */
  syncConcurrency?: number;
  /** The reconcile schedule's period; `false` for none (tests call `reconcileNow()`). Default 60 s. */
  reconcileEveryMs?: number | false;
  /** The master secret the triggers sign with; random when absent. */
  triggerSecret?: string;
  /** Port of the webhook's local Function URL; 0 (the default) picks a free one. */
  webhookPort?: number;
  /** Powertools log level of the handlers; silent by default. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * Where the evaluate handler runs: in a worker thread with its own clients (the default, lib/local/evaluate-thread.ts:
   * its scoring then leaves the main thread's event loop to the emulator, dynalite, sync and the webhook), or in the
   * main thread with the runtime's own store and Google clients (`main`: the fault-injection seams, which wrap those
   * objects from outside, need it).
   */
  evaluateIn?: 'worker' | 'main';
};

/** An evaluation the reconcile poll covers: its id and the Drive folder holding its spreadsheets. */
export type WatchedEvaluation = { evaluationId: string; folder: string; driveId?: string };

export type LocalRuntime = {
  stack: LocalStack;
  queues: LocalQueues;
  /** The webhook's local Function URL; the emulator's triggers post here. */
  webhookUrl: string;
  triggerSecret: string;
  /** The runtime's own logger (Powertools, at the runtime's level). */
  log: Logger;
  /**
   * What the handlers emitted: the metrics they publish on AWS, each under its function's `service`
   * (`zone-eval-webhook`...). Google's 429 answers are under `zone-eval-local`, sync's and evaluate's together (the
   * evaluate worker reports its own).
   */
  counters: MemoryMetrics;
  /**
   * The evaluate handler's worker thread (`evaluateIn: 'worker'`), null when it runs in the main thread. Its `kill()`
   * ends the worker as a crash would (the batches it held fail; the next batch starts a new worker).
   */
  evaluateThread: EvaluateThread | null;
  /**
   * The handlers as made with the local adapters, to invoke directly with a Lambda-shaped event. With the evaluate
   * worker, `evaluate` posts the event to it and resolves with its batch response.
   */
  handlers: {
    webhook: ReturnType<typeof makeWebhook>;
    sync: ReturnType<typeof makeSync>;
    evaluate: ReturnType<typeof makeEvaluate>;
    reconcile: ReturnType<typeof makeReconcile>;
  };
  /** Adds an evaluation to the reconcile poll. */
  watch(evaluation: WatchedEvaluation): void;
  /** Runs the reconcile handler once now, as its schedule would. */
  reconcileNow(): Promise<void>;
  /**
   * Restarts the emulator and dynalite mid-run (LocalStack.restart), the queues and handlers running on; the new
   * emulator's trigger posts to the webhook as before.
   */
  restartBackends(): Promise<void>;
  /** Resolves once nothing is queued, in flight, being received by the webhook or reconciling. */
  untilQuiet(options?: { timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
};

/**
 * Reads a request body up to `limit` bytes; null when it is longer (the caller answers 413). The rest of a longer
 * body is read and dropped rather than the socket closed under the sender, so that the sender gets the 413 (as from
 * a Function URL) instead of a reset connection.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += b.length;
    if (size <= limit) chunks.push(b);
  }
  return size > limit ? null : Buffer.concat(chunks);
}

/** Lambda's Function URL request payload (version 2.0) for an HTTP request. */
export function functionUrlEvent(req: IncomingMessage, body: Buffer, port: number) {
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const text = body.toString('utf8');
  // Function URLs base64-encode bodies that are not text; a body that is not valid UTF-8 is passed that way.
  const isText = Buffer.from(text, 'utf8').equals(body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: `127.0.0.1:${port}`,
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomBytes(8).toString('hex'),
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body: isText ? text : body.toString('base64'),
    isBase64Encoded: !isText,
  };
}

/**
 * The evaluate worker's share of the Google calls' options: the retry policy's numbers and the pacing. The clock,
 * the jitter source and `onRetry` are functions, which do not cross to a thread (the runtime's callers set none);
 * `onRateLimited` is called here when the worker reports a 429.
 */
function plainCalls(calls: CallerOptions): EvaluateWorkerInit['calls'] {
  const { maxAttempts, baseDelayMs, maxDelayMs } = calls.retry ?? {};
  return {
    ...(calls.retry && {
      retry: {
        ...(maxAttempts !== undefined && { maxAttempts }),
        ...(baseDelayMs !== undefined && { baseDelayMs }),
        ...(maxDelayMs !== undefined && { maxDelayMs }),
      },
    }),
    ...(calls.pace !== undefined && { pace: calls.pace }),
  };
}

/** Largest request the local Function URL passes to the handler (Lambda's own limit is 6 MB). */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Starts the emulator, dynalite, the queues, the webhook server and the reconcile timer, wired to the handlers. */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const counters = new MemoryMetrics();
  const metricsOf = (name: string) => counters.for(`zone-eval-${name}`);
  const calls = options.calls ?? { pace: false };
  const google429 = metricsOf('local');
  const stack = await startLocalStack({
    ...(options.emulator && { emulator: options.emulator }),
    ...(options.dynamoPath && { dynamoPath: options.dynamoPath }),
    calls: {
      ...calls,
      onRateLimited: (operation) => {
        google429.add('sheets.429');
        calls.onRateLimited?.(operation);
      },
    },
  });
  const store = stack.store;
  const triggerSecret = options.triggerSecret ?? randomBytes(32).toString('hex');
  const logger = (name: string): Logger =>
    pipelineLogger(functionLogger(`zone-eval-${name}`, options.logLevel ?? 'SILENT'));
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 5 * 60_000;
  const queues = new LocalQueues({
    sync: new LocalFifoQueue({
      name: 'zone-eval-sync',
      visibilityTimeoutMs,
      concurrency: options.syncConcurrency ?? 3,
      // One sheet per invocation: a batch is worked through in order, so larger batches would read the sheets of
      // other groups one after another instead of three at a time.
      batchSize: 1,
    }),
    evaluate: new LocalFifoQueue({
      name: 'zone-eval-evaluate',
      visibilityTimeoutMs,
      delayMs: options.evaluateDelayMs ?? PRODUCTION_EVALUATE_DELAY_MS,
      concurrency: 1,
    }),
  });
  const retryLater = async (record: SQSRecord, ms: number) => {
    queues.changeVisibility(record.eventSourceARN, record.receiptHandle, ms);
  };
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const watched: WatchedEvaluation[] = [];

  const webhookLog = logger('webhook');
  const syncLog = logger('sync');
  const evaluateLog = logger('evaluate');
  const reconcileLog = logger('reconcile');
  const evaluateThread =
    (options.evaluateIn ?? 'worker') === 'worker'
      ? await startEvaluateThread({
          init: {
            emulatorUrl: stack.emulator.url,
            dynamo: {
              endpoint: stack.dynamo.endpoint,
              region: stack.dynamo.region,
              tableName: stack.dynamo.tableName,
            },
            serviceAccount: SERVICE_ACCOUNT,
            retryDelayMs,
            calls: plainCalls(calls),
          },
          log: evaluateLog,
          counters: metricsOf('evaluate'),
          onRateLimited: (operation) => {
            google429.add('sheets.429');
            calls.onRateLimited?.(operation);
          },
          retryLater: (arn, receiptHandle, ms) => {
            queues.changeVisibility(arn, receiptHandle, ms);
          },
        }).catch(async (error: unknown) => {
          await stack.close();
          throw error;
        })
      : null;
  const handlers = {
    webhook: makeWebhook({
      signal: {
        store,
        queue: queues,
        masterSecret: async () => triggerSecret,
        log: webhookLog,
      },
      log: webhookLog,
      counters: metricsOf('webhook'),
    }),
    sync: makeSync({
      stage: { store, reader: stack.reader, feedback: stack.feedback, files: stack.files, log: syncLog },
      index: store,
      queue: queues,
      log: syncLog,
      counters: metricsOf('sync'),
      retryLater,
      retryDelayMs,
    }),
    evaluate: evaluateThread
      ? (event: unknown) => evaluateThread.invoke(event)
      : makeEvaluate({
          stage: { store, publisher: new GoogleResultsPublisher(stack.google), log: evaluateLog },
          log: evaluateLog,
          counters: metricsOf('evaluate'),
          retryLater,
          retryDelayMs,
        }),
    reconcile: makeReconcile({
      stage: { store, queue: queues, log: reconcileLog },
      files: (driveId) =>
        new GoogleSpreadsheetFiles(stack.google, 1000, driveId === undefined ? {} : { driveId }),
      evaluations: watched,
      log: reconcileLog,
      counters: metricsOf('reconcile'),
    }),
  };

  queues.queues.sync.start(handlers.sync);
  queues.queues.evaluate.start(handlers.evaluate);

  // The webhook's Function URL.
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    void (async () => {
      try {
        const body = await readBody(req, MAX_REQUEST_BYTES);
        if (body === null) {
          res.writeHead(413, { 'content-type': 'application/json' }).end('{"status":"payload too large"}');
          return;
        }
        const result = await handlers.webhook(functionUrlEvent(req, body, port));
        const status = typeof result === 'object' ? (result.statusCode ?? 200) : 200;
        const headers = typeof result === 'object' ? (result.headers ?? {}) : {};
        const text = typeof result === 'object' ? (result.body ?? '') : String(result);
        res.writeHead(status, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])));
        res.end(text);
      } catch (error) {
        // A function error: the Function URL answers 502 and says nothing more.
        webhookLog.error('webhook.error', { error: String(error) });
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"status":"bad gateway"}');
      } finally {
        inFlight--;
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.webhookPort ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const webhookUrl = `http://127.0.0.1:${port}/`;
  stack.emulator.setWebhook({ url: webhookUrl, masterSecret: triggerSecret });

  // The reconcile schedule.
  let reconciling: Promise<void> | null = null;
  const reconcileNow = (): Promise<void> => {
    reconciling ??= (async () => {
      try {
        await handlers.reconcile({
          version: '0',
          id: randomBytes(8).toString('hex'),
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          account: '000000000000',
          time: new Date().toISOString(),
          region: 'us-east-1',
          resources: ['arn:aws:events:us-east-1:000000000000:rule/zone-eval-reconcile'],
          detail: {},
        });
      } finally {
        reconciling = null;
      }
    })();
    return reconciling;
  };
  const every = options.reconcileEveryMs ?? 60_000;
  const timer =
    every === false
      ? null
      : setInterval(() => {
          reconcileNow().catch((error: unknown) =>
            reconcileLog.error('reconcile.error', { error: String(error) }),
          );
        }, every);

  const quiet = () => queues.isIdle() && inFlight === 0 && reconciling === null;
  let closed = false;
  return {
    stack,
    queues,
    webhookUrl,
    triggerSecret,
    log: logger('runtime'),
    counters,
    evaluateThread,
    handlers,
    watch(evaluation) {
      if (!watched.some((w) => w.evaluationId === evaluation.evaluationId)) watched.push(evaluation);
    },
    reconcileNow,
    async restartBackends() {
      await stack.restart();
      stack.emulator.setWebhook({ url: webhookUrl, masterSecret: triggerSecret });
    },
    async untilQuiet({ timeoutMs = 60_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      // Quiet twice, a few milliseconds apart: a handler that just finished may be about to send its next message.
      let calm = 0;
      while (calm < 2) {
        if (Date.now() > deadline) {
          const pending = Object.values(queues.queues).flatMap((q) =>
            q.pending().map((m) => `${q.name}: ${m.dedupId} (received ${m.receiveCount} times)`),
          );
          throw new Error(
            `the loop is not quiet after ${timeoutMs} ms; pending: ${pending.join(', ') || 'none'}`,
          );
        }
        calm = quiet() ? calm + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await reconciling?.catch(() => {});
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queues.stop();
      await evaluateThread?.close();
      await stack.close();
    },
  };
}

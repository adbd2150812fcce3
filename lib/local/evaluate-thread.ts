/**
 * The local runtime's evaluate function in a thread of its own (`node:worker_threads`). On AWS the evaluate Lambda
 * runs apart from the webhook and sync; in one process its scoring (105 zones, a thousand uncertainty replications,
 * the next-grade search) held the one event loop that also serves the emulator, dynalite, the sync handler and the
 * webhook, for seconds per run under load. In its worker the same handler (functions/evaluate.ts `makeHandler`) runs
 * with its own store and publisher clients, talking to dynalite and the emulator over HTTP as a separate Lambda
 * does; the queue stays in the main thread, posts each batch to the worker and awaits the batch response.
 *
 * What the handler reports comes back by message: its log lines go to the runtime's evaluate logger, its metrics to
 * the runtime's `counters`, a failed record's `retryLater` to the queue, a Google 429 to `sheets.429` under
 * `zone-eval-local`. A worker that dies (an uncaught fault, a termination) fails the batches it held, as a Lambda
 * whose environment dies fails its invocation: the queue retries them, and the next batch starts a new worker.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SQSBatchResponse } from 'aws-lambda';
import * as z from 'zod';
import type { Logger } from '../pipeline/log';
import { METRIC_NAMES, type Metrics } from '../pipeline/metrics';

/** What the worker is started with: where dynalite and the emulator are, and the handler's settings. */
export const EvaluateWorkerInitSchema = z.strictObject({
  emulatorUrl: z.string().min(1),
  dynamo: z.strictObject({
    endpoint: z.string().min(1),
    region: z.string().min(1),
    tableName: z.string().min(3),
  }),
  serviceAccount: z.string().min(1),
  retryDelayMs: z.number().nonnegative(),
  /**
   * The Google calls' retry policy and pacing (their plain-data part: functions do not cross threads). With pacing
   * on, the worker paces under the quota on its own, as each Lambda does: what the two threads together send over
   * the emulator's quota is answered 429 and retried.
   */
  calls: z.strictObject({
    retry: z
      .strictObject({
        maxAttempts: z.number().int().positive().optional(),
        baseDelayMs: z.number().nonnegative().optional(),
        maxDelayMs: z.number().nonnegative().optional(),
      })
      .optional(),
    pace: z
      .union([
        z.literal(false),
        z.partialRecord(
          z.enum(['sheets.read', 'sheets.write', 'drive']),
          z.strictObject({ limit: z.number(), windowMs: z.number() }),
        ),
      ])
      .optional(),
  }),
});
export type EvaluateWorkerInit = z.infer<typeof EvaluateWorkerInitSchema>;

/** The main thread's message: one invocation, its id and the SQS event. */
export const ToWorkerSchema = z.strictObject({
  type: z.literal('invoke'),
  id: z.number().int(),
  event: z.unknown(),
});
export type ToWorker = z.infer<typeof ToWorkerSchema>;

const BatchResponseSchema = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string() })),
});

/** The worker's messages. */
export const FromWorkerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('result'), id: z.number().int(), response: BatchResponseSchema }),
  /** The handler threw (an event that is not an SQS FIFO batch): a function error. */
  z.strictObject({ type: z.literal('error'), id: z.number().int(), error: z.string() }),
  z.strictObject({
    type: z.literal('log'),
    level: z.enum(['info', 'warn', 'error']),
    event: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  z.strictObject({
    type: z.literal('metric'),
    name: z.enum(METRIC_NAMES),
    value: z.number(),
  }),
  z.strictObject({ type: z.literal('flush') }),
  z.strictObject({ type: z.literal('rateLimited'), operation: z.string() }),
  z.strictObject({
    type: z.literal('retry'),
    eventSourceARN: z.string(),
    receiptHandle: z.string(),
    ms: z.number(),
  }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;

export type EvaluateThreadOptions = {
  init: EvaluateWorkerInit;
  log: Logger;
  counters: Metrics;
  /** Called for every Google 429 the worker's clients got (the runtime counts `sheets.429`). */
  onRateLimited: (operation: string) => void;
  /** ChangeMessageVisibility on the runtime's queues, for a record the handler failed. */
  retryLater: (eventSourceARN: string, receiptHandle: string, ms: number) => void;
};

export type EvaluateThread = {
  /** Invokes the handler in the worker with a Lambda-shaped SQS event; rejects when the worker dies meanwhile. */
  invoke(event: unknown): Promise<SQSBatchResponse>;
  /** The running worker's thread id, null when none runs (before the next invocation starts one, after close). */
  readonly threadId: number | null;
  /**
   * Ends the running worker at once, as a crash would: its invocations reject, the next one starts a new worker
   * (the fault seams and the tests use it).
   */
  kill(): Promise<void>;
  /** Ends the worker and starts no other; resolves once its thread has exited. */
  close(): Promise<void>;
};

/**
 * The worker's entry: CommonJS that registers tsx's require hook, then loads lib/local/evaluate-worker.ts. The
 * worker runs the TypeScript sources as the rest of the runtime does, under each way the runtime is run: the CLI's
 * esbuild bundle (whose `__dirname` in this file is this source directory), tsx, and jest (whose @swc/jest
 * transform does not reach into a worker thread). tsx keeps its compiled files in a cache, so a worker after the
 * first starts in the time its modules take to load. A bundle built ahead would need a build step or a cache
 * of its own to keep fresh; tsx already is a dependency of the CLI.
 */
const ENTRY = join(__dirname, 'evaluate-worker.cjs');

/** Starts the worker and resolves once it is ready to take invocations; rejects when it cannot start. */
export async function startEvaluateThread(options: EvaluateThreadOptions): Promise<EvaluateThread> {
  const init = EvaluateWorkerInitSchema.parse(options.init);
  let closed = false;
  let nextId = 1;
  type Running = {
    worker: Worker;
    pending: Map<number, { resolve: (r: SQSBatchResponse) => void; reject: (e: Error) => void }>;
    ready: Promise<void>;
    markReady: () => void;
    exited: Promise<void>;
  };
  let running: Running | null = null;

  const onMessage = (run: Running, raw: unknown) => {
    const parsed = FromWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      // A defect of the worker's side: thrown here it would end the whole process. The worker is ended instead, so
      // the invocations it held fail (and are retried) rather than wait for an answer that may never come.
      options.log.error('evaluate.worker.bad-message', { error: z.prettifyError(parsed.error) });
      void run.worker.terminate();
      return;
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'ready':
        run.markReady();
        return;
      case 'result':
      case 'error': {
        const waiting = run.pending.get(msg.id);
        run.pending.delete(msg.id);
        if (msg.type === 'result') waiting?.resolve(msg.response);
        else waiting?.reject(new Error(msg.error));
        return;
      }
      case 'log':
        options.log[msg.level](msg.event, msg.data);
        return;
      case 'metric':
        options.counters.add(msg.name, msg.value);
        return;
      case 'flush':
        options.counters.flush();
        return;
      case 'rateLimited':
        options.onRateLimited(msg.operation);
        return;
      case 'retry':
        options.retryLater(msg.eventSourceARN, msg.receiptHandle, msg.ms);
        return;
    }
  };

  const spawn = (): Running => {
    const worker = new Worker(ENTRY, {
      workerData: init,
      // The AWS SDK's notice about Node.js 22 (README, Quick start) is the main thread's to print, once, or not:
      // the worker's own copy of the SDK would print it again. The person's own setting of the switch is kept.
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:
          process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? 'true',
      },
    });
    const pending: Running['pending'] = new Map();
    let fault: Error | null = null;
    let markReady = () => {};
    let failReady: (e: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // Awaited only at start; a later failure to start is seen by the invocations it rejects.
    ready.catch(() => {});
    const run: Running = {
      worker,
      pending,
      ready,
      markReady,
      exited: new Promise<void>((resolve) => {
        worker.once('exit', (code) => {
          const error =
            fault ??
            new Error(`the evaluate worker stopped (exit code ${code}) before it answered the batch`);
          failReady(error);
          for (const waiting of pending.values()) waiting.reject(error);
          pending.clear();
          if (running === run) running = null;
          resolve();
        });
      }),
    };
    worker.on('message', (raw: unknown) => onMessage(run, raw));
    worker.on('error', (error) => {
      // An uncaught exception in the worker: the thread exits next, failing what it held.
      fault = new Error(
        `the evaluate worker failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
      options.log.error('evaluate.worker.failed', { error: String(error) });
    });
    return run;
  };

  running = spawn();
  try {
    await running.ready;
  } catch (error) {
    await running?.worker.terminate();
    throw error;
  }

  const end = async () => {
    const run = running;
    if (!run) return;
    await run.worker.terminate();
    await run.exited;
  };

  return {
    invoke(event) {
      if (closed) return Promise.reject(new Error('the evaluate worker is closed'));
      running ??= spawn();
      const run = running;
      const id = nextId++;
      return new Promise<SQSBatchResponse>((resolve, reject) => {
        run.pending.set(id, { resolve, reject });
        const message: ToWorker = { type: 'invoke', id, event };
        run.worker.postMessage(message);
      });
    },
    get threadId() {
      return running?.worker.threadId ?? null;
    },
    kill: end,
    async close() {
      closed = true;
      await end();
    },
  };
}

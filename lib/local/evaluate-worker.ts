/**
 * The evaluate worker's side (lib/local/evaluate-thread.ts): the evaluate handler of functions/evaluate.ts with its
 * own clients of dynalite and the emulator, as a separate Lambda has, serving the invocations the main thread posts.
 * Its log lines, metrics, 429s and retries go back to the main thread by message.
 */
import type { MessagePort } from 'node:worker_threads';
import { makeHandler } from '../../functions/evaluate';
import type { Logger } from '../pipeline/log';
import type { Metrics } from '../pipeline/metrics';
import { createGoogleClients, GoogleResultsPublisher } from '../sheets';
import { DynamoStore } from '../store/dynamo-store';
import { localDynamoClients } from './dynamo-client';
import { EvaluateWorkerInitSchema, type FromWorker, ToWorkerSchema } from './evaluate-thread';

/** Serves the evaluate handler on `port` (the worker's parentPort) with the clients `workerData` describes. */
export function serveEvaluate(port: MessagePort | null, workerData: unknown): void {
  if (port === null) throw new Error('the evaluate worker runs in a worker thread, not the main one');
  const init = EvaluateWorkerInitSchema.parse(workerData);
  const post = (message: FromWorker) => port.postMessage(message);

  const logAt =
    (level: 'info' | 'warn' | 'error') =>
    (event: string, data?: Record<string, unknown>): void => {
      try {
        post({ type: 'log', level, event, ...(data && { data }) });
      } catch {
        // A field the structured clone cannot copy (a function): the line goes as its JSON, as a logger writes it.
        post({ type: 'log', level, event, data: JSON.parse(JSON.stringify(data)) });
      }
    };
  const log: Logger = { info: logAt('info'), warn: logAt('warn'), error: logAt('error') };
  const counters: Metrics = {
    add: (name, value = 1) => post({ type: 'metric', name, value }),
    flush: () => post({ type: 'flush' }),
  };

  const dynamo = localDynamoClients(init.dynamo.endpoint, init.dynamo.region);
  const store = new DynamoStore({ client: dynamo.client, tableName: init.dynamo.tableName });
  const google = createGoogleClients({
    credentials: { kind: 'bearer', token: init.serviceAccount },
    rootUrl: init.emulatorUrl,
    fetchImplementation: fetch,
    calls: { ...init.calls, onRateLimited: (operation) => post({ type: 'rateLimited', operation }) },
  });
  const handler = makeHandler({
    stage: { store, publisher: new GoogleResultsPublisher(google), log },
    log,
    counters,
    retryLater: async (record, ms) =>
      post({ type: 'retry', eventSourceARN: record.eventSourceARN, receiptHandle: record.receiptHandle, ms }),
    retryDelayMs: init.retryDelayMs,
  });

  port.on('message', (raw: unknown) => {
    const { id, event } = ToWorkerSchema.parse(raw);
    handler(event).then(
      (response) => post({ type: 'result', id, response }),
      (error: unknown) =>
        post({ type: 'error', id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  post({ type: 'ready' });
}

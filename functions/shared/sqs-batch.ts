/**
 * SQS FIFO batches for the sync and evaluate handlers: the event is checked with zod, the records go through
 * Powertools' FIFO partial processor (a failed record fails only the later records of its own group, which keeps
 * the order within a group without holding up the other spreadsheets), and each failed record is made visible again
 * soon, not after the queue's long visibility timeout (sized for the slowest invocation, DESIGN section 2).
 */
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../../lib/core/zod';
import type { Logger } from '../../lib/pipeline/log';
import type { Counters } from './observability';

/** The part of a Lambda SQS event the handlers rely on; FIFO records carry their group. */
export const SqsFifoEventSchema = z.object({
  Records: z
    .array(
      z.looseObject({
        messageId: z.string().check(z.minLength(1)),
        receiptHandle: z.string(),
        body: z.string(),
        eventSourceARN: z.string(),
        attributes: z.looseObject({
          ApproximateReceiveCount: z.string(),
          MessageGroupId: z.string().check(z.minLength(1)),
          MessageDeduplicationId: z.optional(z.string()),
        }),
      }),
    )
    .check(z.minLength(1)),
});

/** Makes a failed record visible again after `delayMs` (SQS ChangeMessageVisibility; the local queue's own). */
export type RetryLater = (record: SQSRecord, delayMs: number) => Promise<void>;

export type BatchOptions = {
  log: Logger;
  counters: Counters;
  /** What the handler is called in logs and metrics (`sync.processed`, `evaluate.failed`). */
  name: 'sync' | 'evaluate';
  retryLater?: RetryLater;
  /** The first retry's delay; it doubles with each receive, up to 8 times. */
  retryDelayMs: number;
};

/** When a record that failed on its `receive`-th receive comes back. */
export function retryDelay(receive: number, baseMs: number): number {
  return baseMs * 2 ** Math.min(3, Math.max(0, receive - 1));
}

/** Processes a FIFO batch record by record; returns the partial batch response naming the failed records. */
export async function processFifoBatch(
  event: unknown,
  recordHandler: (record: SQSRecord) => Promise<void>,
  opts: BatchOptions,
): Promise<SQSBatchResponse> {
  const parsed: SQSEvent = parseEvent(event, opts.name);
  const logged = async (record: SQSRecord) => {
    try {
      await recordHandler(record);
      opts.counters.add(`${opts.name}.processed` as const);
    } catch (error) {
      // A system fault: thrown so the record is retried and, after 5 receives, dead-lettered.
      opts.log.error(`${opts.name}.failed`, {
        messageId: record.messageId,
        group: record.attributes.MessageGroupId,
        receive: Number(record.attributes.ApproximateReceiveCount),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      opts.counters.add(`${opts.name}.failed` as const);
      throw error;
    }
  };
  // A processor per invocation: it keeps the batch's state, and the local runtime runs invocations concurrently.
  const processor = new SqsFifoPartialProcessorAsync();
  const response = await processPartialResponse(parsed, logged, processor, {
    skipGroupOnError: true,
    // A batch where everything failed is answered like any other: the failures are named, none is hidden.
    throwOnFullBatchFailure: false,
  });
  if (opts.retryLater) {
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    for (const r of parsed.Records)
      if (failed.has(r.messageId))
        await opts.retryLater(r, retryDelay(Number(r.attributes.ApproximateReceiveCount), opts.retryDelayMs));
  }
  return { batchItemFailures: response.batchItemFailures };
}

function parseEvent(event: unknown, name: BatchOptions['name']): SQSEvent {
  const parsed = SqsFifoEventSchema.safeParse(event);
  if (!parsed.success)
    throw new Error(`${name}: not an SQS FIFO event: ${z.prettifyError(parsed.error).slice(0, 300)}`);
  // The schema checked what the handler reads; the records are passed on whole, as Lambda gave them.
  return event as SQSEvent;
}

/**
 * An SQS FIFO handler over `processFifoBatch`: each record goes to `recordHandler`, the metrics are flushed after
 * every batch, whatever happened. `deps` carries the batch options (`name` aside), as each handler's deps do.
 */
export function fifoHandler<D extends Omit<BatchOptions, 'name'>>(
  name: BatchOptions['name'],
  deps: D,
  recordHandler: (deps: D, record: SQSRecord) => Promise<void>,
) {
  return async (event: unknown) => {
    try {
      return await processFifoBatch(event, (record) => recordHandler(deps, record), {
        name,
        log: deps.log,
        counters: deps.counters,
        retryDelayMs: deps.retryDelayMs,
        ...(deps.retryLater && { retryLater: deps.retryLater }),
      });
    } finally {
      deps.counters.flush();
    }
  };
}

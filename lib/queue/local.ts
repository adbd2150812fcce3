/**
 * An in-process stand-in for two Amazon SQS FIFO queues feeding Lambda functions, for the local runtime and tests.
 * It keeps the semantics the loop relies on (DESIGN section 2), no more:
 *
 * - FIFO groups: messages of one group are delivered in the order sent, and while any message of a group is in
 *   flight (received, not yet deleted, visibility not expired) no later message of that group is delivered. One
 *   batch may hold several messages of a group, in order, as SQS's ReceiveMessage returns them.
 * - Deduplication: a dedup id seen within the last 5 minutes is accepted and dropped (SQS answers success).
 * - A queue-level delivery delay (FIFO queues take no per-message delay): a message becomes receivable `delayMs`
 *   after it was sent.
 * - Visibility timeout and redelivery: a message the handler did not acknowledge comes back when its visibility
 *   expires (or sooner through `changeVisibility`), with `ApproximateReceiveCount` one higher.
 * - A dead-letter queue: a message received `maxReceiveCount` times (5) is moved there instead of a sixth delivery,
 *   as a redrive policy does.
 * - Lambda's partial batch response: the ids in `batchItemFailures` stay; the rest are deleted. A thrown handler, or
 *   a failure naming no message of the batch, fails the whole batch, as Lambda does. A failed message also fails
 *   the later messages of its group in the batch (never other groups'), so a handler that forgot to cannot break
 *   the order.
 *
 * Time comes from an injectable clock, so unit tests step through delays and timeouts without waiting.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import type { MessageQueue, QueueName } from '../pipeline/messages';

/** Timers, injectable: the runtime uses the real ones, unit tests a clock they advance by hand. */
export interface QueueClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

export const realQueueClock: QueueClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** A Lambda function subscribed to the queue: an SQS event in, a partial batch response (or nothing) out. */
export type SqsFunction = (event: SQSEvent) => Promise<unknown>;

/** Lambda's partial batch response, as the event source mapping reads the function's answer. */
const BatchResponseSchema = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.string().nullish() })),
});

export type LocalQueueOptions = {
  /** The queue's name; a FIFO queue's name ends in `.fifo` (added when missing). */
  name: string;
  /** Queue-level delivery delay (SQS `DelaySeconds`), ms. */
  delayMs?: number;
  /** Visibility timeout, ms (SQS default 30 s). */
  visibilityTimeoutMs?: number;
  /** Receives before a message moves to the dead-letter queue (the redrive policy's `maxReceiveCount`). */
  maxReceiveCount?: number;
  /** How long a dedup id is remembered; SQS: 5 minutes, not configurable. */
  dedupWindowMs?: number;
  /** Messages per batch (Lambda's SQS batch size, at most 10 for FIFO). */
  batchSize?: number;
  /** Batches handled at once (the function's concurrency). */
  concurrency?: number;
  clock?: QueueClock;
  region?: string;
};

/** A message as the queue keeps it. */
export type LocalMessage = {
  messageId: string;
  group: string;
  dedupId: string;
  body: string;
  sequence: number;
  sentAt: number;
  /** When it may be received next (sent + delay, or the end of its visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: number | null;
  /** The receipt handle of the current receive, while in flight. */
  receiptHandle: string | null;
};

export type QueueStats = {
  sent: number;
  duplicates: number;
  received: number;
  deleted: number;
  deadLettered: number;
  batches: number;
  /** Failed receives: messages the handler did not acknowledge. */
  failed: number;
};

const DEFAULT_DEDUP_WINDOW_MS = 5 * 60_000;

/** One FIFO queue with its dead-letter queue, delivering batches to a function. */
export class LocalFifoQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  private delayMs: number;
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private readonly dedupWindowMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly clock: QueueClock;
  private readonly region: string;
  /** Every message not yet deleted, in send order (the order of the groups' heads is the delivery order). */
  private messages: LocalMessage[] = [];
  private readonly dedup = new Map<string, number>();
  private readonly dlq: LocalMessage[] = [];
  private sequence = 0;
  private running = 0;
  private readonly runs = new Set<Promise<void>>();
  private timer: { handle: unknown; at: number } | null = null;
  private handler: SqsFunction | null = null;
  private started = false;
  private waiters: Array<() => void> = [];
  readonly stats: QueueStats = {
    sent: 0,
    duplicates: 0,
    received: 0,
    deleted: 0,
    deadLettered: 0,
    batches: 0,
    failed: 0,
  };
  /** Called with errors a handler threw (the batch is failed and retried): the runtime logs them. */
  onHandlerError: ((error: unknown, event: SQSEvent) => void) | undefined;

  constructor(options: LocalQueueOptions) {
    this.name = options.name.endsWith('.fifo') ? options.name : `${options.name}.fifo`;
    this.region = options.region ?? 'us-east-1';
    this.arn = `arn:aws:sqs:${this.region}:000000000000:${this.name}`;
    this.url = `https://sqs.${this.region}.amazonaws.com/000000000000/${this.name}`;
    this.delayMs = options.delayMs ?? 0;
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 5;
    this.dedupWindowMs = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.batchSize = options.batchSize ?? 10;
    this.concurrency = options.concurrency ?? 1;
    this.clock = options.clock ?? realQueueClock;
    for (const [what, v] of [
      ['delayMs', this.delayMs],
      ['visibilityTimeoutMs', this.visibilityTimeoutMs],
    ] as const)
      if (!(v >= 0)) throw new RangeError(`${what} must be zero or more, not ${v}`);
    if (!(this.batchSize >= 1 && this.batchSize <= 10))
      throw new RangeError(`batchSize must be 1 to 10 (an SQS FIFO batch), not ${this.batchSize}`);
    if (!(this.maxReceiveCount >= 1))
      throw new RangeError(`maxReceiveCount must be at least 1, not ${this.maxReceiveCount}`);
    if (!(this.concurrency >= 1))
      throw new RangeError(`concurrency must be at least 1, not ${this.concurrency}`);
  }

  /**
   * SendMessage: queues the body unless its dedup id was seen within the window. Returns false for a duplicate,
   * which SQS also accepts without error.
   */
  send(group: string, dedupId: string, body: string): boolean {
    if (!group || group.length > 128) throw new RangeError('MessageGroupId must have 1 to 128 characters');
    if (!dedupId || dedupId.length > 128)
      throw new RangeError(`MessageDeduplicationId must have 1 to 128 characters: '${dedupId.slice(0, 40)}'`);
    const now = this.clock.now();
    for (const [id, expires] of this.dedup) if (expires <= now) this.dedup.delete(id);
    if (this.dedup.has(dedupId)) {
      this.stats.duplicates++;
      return false;
    }
    this.dedup.set(dedupId, now + this.dedupWindowMs);
    this.messages.push({
      messageId: randomUUID(),
      group,
      dedupId,
      body,
      sequence: ++this.sequence,
      sentAt: now,
      visibleAt: now + this.delayMs,
      receiveCount: 0,
      firstReceivedAt: null,
      receiptHandle: null,
    });
    this.stats.sent++;
    // Delivery waits for a timer, even with no delay, so messages sent together can share a batch, as a poller's
    // ReceiveMessage would find them.
    this.arm(now + this.delayMs, now);
    return true;
  }

  /** SetQueueAttributes `DelaySeconds`: the delay of messages sent from now on. */
  setDelay(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`delayMs must be zero or more, not ${ms}`);
    this.delayMs = ms;
  }

  /** Subscribes the function (the event source mapping) and starts delivering. */
  start(handler: SqsFunction): void {
    this.handler = handler;
    this.started = true;
    this.arm(this.clock.now(), this.clock.now());
  }

  /** Stops delivering and waits for the batches in the function to finish; messages stay queued. */
  async stop(): Promise<void> {
    this.started = false;
    this.clearTimer();
    await Promise.all([...this.runs]);
    this.notify();
  }

  /**
   * ChangeMessageVisibility: makes an in-flight message visible again after `ms` (0: at once). False when the
   * receipt handle is not the message's current one (it was deleted, or received again since).
   */
  changeVisibility(receiptHandle: string, ms: number): boolean {
    const m = this.messages.find((x) => x.receiptHandle === receiptHandle);
    if (!m) return false;
    m.visibleAt = this.clock.now() + Math.max(0, ms);
    this.pump();
    return true;
  }

  /** Messages moved to the dead-letter queue, oldest first. */
  deadLetters(): readonly LocalMessage[] {
    return this.dlq;
  }

  /** Messages not yet deleted (waiting, delayed or in flight). */
  pending(): readonly LocalMessage[] {
    return this.messages;
  }

  /** True when nothing is queued or in flight and no batch is running. */
  isIdle(): boolean {
    return this.messages.length === 0 && this.running === 0;
  }

  /** Resolves the next time the queue's state changes (a batch ends, a message is deleted or dead-lettered). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next batch that may be received now: group heads in send order, each group's messages in order. */
  private receive(now: number): LocalMessage[] {
    const inFlight = new Set<string>();
    for (const m of this.messages) if (m.receiptHandle !== null && m.visibleAt > now) inFlight.add(m.group);
    const batch: LocalMessage[] = [];
    const blocked = new Set<string>(inFlight);
    for (const m of this.messages) {
      if (batch.length >= this.batchSize) break;
      if (blocked.has(m.group)) continue;
      if (m.visibleAt > now) {
        // A message still delayed holds back the rest of its group: order within a group is strict.
        blocked.add(m.group);
        continue;
      }
      if (m.receiveCount >= this.maxReceiveCount) {
        // The redrive policy: moved to the dead-letter queue instead of being received again.
        this.messages = this.messages.filter((x) => x !== m);
        m.receiptHandle = null;
        this.dlq.push(m);
        this.stats.deadLettered++;
        return this.receive(now);
      }
      batch.push(m);
    }
    for (const m of batch) {
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.receiptHandle = randomUUID();
      m.visibleAt = now + this.visibilityTimeoutMs;
    }
    this.stats.received += batch.length;
    return batch;
  }

  private record(m: LocalMessage): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle ?? '',
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: 'AIDALOCALRUNTIME',
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
        SequenceNumber: String(m.sequence).padStart(20, '0'),
        MessageGroupId: m.group,
        MessageDeduplicationId: m.dedupId,
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body, 'utf8').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: this.region,
    };
  }

  /** Delivers what can be delivered now, and sets one timer for the next time something becomes receivable. */
  private pump(): void {
    if (!this.started || !this.handler) return;
    const now = this.clock.now();
    while (this.running < this.concurrency) {
      const batch = this.receive(now);
      if (batch.length === 0) break;
      this.deliver(batch);
    }
    this.notify();
    const next = this.messages.reduce((t, m) => (m.visibleAt > now ? Math.min(t, m.visibleAt) : t), Infinity);
    if (next === Infinity) this.clearTimer();
    else this.arm(next, now);
  }

  /** Makes sure a timer fires at `at` or earlier. */
  private arm(at: number, now: number): void {
    if (!this.started) return;
    if (this.timer && this.timer.at <= at) return;
    this.clearTimer();
    this.timer = {
      at,
      handle: this.clock.setTimer(
        () => {
          this.timer = null;
          this.pump();
        },
        Math.max(0, at - now),
      ),
    };
  }

  private clearTimer(): void {
    if (this.timer) this.clock.clearTimer(this.timer.handle);
    this.timer = null;
  }

  private deliver(batch: LocalMessage[]): void {
    const handler = this.handler!;
    this.running++;
    this.stats.batches++;
    const event: SQSEvent = { Records: batch.map((m) => this.record(m)) };
    const handles = new Map(batch.map((m) => [m.messageId, m.receiptHandle]));
    const run = (async () => {
      let failed: Set<string>;
      try {
        const response = await handler(event);
        failed = this.failuresOf(batch, response);
      } catch (error) {
        this.onHandlerError?.(error, event);
        failed = new Set(batch.map((m) => m.messageId));
      }
      // Acknowledge only the receive the function was given: a message whose visibility expired and that was
      // received again meanwhile has a new receipt handle and is not deleted by this late answer.
      const current = (m: LocalMessage) => handles.get(m.messageId) === m.receiptHandle;
      const done = new Set(batch.filter((m) => !failed.has(m.messageId) && current(m)));
      this.stats.deleted += done.size;
      this.stats.failed += batch.length - done.size;
      this.messages = this.messages.filter((m) => !done.has(m));
    })();
    this.runs.add(run);
    void run.finally(() => {
      this.runs.delete(run);
      this.running--;
      this.pump();
    });
  }

  /** The messages of the batch to keep: those named, the later ones of their groups, or all on a bad answer. */
  private failuresOf(batch: LocalMessage[], response: unknown): Set<string> {
    const ids = new Set(batch.map((m) => m.messageId));
    // No answer (null, undefined) is a complete success; an answer of another shape fails the batch.
    if (response === undefined || response === null) return new Set();
    const parsed = BatchResponseSchema.safeParse(response);
    if (!parsed.success) return ids;
    const named = parsed.data.batchItemFailures;
    // Lambda treats an empty, null or unknown itemIdentifier as a failure of the whole batch.
    if (named.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) return ids;
    const failed = new Set(named.flatMap((f) => (f.itemIdentifier ? [f.itemIdentifier] : [])));
    const failedGroups = new Set<string>();
    for (const m of batch) {
      if (failedGroups.has(m.group)) failed.add(m.messageId);
      else if (failed.has(m.messageId)) failedGroups.add(m.group);
    }
    return failed;
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** The loop's two queues behind the queue port, as the handlers see SQS. */
export class LocalQueues implements MessageQueue {
  constructor(readonly queues: Readonly<Record<QueueName, LocalFifoQueue>>) {}

  async send(queue: QueueName, group: string, dedupId: string, body: string): Promise<void> {
    this.queues[queue].send(group, dedupId, body);
  }

  /** ChangeMessageVisibility by the queue's ARN (as an SQS record names it) and receipt handle. */
  changeVisibility(eventSourceArn: string, receiptHandle: string, ms: number): boolean {
    const q = Object.values(this.queues).find((x) => x.arn === eventSourceArn);
    return q ? q.changeVisibility(receiptHandle, ms) : false;
  }

  isIdle(): boolean {
    return Object.values(this.queues).every((q) => q.isIdle());
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.stop()));
  }
}

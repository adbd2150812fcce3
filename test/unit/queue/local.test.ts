/**
 * The in-process FIFO queue: each semantic the loop relies on, stepped with a hand-driven clock.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LocalFifoQueue, type QueueClock } from '../../../lib/queue/local';

/** A clock the test advances; timers fire in time order as it passes them. */
class ManualClock implements QueueClock {
  private t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private ids = 0;
  now() {
    return this.t;
  }
  setTimer(fn: () => void, ms: number) {
    const id = ++this.ids;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimer(id: unknown) {
    this.timers = this.timers.filter((x) => x.id !== id);
  }
  /** Moves time forward, firing due timers and letting the handlers' promises settle after each. */
  async advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
    await settle();
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

type Seen = { body: string; group: string; receive: number; batch: number };

function setup(
  options: Partial<ConstructorParameters<typeof LocalFifoQueue>[0]> = {},
  decide: (r: SQSRecord, batch: number) => 'ok' | 'fail' | 'hold' = () => 'ok',
) {
  const clock = new ManualClock();
  const q = new LocalFifoQueue({ name: 'sync', clock, ...options });
  const seen: Seen[] = [];
  const held: Array<() => void> = [];
  let batches = 0;
  q.start(async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batch = ++batches;
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const r of event.Records) {
      seen.push({
        body: r.body,
        group: r.attributes.MessageGroupId!,
        receive: Number(r.attributes.ApproximateReceiveCount),
        batch,
      });
      const d = decide(r, batch);
      if (d === 'hold') await new Promise<void>((resolve) => held.push(resolve));
      if (d === 'fail') failures.push({ itemIdentifier: r.messageId });
    }
    return { batchItemFailures: failures };
  });
  return { clock, q, seen, held, bodies: () => seen.map((s) => s.body) };
}

test('messages of one group are delivered in the order sent', async () => {
  const { clock, q, bodies } = setup({ batchSize: 1 });
  for (const b of ['a1', 'a2', 'a3']) q.send('A', b, b);
  await clock.advance(0);
  expect(bodies()).toEqual(['a1', 'a2', 'a3']);
  expect(q.isIdle()).toBe(true);
});

test('a group has one message in flight at a time while other groups proceed', async () => {
  const { clock, q, seen, held } = setup({ batchSize: 1, concurrency: 4 }, (r) =>
    r.body === 'a1' ? 'hold' : 'ok',
  );
  q.send('A', 'a1', 'a1');
  q.send('A', 'a2', 'a2');
  q.send('B', 'b1', 'b1');
  await clock.advance(0);
  expect(seen.map((s) => s.body).sort()).toEqual(['a1', 'b1']);
  held[0]!();
  await clock.advance(0);
  expect(seen.map((s) => s.body)).toContain('a2');
  expect(seen.findIndex((s) => s.body === 'a2')).toBeGreaterThan(seen.findIndex((s) => s.body === 'a1'));
});

test('a batch may hold several messages of one group, in order', async () => {
  const { clock, q, seen } = setup({ batchSize: 10 });
  q.send('A', 'a1', 'a1');
  q.send('B', 'b1', 'b1');
  q.send('A', 'a2', 'a2');
  await clock.advance(0);
  expect(seen.map((s) => [s.body, s.batch])).toEqual([
    ['a1', 1],
    ['b1', 1],
    ['a2', 1],
  ]);
});

test('a dedup id seen within five minutes is dropped, and accepted again after', async () => {
  const { clock, q, bodies } = setup();
  expect(q.send('A', 's#1', 'first')).toBe(true);
  expect(q.send('A', 's#1', 'again')).toBe(false);
  await clock.advance(4 * 60_000);
  expect(q.send('A', 's#1', 'still within')).toBe(false);
  await clock.advance(60_001);
  expect(q.send('A', 's#1', 'after the window')).toBe(true);
  await clock.advance(0);
  expect(bodies()).toEqual(['first', 'after the window']);
  expect(q.stats.duplicates).toBe(2);
});

test('the queue-level delay holds every message for its length', async () => {
  const { clock, q, bodies } = setup({ delayMs: 5000 });
  q.send('E', 'e#1', 'run');
  await clock.advance(4999);
  expect(bodies()).toEqual([]);
  await clock.advance(1);
  expect(bodies()).toEqual(['run']);
});

test('a message not acknowledged comes back after its visibility timeout with a higher receive count', async () => {
  let first = true;
  const { clock, q, seen } = setup({ visibilityTimeoutMs: 10_000 }, () => {
    const d = first ? 'fail' : 'ok';
    first = false;
    return d;
  });
  q.send('A', 'a1', 'a1');
  await clock.advance(9_999);
  expect(seen.map((s) => s.receive)).toEqual([1]);
  await clock.advance(1);
  expect(seen.map((s) => s.receive)).toEqual([1, 2]);
  expect(q.isIdle()).toBe(true);
});

test('changeVisibility brings a failed message back early', async () => {
  const { clock, q, seen } = setup({ visibilityTimeoutMs: 600_000 }, (r) =>
    r.attributes.ApproximateReceiveCount === '1' ? 'fail' : 'ok',
  );
  q.send('A', 'a1', 'a1');
  await clock.advance(0);
  const handle = q.pending()[0]!.receiptHandle!;
  expect(q.changeVisibility(handle, 2000)).toBe(true);
  await clock.advance(2000);
  expect(seen.map((s) => s.receive)).toEqual([1, 2]);
  expect(q.changeVisibility(handle, 0)).toBe(false);
});

test('a message failed five times goes to the dead-letter queue and unblocks its group', async () => {
  const { clock, q, seen } = setup({ visibilityTimeoutMs: 1000, batchSize: 1 }, (r) =>
    r.body === 'bad' ? 'fail' : 'ok',
  );
  q.send('A', 'a1', 'bad');
  q.send('A', 'a2', 'next');
  await clock.advance(10_000);
  expect(seen.filter((s) => s.body === 'bad').map((s) => s.receive)).toEqual([1, 2, 3, 4, 5]);
  expect(q.deadLetters().map((m) => m.body)).toEqual(['bad']);
  expect(seen.filter((s) => s.body === 'next').map((s) => s.receive)).toEqual([1]);
  expect(q.isIdle()).toBe(true);
});

test('a failed message fails the later messages of its group in the batch, not other groups', async () => {
  const { clock, q, seen } = setup({ visibilityTimeoutMs: 1000 }, (r, batch) =>
    batch === 1 && r.body === 'a1' ? 'fail' : 'ok',
  );
  q.send('A', 'a1', 'a1');
  q.send('B', 'b1', 'b1');
  q.send('A', 'a2', 'a2');
  q.send('B', 'b2', 'b2');
  await clock.advance(0);
  // The handler acknowledged a2 but the queue keeps it: a1 must come first.
  expect(q.pending().map((m) => m.body)).toEqual(['a1', 'a2']);
  await clock.advance(1000);
  expect(seen.filter((s) => s.batch === 2).map((s) => s.body)).toEqual(['a1', 'a2']);
  expect(q.isIdle()).toBe(true);
});

test('a handler that throws fails the whole batch', async () => {
  const clock = new ManualClock();
  const q = new LocalFifoQueue({ name: 'evaluate', clock, visibilityTimeoutMs: 1000 });
  const receives: string[] = [];
  q.start(async (event) => {
    receives.push(...event.Records.map((r) => `${r.body}:${r.attributes.ApproximateReceiveCount}`));
    if (receives.length <= 2) throw new Error('boom');
  });
  q.send('A', 'a', 'a');
  q.send('B', 'b', 'b');
  await clock.advance(1000);
  expect(receives).toEqual(['a:1', 'b:1', 'a:2', 'b:2']);
});

test('a failure naming no message of the batch fails the whole batch, as Lambda does', async () => {
  const clock = new ManualClock();
  const q = new LocalFifoQueue({ name: 'sync', clock, visibilityTimeoutMs: 1000 });
  let n = 0;
  q.start(async () => (++n === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : undefined));
  q.send('A', 'a', 'a');
  await clock.advance(0);
  expect(q.pending()).toHaveLength(1);
  await clock.advance(1000);
  expect(n).toBe(2);
  expect(q.isIdle()).toBe(true);
});

test('records are shaped as Lambda delivers SQS FIFO messages', async () => {
  const { clock, q } = setup();
  const got: SQSRecord[] = [];
  q.start(async (e) => {
    got.push(...e.Records);
  });
  q.send('sheet-1', 'sheet-1#3', '{"x":1}');
  await clock.advance(0);
  const r = got[0]!;
  expect(r.eventSource).toBe('aws:sqs');
  expect(r.eventSourceARN).toMatch(/^arn:aws:sqs:[a-z0-9-]+:\d{12}:sync\.fifo$/);
  expect(r.attributes).toMatchObject({
    MessageGroupId: 'sheet-1',
    MessageDeduplicationId: 'sheet-1#3',
    ApproximateReceiveCount: '1',
  });
  expect(r.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
});

test('stop waits for the batches in the function and delivers nothing more', async () => {
  const { clock, q, seen, held } = setup({ batchSize: 1 }, (r) => (r.body === 'a1' ? 'hold' : 'ok'));
  q.send('A', 'a1', 'a1');
  q.send('B', 'b1', 'b1');
  await clock.advance(0);
  const stopped = q.stop();
  held[0]!();
  await stopped;
  await clock.advance(60_000);
  expect(seen.map((s) => s.body)).toEqual(['a1']);
  expect(q.pending().map((m) => m.body)).toEqual(['b1']);
});

/**
 * The FIFO batch processing of the sync and evaluate handlers, through Powertools' FIFO processor.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { processFifoBatch, retryDelay } from '../../../functions/shared/sqs-batch';
import { silentLogger } from '../../../lib/pipeline/log';
import { MemoryMetrics } from '../../../lib/pipeline/metrics';

const record = (id: string, group: string, receive = 1): SQSRecord => ({
  messageId: id,
  receiptHandle: `rh-${id}`,
  body: id,
  attributes: {
    ApproximateReceiveCount: String(receive),
    SentTimestamp: '0',
    SenderId: 'x',
    ApproximateFirstReceiveTimestamp: '0',
    MessageGroupId: group,
    MessageDeduplicationId: id,
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sync.fifo',
  awsRegion: 'us-east-1',
});

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

test('a failed record fails the later records of its group only', async () => {
  const handled: string[] = [];
  const res = await processFifoBatch(
    event(record('a1', 'A'), record('b1', 'B'), record('a2', 'A'), record('b2', 'B')),
    async (r) => {
      handled.push(r.body);
      if (r.body === 'a1') throw new Error('Sheets unavailable');
    },
    {
      name: 'sync',
      log: silentLogger,
      counters: new MemoryMetrics().for('zone-eval-sync'),
      retryDelayMs: 1000,
    },
  );
  expect(res.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a1', 'a2']);
  expect(handled).toEqual(['a1', 'b1', 'b2']);
});

test('failed records are made visible again soon, later on each receive', async () => {
  const later: Array<[string, number]> = [];
  const metrics = new MemoryMetrics();
  const counters = metrics.for('zone-eval-evaluate');
  const res = await processFifoBatch(
    event(record('a1', 'A', 3), record('b1', 'B')),
    async () => {
      throw new Error('down');
    },
    {
      name: 'evaluate',
      log: silentLogger,
      counters,
      retryDelayMs: 1000,
      retryLater: async (r, ms) => {
        later.push([r.messageId, ms]);
      },
    },
  );
  expect(res.batchItemFailures).toHaveLength(2);
  expect(later).toEqual([
    ['a1', 4000],
    ['b1', 1000],
  ]);
  expect(metrics.get('evaluate.failed')).toBe(2);
});

test('the retry delay doubles per receive up to eight times the first', () => {
  expect([1, 2, 3, 4, 5, 9].map((n) => retryDelay(n, 10))).toEqual([10, 20, 40, 80, 80, 80]);
});

test('an event that is not an SQS FIFO event is refused', async () => {
  await expect(
    processFifoBatch({ Records: [{ body: 'x' }] }, async () => {}, {
      name: 'sync',
      log: silentLogger,
      counters: new MemoryMetrics().for('zone-eval-sync'),
      retryDelayMs: 1,
    }),
  ).rejects.toThrow(/not an SQS FIFO event/);
});

/**
 * The SQS adapter's requests, recorded by a stand-in client. No npm SQS emulator was found faithful for FIFO
 * groups and deduplication that the project can use (see README), so the requests are checked here and the queue
 * semantics by the in-process queue's tests.
 */
import type { SendMessageCommand, SendMessageCommandOutput } from '@aws-sdk/client-sqs';
import { QueueMessageError, SqsMessageQueue, type SqsSender } from '../../../lib/queue/sqs';

const URLS = {
  sync: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/zone-eval-sync.fifo',
  evaluate: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/zone-eval-evaluate.fifo',
};

function recorder() {
  const commands: SendMessageCommand[] = [];
  const client: SqsSender = {
    async send(command) {
      commands.push(command);
      const output: SendMessageCommandOutput = { $metadata: {}, MessageId: `m${commands.length}` };
      return output;
    },
  };
  return { client, commands };
}

it('sends to the queue named, with the group and deduplication id given and no per-message delay', async () => {
  const { client, commands } = recorder();
  const queue = new SqsMessageQueue(client, URLS);
  await queue.send('sync', 'sheet-1', 'sheet-1#7', '{"a":1}');
  await queue.send('evaluate', 'e2025', 'e2025#3#retry-20261128T0240', '{"b":2}');
  expect(commands.map((c) => c.input)).toEqual([
    {
      QueueUrl: URLS.sync,
      MessageBody: '{"a":1}',
      MessageGroupId: 'sheet-1',
      MessageDeduplicationId: 'sheet-1#7',
    },
    {
      QueueUrl: URLS.evaluate,
      MessageBody: '{"b":2}',
      MessageGroupId: 'e2025',
      MessageDeduplicationId: 'e2025#3#retry-20261128T0240',
    },
  ]);
});

it('refuses ids SQS would refuse, naming them, before any request', async () => {
  const { client, commands } = recorder();
  const queue = new SqsMessageQueue(client, URLS);
  await expect(queue.send('sync', 'a b', 'x#1', '{}')).rejects.toThrow(QueueMessageError);
  await expect(queue.send('sync', 'g', 'x'.repeat(129), '{}')).rejects.toThrow(/deduplication id/);
  await expect(queue.send('sync', '', 'x#1', '{}')).rejects.toThrow(/group id ""/);
  await expect(queue.send('sync', 'g', 'x#1', 'x'.repeat(256 * 1024 + 1))).rejects.toThrow(/exceeds/);
  expect(commands).toEqual([]);
});

it('accepts ids of exactly 128 characters with punctuation', async () => {
  const { client, commands } = recorder();
  const id = `${'a'.repeat(120)}#1-_.:@!`;
  await new SqsMessageQueue(client, URLS).send('sync', id, id, '{}');
  expect(commands).toHaveLength(1);
});

it('refuses a configuration without both queues or with a standard (non-FIFO) queue', () => {
  const { client } = recorder();
  expect(() => new SqsMessageQueue(client, { sync: URLS.sync } as never)).toThrow(/evaluate/);
  expect(
    () => new SqsMessageQueue(client, { ...URLS, sync: 'https://sqs.example/1/zone-eval-sync' }),
  ).toThrow(/FIFO/);
});

it('lets a failed request throw, for the caller to retry', async () => {
  const client: SqsSender = {
    send: async () => {
      throw new Error('ThrottlingException');
    },
  };
  await expect(new SqsMessageQueue(client, URLS).send('sync', 'g', 'g#1', '{}')).rejects.toThrow(
    'Throttling',
  );
});

import { batchWriteAll, type WriteRequest } from '../../../lib/store/batch';
import { BatchWriteIncompleteError } from '../../../lib/store/errors';
import { fakeDynamo, type SentRequest } from './fake-dynamo';

// dynalite never throttles, so UnprocessedItems can only be produced by a fake.
const puts = (n: number): WriteRequest[] =>
  Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { PK: 'EVAL#e', SK: `CUR#z${i}`, n: i } } }));

const requestsOf = (request: SentRequest) =>
  (request.body['RequestItems'] as Record<string, { PutRequest: { Item: { SK: { S: string } } } }[]>)['t'] ??
  [];

test('items are sent 25 at a time', async () => {
  const { client, sent } = fakeDynamo(() => ({ body: { UnprocessedItems: {} } }));

  await batchWriteAll(client, 't', puts(105));

  expect(sent.map((r) => requestsOf(r).length)).toEqual([25, 25, 25, 25, 5]);
});

test('unprocessed items are retried after a growing delay until none remain', async () => {
  let calls = 0;
  const { client, sent } = fakeDynamo((request) => {
    calls++;
    // The first two answers hand back all but the first item of what was sent.
    const [, ...rest] = requestsOf(request);
    return { body: { UnprocessedItems: calls <= 2 && rest.length > 0 ? { t: rest } : {} } };
  });
  const delays: number[] = [];

  await batchWriteAll(client, 't', puts(4), {
    sleep: async (ms) => void delays.push(ms),
    random: () => 1,
    baseDelayMs: 10,
  });

  expect(sent.map((r) => requestsOf(r).map((p) => p.PutRequest.Item.SK.S))).toEqual([
    ['CUR#z0', 'CUR#z1', 'CUR#z2', 'CUR#z3'],
    ['CUR#z1', 'CUR#z2', 'CUR#z3'],
    ['CUR#z2', 'CUR#z3'],
  ]);
  expect(delays).toEqual([10, 20]);
});

test('items still unprocessed after the last attempt raise BatchWriteIncompleteError', async () => {
  const { client, sent } = fakeDynamo((request) => ({
    body: { UnprocessedItems: { t: requestsOf(request) } },
  }));

  const error = await batchWriteAll(client, 't', puts(3), { maxAttempts: 3, sleep: async () => {} }).catch(
    (e: unknown) => e,
  );

  expect(error).toBeInstanceOf(BatchWriteIncompleteError);
  expect(error).toMatchObject({ unprocessed: 3 });
  expect(sent).toHaveLength(3);
});

test('a key named twice is refused before anything is sent', async () => {
  const { client, sent } = fakeDynamo(() => ({ body: {} }));
  const twice = [...puts(2), ...puts(1)];

  await expect(batchWriteAll(client, 't', twice)).rejects.toThrow(/names the key EVAL#e \/ CUR#z0 twice/);
  expect(sent).toHaveLength(0);
});

import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import type { RunRecord } from '../../../lib/pipeline/ports';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { ItemExistsError } from '../../../lib/store/errors';

let dynamo: EmbeddedDynamo;
let store: DynamoStore;

beforeAll(async () => {
  dynamo = await startDynamo();
  store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

/** Results shaped like the engine's: 105 zones x 45 indicators with scores, ranks and contributions. */
function results(seed: number) {
  return {
    zones: Array.from({ length: 105 }, (_, z) => ({
      zoneId: `CN-${String(z + 1).padStart(3, '0')}`,
      score: Math.round((seed + z * 0.731) * 1e6) / 1e6,
      rank: z + 1,
      grade: z < 10 ? 'A' : z < 60 ? 'B' : z < 100 ? 'C' : 'D',
      indicators: Array.from({ length: 45 }, (_, i) => ({
        code: `I${i}`,
        normalised: Math.round(Math.sin(seed + z * 45 + i) * 1e6) / 1e6,
        contribution: Math.round(Math.cos(seed + z * 45 + i) * 1e6) / 1e6,
      })),
    })),
  };
}

function run(seq: number, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    seq,
    requested: seq * 3,
    inputHash: `hash-${seq}`,
    methodologyVersion: 'm-2024-01',
    engineVersion: '0.1.0',
    createdAt: '2024-11-05T08:00:00.000Z',
    results: results(seq),
    ...overrides,
  };
}

test('a run round-trips through its gzipped item', async () => {
  const stored = run(1);

  await store.putRun('rt', stored);

  expect(await store.getRun('rt', 1)).toEqual(stored);
});

test('the results are stored as gzip in a Binary attribute, far smaller than their JSON', async () => {
  await store.putRun('gz', run(1));

  const { Item } = await dynamo.client.send(
    new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'EVAL#gz', SK: 'RUN#0000000001' } }),
  );
  const body = Item?.['body'] as Uint8Array;
  const json = JSON.stringify(results(1));

  expect(body).toBeInstanceOf(Uint8Array);
  expect(JSON.parse(gunzipSync(body).toString('utf8'))).toEqual(results(1));
  expect(Item?.['jsonBytes']).toBe(Buffer.byteLength(json));
  expect(body.byteLength).toBeLessThan(json.length / 2);
});

test('a run is never overwritten', async () => {
  await store.putRun('once', run(1));

  await expect(store.putRun('once', run(1, { inputHash: 'other' }))).rejects.toBeInstanceOf(ItemExistsError);
  expect((await store.getRun('once', 1))?.inputHash).toBe('hash-1');
});

test('a run too large for one item is stored in parts written before its head, and reads back whole', async () => {
  // Random text does not compress, so 600 KB of it stays above the item limit after gzip.
  const big = run(1, { results: { noise: randomBytes(450_000).toString('base64') } });

  await store.putRun('big', big);

  expect(await store.getRun('big', 1)).toEqual(big);
  expect(await store.latestRun('big')).toEqual(big);
  expect(await store.getRunInfo('big', 1)).toEqual({
    seq: 1,
    requested: 3,
    inputHash: 'hash-1',
    methodologyVersion: 'm-2024-01',
    engineVersion: '0.1.0',
    createdAt: '2024-11-05T08:00:00.000Z',
  });
  const head = await dynamo.client.send(
    new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'EVAL#big', SK: 'RUN#0000000001' } }),
  );
  expect(head.Item).toMatchObject({ parts: 2, jsonBytes: 600_012 });
  expect(head.Item?.['body']).toBeUndefined();
  const part = await dynamo.client.send(
    new GetCommand({ TableName: dynamo.tableName, Key: { PK: 'EVAL#big', SK: 'RUNPART#0000000001#0002' } }),
  );
  expect(part.Item).toMatchObject({ part: 2 });
});

test('a head whose parts are missing is refused as corrupt, not read as a shorter run', async () => {
  const big = run(1, { results: { noise: randomBytes(450_000).toString('base64') } });
  await store.putRun('torn', big);
  await dynamo.client.send(
    new DeleteCommand({
      TableName: dynamo.tableName,
      Key: { PK: 'EVAL#torn', SK: 'RUNPART#0000000001#0001' },
    }),
  );
  await expect(store.getRun('torn', 1)).rejects.toThrow(/names 2 parts but 1 were found/);
});

test('latestRun returns the highest sequence, and null before any run', async () => {
  expect(await store.latestRun('latest')).toBeNull();
  for (const seq of [1, 2, 10]) await store.putRun('latest', run(seq));

  expect((await store.latestRun('latest'))?.seq).toBe(10);
});

test('the current-run pointer only moves forward and earlier runs remain', async () => {
  for (const seq of [1, 2, 3]) await store.putRun('ptr', run(seq));

  expect(await store.setCurrentRun('ptr', 2)).toBe(true);
  expect(await store.setCurrentRun('ptr', 1)).toBe(false);
  expect((await store.getEvaluationState('ptr'))?.currentRun).toBe(2);
  expect(await store.setCurrentRun('ptr', 3)).toBe(true);
  expect((await store.getEvaluationState('ptr'))?.currentRun).toBe(3);
  expect((await store.getRun('ptr', 1))?.seq).toBe(1);
  expect((await store.getRun('ptr', 2))?.seq).toBe(2);
});

test('the published pointer moves independently of the current one', async () => {
  await store.setCurrentRun('pub', 4);

  expect(await store.markPublished('pub', 3)).toBe(true);
  expect(await store.markPublished('pub', 2)).toBe(false);
  expect(await store.getEvaluationState('pub')).toMatchObject({ currentRun: 4, publishedRun: 3 });
});

test('the run pointer and counters share the STATE item without disturbing one another', async () => {
  const r = await store.requestEvaluation('shared');
  const seq = await store.nextRunSeq('shared');
  await store.putRun('shared', run(seq, { requested: r }));
  await store.setCurrentRun('shared', seq);
  await store.markScored('shared', r);

  expect(await store.getEvaluationState('shared')).toMatchObject({
    requested: 1,
    scored: 1,
    lastRunSeq: 1,
    currentRun: 1,
    publishedRun: null,
  });
});

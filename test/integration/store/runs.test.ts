import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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

describe('time to live of superseded runs', () => {
  const created = new Date('2024-11-05T08:00:00.000Z');
  const expiresAt = new Date('2024-12-10T08:00:00.000Z');
  const createdAfter = new Date('2024-11-05T07:00:00.000Z');
  const item = async (e: string, sk: string) =>
    (
      await dynamo.client.send(
        new GetCommand({ TableName: dynamo.tableName, Key: { PK: `EVAL#${e}`, SK: sk } }),
      )
    ).Item;
  const storeAt = (at: Date) =>
    new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName, now: () => at });

  test('an expired run carries expiresAt in epoch seconds, reads back until then and is gone from then on', async () => {
    await store.putRun('ttl', run(1));

    expect(await store.expireRun('ttl', 1, { expiresAt, createdAfter })).toBe(true);

    expect((await item('ttl', 'RUN#0000000001'))?.['expiresAt']).toBe(expiresAt.getTime() / 1000);
    const before = storeAt(new Date(expiresAt.getTime() - 1000));
    expect(await before.getRun('ttl', 1)).toEqual(run(1));
    expect((await before.getRunInfo('ttl', 1))?.seq).toBe(1);
    const after = storeAt(expiresAt);
    expect(await after.getRun('ttl', 1)).toBeNull();
    expect(await after.getRunInfo('ttl', 1)).toBeNull();
  });

  test('only a run created after createdAfter, stored and never kept is given a time to live', async () => {
    await store.putRun('old', run(1));
    await store.putRun('old', run(2));
    await store.keepRun('old', 2, 'final');

    expect(await store.expireRun('old', 1, { expiresAt, createdAfter: created })).toBe(false);
    expect(await store.expireRun('old', 2, { expiresAt, createdAfter })).toBe(false);
    expect(await store.expireRun('old', 3, { expiresAt, createdAfter })).toBe(false);
    expect(await item('old', 'RUN#0000000003')).toBeUndefined();
    expect((await item('old', 'RUN#0000000001'))?.['expiresAt']).toBeUndefined();
    expect(await item('old', 'RUN#0000000002')).toMatchObject({ keptAs: 'final' });
  });

  test('keeping a run removes its time to live, and it reads back after that time', async () => {
    await store.putRun('keep', run(1));
    await store.expireRun('keep', 1, { expiresAt, createdAfter });

    expect(await store.keepRun('keep', 1, 'final')).toBe(true);

    expect((await item('keep', 'RUN#0000000001'))?.['expiresAt']).toBeUndefined();
    expect(await storeAt(expiresAt).getRun('keep', 1)).toEqual(run(1));
    expect(await store.keepRun('keep', 9, 'final')).toBe(false);
  });

  test('a run stored in parts expires with its parts, each a day after the head, and keeping it keeps them', async () => {
    const big = run(1, { results: { noise: randomBytes(450_000).toString('base64') } });
    await store.putRun('bigttl', big);

    await store.expireRun('bigttl', 1, { expiresAt, createdAfter });

    const at = expiresAt.getTime() / 1000;
    expect((await item('bigttl', 'RUNPART#0000000001#0001'))?.['expiresAt']).toBe(at + 86_400);
    expect((await item('bigttl', 'RUNPART#0000000001#0002'))?.['expiresAt']).toBe(at + 86_400);
    await store.keepRun('bigttl', 1, 'final');
    expect((await item('bigttl', 'RUNPART#0000000001#0001'))?.['expiresAt']).toBeUndefined();
    expect(await storeAt(expiresAt).getRun('bigttl', 1)).toEqual(big);
  });

  test('a run item written before runs could expire (no expiresAt, no keptAs) reads, expires and is kept as any other', async () => {
    const stored = run(1);
    const json = JSON.stringify(stored.results);
    await dynamo.client.send(
      new PutCommand({
        TableName: dynamo.tableName,
        Item: {
          PK: 'EVAL#legacy',
          SK: 'RUN#0000000001',
          seq: 1,
          requested: 3,
          inputHash: 'hash-1',
          methodologyVersion: 'm-2024-01',
          engineVersion: '0.1.0',
          createdAt: stored.createdAt,
          body: new Uint8Array(gzipSync(json)),
          jsonBytes: Buffer.byteLength(json),
        },
      }),
    );

    expect(await store.getRun('legacy', 1)).toEqual(stored);
    expect(await store.expireRun('legacy', 1, { expiresAt, createdAfter })).toBe(true);
    expect(await storeAt(expiresAt).getRun('legacy', 1)).toBeNull();
    expect(await store.keepRun('legacy', 1, 'final')).toBe(true);
    expect(await storeAt(expiresAt).getRun('legacy', 1)).toEqual(stored);
  });
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { InvalidInputError, ItemExistsError } from '../../../lib/store/errors';
import { draft, EVAL } from './fixtures';

let dynamo: EmbeddedDynamo;
let store: DynamoStore;

beforeAll(async () => {
  dynamo = await startDynamo();
  store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName, revisionAttempts: 50 });
});
afterAll(() => dynamo.close());

test('revisions are numbered from 1 per zone', async () => {
  const first = await store.appendRevision(EVAL, 'CN-HZ', draft(1));
  const second = await store.appendRevision(EVAL, 'CN-HZ', draft(2));
  const otherZone = await store.appendRevision(EVAL, 'CN-NB', draft(3));

  expect([first.seq, second.seq, otherZone.seq]).toEqual([1, 2, 1]);
});

test('a revision keeps who, when, the values as typed and the content hash', async () => {
  const d = draft(4, {
    values: {
      I01: { value: 0.1735, text: '17.35%' },
      I02: { value: null, text: '' },
      I03: { value: null, text: 'N/A', note: '数据未公布' },
    },
    editor: null,
    caller: 'reconcile',
  });

  const appended = await store.appendRevision(EVAL, 'CN-SZ', d);

  expect(await store.listRevisions(EVAL, 'CN-SZ')).toEqual([{ ...d, zoneId: 'CN-SZ', seq: 1 }]);
  expect(appended).toEqual({ ...d, zoneId: 'CN-SZ', seq: 1 });
});

test('a second put on the same sequence number fails and the first revision survives', async () => {
  const original = { ...draft(5), zoneId: 'CN-GZ', seq: 1 };
  await store.putRevision(EVAL, original);

  const overwrite = store.putRevision(EVAL, { ...draft(6), zoneId: 'CN-GZ', seq: 1 });

  await expect(overwrite).rejects.toBeInstanceOf(ItemExistsError);
  expect(await store.listRevisions(EVAL, 'CN-GZ')).toEqual([original]);
});

test('the refused overwrite keeps the SDK error as its cause', async () => {
  await store.putRevision(EVAL, { ...draft(7), zoneId: 'CN-XM', seq: 1 });

  const error = await store
    .putRevision(EVAL, { ...draft(8), zoneId: 'CN-XM', seq: 1 })
    .catch((e: unknown) => e);

  expect(error).toBeInstanceOf(ItemExistsError);
  expect((error as ItemExistsError).cause).toMatchObject({ name: 'ConditionalCheckFailedException' });
});

test('concurrent appends get distinct consecutive numbers and lose nothing', async () => {
  const appended = await Promise.all(
    Array.from({ length: 12 }, (_, i) => store.appendRevision(EVAL, 'CN-CD', draft(i))),
  );

  expect(appended.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  const stored = await store.listRevisions(EVAL, 'CN-CD');
  expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(new Set(stored.map((r) => r.contentHash)).size).toBe(12);
});

test('revisions live under HIST#e#z with zero-padded sort keys', async () => {
  await store.appendRevision(EVAL, 'CN-WH', draft(9));

  const { Item } = await dynamo.client.send(
    new GetCommand({ TableName: dynamo.tableName, Key: { PK: `HIST#${EVAL}#CN-WH`, SK: 'REV#0000000001' } }),
  );

  expect(Item).toMatchObject({ seq: 1, zoneId: 'CN-WH', caller: 'trigger' });
});

test('a draft with a non-finite value is refused before anything is written', async () => {
  const bad = draft(10, { values: { I01: { value: Number.POSITIVE_INFINITY, text: '∞' } } });

  await expect(store.appendRevision(EVAL, 'CN-BAD', bad)).rejects.toBeInstanceOf(InvalidInputError);
  expect(await store.listRevisions(EVAL, 'CN-BAD')).toEqual([]);
});

test('storing the same read again (a retried sync) returns the stored revision instead of a duplicate', async () => {
  const first = await store.appendRevision(EVAL, 'z-retry', draft(3));
  const again = await store.appendRevision(EVAL, 'z-retry', draft(3, { at: '2030-01-01T00:00:00.000Z' }));

  expect(again).toEqual(first);
  expect(await store.listRevisions(EVAL, 'z-retry')).toHaveLength(1);
});

test('the same content from a later read is a new revision', async () => {
  await store.appendRevision(EVAL, 'z-later', draft(3));
  const later = await store.appendRevision(EVAL, 'z-later', draft(3, { readSeq: 4 }));

  expect(later.seq).toBe(2);
});

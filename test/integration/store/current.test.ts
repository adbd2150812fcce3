import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { ItemTooLargeError } from '../../../lib/store/errors';
import { current, EVAL } from './fixtures';

let dynamo: EmbeddedDynamo;
let store: DynamoStore;

beforeAll(async () => {
  dynamo = await startDynamo();
  store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

describe('putCurrent', () => {
  test('the first write for a zone is stored', async () => {
    const cur = current('Z-FIRST', 1);

    expect(await store.putCurrent(EVAL, cur)).toEqual({ status: 'written' });
    expect(await store.getCurrent(EVAL, 'Z-FIRST')).toEqual(cur);
  });

  test('a newer revision replaces the current values', async () => {
    await store.putCurrent(EVAL, current('Z-NEWER', 1));

    expect(await store.putCurrent(EVAL, current('Z-NEWER', 2))).toEqual({ status: 'written' });
    expect((await store.getCurrent(EVAL, 'Z-NEWER'))?.revSeq).toBe(2);
  });

  test('repeating a write that already landed counts as success', async () => {
    await store.putCurrent(EVAL, current('Z-RETRY', 3));

    expect(await store.putCurrent(EVAL, current('Z-RETRY', 3))).toEqual({ status: 'unchanged', revSeq: 3 });
  });

  test('an older revision with the same content as the stored one counts as success', async () => {
    await store.putCurrent(EVAL, current('Z-SAME', 5, 42));

    expect(await store.putCurrent(EVAL, current('Z-SAME', 4, 42))).toEqual({
      status: 'unchanged',
      revSeq: 5,
    });
  });

  test('an older revision with other content is not written and reports the newer one', async () => {
    const newer = current('Z-STALE', 5);
    await store.putCurrent(EVAL, newer);

    expect(await store.putCurrent(EVAL, current('Z-STALE', 4))).toEqual({ status: 'superseded', revSeq: 5 });
    expect(await store.getCurrent(EVAL, 'Z-STALE')).toEqual(newer);
  });

  test('a stale read that finishes late loses, even with a higher revision number', async () => {
    // Read at snapshot 7 stalls; a read at snapshot 8 completes as revision 2; the stale read then stores revision 3.
    const fresh = current('Z-RACE', 2, 80, 0, { readSeq: 8 });
    await store.putCurrent(EVAL, fresh);

    expect(await store.putCurrent(EVAL, current('Z-RACE', 3, 70, 0, { readSeq: 7 }))).toEqual({
      status: 'superseded',
      revSeq: 2,
    });
    expect(await store.getCurrent(EVAL, 'Z-RACE')).toEqual(fresh);
  });

  test('values read from another spreadsheet (a re-mapped zone) replace the current ones', async () => {
    await store.putCurrent(EVAL, current('Z-MOVE', 5, 5, 0, { readSeq: 9 }));
    const moved = current('Z-MOVE', 6, 6, 0, { spreadsheetId: 'sheet-new', readSeq: 1 });

    expect(await store.putCurrent(EVAL, moved)).toEqual({ status: 'written' });
    expect(await store.getCurrent(EVAL, 'Z-MOVE')).toEqual(moved);
  });

  test('a read under a newer mapping wins over a later read of another sheet under an older one', async () => {
    await store.putCurrent(
      EVAL,
      current('Z-MAP', 1, 1, 0, { mappingSeq: 2, spreadsheetId: 'sheet-new', readSeq: 1 }),
    );

    expect(
      await store.putCurrent(
        EVAL,
        current('Z-MAP', 2, 2, 0, { mappingSeq: 1, spreadsheetId: 'sheet-old', readSeq: 9 }),
      ),
    ).toMatchObject({ status: 'superseded' });
  });

  test('touch: a later read of the same content moves the read marker, so an earlier read then loses', async () => {
    const stored = current('Z-TOUCH', 1, 1, 0, { readSeq: 2 });
    await store.putCurrent(EVAL, stored);

    expect(
      await store.touchCurrent(EVAL, 'Z-TOUCH', {
        mappingSeq: 1,
        spreadsheetId: 'sheet-hangzhou',
        readSeq: 4,
        contentHash: stored.contentHash,
      }),
    ).toBe(true);
    expect(await store.putCurrent(EVAL, current('Z-TOUCH', 2, 3, 0, { readSeq: 3 }))).toMatchObject({
      status: 'superseded',
    });
  });

  test('touch refuses when the content changed meanwhile or the read is not later', async () => {
    const stored = current('Z-TOUCH2', 1, 1, 0, { readSeq: 5 });
    await store.putCurrent(EVAL, stored);
    const read = { mappingSeq: 1, spreadsheetId: 'sheet-hangzhou' };

    expect(await store.touchCurrent(EVAL, 'Z-TOUCH2', { ...read, readSeq: 6, contentHash: 'other' })).toBe(
      false,
    );
    expect(
      await store.touchCurrent(EVAL, 'Z-TOUCH2', { ...read, readSeq: 4, contentHash: stored.contentHash }),
    ).toBe(false);
    expect(
      await store.touchCurrent(EVAL, 'Z-NOPE', { ...read, readSeq: 9, contentHash: stored.contentHash }),
    ).toBe(false);
  });

  test('a zone without current values reads as null', async () => {
    expect(await store.getCurrent(EVAL, 'Z-NONE')).toBeNull();
  });

  test('values too large for one item are refused with the sizes', async () => {
    const huge = current('Z-HUGE', 1, 1, 10_000);

    const error = await store.putCurrent(EVAL, huge).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ItemTooLargeError);
    expect((error as ItemTooLargeError).itemBytes).toBeGreaterThan(409_600);
    expect((error as Error).message).toMatch(/Z-HUGE.*\d{3},\d{3}-byte item; DynamoDB allows 409,600/);
  });
});

describe('listCurrent', () => {
  const EVAL_BIG = 'big';

  test('reads every zone across pages when the evaluation holds more than 1 MB', async () => {
    // 300 zones of ~6 KB each: about 1.8 MB, so DynamoDB (and dynalite) must page.
    const zones = Array.from({ length: 300 }, (_, i) => current(`Z${String(i).padStart(3, '0')}`, 1, i, 120));
    await store.seedCurrent(EVAL_BIG, zones);
    const firstPage = await dynamo.client.send(
      new QueryCommand({
        TableName: dynamo.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': `EVAL#${EVAL_BIG}`, ':p': 'CUR#' },
      }),
    );

    const all = await store.listCurrent(EVAL_BIG);

    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Items?.length).toBeLessThan(300);
    expect(all).toHaveLength(300);
    expect(all).toEqual(zones);
  });

  test('returns only CUR items of the evaluation asked for', async () => {
    await store.putCurrent('only', current('Z-A', 1));
    await store.requestSheet('only', 'sheet-a');
    await store.requestEvaluation('only');
    await store.putCurrent('elsewhere', current('Z-B', 1));

    expect((await store.listCurrent('only')).map((c) => c.zoneId)).toEqual(['Z-A']);
  });
});

describe('seedCurrent', () => {
  test('writes the 105 zones of an evaluation in one call', async () => {
    const zones = Array.from({ length: 105 }, (_, i) =>
      current(`CN-${String(i + 1).padStart(3, '0')}`, 1, i),
    );

    await store.seedCurrent('seed', zones);

    expect(await store.listCurrent('seed')).toEqual(zones);
  });
});

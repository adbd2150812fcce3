import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { EVAL } from './fixtures';

let dynamo: EmbeddedDynamo;
let store: DynamoStore;
const clock = new Date('2024-11-05T08:00:00.000Z');

beforeAll(async () => {
  dynamo = await startDynamo();
  store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName, now: () => clock });
});
afterAll(() => dynamo.close());

describe('spreadsheet counters', () => {
  test('an unknown spreadsheet has no state', async () => {
    expect(await store.getSheetState(EVAL, 'never-signalled')).toBeNull();
  });

  test('concurrent signals each receive a distinct requested value', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, () => store.requestSheet(EVAL, 'sheet-burst')),
    );

    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect((await store.getSheetState(EVAL, 'sheet-burst'))?.requested).toBe(40);
  });

  test('a signal records its time', async () => {
    const at = new Date('2024-11-05T09:30:00.000Z');

    await store.requestSheet(EVAL, 'sheet-time', at);

    expect(await store.getSheetState(EVAL, 'sheet-time')).toMatchObject({
      spreadsheetId: 'sheet-time',
      requested: 1,
      synced: 0,
      lastSignalAt: at.toISOString(),
    });
  });

  test('synced only moves forward, and a lower value is refused without an error', async () => {
    await store.requestSheet(EVAL, 'sheet-sync');

    expect(await store.markSynced(EVAL, 'sheet-sync', 5)).toBe(true);
    expect(await store.markSynced(EVAL, 'sheet-sync', 3)).toBe(false);
    expect(await store.markSynced(EVAL, 'sheet-sync', 5)).toBe(false);
    expect(await store.getSheetState(EVAL, 'sheet-sync')).toMatchObject({
      synced: 5,
      syncedAt: clock.toISOString(),
    });
    expect(await store.markSynced(EVAL, 'sheet-sync', 6)).toBe(true);
    expect((await store.getSheetState(EVAL, 'sheet-sync'))?.synced).toBe(6);
  });

  test('markSynced records where the read holds only when synced moves; the basis is kept when given', async () => {
    await store.requestSheet(EVAL, 'sheet-holds');
    await store.requestSheet(EVAL, 'sheet-holds-zone');

    expect(
      await store.markSynced(EVAL, 'sheet-holds', 2, { version: '8', methodologySeq: 3, basis: 'b1' }),
    ).toBe(true);
    // A lower value moves nothing, so what it would record is not kept either.
    expect(
      await store.markSynced(EVAL, 'sheet-holds', 1, { version: '9', methodologySeq: 4, basis: 'b2' }),
    ).toBe(false);
    expect(await store.markSynced(EVAL, 'sheet-holds-zone', 1, { version: '5', methodologySeq: 1 })).toBe(
      true,
    );

    expect((await store.getSheetState(EVAL, 'sheet-holds'))?.unchangedAt).toEqual({
      version: '8',
      methodologySeq: 3,
      basis: 'b1',
    });
    // A zone sheet's has no basis at all (absent, not empty), so it compares equal to a zone sync's.
    expect((await store.getSheetState(EVAL, 'sheet-holds-zone'))?.unchangedAt).toEqual({
      version: '5',
      methodologySeq: 1,
    });
  });

  test('concurrent markSynced calls leave the highest value', async () => {
    const outcomes = await Promise.all(
      [3, 9, 1, 7, 9, 2].map((r) => store.markSynced(EVAL, 'sheet-race', r)),
    );

    expect(outcomes).toContain(true);
    expect((await store.getSheetState(EVAL, 'sheet-race'))?.synced).toBe(9);
  });

  test('zone and Drive version are kept next to the counters', async () => {
    await store.registerSheet(EVAL, 'sheet-meta', 'CN-HZ');
    await store.requestSheet(EVAL, 'sheet-meta');
    await store.setDriveVersion(EVAL, 'sheet-meta', '1234');

    expect(await store.getSheetState(EVAL, 'sheet-meta')).toMatchObject({
      zoneId: 'CN-HZ',
      requested: 1,
      driveVersion: '1234',
    });
  });

  test('listSheets returns every spreadsheet of the evaluation and none of another', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `list-${String(i).padStart(3, '0')}`);
    await Promise.all(ids.map((id) => store.requestSheet('2099', id)));
    await store.requestSheet('2098', 'other-evaluation');

    const sheets = await store.listSheets('2099');

    expect(sheets.map((s) => s.spreadsheetId)).toEqual(ids);
  });

  test('ids containing the key separator are refused', async () => {
    await expect(store.requestSheet(EVAL, 'a#b')).rejects.toThrow(/contain no '#'/);
  });
});

describe('evaluation counters', () => {
  test('concurrent requests each receive a distinct value and scored only moves forward', async () => {
    const results = await Promise.all(
      Array.from({ length: 25 }, () => store.requestEvaluation('eval-counters')),
    );

    expect(new Set(results).size).toBe(25);
    expect(await store.markScored('eval-counters', 25)).toBe(true);
    expect(await store.markScored('eval-counters', 12)).toBe(false);
    expect(await store.getEvaluationState('eval-counters')).toMatchObject({
      requested: 25,
      scored: 25,
      lastRequestAt: clock.toISOString(),
      scoredAt: clock.toISOString(),
    });
  });

  test('pendingSince is the first request after a catch-up, the end of a run that left requests, and cleared when caught up', async () => {
    let now = new Date('2024-11-05T09:00:00.000Z');
    const timed = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName, now: () => now });
    const at = (minutes: number) => new Date(Date.parse('2024-11-05T09:00:00.000Z') + minutes * 60_000);
    const pendingSince = async () => (await timed.getEvaluationState('eval-pending'))?.pendingSince;

    await timed.requestEvaluation('eval-pending', at(0));
    await timed.requestEvaluation('eval-pending', at(1));
    expect(await pendingSince()).toBe(at(0).toISOString());

    // A run answered request 1; request 2 came during it: the wait is measured from the run's end.
    now = at(3);
    expect(await timed.markScored('eval-pending', 1)).toBe(true);
    expect(await pendingSince()).toBe(at(3).toISOString());

    now = at(4);
    expect(await timed.markScored('eval-pending', 2)).toBe(true);
    expect(await pendingSince()).toBeNull();

    await timed.requestEvaluation('eval-pending', at(10));
    expect(await pendingSince()).toBe(at(10).toISOString());
    expect(await timed.markScored('eval-pending', 2)).toBe(false);
    expect(await pendingSince()).toBe(at(10).toISOString());
  });

  test('an evaluation never requested has no state', async () => {
    expect(await store.getEvaluationState('eval-none')).toBeNull();
  });

  test('run sequence numbers are distinct under concurrency', async () => {
    const seqs = await Promise.all(Array.from({ length: 20 }, () => store.nextRunSeq('eval-seq')));

    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await store.getEvaluationState('eval-seq'))?.lastRunSeq).toBe(20);
  });

  test('the methodology version is recorded on the evaluation', async () => {
    await store.setMethodologyVersion('eval-method', 'm-2024-03');

    expect((await store.getEvaluationState('eval-method'))?.methodologyVersion).toBe('m-2024-03');
  });
});

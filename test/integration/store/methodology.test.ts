import { type EmbeddedDynamo, startDynamo } from '../../../lib/local/dynamo';
import { DynamoStore } from '../../../lib/store/dynamo-store';
import { EVAL } from './fixtures';

let dynamo: EmbeddedDynamo;
let store: DynamoStore;

beforeAll(async () => {
  dynamo = await startDynamo();
  store = new DynamoStore({ client: dynamo.client, tableName: dynamo.tableName });
});
afterAll(() => dynamo.close());

const record = (version: string, name: string) => ({
  version,
  methodology: { name, indicators: [{ code: 'T01', unit: '', nameZh: '' }] },
  zones: [{ zoneId: 'hangzhou', nameZh: '杭州', spreadsheetId: 'sheet-1', editors: ['a@example.com'] }],
  spreadsheetId: 'control-1',
  at: '2025-03-01T08:00:00.000Z',
});

describe('methodology versions', () => {
  test('a stored version reads back whole, empty strings included', async () => {
    await store.putMethodology(EVAL, record('v1', 'first'));
    expect(await store.getMethodology(EVAL, 'v1')).toEqual(record('v1', 'first'));
  });

  test('a version is never overwritten: storing it again keeps the first content', async () => {
    await store.putMethodology(EVAL, record('v2', 'original'));
    await store.putMethodology(EVAL, record('v2', 'forged'));
    expect((await store.getMethodology(EVAL, 'v2'))?.methodology['name']).toBe('original');
  });

  test('an unknown version is null', async () => {
    expect(await store.getMethodology(EVAL, 'nope')).toBeNull();
  });
});

describe('feedback hash', () => {
  test('is recorded on the sheet state', async () => {
    await store.registerSheet(EVAL, 'sheet-f', 'hangzhou');
    expect((await store.getSheetState(EVAL, 'sheet-f'))?.feedbackHash).toBeNull();
    await store.setFeedbackHash(EVAL, 'sheet-f', 'abc');
    expect((await store.getSheetState(EVAL, 'sheet-f'))?.feedbackHash).toBe('abc');
  });
});

describe('the methodology pointer', () => {
  const E2 = 'pointer-test';
  test('a new version counts a mapping change; the same version again does not', async () => {
    expect(await store.setMethodologyVersion(E2, 'a', 1)).toBe(true);
    expect((await store.getEvaluationState(E2))?.methodologySeq).toBe(1);
    expect(await store.setMethodologyVersion(E2, 'a', 2)).toBe(true);
    expect((await store.getEvaluationState(E2))?.methodologySeq).toBe(1);
    expect(await store.setMethodologyVersion(E2, 'b', 3)).toBe(true);
    expect(await store.getEvaluationState(E2)).toMatchObject({ methodologyVersion: 'b', methodologySeq: 2 });
  });
  test('a read older than the last one moves nothing', async () => {
    expect(await store.setMethodologyVersion(E2, 'a', 2)).toBe(false);
    expect(await store.setMethodologyVersion(E2, 'b', 2)).toBe(false);
    expect(await store.getEvaluationState(E2)).toMatchObject({ methodologyVersion: 'b', methodologySeq: 2 });
  });
});

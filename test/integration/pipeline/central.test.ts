/**
 * The central-data sync over real HTTP: a customs department's spreadsheet in the emulator read through Google's
 * client, its values stored apart from the zones' current values, refused cells on its Feedback tab, and the
 * values merged at scoring.
 */
import { type LocalStack, SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { syncCentral } from '../../../lib/pipeline/central';
import { evaluateRun } from '../../../lib/pipeline/evaluate';
import { silentLogger } from '../../../lib/pipeline/log';
import { ResultsDocSchema } from '../../../lib/pipeline/results';
import { GoogleResultsPublisher } from '../../../lib/sheets';
import { syncDeps } from '../../helpers/stack';
import { ev, seedEvaluation, smallMethodology, startQuickStack } from './evaluate-fixture';

const ZONES = ev.zones.slice(0, 6).map((z) => z.zoneId);
const [a, b, c] = ZONES as [string, string, string];
const CUSTOMS = ['T10', 'T17', 'T18', 'T21', 'T26'];

let stack: LocalStack;
beforeAll(async () => {
  stack = await startQuickStack();
});
afterAll(() => stack.close());

const deps = () => ({ ...syncDeps(stack), files: stack.files });

/** A customs spreadsheet: zone_id then the customs indicators, one row per zone, as the department fills it. */
function customsSheet(rows: (string | number)[][]) {
  return stack.emulator.createSpreadsheetAs(SERVICE_ACCOUNT, {
    title: 'Customs data 海关数据',
    sheets: [
      { title: 'customs', values: [['zone_id', ...CUSTOMS], ...rows] },
      { title: 'statistics', values: [['zone_id', 'T41'], ...rows.map((r) => [r[0]!, 3])] },
      { title: 'Feedback' },
    ],
  }).spreadsheetId;
}

test('central tabs are stored as their own items, refused cells listed on the Feedback tab, merged at scoring', async () => {
  const E = 'central1';
  await seedEvaluation(stack, E, smallMethodology(6), ZONES);
  const before = await stack.store.listCurrent(E);
  const sheet = customsSheet([
    [a, 12.5, 900, 80, 1000, 300],
    [b, '12abc', 800, 70, 900, 250],
    ['NOT-A-ZONE', 1, 1, 1, 1, 1],
  ]);
  await stack.store.requestSheet(E, sheet);

  const out = await syncCentral({ evaluationId: E, spreadsheetId: sheet, caller: 'trigger' }, deps());

  expect(out).toMatchObject({
    status: 'synced',
    tabs: [
      { tab: 'customs', result: 'stored', refused: 1 },
      { tab: 'statistics', result: 'stored', refused: 0 },
    ],
    feedbackWritten: true,
    // The refused cell, and the unknown zone on each tab.
    problems: 3,
  });
  const tabs = await stack.store.listCentralTabs(E);
  const customs = tabs.find((t) => t.tab === 'customs')!;
  expect(customs.spreadsheetId).toBe(sheet);
  expect(customs.zones[a]!['T17']).toEqual({ value: 900, text: '900' });
  // The refused cell keeps the last accepted value: none from this sheet yet.
  expect(customs.zones[b]!['T10']).toMatchObject({ value: null, text: '12abc' });
  expect(customs.zones['NOT-A-ZONE']).toBeUndefined();
  // The zones' own current values and their read markers are untouched.
  expect(await stack.store.listCurrent(E)).toEqual(before);

  const feedback = await stack.google.sheets.spreadsheets.values.get({
    spreadsheetId: sheet,
    range: 'Feedback',
  });
  const text = (feedback.data.values ?? []).map((r) => r.join(' | ')).join('\n');
  expect(text).toMatch(/customs!B3 \| .* \| T10 \| 12abc \|/);
  expect(text).toContain('NOT-A-ZONE');

  // The version after our own Feedback write is recorded, so the reconcile poll does not read again for it.
  expect((await stack.store.getSheetState(E, sheet))?.driveVersion).toBe(
    (await stack.files.getFile(sheet)).version,
  );
  // A second sync with nothing new is coalesced; a new signal finds the sheet where the read left it and reads
  // nothing (see central-replay.test.ts); the reconcile poll's request reads again and writes nothing.
  expect(
    await syncCentral({ evaluationId: E, spreadsheetId: sheet, caller: 'trigger' }, deps()),
  ).toMatchObject({
    status: 'coalesced',
  });
  await stack.store.requestSheet(E, sheet);
  expect(
    await syncCentral({ evaluationId: E, spreadsheetId: sheet, caller: 'reconcile' }, deps()),
  ).toMatchObject({
    status: 'synced',
    tabs: [{ result: 'unchanged' }, { result: 'unchanged' }],
    feedbackWritten: false,
  });

  const scored = await evaluateRun(
    { evaluationId: E, caller: 'test' },
    { store: stack.store, publisher: new GoogleResultsPublisher(stack.google), log: silentLogger },
  );
  expect(scored).toMatchObject({ status: 'scored' });
  const run = await stack.store.getRun(E, scored.status === 'scored' ? scored.run : 0);
  const doc = ResultsDocSchema.parse(run?.results);
  expect(doc.zones.find((z) => z.zoneId === a)!.values['T17']).toBe(900);
  // A zone the customs sheet has no row for has its customs indicators missing, and says so.
  expect(doc.zones.find((z) => z.zoneId === c)!.quality.missing).toEqual(expect.arrayContaining(CUSTOMS));
});

test('a central sheet that is gone is logged and left as stored', async () => {
  const E = 'central2';
  await seedEvaluation(stack, E, smallMethodology(6), ZONES);
  await stack.store.requestSheet(E, 'no-such-sheet');
  const out = await syncCentral(
    { evaluationId: E, spreadsheetId: 'no-such-sheet', caller: 'reconcile' },
    deps(),
  );
  expect(out).toMatchObject({ status: 'unreadable' });
  expect((await stack.store.getSheetState(E, 'no-such-sheet'))?.synced).toBe(1);
});

test('a second zone_id column stores nothing: the tab keeps its last accepted values', async () => {
  const E = 'central3';
  await seedEvaluation(stack, E, smallMethodology(6), ZONES);
  const sheet = customsSheet([[a, 12.5, 900, 80, 1000, 300]]);
  await stack.store.requestSheet(E, sheet);
  await syncCentral({ evaluationId: E, spreadsheetId: sheet, caller: 'trigger' }, deps());
  await stack.emulator.writeAs(SERVICE_ACCOUNT, sheet, 'customs!G1', [['zone_id']], 'USER_ENTERED');
  await stack.store.requestSheet(E, sheet);

  const out = await syncCentral({ evaluationId: E, spreadsheetId: sheet, caller: 'trigger' }, deps());

  expect(out).toMatchObject({
    status: 'synced',
    tabs: [{ tab: 'customs', result: 'missing' }, { result: 'unchanged' }],
  });
  const customs = (await stack.store.listCentralTabs(E)).find((t) => t.tab === 'customs')!;
  expect(customs.zones[a]!['T17']).toEqual({ value: 900, text: '900' });
});

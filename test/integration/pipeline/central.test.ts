/**
 * The central-data sync over real HTTP: a customs department's spreadsheet in the emulator read through Google's
 * client, its values stored apart from the zones' current values, refused cells on its Feedback tab, and the
 * values merged at scoring; after the freeze a changed tab waits, late, for `zone-eval accept-late --central`.
 */
import { type LocalStack, SERVICE_ACCOUNT } from '../../../lib/local/stack';
import { syncCentral } from '../../../lib/pipeline/central';
import { evaluateRun } from '../../../lib/pipeline/evaluate';
import { acceptLateCentral } from '../../../lib/pipeline/governance';
import { silentLogger } from '../../../lib/pipeline/log';
import { ResultsDocSchema } from '../../../lib/pipeline/results';
import { GoogleResultsPublisher } from '../../../lib/sheets';
import { runCli } from '../../helpers/cli';
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

test('after the freeze a changed central tab is kept as late, shown on its Feedback, not scored until accept-late --central', async () => {
  const E = 'central-freeze';
  await seedEvaluation(stack, E, smallMethodology(6), ZONES);
  const sheet = customsSheet([
    [a, 12.5, 900, 80, 1000, 300],
    [b, 11, 800, 70, 900, 250],
  ]);
  const sync = async (caller = 'trigger') => {
    await stack.store.requestSheet(E, sheet);
    return syncCentral({ evaluationId: E, spreadsheetId: sheet, caller }, deps());
  };
  const customs = async () => (await stack.store.listCentralTabs(E)).find((t) => t.tab === 'customs')!;
  const feedback = async () =>
    (
      (await stack.google.sheets.spreadsheets.values.get({ spreadsheetId: sheet, range: 'Feedback' })).data
        .values ?? []
    )
      .map((r) => r.join(' | '))
      .join('\n');
  expect(await sync()).toMatchObject({ tabs: [{ result: 'stored' }, { result: 'stored' }] });
  const counted = await customs();

  // The deadline passes; the department then changes a value.
  await stack.store.setGovernance(E, { freeze: '2020-01-01T00:00:00.000Z' });
  await stack.emulator.editAsPerson(sheet, SERVICE_ACCOUNT, 'customs!C2', [[950]]);
  expect(await sync()).toMatchObject({ tabs: [{ tab: 'customs', result: 'late' }, { result: 'unchanged' }] });
  const late = await customs();
  // What counts is unchanged; the change is kept beside it.
  expect(late.zones).toEqual(counted.zones);
  expect(late.contentHash).toBe(counted.contentHash);
  expect(late.late!.zones[a]!['T17']).toEqual({ value: 950, text: '950' });
  expect(await feedback()).toContain(
    `Late 逾期 | Tab customs: the change read at ${late.late!.at} came after the freeze (2020-01-01T00:00:00.000Z): it is kept and does not count until the evaluation's admin accepts it`,
  );
  // Read again (the reconcile poll): still late, nothing new kept.
  expect(await sync('reconcile')).toMatchObject({ tabs: [{ result: 'late' }, { result: 'unchanged' }] });
  expect((await customs()).late!.at).toBe(late.late!.at);
  const scoreA = async () => {
    const out = await evaluateRun(
      { evaluationId: E, caller: 'test' },
      { store: stack.store, publisher: new GoogleResultsPublisher(stack.google), log: silentLogger },
    );
    if (out.status !== 'scored') throw new Error(JSON.stringify(out));
    const run = await stack.store.getRun(E, out.run);
    return ResultsDocSchema.parse(run?.results).zones.find((z) => z.zoneId === a)!.values['T17'];
  };
  expect(await scoreA()).toBe(900);

  // The admin accepts it (what `zone-eval accept-late --central customs` calls): the late values count, with who
  // accepted them and when.
  const r = await acceptLateCentral(stack.store, E, 'customs', 'admin@mofcom.test');
  expect(r).toMatchObject({ status: 'accepted', tab: 'customs', lateAt: late.late!.at });
  const accepted = await customs();
  expect(accepted.late ?? null).toBeNull();
  expect(accepted.zones[a]!['T17']).toEqual({ value: 950, text: '950' });
  expect(accepted.accepted).toMatchObject({ by: 'admin@mofcom.test', lateAt: late.late!.at });
  expect(await scoreA()).toBe(950);
  // The sheet read again holds what counts now: unchanged, and the Late row is gone.
  expect(await sync()).toMatchObject({ tabs: [{ result: 'unchanged' }, { result: 'unchanged' }] });
  expect(await feedback()).not.toContain('Late 逾期');
  const again = await acceptLateCentral(stack.store, E, 'customs', 'admin@mofcom.test');
  expect(again).toMatchObject({ status: 'nothing-late' });
  if (again.status === 'nothing-late')
    expect(again.message).toMatch(/central tab customs has no late edit waiting/);
  const both = await runCli([
    'accept-late',
    '--central',
    'customs',
    '--zone',
    a,
    '--evaluation',
    E,
    '--as',
    'x@y.cn',
  ]);
  expect(both.stderr).toMatch(/give one of --zone ID or --central TAB/);
});

test('a late central change brought back to the values that count is withdrawn', async () => {
  const E = 'central-withdraw';
  await seedEvaluation(stack, E, smallMethodology(6), ZONES);
  const sheet = customsSheet([[a, 12.5, 900, 80, 1000, 300]]);
  const sync = async () => {
    await stack.store.requestSheet(E, sheet);
    return syncCentral({ evaluationId: E, spreadsheetId: sheet, caller: 'trigger' }, deps());
  };
  await sync();
  await stack.store.setGovernance(E, { freeze: '2020-01-01T00:00:00.000Z' });
  await stack.emulator.editAsPerson(sheet, SERVICE_ACCOUNT, 'customs!C2', [[950]]);
  expect(await sync()).toMatchObject({ tabs: [{ result: 'late' }, { result: 'unchanged' }] });
  await stack.emulator.editAsPerson(sheet, SERVICE_ACCOUNT, 'customs!C2', [[900]]);
  expect(await sync()).toMatchObject({ tabs: [{ result: 'withdrawn' }, { result: 'unchanged' }] });
  const customs = (await stack.store.listCentralTabs(E)).find((t) => t.tab === 'customs')!;
  expect(customs.late ?? null).toBeNull();
  expect(customs.zones[a]!['T17']).toEqual({ value: 900, text: '900' });
});

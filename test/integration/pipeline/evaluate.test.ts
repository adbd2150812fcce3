/**
 * The evaluate stage over real HTTP: scores from dynalite through the AWS SDK, publishes to the emulator through
 * Google's client, and the results spreadsheet is read back through Google's client.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { sheets_v4 } from '@googleapis/sheets';
import type { LocalStack } from '../../../lib/local/stack';
import { type EvaluateOutcome, evaluateRun } from '../../../lib/pipeline/evaluate';
import { silentLogger } from '../../../lib/pipeline/log';
import { ResultsDocSchema } from '../../../lib/pipeline/results';
import { GoogleResultsPublisher, RESULTS_CHART_ID, RESULTS_TABS } from '../../../lib/sheets';
import { missingText } from '../../../lib/sheets/results';
import { syntheticDoc } from '../../helpers/results';
import {
  current,
  ev,
  seedEvaluation,
  smallMethodology,
  startQuickStack,
  typedValues,
} from './evaluate-fixture';

const ZONES = ev.zones.slice(0, 12).map((z) => z.zoneId);
const FORMULA = '=IMPORTXML("http://example.com","//a")';
const [first, second, third] = ZONES as [string, string, string];
const LEADER = 'leader@zone-eval.test';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startQuickStack();
});
afterAll(() => stack.close());

const deps = () => ({
  store: stack.store,
  publisher: new GoogleResultsPublisher(stack.google),
  log: silentLogger,
});
const evaluate = (e: string) => evaluateRun({ evaluationId: e, caller: 'test' }, deps());
const sheetsCalls = (spreadsheetId: string) =>
  stack.emulator.requestCount({ route: 'sheets.*', spreadsheetId });

function scored(o: EvaluateOutcome) {
  if (o.status !== 'scored' && o.status !== 'unchanged') throw new Error(`not scored: ${JSON.stringify(o)}`);
  return o;
}

async function values(spreadsheetId: string, range: string, render = 'FORMATTED_VALUE') {
  const res = await stack.google.sheets.spreadsheets.values.get({
    spreadsheetId,
    range,
    valueRenderOption: render,
  });
  return res.data.values ?? [];
}

async function structure(spreadsheetId: string): Promise<sheets_v4.Schema$Spreadsheet> {
  return (
    await stack.google.sheets.spreadsheets.get({
      spreadsheetId,
      fields:
        'sheets(properties(sheetId,title,gridProperties(frozenRowCount)),charts(chartId,spec.basicChart.series))',
    })
  ).data;
}

test('a run is scored from the stored values and central data and published in one batchUpdate', async () => {
  const E = 'pub1';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES, {
    without: [third],
    rename: { [second]: FORMULA },
  });

  const writes = () =>
    stack.emulator.requestCount({ route: 'sheets.spreadsheets.batchUpdate', spreadsheetId: resultsId });
  const before = { writes: writes(), calls: sheetsCalls(resultsId) };
  const out = scored(await evaluate(E));

  expect(out).toMatchObject({ status: 'scored', run: 1, publish: 'published' });
  // Before the first publish the structure is read once, then one batchUpdate writes everything.
  expect(writes() - before.writes).toBe(1);
  expect(sheetsCalls(resultsId) - before.calls).toBe(2);
  expect(out.requests).toBe(2);
  const state = await stack.store.getEvaluationState(E);
  expect(state).toMatchObject({ scored: state!.requested, currentRun: 1, publishedRun: 1 });

  const ranking = await values(resultsId, `'${RESULTS_TABS.ranking.title}'`);
  expect(ranking).toHaveLength(ZONES.length + 1);
  expect(ranking[1]![0]).toBe('1');
  // The zone without a submission is never dropped: it is listed, unranked, with its status.
  const quality = await values(resultsId, `'${RESULTS_TABS.quality.title}'`);
  const row = quality.find((r) => r[0] === third)!;
  expect(row[3]).toBe('no-submission');
  // A scored zone with blanks reads back with what each cost, as text, and the total as a number.
  const doc = ResultsDocSchema.parse((await stack.store.getRun(E, 1))?.results);
  const blank = doc.zones.find((z) => z.quality.missingCost?.values.some((v) => v.points !== null))!;
  expect(blank).toBeDefined();
  const cost = blank.quality.missingCost!;
  const blankRow = quality.find((r) => r[0] === blank.zoneId)!;
  expect(blankRow[5]).toBe(missingText(blank.quality));
  expect(blankRow[5]).toMatch(/^[A-Za-z0-9_]+: -?\d+\.\d\d \((bound|worst|imputed|left out)\)/);
  expect(blankRow.slice(6, 8)).toEqual([
    cost.points === null ? '' : cost.points.toFixed(2),
    cost.grade ?? '',
  ]);
  const asTyped = await values(resultsId, `'${RESULTS_TABS.quality.title}'!F:F`, 'FORMULA');
  expect(asTyped.flat()).toContain(missingText(blank.quality));
  expect(ranking.some((r) => r[2] === ev.zones.find((z) => z.zoneId === third)!.nameZh)).toBe(true);

  const s = await structure(resultsId);
  const titles = s.sheets!.map((x) => x.properties!.title);
  expect(titles).toEqual(expect.arrayContaining(Object.values(RESULTS_TABS).map((t) => t.title)));
  expect(
    s.sheets!.find((x) => x.properties!.sheetId === RESULTS_TABS.ranking.id)!.properties!.gridProperties!
      .frozenRowCount,
  ).toBe(1);
  const charts = s.sheets!.flatMap((x) => x.charts ?? []);
  expect(charts.map((c) => c.chartId)).toEqual([RESULTS_CHART_ID]);
  expect(charts[0]!.spec!.basicChart!.series).toHaveLength(4);
});

test('text from people stays text: a zone named like a formula reads back as that text, not a formula', async () => {
  const E = 'pub2';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES, {
    rename: { [second]: FORMULA },
  });
  scored(await evaluate(E));

  const formulas = await values(resultsId, `'${RESULTS_TABS.ranking.title}'!B:B`, 'FORMULA');
  expect(formulas.flat()).toContain(FORMULA);
  const grid = await stack.google.sheets.spreadsheets.get({
    spreadsheetId: resultsId,
    ranges: [`'${RESULTS_TABS.ranking.title}'!B1:B${ZONES.length + 1}`],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredValue,effectiveValue)',
  });
  const cells = grid.data.sheets![0]!.data![0]!.rowData!.flatMap((r) => r.values ?? []);
  const cell = cells.find((c) => c.userEnteredValue?.stringValue === FORMULA);
  expect(cell).toBeDefined();
  expect(cell!.userEnteredValue!.formulaValue).toBeUndefined();
  expect(cell!.effectiveValue!.stringValue).toBe(FORMULA);
});

test('grade cells carry their grade colour and scores a number format', async () => {
  const E = 'pub3';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  scored(await evaluate(E));
  const grid = await stack.google.sheets.spreadsheets.get({
    spreadsheetId: resultsId,
    ranges: [`'${RESULTS_TABS.ranking.title}'!F2:G2`],
    includeGridData: true,
    fields: 'sheets.data.rowData.values(userEnteredFormat,formattedValue)',
  });
  const [scoreCell, gradeCell] = grid.data.sheets![0]!.data![0]!.rowData![0]!.values!;
  expect(scoreCell!.userEnteredFormat!.numberFormat).toEqual({ type: 'NUMBER', pattern: '0.00' });
  expect(scoreCell!.formattedValue).toMatch(/^\d+\.\d\d$/);
  expect(gradeCell!.formattedValue).toBe('A');
  // #1a9850, the default methodology's colour of grade A.
  expect(gradeCell!.userEnteredFormat!.backgroundColor).toEqual({
    red: 0x1a / 255,
    green: 0x98 / 255,
    blue: 0x50 / 255,
  });
});

test('a request that changes nothing costs no store write and no Sheets call; an edit makes a new run', async () => {
  const E = 'pub4';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  scored(await evaluate(E));
  const calls = sheetsCalls(resultsId);

  await stack.store.requestEvaluation(E);
  const again = scored(await evaluate(E));
  expect(again).toMatchObject({ status: 'unchanged', run: 1, publish: 'already-published', requests: 0 });
  expect(sheetsCalls(resultsId)).toBe(calls);
  expect((await stack.store.getEvaluationState(E))?.lastRunSeq).toBe(1);
  expect(await evaluate(E)).toMatchObject({ status: 'coalesced' });

  const { zone } = typedValues(first);
  await stack.store.putCurrent(E, current(first, { ...zone, T01: { value: 1, text: '1' } }, 2));
  await stack.store.requestEvaluation(E);
  const edited = scored(await evaluate(E));
  expect(edited).toMatchObject({ status: 'scored', run: 2, publish: 'published', requests: 1 });
  const run = ResultsDocSchema.parse((await stack.store.getRun(E, 2))?.results);
  expect(run.zones.find((z) => z.zoneId === first)?.values['T01']).toBe(1);
  const info = await values(resultsId, `'${RESULTS_TABS.run.title}'!A1:B8`);
  expect(info.find((r) => r[0]?.startsWith('Run'))?.[1]).toBe('2');
});

test('a tab a person renamed and a tab a person deleted (with the chart on it) are repaired by the next publish', async () => {
  const E = 'pub5';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  scored(await evaluate(E));
  stack.emulator.share(resultsId, LEADER, 'writer');
  const leader = stack.clientsAs(LEADER).sheets;
  await leader.spreadsheets.batchUpdate({
    spreadsheetId: resultsId,
    requestBody: {
      requests: [
        {
          updateSheetProperties: {
            properties: { sheetId: RESULTS_TABS.ranking.id, title: 'My ranking' },
            fields: 'title',
          },
        },
        { deleteSheet: { sheetId: RESULTS_TABS.chart.id } },
      ],
    },
  });

  const { zone } = typedValues(first);
  await stack.store.putCurrent(E, current(first, { ...zone, T01: { value: 2, text: '2' } }, 2));
  await stack.store.requestEvaluation(E);
  const out = scored(await evaluate(E));

  // The optimistic batch was refused (the chart tab is gone), the structure read, and the repairing batch sent.
  expect(out).toMatchObject({ publish: 'published', requests: 3 });
  const s = await structure(resultsId);
  const titles = s.sheets!.map((x) => x.properties!.title);
  expect(titles).toContain(RESULTS_TABS.ranking.title);
  expect(titles).not.toContain('My ranking');
  expect(titles).toContain(RESULTS_TABS.chart.title);
  expect(s.sheets!.flatMap((x) => x.charts ?? []).map((c) => c.chartId)).toEqual([RESULTS_CHART_ID]);
});

test('a publish refused with 429 past the retries fails the invocation; the redelivery publishes without scoring again', async () => {
  const E = 'pub6';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  const fault = stack.emulator.faults.rateLimit('sheets.spreadsheets.batchUpdate', 100, {
    spreadsheetId: resultsId,
  });
  await expect(evaluate(E)).rejects.toThrow();
  fault.remove();
  const state = await stack.store.getEvaluationState(E);
  expect(state).toMatchObject({ currentRun: 1, publishedRun: null });
  expect(state!.scored).toBeLessThan(state!.requested);

  const redelivered = scored(await evaluate(E));
  expect(redelivered).toMatchObject({ status: 'unchanged', run: 1, publish: 'published' });
  expect((await stack.store.getEvaluationState(E))?.lastRunSeq).toBe(1);
  expect((await values(resultsId, `'${RESULTS_TABS.ranking.title}'`)).length).toBe(ZONES.length + 1);
});

test('a results spreadsheet no longer shared is an alarm and a defined outcome, not a retry', async () => {
  const E = 'pub7';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  const fault = stack.emulator.faults.error('sheets.*', 403, { spreadsheetId: resultsId });
  const lines: unknown[] = [];
  const out = await evaluateRun(
    { evaluationId: E, caller: 'test' },
    { ...deps(), log: { ...silentLogger, error: (event, data) => lines.push({ event, ...data }) } },
  );
  fault.remove();
  expect(out).toMatchObject({ status: 'scored', publish: 'unavailable' });
  expect(lines).toEqual([expect.objectContaining({ event: 'evaluate.results-unavailable', alarm: true })]);
  const state = await stack.store.getEvaluationState(E);
  expect(state!.scored).toBe(state!.requested);
  expect(state!.publishedRun).toBeNull();
});

test('a run of 2,000 zones is stored across several items and published in one batchUpdate', async () => {
  const E = 'big2000';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  const doc = syntheticDoc(2000, 48);
  await stack.store.putRun(E, {
    seq: 1,
    requested: 1,
    inputHash: doc.inputHash,
    methodologyVersion: doc.methodologyVersion,
    engineVersion: doc.engineVersion,
    createdAt: doc.createdAt,
    results: doc,
  });
  const head = await stack.dynamo.client.send(
    new GetCommand({ TableName: stack.dynamo.tableName, Key: { PK: `EVAL#${E}`, SK: 'RUN#0000000001' } }),
  );
  expect(head.Item?.['parts']).toBeGreaterThan(1);
  const back = await stack.store.getRun(E, 1);
  expect(ResultsDocSchema.parse(back?.results).zones).toHaveLength(2000);

  const writes = () =>
    stack.emulator.requestCount({ route: 'sheets.spreadsheets.batchUpdate', spreadsheetId: resultsId });
  const before = writes();
  const out = await new GoogleResultsPublisher(stack.google).publish(resultsId, doc);
  expect(out).toMatchObject({ status: 'published', requests: 2 });
  expect(writes() - before).toBe(1);
  const ranking = await values(resultsId, `'${RESULTS_TABS.ranking.title}'!A:B`);
  expect(ranking).toHaveLength(2001);
  expect(ranking[2000]).toEqual(['2000', 'Zone 1999']);
  // The Provenance tab in the same batchUpdate: two rows per zone (the synthetic revisions 1 and 2).
  const provenance = await values(resultsId, `'${RESULTS_TABS.provenance.title}'!A:E`);
  expect(provenance).toHaveLength(4001);
  expect(provenance[4000]).toEqual(['Z1999', 'Zone 1999', '试验区1999', '2', 'checker@1999']);
});

test('a chart a person deleted is added again by the next publish', async () => {
  const E = 'pub8';
  const { resultsId } = await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  scored(await evaluate(E));
  stack.emulator.share(resultsId, LEADER, 'writer');
  await stack.clientsAs(LEADER).sheets.spreadsheets.batchUpdate({
    spreadsheetId: resultsId,
    requestBody: { requests: [{ deleteEmbeddedObject: { objectId: RESULTS_CHART_ID } }] },
  });
  expect((await structure(resultsId)).sheets!.flatMap((x) => x.charts ?? [])).toEqual([]);

  const { zone } = typedValues(first);
  await stack.store.putCurrent(E, current(first, { ...zone, T01: { value: 3, text: '3' } }, 2));
  await stack.store.requestEvaluation(E);
  expect(scored(await evaluate(E))).toMatchObject({ publish: 'published', requests: 3 });
  expect((await structure(resultsId)).sheets!.flatMap((x) => x.charts ?? []).map((c) => c.chartId)).toEqual([
    RESULTS_CHART_ID,
  ]);
});

test('a run replaced on the results sheet within the hour expires in 35 days; one shown for longer is kept', async () => {
  const E = 'ttl1';
  await seedEvaluation(stack, E, smallMethodology(12), ZONES);
  let at = new Date('2026-03-02T09:00:00.000Z');
  const clocked = () => ({ ...deps(), now: () => at });
  const edit = async (value: number) => {
    const { zone } = typedValues(first);
    await stack.store.putCurrent(E, current(first, { ...zone, T01: { value, text: String(value) } }, value));
    await stack.store.requestEvaluation(E);
    return scored(await evaluateRun({ evaluationId: E, caller: 'test' }, clocked()));
  };
  const ttlOf = async (seq: number) =>
    (
      await stack.dynamo.client.send(
        new GetCommand({
          TableName: stack.dynamo.tableName,
          Key: { PK: `EVAL#${E}`, SK: `RUN#${String(seq).padStart(10, '0')}` },
        }),
      )
    ).Item?.['expiresAt'];

  scored(await evaluateRun({ evaluationId: E, caller: 'test' }, clocked()));
  at = new Date(at.getTime() + 60_000);
  expect(await edit(2)).toMatchObject({ run: 2, publish: 'published' });
  at = new Date(at.getTime() + 2 * 3_600_000);
  expect(await edit(3)).toMatchObject({ run: 3, publish: 'published' });

  // Run 1 was replaced after a minute; run 2 stood two hours; run 3 is the current one.
  expect(await ttlOf(1)).toBe(Date.parse('2026-03-02T09:01:00.000Z') / 1000 + 35 * 86_400);
  expect(await ttlOf(2)).toBeUndefined();
  expect(await ttlOf(3)).toBeUndefined();
});

/**
 * Invalid methodology edits on the control spreadsheet, one at a time: each must be refused on the control sheet's
 * Feedback tab at the cell (or tab) at fault, with the methodology in force and the draft unchanged. After each
 * case the five tabs are put back as they were (through the API, which fires no trigger); the next case's signal
 * reads them with its own edit. Control sheet layout as provisioned: Indicators row 1 the header (A code, B name_en,
 * C name_zh, D parent, E unit, F direction, G weight, H definition, I min, J max, K required, L source), T01 on
 * row 2; Aggregates (A code, B name_en, C name_zh, D parent, E weight, F method) D01 to D10 on rows 2 to 11, Index
 * on row 12; Grades (A code, B label_en, C label_zh, D count, E share, F min_score, G colour) A to D on rows 2 to 5.
 */
import { DRIVE_ADMIN } from '../../local/seed';
import { type CaseResult, crashed, result } from './cases';
import { CONTROL_FEEDBACK, matchRefusal } from './match';
import { restoreTabs, snapshotTabs, tabList } from './tabs';
import { crashes, EVALUATION, failedSoFar, type World } from './world';

export type ControlOp =
  | { op: 'write'; range: string; values: (string | number)[][] }
  | { op: 'deleteTab'; title: string }
  | { op: 'renameTab'; from: string; to: string };

export type ControlCase = {
  name: string;
  ops: readonly ControlOp[];
  /**
   * Refused (status NOT IN FORCE), or, for a methodology valid in itself that the zones cannot satisfy, stored as a
   * draft (status DRAFT) with the problem named at its cell; either way the version in force stays.
   */
  expect: {
    refused: true;
    at: string;
    messageIncludes: readonly string[];
    status?: 'NOT IN FORCE' | 'DRAFT';
  };
};

const w = (range: string, ...values: (string | number)[][]): ControlOp => ({ op: 'write', range, values });
const c = (
  name: string,
  ops: ControlOp | ControlOp[],
  at: string,
  ...messageIncludes: string[]
): ControlCase => ({
  name,
  ops: Array.isArray(ops) ? ops : [ops],
  expect: { refused: true, at, messageIncludes },
});

export const CONTROL_CASES: readonly ControlCase[] = [
  c(
    'a cycle in the hierarchy',
    [w('Aggregates!D2', ['D02']), w('Aggregates!D3', ['D01'])],
    'Aggregates!D2',
    'cycle',
  ),
  c('a dimension its own parent', w('Aggregates!D2', ['D01']), 'Aggregates!D2', 'cycle'),
  c('an unknown parent', w('Indicators!D2', ['D99']), 'Indicators!D2', 'D99'),
  c('a parent misspelt', w('Indicators!D2', ['D0l']), 'Indicators!D2', 'D0l'),
  c(
    'weights that sum to zero',
    w('Aggregates!E2:E11', ...Array.from({ length: 10 }, () => [0])),
    'Aggregates!E2',
    'sum',
  ),
  c('a negative weight', w('Indicators!G6', [-1]), 'Indicators!G6', 'must not be negative'),
  c('a weight as text', w('Indicators!G6', ['heavy']), 'Indicators!G6', 'must be a number', '“heavy”'),
  c('a weight with a decimal comma', w('Indicators!G6', ['1,5']), 'Indicators!G6', 'number'),
  c('a direction of 2', w('Indicators!F2', ['2']), 'Indicators!F2', 'direction'),
  c('a direction in words nobody uses', w('Indicators!F2', ['up']), 'Indicators!F2', 'direction'),
  c('a misspelt unit', w('Indicators!E2', ['percnt']), 'Indicators!E2', 'is not a known unit'),
  c('a duplicate indicator code', w('Indicators!A3', ['T01']), 'Indicators!A3', 'T01'),
  c(
    'an aggregate without children',
    w('Aggregates!A13:D13', ['D11', 'Empty', '空', 'Index']),
    'Aggregates!A13',
    'D11',
  ),
  c(
    'two roots',
    w('Aggregates!D11', ['']),
    'Aggregates!D11',
    'exactly one aggregate may have no parent',
    'D10',
  ),
  c('min above max', [w('Indicators!I2:J2', [100, 0])], 'Indicators!J2', 'max'),
  c('a required flag that is not yes or no', w('Indicators!K2', ['sometimes']), 'Indicators!K2', 'sometimes'),
  c('an unknown source', w('Indicators!L2', ['ministry']), 'Indicators!L2', 'source'),
  c('a grade count as text', w('Grades!D2', ['ten']), 'Grades!D2', 'whole number'),
  c('a grade count with a fraction', w('Grades!D2', [1.5]), 'Grades!D2', 'whole number'),
  c('two grades with one code', w('Grades!A3', ['A']), 'Grades!A3', 'A'),
  c('a colour that is not a colour', w('Grades!G2', ['greenish']), 'Grades!G2', 'colour'),
  c('a misspelt column header', w('Indicators!G1', ['wieght']), 'Indicators!G:G', 'did you mean “weight”?'),
  c('a column header given twice', w('Indicators!M1', ['weight']), 'Indicators!M:M', 'weight'),
  c(
    'an unknown Settings key',
    w('Settings!A30:B30', ['agregate', 'geometric']),
    'Settings!A30',
    'did you mean',
  ),
  c('a Settings key given twice', w('Settings!A30:B30', ['year', '2024']), 'Settings!A30', 'year'),
  c(
    'an unknown normalisation',
    w('Settings!B13', ['minmaxx']),
    'Settings!B13',
    'normalise.method',
    'did you mean `minmax`?',
  ),
  c('a year in words', w('Settings!B4', ['twenty']), 'Settings!B4', 'whole number', '“twenty”'),
  c(
    'a live version never stored',
    w('Settings!A30:B30', ['live', 'ffffffffffffffffffffffff']),
    'Settings!B30',
    'has never stored',
  ),
  c(
    'a freeze date that is not a date',
    w('Settings!A30:B30', ['freeze', 'tomorrow']),
    'Settings!B30',
    'freeze',
  ),
  {
    name: 'grade quotas that exceed the zone count',
    ops: [w('Grades!D2', [100])],
    expect: {
      refused: true,
      at: 'Grades!D2',
      messageIncludes: ['quotas add up to', 'more than the 10 zones', 'no run can be scored'],
      status: 'DRAFT',
    },
  },
  c('a duplicate zone', w('Zones!A3', ['{zone:0}']), 'Zones!A3', '{zone:0}'),
  c(
    'two zones on one spreadsheet',
    w('Zones!F3', ['{sheet:0}']),
    'Zones!A3',
    'gives the spreadsheet of row 2 to another zone',
  ),
  c('a zone without an id', w('Zones!A3', ['']), 'Zones!A3', 'zone_id'),
  c('the Indicators tab deleted', { op: 'deleteTab', title: 'Indicators' }, 'Indicators', 'Indicators'),
  c(
    'the Indicators tab renamed',
    { op: 'renameTab', from: 'Indicators', to: 'Indicators (old)' },
    'Indicators',
    'Indicators',
  ),
  c('the Zones tab deleted', { op: 'deleteTab', title: 'Zones' }, 'Zones', 'Zones'),
  c(
    'the Indicators header row cleared',
    w('Indicators!A1:L1', ['', '', '', '', '', '', '', '', '', '', '', '']),
    'Indicators!1:1',
    'has no “code” column',
  ),
];

const TABS = ['Zones', 'Indicators', 'Aggregates', 'Grades', 'Settings'];

async function apply(world: World, spreadsheetId: string, op: ControlOp) {
  const fill = (v: string | number) =>
    typeof v !== 'string'
      ? v
      : v
          .replace(/\{zone:(\d+)\}/g, (_, k: string) => world.zones[Number(k)]!)
          .replace(/\{sheet:(\d+)\}/g, (_, k: string) => world.year.sheets.get(world.zones[Number(k)]!)!);
  if (op.op === 'write') {
    world.runtime.stack.emulator.writeAs(
      DRIVE_ADMIN,
      spreadsheetId,
      op.range,
      op.values.map((r) => r.map(fill)),
      'USER_ENTERED',
    );
    return;
  }
  const id = (await tabList(world, spreadsheetId)).find(
    (t) => t.title === (op.op === 'deleteTab' ? op.title : op.from),
  )?.id;
  if (id === undefined) throw new Error(`no tab to ${op.op}`);
  await world.admin.spreadsheets.batchUpdate({
    spreadsheetId,
    requestBody: {
      requests: [
        op.op === 'deleteTab'
          ? { deleteSheet: { sheetId: id } }
          : { updateSheetProperties: { properties: { sheetId: id, title: op.to }, fields: 'title' } },
      ],
    },
  });
}

/** Runs the control cases one after another; a last check that the sheet put back is in force with no draft. */
export async function runControlCases(
  world: World,
  cases: readonly ControlCase[],
): Promise<{ results: CaseResult[]; extra: string[] }> {
  const sid = world.year.controlId;
  const store = world.runtime.stack.store;
  const snap = await snapshotTabs(world, sid, TABS);
  const titles = (await tabList(world, sid)).map((t) => t.title);
  const inForce = (await store.getEvaluationState(EVALUATION))?.methodologyVersion ?? null;
  const results: CaseResult[] = [];
  for (const k of cases) {
    const since = failedSoFar(world);
    // A refused edit leaves the draft as it was before it.
    const draft = (await store.getGovernance(EVALUATION)).draft?.version ?? null;
    try {
      for (const op of k.ops) await apply(world, sid, op);
      await world.signal(sid);
      await world.quiet();
      const rows = await world.tab(sid, 'Feedback');
      const status = String(rows[0]?.[1] ?? '');
      const mismatches = [...crashes(world, since)];
      const wanted = k.expect.status ?? 'NOT IN FORCE';
      if (!status.startsWith(wanted))
        mismatches.push(`the Feedback status says “${status.slice(0, 160)}”, expected ${wanted}`);
      const at = k.expect.at;
      const fill = (s: string) => s.replace(/\{zone:(\d+)\}/g, (_, n: string) => world.zones[Number(n)]!);
      mismatches.push(
        ...matchRefusal(
          rows,
          { refused: true, at, messageIncludes: k.expect.messageIncludes.map(fill) },
          CONTROL_FEEDBACK,
        ),
      );
      const lost: string[] = [];
      const now = (await store.getEvaluationState(EVALUATION))?.methodologyVersion ?? null;
      if (now !== inForce) lost.push(`the methodology in force moved from ${inForce} to ${now}`);
      const d = (await store.getGovernance(EVALUATION)).draft?.version ?? null;
      if (wanted === 'NOT IN FORCE' && d !== draft) lost.push(`the draft moved from ${draft} to ${d}`);
      results.push(result(k.name, 'control tab', mismatches, lost));
    } catch (e) {
      results.push(crashed(k.name, 'control tab', e));
    }
    try {
      await restoreTabs(world, sid, snap, titles);
    } catch (e) {
      results.push(crashed(`${k.name} (putting the sheet back)`, 'control tab', e));
    }
  }
  // The sheet as it was: read again, in force, no draft left behind by any case.
  await world.signal(sid);
  await world.quiet();
  const extra: string[] = [];
  const status = String((await world.tab(sid, 'Feedback'))[0]?.[1] ?? '');
  if (!status.startsWith('IN FORCE'))
    extra.push(`control tab: after the cases, the control sheet put back reads “${status}”`);
  const last = (await store.getGovernance(EVALUATION)).draft;
  if (last) extra.push(`control tab: after the cases, a draft ${last.version} is left`);
  return { results, extra };
}

/**
 * Bad input on the central departments' spreadsheet: bad values in cells (one sync reads them all), then broken
 * tabs one at a time (a row naming no zone, a zone on two rows, headers misspelt or doubled, the tab renamed or
 * deleted), each put back afterwards. Every refusal is on the central spreadsheet's Feedback tab at its cell, and the
 * tab's last accepted values stay in the store and the results. Layout as seeded: tab `customs` (A zone_id, B T10
 * hours, C T17 and D T18 100 million yuan, E T21 and F T26 counts), tab `statistics` (A zone_id, B T41 people), one
 * row per zone from row 2.
 */
import { DRIVE_ADMIN } from '../../local/seed';
import { type CaseResult, crashed, type Refusal, result } from './cases';
import { CENTRAL_FEEDBACK, matchRefusal, sameValue } from './match';
import { restoreTabs, snapshotTabs, tabList } from './tabs';
import { crashes, EVALUATION, failedSoFar, type World } from './world';

export type CentralCellCase = { name: string; cell: string; input: string; expect: Refusal };

export type CentralOp =
  | { op: 'write'; range: string; values: (string | number)[][] }
  | { op: 'deleteTab'; title: string }
  | { op: 'renameTab'; from: string; to: string };

export type CentralSheetCase = { name: string; ops: readonly CentralOp[]; expect: Refusal };

const cell = (name: string, at: string, input: string, ...messageIncludes: string[]): CentralCellCase => ({
  name,
  cell: at,
  input,
  expect: { refused: true, at, messageIncludes },
});

export const CENTRAL_CELL_CASES: readonly CentralCellCase[] = [
  cell('letters in clearance hours', 'customs!B2', '12abc', '“12abc” is not a number'),
  cell('clearance hours above the maximum', 'customs!B3', '300', 'above the maximum of 240'),
  cell('a negative amount of exports', 'customs!C3', '-5', 'is negative'),
  cell('dollars for yuan', 'customs!C4', '$100', 'US dollars'),
  cell('a percentage for an amount', 'customs!D3', '5%', 'is a percentage'),
  cell('a fraction of a count', 'customs!E5', '2.5', 'not a whole number'),
  cell('misplaced thousands commas', 'customs!E2', '1,2,3', 'not a number'),
  cell('#DIV/0! in a count', 'customs!F2', '=1/0', '#DIV/0!', 'is a formula error'),
  cell('#REF! in a count', 'customs!F3', '=Gone!A1', '#REF!', 'is a formula error'),
  cell('a date in hours', 'customs!B5', '2026-01-05', 'turned into a date'),
  cell('a word for people', 'statistics!B2', 'many', '“many” is not a number'),
  cell('a decimal comma for people', 'statistics!B3', '1.234,5', 'decimal mark is a point'),
];

const w = (range: string, ...values: (string | number)[][]): CentralOp => ({ op: 'write', range, values });
const sheet = (
  name: string,
  ops: CentralOp | CentralOp[],
  at: string,
  ...messageIncludes: string[]
): CentralSheetCase => ({
  name,
  ops: Array.isArray(ops) ? ops : [ops],
  expect: { refused: true, at, messageIncludes },
});

/** `{next}`: the first row below the zones. */
export const CENTRAL_SHEET_CASES: readonly CentralSheetCase[] = [
  sheet(
    'a row naming no zone',
    w('customs!A{next}:B{next}', ['{zone:0}x', 5]),
    'customs!A{next}',
    'is not a zone of this evaluation',
  ),
  sheet(
    'a zone on two rows',
    w('customs!A{next}:B{next}', ['{zone:0}', 5]),
    'customs!A{next}',
    'repeats the zone',
  ),
  sheet(
    'a row with values and no zone',
    w('customs!A{next}:B{next}', ['', 5]),
    'customs!A{next}',
    'has values but no zone_id',
  ),
  sheet('the zone_id header misspelt', w('customs!A1', ['zone_idd']), 'customs!A1', 'zone_id'),
  sheet(
    'an unknown indicator code',
    w('customs!G1', ['T1O']),
    'customs!G1',
    'unknown indicator code “T1O”',
    'did you mean “T10”?',
  ),
  sheet('an indicator given on two columns', w('customs!G1', ['T17']), 'customs!G1', 'repeats T17'),
  sheet(
    'a zone’s own indicator on the central tab',
    w('customs!G1', ['T01']),
    'customs!G1',
    'is supplied by the zones’ own forms',
  ),
  sheet('a second zone_id column', w('customs!G1', ['zone_id']), 'customs!G1', 'second zone_id column'),
  sheet(
    'the tab renamed',
    { op: 'renameTab', from: 'customs', to: 'customs 2025' },
    'customs',
    'The tab “customs” is missing',
  ),
  sheet(
    'the tab deleted',
    { op: 'deleteTab', title: 'statistics' },
    'statistics',
    'The tab “statistics” is missing',
  ),
];

type CentralValues = Map<string, number | null>;

/** Every central value as stored and as published, keyed `zone/code`. */
async function centralValues(world: World): Promise<{ stored: CentralValues; published: CentralValues }> {
  const stored: CentralValues = new Map();
  for (const tab of await world.runtime.stack.store.listCentralTabs(EVALUATION))
    for (const [zone, values] of Object.entries(tab.zones))
      for (const [code, v] of Object.entries(values)) stored.set(`${zone}/${code}`, v.value);
  const published: CentralValues = new Map();
  const doc = await world.published();
  for (const z of doc.zones)
    for (const key of stored.keys()) {
      const [zone, code] = key.split('/');
      if (zone === z.zoneId) published.set(key, z.values[code!] ?? null);
    }
  return { stored, published };
}

function lostValues(before: Awaited<ReturnType<typeof centralValues>>, after: typeof before): string[] {
  const lost: string[] = [];
  for (const [key, was] of before.stored)
    if (!sameValue(after.stored.get(key) ?? null, was))
      lost.push(`${key} was ${was} in the store, now ${after.stored.get(key)}`);
  for (const [key, was] of before.published)
    if (!sameValue(after.published.get(key) ?? null, was))
      lost.push(`${key} was published as ${was}, now ${after.published.get(key)}`);
  return lost;
}

export async function runCentralCases(
  world: World,
  cells: readonly CentralCellCase[],
  sheets: readonly CentralSheetCase[],
): Promise<CaseResult[]> {
  const sid = world.year.centralId;
  if (sid === null)
    return [result('central data', 'central', ['the evaluation has no central data spreadsheet'])];
  const results: CaseResult[] = [];
  const fill = (v: string) =>
    v
      .replaceAll('{next}', String(world.zones.length + 2))
      .replace(/\{zone:(\d+)\}/g, (_, k: string) => world.zones[Number(k)]!);

  // The cells, all at once: one sync.
  let before = await centralValues(world);
  let since = failedSoFar(world);
  for (const c of cells)
    world.runtime.stack.emulator.writeAs(DRIVE_ADMIN, sid, c.cell, [[c.input]], 'USER_ENTERED');
  await world.signal(sid);
  await world.quiet();
  let rows = await world.tab(sid, 'Feedback');
  let after = await centralValues(world);
  const crash = crashes(world, since);
  const cellLost = lostValues(before, after);
  for (const c of cells) {
    const [tab, a1] = c.cell.split('!');
    const zone = world.zones[Number(a1!.replace(/^[A-Z]+/, '')) - 2];
    const mine = cellLost.filter((l) => zone !== undefined && l.startsWith(`${zone}/`));
    void tab;
    results.push(
      result(c.name, 'central', [...crash, ...matchRefusal(rows, c.expect, CENTRAL_FEEDBACK)], mine),
    );
  }

  // The tabs, one case at a time, put back after each.
  const titles = ['customs', 'statistics'];
  const snap = await snapshotTabs(world, sid, titles);
  const all = (await tabList(world, sid)).map((t) => t.title);
  for (const k of sheets) {
    try {
      before = await centralValues(world);
      since = failedSoFar(world);
      for (const op of k.ops) {
        if (op.op === 'write')
          world.runtime.stack.emulator.writeAs(
            DRIVE_ADMIN,
            sid,
            fill(op.range),
            op.values.map((r) => r.map((v) => (typeof v === 'string' ? fill(v) : v))),
            'USER_ENTERED',
          );
        else {
          const id = (await tabList(world, sid)).find(
            (t) => t.title === (op.op === 'deleteTab' ? op.title : op.from),
          )?.id;
          if (id === undefined) throw new Error(`no tab to ${op.op}`);
          await world.admin.spreadsheets.batchUpdate({
            spreadsheetId: sid,
            requestBody: {
              requests: [
                op.op === 'deleteTab'
                  ? { deleteSheet: { sheetId: id } }
                  : { updateSheetProperties: { properties: { sheetId: id, title: op.to }, fields: 'title' } },
              ],
            },
          });
        }
      }
      await world.signal(sid);
      await world.quiet();
      rows = await world.tab(sid, 'Feedback');
      after = await centralValues(world);
      const expect = {
        ...k.expect,
        at: fill(k.expect.at),
        messageIncludes: k.expect.messageIncludes.map(fill),
      };
      results.push(
        result(
          k.name,
          'central',
          [...crashes(world, since), ...matchRefusal(rows, expect, CENTRAL_FEEDBACK)],
          lostValues(before, after),
        ),
      );
    } catch (e) {
      results.push(crashed(k.name, 'central', e));
    }
    try {
      await restoreTabs(world, sid, snap, all);
    } catch (e) {
      results.push(crashed(`${k.name} (putting the tabs back)`, 'central', e));
    }
  }
  await world.signal(sid);
  await world.quiet();
  return results;
}

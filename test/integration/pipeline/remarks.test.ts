/**
 * The officials' remarks (the form's Note column) over real HTTP: typed in the emulator as a person would, synced
 * by the sync stage into dynalite, stored with the value and listed by the history.
 */

import { historyOf, remarkCell } from '../../../lib/cli/history';
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import { silentLogger } from '../../../lib/pipeline/log';
import { MAX_REMARK_CHARS } from '../../../lib/pipeline/remarks';
import { type SyncOutcome, syncSheet } from '../../../lib/pipeline/sync';

const E = 'test2025';
const ev = loadDefaultEvaluation(7);
const methodology = ev.methodology.spec;
const zones = ev.zones.slice(0, 1);
const zone = zones[0]!.zoneId;
const code = methodology.indicators.find((i) => i.source === 'zone')!.code;

let stack: LocalStack;
let prov: Provisioned;

const typedFor = (zoneId: string) =>
  Object.fromEntries(Object.entries(ev.demo.values[2025]![zoneId]!).map(([c, cell]) => [c, cell.typed]));

beforeAll(async () => {
  stack = await startLocalStack({
    emulator: { quota: 'off' },
    calls: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, pace: false },
  });
  prov = await provisionEvaluation(stack, methodology, zones, typedFor);
  await stack.store.requestSheet(E, prov.controlId);
  const control = await syncControl(
    { evaluationId: E, spreadsheetId: prov.controlId },
    { store: stack.store, reader: stack.reader, feedback: stack.feedback, log: silentLogger },
  );
  if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
  await stack.store.requestSheet(E, prov.sheets.get(zone)!);
  synced(await sync());
});
afterAll(() => stack.close());

const sync = () =>
  syncSheet(
    { evaluationId: E, spreadsheetId: prov.sheets.get(zone)!, caller: 'trigger', editor: officialOf(zone) },
    { store: stack.store, reader: stack.reader, feedback: stack.feedback, log: silentLogger },
  );
function synced(o: SyncOutcome) {
  if (o.status !== 'synced') throw new Error(`expected a sync, got ${JSON.stringify(o)}`);
  return o;
}
/** Row of an indicator on the form: row 1 zone id, row 2 header, then the zone's indicators in order. */
const rowOf = (c: string) =>
  methodology.indicators.filter((i) => i.source === 'zone').findIndex((i) => i.code === c) + 3;
/** An official types in the Note column (E) of the indicator's row, as in the browser (USER_ENTERED). */
async function typeNote(text: string) {
  await stack.emulator.editAsPerson(prov.sheets.get(zone)!, officialOf(zone), `Form!E${rowOf(code)}`, [
    [text],
  ]);
  await stack.store.requestSheet(E, prov.sheets.get(zone)!);
}
async function feedbackText(): Promise<string> {
  const res = await stack.google.sheets.spreadsheets.values.get({
    spreadsheetId: prov.sheets.get(zone)!,
    range: 'Feedback',
  });
  return (res.data.values ?? []).map((r) => r.join(' | ')).join('\n');
}

describe("an official's remark in the Note column", () => {
  test('is stored with the value in a new revision and the current values, and listed by the history', async () => {
    const before = (await stack.store.listRevisions(E, zone)).length;
    await typeNote('2025 yearbook, table 3-2; includes the new district');
    const o = synced(await sync());
    expect(o.revision).toBe(before + 1);
    const cur = await stack.store.getCurrent(E, zone);
    expect(cur?.values[code]?.remark).toBe('2025 yearbook, table 3-2; includes the new district');
    const entries = historyOf(await stack.store.listRevisions(E, zone), code);
    expect(entries.at(-1)).toMatchObject({
      revision: before + 1,
      remark: '2025 yearbook, table 3-2; includes the new district',
      by: officialOf(zone),
    });
  });

  test('changed alone (the value as it was) makes a new revision', async () => {
    const value = (await stack.store.getCurrent(E, zone))?.values[code]?.value;
    const before = (await stack.store.listRevisions(E, zone)).length;
    await typeNote('2025 yearbook, table 3-2, as revised in March');
    const o = synced(await sync());
    expect(o.revision).toBe(before + 1);
    const cur = await stack.store.getCurrent(E, zone);
    expect(cur?.values[code]).toMatchObject({
      value,
      remark: '2025 yearbook, table 3-2, as revised in March',
    });
    expect(
      historyOf(await stack.store.listRevisions(E, zone), code)
        .map((x) => x.remark)
        .slice(-2),
    ).toEqual([
      '2025 yearbook, table 3-2; includes the new district',
      '2025 yearbook, table 3-2, as revised in March',
    ]);
  });

  test('read again unchanged makes no revision', async () => {
    const before = (await stack.store.listRevisions(E, zone)).length;
    await stack.store.requestSheet(E, prov.sheets.get(zone)!);
    expect(synced(await sync()).revision).toBeNull();
    expect(await stack.store.listRevisions(E, zone)).toHaveLength(before);
  });

  test('that looks like a formula or markup is stored and listed as its characters', async () => {
    // The apostrophe is how a person makes Sheets keep `=...` as text; the formula's text is what is displayed.
    await typeNote('\'=HYPERLINK("http://example.com","click") <b>bold</b>');
    synced(await sync());
    const cur = await stack.store.getCurrent(E, zone);
    expect(cur?.values[code]?.remark).toBe('=HYPERLINK("http://example.com","click") <b>bold</b>');
    const last = historyOf(await stack.store.listRevisions(E, zone), code).at(-1)!;
    expect(remarkCell(last)).toBe('=HYPERLINK("http://example.com","click") <b>bold</b>');
  });

  test('longer than a remark keeps is cut, and the Feedback tab says so at the Note cell', async () => {
    await typeNote('说'.repeat(50_000));
    synced(await sync());
    const v = (await stack.store.getCurrent(E, zone))?.values[code];
    expect(v?.remark).toBe('说'.repeat(MAX_REMARK_CHARS));
    expect(v?.remarkLength).toBe(50_000);
    expect(await feedbackText()).toContain(
      `Form!E${rowOf(code)} | ${code} |  | The note of ${code} is 50,000 characters long and only its first 2,000 are kept`,
    );
  });
});

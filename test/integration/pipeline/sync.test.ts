/**
 * The sync stage over real HTTP: the emulator with Google's clients, dynalite with the AWS SDK, the real adapters.
 */
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { officialOf, type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, SERVICE_ACCOUNT, startLocalStack } from '../../../lib/local/stack';
import { installMethodology, syncControl } from '../../../lib/pipeline/control';
import { methodologyInForce } from '../../../lib/pipeline/methodology';
import { type SyncOutcome, syncSheet } from '../../../lib/pipeline/sync';
import { syncDeps } from '../../helpers/stack';

const E = 'test2025';
const ev = loadDefaultEvaluation(7);
const methodology = ev.methodology.spec;
const zones = ev.zones.slice(0, 5);
/** The fifth zone is left to the tests of a sync asked again (the others' forms are changed by earlier tests). */
const [hangzhou, tianjin, shanghai, chongqing, fifth] = zones.map((z) => z.zoneId) as [
  string,
  string,
  string,
  string,
  string,
];

let stack: LocalStack;
let prov: Provisioned;

/** What the demo's officials typed in 2025. */
const typedFor = (zoneId: string) =>
  Object.fromEntries(
    Object.entries(ev.demo.values[2025]![zoneId]!).map(([code, cell]) => [code, cell.typed]),
  );
const demoValue = (zoneId: string, code: string) => ev.demo.values[2025]![zoneId]![code]!.value;
const demoTyped = (zoneId: string, code: string) => ev.demo.values[2025]![zoneId]![code]!.typed;

beforeAll(async () => {
  stack = await startLocalStack({
    emulator: { quota: 'off' },
    calls: { retry: { baseDelayMs: 5, maxDelayMs: 20 }, pace: false },
  });
  prov = await provisionEvaluation(stack, methodology, zones, typedFor);
  await stack.store.requestSheet(E, prov.controlId);
  const control = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps());
  if (control.status !== 'installed') throw new Error(`control sync: ${JSON.stringify(control)}`);
});
afterAll(() => stack.close());

const deps = () => syncDeps(stack);
const sync = (zoneId: string, caller = 'trigger') =>
  syncSheet(
    { evaluationId: E, spreadsheetId: prov.sheets.get(zoneId)!, caller, editor: officialOf(zoneId) },
    deps(),
  );
/** Maps one more zone to a spreadsheet in a new methodology version (as a control-sheet edit would). */
async function mapZone(zoneId: string, spreadsheetId: string) {
  const inForce = await methodologyInForce(stack.store, E);
  await installMethodology(stack.store, E, {
    ...inForce.record,
    zones: [...inForce.record.zones, { zoneId, spreadsheetId, editors: [] }],
  });
}
const signal = (zoneId: string) => stack.store.requestSheet(E, prov.sheets.get(zoneId)!);
const readsOf = (zoneId: string) =>
  stack.emulator.requestCount({ route: 'sheets.spreadsheets.get', spreadsheetId: prov.sheets.get(zoneId)! });
const writesOf = (zoneId: string) =>
  stack.emulator.requestCount({
    route: 'sheets.spreadsheets.batchUpdate',
    spreadsheetId: prov.sheets.get(zoneId)!,
  });
async function feedbackText(zoneId: string): Promise<string> {
  const res = await stack.google.sheets.spreadsheets.values.get({
    spreadsheetId: prov.sheets.get(zoneId)!,
    range: 'Feedback',
  });
  return (res.data.values ?? []).map((r) => r.join(' | ')).join('\n');
}
function synced(o: SyncOutcome) {
  if (o.status !== 'synced' && o.status !== 'refused')
    throw new Error(`expected a sync, got ${JSON.stringify(o)}`);
  return o;
}
/** An official's edit in the browser: USER_ENTERED, as Sheets parses what people type. */
const edit = (zoneId: string, range: string, value: string) =>
  stack.emulator.editAsPerson(prov.sheets.get(zoneId)!, officialOf(zoneId), range, [[value]]);
/** Row of an indicator on the form: row 1 zone id, row 2 header, then indicators in order. */
const rowOf = (code: string) =>
  methodology.indicators.filter((i) => i.source === 'zone').findIndex((i) => i.code === code) + 3;

describe('the control spreadsheet', () => {
  test('installed the methodology and registered every zone sheet', async () => {
    const state = await stack.store.getEvaluationState(E);
    expect(state?.methodologyVersion).toBeTruthy();
    for (const z of zones)
      expect((await stack.store.getSheetState(E, prov.sheets.get(z.zoneId)!))?.zoneId).toBe(z.zoneId);
  });
});

describe('syncing a zone form', () => {
  test('the first sync reads once, stores revision 1 and the current values, and writes Feedback once', async () => {
    const r = await signal(hangzhou);
    const reads = readsOf(hangzhou);
    const writes = writesOf(hangzhou);
    const o = synced(await sync(hangzhou));
    expect(o).toMatchObject({
      status: 'synced',
      requested: r,
      zoneId: hangzhou,
      revision: 1,
      feedbackWritten: true,
    });
    expect(readsOf(hangzhou) - reads).toBe(1);
    expect(writesOf(hangzhou) - writes).toBe(1);
    const cur = await stack.store.getCurrent(E, hangzhou);
    expect(cur?.values['T16']?.value).toBe(demoValue(hangzhou, 'T16'));
    expect(Object.keys(cur!.values)).toHaveLength(
      methodology.indicators.filter((i) => i.source === 'zone').length,
    );
    expect((await stack.store.getSheetState(E, prov.sheets.get(hangzhou)!))?.synced).toBe(r);
    expect(await feedbackText(hangzhou)).toMatch(/OK 已接受: every value was accepted/);
  });

  test('with nothing pending a sync is acknowledged without a read (coalescing)', async () => {
    const reads = readsOf(hangzhou);
    expect(await sync(hangzhou)).toMatchObject({ status: 'coalesced' });
    expect(readsOf(hangzhou)).toBe(reads);
  });

  test('a signal without an edit costs one read: no revision, no Feedback write', async () => {
    await signal(hangzhou);
    const reads = readsOf(hangzhou);
    const writes = writesOf(hangzhou);
    expect(synced(await sync(hangzhou))).toMatchObject({ revision: null, feedbackWritten: false });
    expect(readsOf(hangzhou) - reads).toBe(1);
    expect(writesOf(hangzhou)).toBe(writes);
    expect(await stack.store.listRevisions(E, hangzhou)).toHaveLength(1);
  });

  test('a bad cell is refused on the Feedback tab with its A1 reference; the last accepted value stays in use', async () => {
    await edit(hangzhou, `Form!D${rowOf('T03')}`, '12abc');
    await signal(hangzhou);
    const o = synced(await sync(hangzhou));
    expect(o).toMatchObject({ revision: 2, feedbackWritten: true });
    const cur = await stack.store.getCurrent(E, hangzhou);
    expect(cur?.values['T03']).toMatchObject({ value: demoValue(hangzhou, 'T03'), text: '12abc' });
    expect(cur?.values['T03']?.note).toMatch(/^refused: .*12abc/);
    const fb = await feedbackText(hangzhou);
    expect(fb).toMatch(
      new RegExp(
        `Form!D${rowOf('T03')} \\| T03 \\| 12abc \\| .*not a number.* \\| ${demoValue(hangzhou, 'T03')}`,
      ),
    );
    expect(fb).toMatch(/1 problem/);
    // History is never overwritten: revision 1 still holds the original value.
    const [first] = await stack.store.listRevisions(E, hangzhou);
    expect(first?.values['T03']?.value).toBe(demoValue(hangzhou, 'T03'));
    expect(first?.values['T03']?.text).toBe(demoTyped(hangzhou, 'T03')?.trim() ?? '');
  });

  test('formula errors are refused by name', async () => {
    await edit(hangzhou, `Form!D${rowOf('T03')}`, '=1/0');
    await signal(hangzhou);
    await sync(hangzhou);
    expect(await feedbackText(hangzhou)).toMatch(/#DIV\/0!/);
  });

  test('a percent typed in the browser (0.1735 with a PERCENT format) is stored as 17.35 points', async () => {
    const pct = methodology.indicators.find(
      (i) => i.unit === '%' && i.source === 'zone' && (i.max ?? 100) >= 20,
    )!;
    await edit(hangzhou, `Form!D${rowOf(pct.code)}`, '17.35%');
    await edit(hangzhou, `Form!D${rowOf('T03')}`, String(demoValue(hangzhou, 'T03')));
    await signal(hangzhou);
    await sync(hangzhou);
    expect((await stack.store.getCurrent(E, hangzhou))?.values[pct.code]?.value).toBe(17.35);
    expect(await feedbackText(hangzhou)).toMatch(/OK 已接受/);
  });
});

describe('no lost edit', () => {
  test('an edit landing while the read is in flight leaves synced < requested, and the next sync picks it up', async () => {
    await signal(tianjin);
    await sync(tianjin);
    const sid = prov.sheets.get(tianjin)!;
    const hold = stack.emulator.faults.hold('sheets.spreadsheets.get', { spreadsheetId: sid, times: 1 });
    const r1 = await signal(tianjin);
    const pending = sync(tianjin);
    await hold.reached;
    await edit(tianjin, `Form!D${rowOf('T01')}`, '99.5');
    const r2 = await signal(tianjin);
    hold.release();
    const first = synced(await pending);
    expect(first.requested).toBe(r1);
    const state = await stack.store.getSheetState(E, sid);
    expect(state!.synced).toBe(r1);
    expect(state!.requested).toBe(r2);
    expect((await stack.store.getCurrent(E, tianjin))?.values['T01']?.value).toBe(demoValue(tianjin, 'T01'));
    const second = synced(await sync(tianjin));
    expect(second.requested).toBe(r2);
    expect((await stack.store.getCurrent(E, tianjin))?.values['T01']?.value).toBe(99.5);
  });

  test('a stale read that finishes after a later sync cannot overwrite it (two syncs of one sheet racing)', async () => {
    const sid = prov.sheets.get(tianjin)!;
    const hold = stack.emulator.faults.hold('sheets.spreadsheets.get', { spreadsheetId: sid, times: 1 });
    await signal(tianjin);
    const stale = sync(tianjin);
    await hold.reached;
    await edit(tianjin, `Form!D${rowOf('T01')}`, '55.5');
    const r = await signal(tianjin);
    const fresh = synced(await sync(tianjin));
    expect(fresh).toMatchObject({ requested: r, superseded: false });
    hold.release();
    const late = synced(await stale);
    expect(late).toMatchObject({ superseded: true, feedbackWritten: false });
    expect((await stack.store.getCurrent(E, tianjin))?.values['T01']?.value).toBe(55.5);
    const state = await stack.store.getSheetState(E, sid);
    expect(state!.synced).toBe(state!.requested);
  });

  test('a stale read cannot win over a later read that found nothing new (the official typed, then reverted)', async () => {
    const sid = prov.sheets.get(tianjin)!;
    const before = (await stack.store.getCurrent(E, tianjin))!.values['T01']!.value;
    const hold = stack.emulator.faults.hold('sheets.spreadsheets.get', { spreadsheetId: sid, times: 1 });
    await edit(tianjin, `Form!D${rowOf('T01')}`, '77.7');
    await signal(tianjin);
    const stale = sync(tianjin);
    await hold.reached;
    await edit(tianjin, `Form!D${rowOf('T01')}`, String(before));
    await signal(tianjin);
    expect(synced(await sync(tianjin))).toMatchObject({ revision: null, superseded: false });
    hold.release();
    expect(synced(await stale)).toMatchObject({ superseded: true, feedbackWritten: false });
    expect((await stack.store.getCurrent(E, tianjin))?.values['T01']?.value).toBe(before);
  });

  test('a storm of 429s and 5xx during the read ends in a correct sync', async () => {
    const sid = prov.sheets.get(shanghai)!;
    stack.emulator.faults.rateLimit('sheets.spreadsheets.get', 3, { spreadsheetId: sid });
    stack.emulator.faults.error('sheets.spreadsheets.get', 503, { spreadsheetId: sid, times: 2 });
    await signal(shanghai);
    expect(synced(await sync(shanghai))).toMatchObject({ status: 'synced', revision: 1 });
    expect((await stack.store.getCurrent(E, shanghai))?.values['T01']?.value).toBe(
      demoValue(shanghai, 'T01'),
    );
  });
});

describe('refusals and faults', () => {
  test('a form whose zone id disagrees with the control sheet is refused and nothing is stored', async () => {
    await stack.emulator.editAsPerson(prov.sheets.get(chongqing)!, officialOf(chongqing), 'Form!B1', [
      ['ningbo'],
    ]);
    await signal(chongqing);
    const o = synced(await sync(chongqing));
    expect(o.status).toBe('refused');
    expect(await stack.store.getCurrent(E, chongqing)).toBeNull();
    expect(await feedbackText(chongqing)).toMatch(/NOT ACCEPTED 未接受: .*ningbo/);
  });

  test('a spreadsheet no longer shared with the service ends as unreadable, with what was stored kept', async () => {
    const owner = 'someone@else.test';
    const { spreadsheetId } = stack.emulator.createSpreadsheetAs(owner, {
      title: 'private',
      sheets: [{ title: 'Form' }],
    });
    await mapZone('private-zone', spreadsheetId);
    await stack.store.requestSheet(E, spreadsheetId);
    const o = await syncSheet({ evaluationId: E, spreadsheetId, caller: 'reconcile' }, deps());
    expect(o).toMatchObject({ status: 'unreadable' });
    expect((await stack.store.getSheetState(E, spreadsheetId))?.synced).toBe(1);
  });

  test('a deleted spreadsheet (404) ends as unreadable', async () => {
    await mapZone('gone-zone', 'gone-sheet-id');
    await stack.store.requestSheet(E, 'gone-sheet-id');
    expect(
      await syncSheet({ evaluationId: E, spreadsheetId: 'gone-sheet-id', caller: 'reconcile' }, deps()),
    ).toMatchObject({
      status: 'unreadable',
    });
  });

  test('a sheet the control sheet no longer maps cannot write its old zone', async () => {
    const old = prov.sheets.get(hangzhou)!;
    const { spreadsheetId: replacement } = stack.emulator.createSpreadsheetAs(SERVICE_ACCOUNT, {
      title: 'new',
    });
    const inForce = await methodologyInForce(stack.store, E);
    await installMethodology(stack.store, E, {
      ...inForce.record,
      zones: inForce.record.zones.map((z) =>
        z.zoneId === hangzhou ? { ...z, spreadsheetId: replacement } : z,
      ),
    });
    const before = await stack.store.getCurrent(E, hangzhou);
    await edit(hangzhou, `Form!D${rowOf('T01')}`, '12.5');
    await signal(hangzhou);
    expect(await sync(hangzhou)).toEqual({ status: 'unknown-sheet' });
    expect(await stack.store.getCurrent(E, hangzhou)).toEqual(before);
    expect((await stack.store.getSheetState(E, old))?.synced).toBe(
      (await stack.store.getSheetState(E, old))?.requested,
    );
  });

  test('a read of a sheet the zone was moved away from, finishing after the move, cannot overwrite the zone', async () => {
    const old = prov.sheets.get(tianjin)!;
    const hold = stack.emulator.faults.hold('sheets.spreadsheets.get', { spreadsheetId: old, times: 1 });
    await edit(tianjin, `Form!D${rowOf('T01')}`, '11.1');
    await signal(tianjin);
    const stale = sync(tianjin);
    await hold.reached;
    // The control sheet moves the zone to a new spreadsheet, which syncs at once.
    const { sheets: moved } = await provisionEvaluation(stack, methodology, [zones[1]!], (z) => ({
      ...typedFor(z),
      T01: '33.3',
    }));
    const replacement = moved.get(tianjin)!;
    const inForce = await methodologyInForce(stack.store, E);
    await installMethodology(stack.store, E, {
      ...inForce.record,
      zones: inForce.record.zones.map((z) =>
        z.zoneId === tianjin ? { ...z, spreadsheetId: replacement } : z,
      ),
    });
    await stack.store.requestSheet(E, replacement);
    await syncSheet({ evaluationId: E, spreadsheetId: replacement, caller: 'resync' }, deps());
    hold.release();
    expect(synced(await stale)).toMatchObject({ superseded: true });
    const cur = await stack.store.getCurrent(E, tianjin);
    expect(cur?.spreadsheetId).toBe(replacement);
    expect(cur?.values['T01']?.value).toBe(33.3);
    // Put the zone back on its first sheet for the tests that follow.
    const back = await methodologyInForce(stack.store, E);
    await installMethodology(stack.store, E, {
      ...back.record,
      zones: back.record.zones.map((z) => (z.zoneId === tianjin ? { ...z, spreadsheetId: old } : z)),
    });
  });

  test('a signal for a spreadsheet the evaluation does not know is ignored', async () => {
    await stack.store.requestSheet(E, 'stranger');
    expect(
      await syncSheet({ evaluationId: E, spreadsheetId: 'stranger', caller: 'trigger' }, deps()),
    ).toEqual({
      status: 'unknown-sheet',
    });
  });
});

test('the service account is the caller of every sync read', () => {
  expect(
    stack.emulator.requestCount({ route: 'sheets.spreadsheets.get', caller: SERVICE_ACCOUNT }),
  ).toBeGreaterThan(5);
});

describe('layout mistakes on the form', () => {
  const sheetId = (z: string) => prov.sheets.get(z)!;
  const tabs = async (z: string) =>
    (await stack.google.sheets.spreadsheets.get({ spreadsheetId: sheetId(z), fields: 'sheets.properties' }))
      .data.sheets ?? [];

  test('a value for an indicator another sheet supplies is reported and ignored', async () => {
    const central = methodology.indicators.find((i) => i.source !== 'zone')!;
    await signal(shanghai);
    await sync(shanghai);
    // The official appends a row for a customs-reported indicator below the form.
    const last = methodology.indicators.filter((i) => i.source === 'zone').length + 3;
    await stack.emulator.editAsPerson(sheetId(shanghai), officialOf(shanghai), `Form!A${last}:D${last}`, [
      [central.code, 'x', '', '123'],
    ]);
    await signal(shanghai);
    await sync(shanghai);
    expect((await stack.store.getCurrent(E, shanghai))?.values[central.code]).toBeUndefined();
    expect(await feedbackText(shanghai)).toMatch(
      new RegExp(`Form!D\\d+ \\| ${central.code} \\|.*supplied by the central department.*ignored`),
    );
  });

  test('a duplicated indicator row is an error: neither row counts and the last accepted value stays', async () => {
    const last = methodology.indicators.filter((i) => i.source === 'zone').length + 4;
    await stack.emulator.editAsPerson(sheetId(shanghai), officialOf(shanghai), `Form!A${last}:D${last}`, [
      ['T03', 'again', '', '777'],
    ]);
    // The first row changes too: taking either row would store a new value.
    await edit(shanghai, `Form!D${rowOf('T03')}`, '555');
    await signal(shanghai);
    await sync(shanghai);
    expect((await stack.store.getCurrent(E, shanghai))?.values['T03']?.value).toBe(
      demoValue(shanghai, 'T03'),
    );
    expect(await feedbackText(shanghai)).toMatch(
      new RegExp(`Form!A${last} \\| T03 \\|[^\\n]*neither row is read`),
    );
  });

  test('a renamed Form tab refuses the read, keeps what was stored, and says so on the Feedback tab', async () => {
    const before = await stack.store.getCurrent(E, shanghai);
    const form = (await tabs(shanghai)).find((t) => t.properties?.title === 'Form')!;
    await stack.google.sheets.spreadsheets.batchUpdate({
      spreadsheetId: sheetId(shanghai),
      requestBody: {
        requests: [
          {
            updateSheetProperties: {
              properties: { sheetId: form.properties!.sheetId!, title: 'My form' },
              fields: 'title',
            },
          },
        ],
      },
    });
    await signal(shanghai);
    const o = synced(await sync(shanghai));
    expect(o.status).toBe('refused');
    expect(await stack.store.getCurrent(E, shanghai)).toEqual(before);
    expect(await feedbackText(shanghai)).toMatch(/NOT ACCEPTED 未接受: .*Form/);
  });
});

describe('columns a person added or misspelt on the form', () => {
  // Tianjin: mapped back to its own sheet by the tests above (hangzhou was moved to another one).
  /** Header row 2, as the service (the header row is protected from the officials). */
  const setHeader = (z: string, range: string, value: string) =>
    stack.google.sheets.spreadsheets.values.update({
      spreadsheetId: prov.sheets.get(z)!,
      range,
      valueInputOption: 'USER_ENTERED',
      requestBody: { values: [[value]] },
    });

  test('a column of the official’s own is kept, the values are still stored, and the Feedback says it is not scored', async () => {
    await signal(tianjin);
    await sync(tianjin);
    const before = await stack.store.getCurrent(E, tianjin);
    await setHeader(tianjin, 'Form!F2', 'Checked by');
    await signal(tianjin);
    const o = synced(await sync(tianjin));
    expect(o.status).toBe('synced');
    expect((await stack.store.getCurrent(E, tianjin))?.values).toEqual(before?.values);
    const text = await feedbackText(tianjin);
    expect(text.match(/not scored/g)).toHaveLength(1);
    expect(text).toMatch(/Form!F2 \|.*“Checked by”.*kept for your own use and not scored/);
  });

  test('a misspelt Value header refuses the form naming “Value”; what was stored stays in use', async () => {
    const before = await stack.store.getCurrent(E, tianjin);
    await setHeader(tianjin, 'Form!D2', 'Vlaue');
    await signal(tianjin);
    const o = synced(await sync(tianjin));
    expect(o.status).toBe('refused');
    expect(await stack.store.getCurrent(E, tianjin)).toEqual(before);
    const text = await feedbackText(tianjin);
    expect(text).toMatch(/NOT ACCEPTED 未接受: .*no “Value” column.*did you mean “Value”/);
    expect(text).toMatch(/Form!D2 \|.*unknown column “Vlaue” \(did you mean “Value”\?\)/);
  });

  test('a second Value column refuses the form rather than taking either copy', async () => {
    const before = await stack.store.getCurrent(E, tianjin);
    await setHeader(tianjin, 'Form!D2', 'Value');
    await setHeader(tianjin, 'Form!G2', 'value');
    await setHeader(tianjin, `Form!G${rowOf('T01')}`, '1');
    await signal(tianjin);
    const o = synced(await sync(tianjin));
    expect(o.status).toBe('refused');
    expect(await stack.store.getCurrent(E, tianjin)).toEqual(before);
    expect(await feedbackText(tianjin)).toMatch(/Form!G2 \|.*second “Value” column, after column D/);
  });
});

describe('a sync asked again with nothing changed', () => {
  const withFiles = () => ({ ...deps(), files: stack.files });
  const syncWithFiles = (zoneId: string, caller = 'trigger') =>
    syncSheet(
      { evaluationId: E, spreadsheetId: prov.sheets.get(zoneId)!, caller, editor: null },
      withFiles(),
    );

  test('reads no sheet while the Drive version is where its last read (and own Feedback write) left it', async () => {
    await edit(fifth, `Form!D${rowOf('T03')}`, '4321');
    await signal(fifth);
    // A new value: this read stores a revision and writes the Feedback, moving the version one step.
    expect(synced(await syncWithFiles(fifth))).toMatchObject({
      revision: expect.any(Number),
      feedbackWritten: true,
    });
    const reads = readsOf(fifth);
    const r = await signal(fifth);
    expect(await syncWithFiles(fifth)).toEqual({ status: 'coalesced', requested: r, synced: r });
    expect(readsOf(fifth)).toBe(reads);
    expect((await stack.store.getSheetState(E, prov.sheets.get(fifth)!))?.synced).toBe(r);
    // The admin's recompute reads whatever the version says.
    await signal(fifth);
    expect(synced(await syncWithFiles(fifth, 'manual')).revision).toBeNull();
    expect(readsOf(fifth)).toBe(reads + 1);
  });

  test('reads again once a person edited, or once the methodology in force changed', async () => {
    await edit(fifth, `Form!D${rowOf('T03')}`, '4322');
    await signal(fifth);
    const reads = readsOf(fifth);
    expect(synced(await syncWithFiles(fifth)).revision).toEqual(expect.any(Number));
    expect(readsOf(fifth)).toBe(reads + 1);
    expect((await stack.store.getCurrent(E, fifth))?.values['T03']?.value).toBe(4322);
    // Same file, new methodology version: the values must be parsed again.
    const inForce = await methodologyInForce(stack.store, E);
    await installMethodology(stack.store, E, {
      ...inForce.record,
      methodology: {
        ...inForce.record.methodology,
        name: `${inForce.record.methodology.name ?? ''} (revised)`,
      },
    });
    await signal(fifth);
    expect(synced(await syncWithFiles(fifth)).status).toBe('synced');
    expect(readsOf(fifth)).toBe(reads + 2);
  });
});

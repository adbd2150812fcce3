/** The control spreadsheet: a valid edit installs a new methodology version; an invalid one is refused on the sheet. */
import { loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { installMethodology, syncControl } from '../../../lib/pipeline/control';
import { methodologyInForce } from '../../../lib/pipeline/methodology';
import { syncDeps, tabText } from '../../helpers/stack';

const E = 'control2025';
const ev = loadDefaultEvaluation(3);
const zones = ev.zones.slice(0, 2);
const admin = 'methodologist@mofcom.test';

let stack: LocalStack;
let prov: Provisioned;
const deps = () => syncDeps(stack);
const run = async () => {
  await stack.store.requestSheet(E, prov.controlId);
  return syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps());
};
const feedback = () => tabText(stack, prov.controlId, 'Feedback');
/** Row of an indicator on the Indicators tab (header on row 1). */
const indicatorRow = (code: string) => ev.methodology.indicators.findIndex((i) => i.code === code) + 2;
/** A methodologist types a weight on the Indicators tab; returns the weight column's letter. */
async function editWeight(code: string, value: string): Promise<string> {
  const header = (
    await stack.google.sheets.spreadsheets.values.get({
      spreadsheetId: prov.controlId,
      range: 'Indicators!1:1',
    })
  ).data.values![0]!;
  const col = String.fromCharCode(65 + header.indexOf('weight'));
  await stack.emulator.editAsPerson(prov.controlId, admin, `Indicators!${col}${indicatorRow(code)}`, [
    [value],
  ]);
  return col;
}

/** The number of rows on the Settings tab. */
const settingsRows = async () =>
  (
    (await stack.google.sheets.spreadsheets.values.get({ spreadsheetId: prov.controlId, range: 'Settings' }))
      .data.values ?? []
  ).length;

beforeAll(async () => {
  stack = await startLocalStack({ emulator: { quota: 'off' }, calls: { pace: false } });
  prov = await provisionEvaluation(stack, ev.methodology.spec, zones, undefined, undefined, {
    methodologists: [admin],
  });
  stack.emulator.share(prov.controlId, admin, 'writer');
});
afterAll(() => stack.close());

test('the first sync installs the methodology, registers the zone sheets and asks each to sync', async () => {
  const o = await run();
  expect(o).toMatchObject({ status: 'installed', feedbackWritten: true });
  if (o.status !== 'installed') return;
  expect(o.resync.map((r) => r.spreadsheetId).sort()).toEqual([...prov.sheets.values()].sort());
  const inForce = await methodologyInForce(stack.store, E);
  expect(inForce.version).toBe(o.version);
  expect(inForce.compiled.indicators.map((i) => i.code)).toEqual(
    ev.methodology.indicators.map((i) => i.code),
  );
  expect(inForce.compiled.spec.grade.grades.map((g) => g.count)).toEqual([10, 50, 40, 5]);
  expect(await feedback()).toMatch(/IN FORCE 已生效: version/);
});

test('an unchanged control sheet installs nothing', async () => {
  expect(await run()).toMatchObject({ status: 'unchanged', resync: [] });
});

test('an invalid edit is refused with the cell named; the last valid methodology stays in force', async () => {
  const before = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  const row = indicatorRow('T05');
  const col = await editWeight('T05', '-2');
  const o = await run();
  expect(o).toMatchObject({ status: 'refused', inForce: before });
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(before);
  expect(await feedback()).toMatch(
    new RegExp(
      `NOT IN FORCE 未生效[\\s\\S]*Indicators!${col}${row} \\| error \\| indicators\\[4\\] \\(T05\\)\\.weight: must not be negative`,
    ),
  );
});

test('fixing the edit stores a draft, not in force; typing its version into Settings “live” puts it in force, recording who', async () => {
  const before = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  await editWeight('T05', '3');
  const o = await run();
  expect(o).toMatchObject({ status: 'unchanged', version: before, resync: [] });
  const draft = o.status === 'unchanged' ? o.draft : null;
  expect(draft).not.toBeNull();
  expect(draft).not.toBe(before);
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(before);
  expect((await methodologyInForce(stack.store, E)).compiled.indicators[4]!.weight).not.toBe(3);
  expect((await stack.store.getGovernance(E)).draft).toMatchObject({ version: draft });
  expect(await feedback()).toMatch(new RegExp(`DRAFT 草案: version ${draft} is stored but not in force`));

  const row = await settingsRows();
  await stack.emulator.editAsPerson(prov.controlId, admin, `Settings!A${row + 1}:B${row + 1}`, [
    ['live', draft],
  ]);
  await stack.store.requestSheet(E, prov.controlId);
  const live = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId, editor: admin }, deps());
  expect(live).toMatchObject({ status: 'installed', version: draft, draft: null });
  expect(live.status === 'installed' && live.resync.length).toBe(prov.sheets.size);
  expect((await methodologyInForce(stack.store, E)).compiled.indicators[4]!.weight).toBe(3);
  const gov = await stack.store.getGovernance(E);
  expect(gov.live).toMatchObject({ version: draft, by: admin, replaced: before });
  expect(gov.draft).toBeNull();
  expect(await feedback()).toMatch(
    /IN FORCE 已生效[\s\S]*In force since 生效于 \| .* by methodologist@mofcom\.test \(replacing/,
  );
  // The earlier version is still stored: runs made with it can still name it.
  expect(await stack.store.getMethodology(E, before!)).not.toBeNull();
  // Clearing the row keeps the version in force.
  await stack.emulator.editAsPerson(prov.controlId, admin, `Settings!A${row + 1}:B${row + 1}`, [['', '']]);
  expect(await run()).toMatchObject({ status: 'unchanged', version: draft, draft: null });
});

test('a crash after the pointer moved still ends in the re-sync of every zone when the sync is retried', async () => {
  await editWeight('T05', '4');
  // The first attempt installed the new version, then died before asking the zones to sync again.
  const read = await stack.reader.readControl(prov.controlId);
  const { version } = await installMethodology(stack.store, E, {
    methodology: read.methodology,
    zones: read.zones,
    spreadsheetId: prov.controlId,
    at: new Date().toISOString(),
  });
  const before = await Promise.all([...prov.sheets.values()].map((s) => stack.store.getSheetState(E, s)));

  const o = await run();

  expect(o).toMatchObject({ status: 'installed', version });
  const after = await Promise.all([...prov.sheets.values()].map((s) => stack.store.getSheetState(E, s)));
  after.forEach((a, k) => expect(a!.requested).toBe(before[k]!.requested + 1));
  expect((await stack.store.getEvaluationState(E))?.resyncedVersion).toBe(version);
});

test('the re-sync marker: a version in force but not yet re-synced is re-synced by the next control sync', async () => {
  const state = await stack.store.getEvaluationState(E);
  await stack.store.setResyncedVersion(E, 'something-older');
  const before = await stack.store.getSheetState(E, [...prov.sheets.values()][0]!);
  await stack.store.requestSheet(E, prov.controlId);
  const o = await syncControl({ evaluationId: E, spreadsheetId: prov.controlId }, deps());
  expect(o).toMatchObject({ status: 'installed', version: state!.methodologyVersion });
  expect((await stack.store.getSheetState(E, [...prov.sheets.values()][0]!))!.requested).toBe(
    before!.requested + 1,
  );
  expect((await stack.store.getEvaluationState(E))?.resyncedVersion).toBe(state!.methodologyVersion);
});

test('a stale control read cannot roll the methodology back', async () => {
  const state = await stack.store.getEvaluationState(E);
  expect(await stack.store.setMethodologyVersion(E, 'older-version', 1)).toBe(false);
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(state!.methodologyVersion);
});

test('a stale control read finishing after a later read of a revert installs nothing and writes no Feedback', async () => {
  const inForce = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  const hold = stack.emulator.faults.hold('sheets.spreadsheets.get', {
    spreadsheetId: prov.controlId,
    times: 1,
  });
  await editWeight('T05', '9');
  const stale = run();
  await hold.reached;
  await editWeight('T05', '4');
  expect(await run()).toMatchObject({ status: 'unchanged', version: inForce });
  hold.release();
  expect(await stale).toMatchObject({ status: 'stale', feedbackWritten: false });
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(inForce);
  expect((await methodologyInForce(stack.store, E)).compiled.indicators[4]!.weight).toBe(4);
});

test('a refused control read still hands back the re-sync it asked for', async () => {
  await stack.store.setResyncedVersion(E, 'something-older');
  await editWeight('T05', '-1');
  const o = await run();
  expect(o).toMatchObject({ status: 'refused' });
  expect(o.status === 'refused' && o.resync.length).toBe(prov.sheets.size);
  expect(o.status === 'refused' && o.evaluationRequested).toBeGreaterThan(0);
  await editWeight('T05', '4');
  await run();
});

/** A methodologist types `text` into a cell of the control sheet. */
const type = (a1: string, text: string) => stack.emulator.editAsPerson(prov.controlId, admin, a1, [[text]]);

test('a misspelt column header is refused on the Feedback tab with the closest column; the methodology in force stays', async () => {
  const before = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  const header = (
    await stack.google.sheets.spreadsheets.values.get({
      spreadsheetId: prov.controlId,
      range: 'Indicators!1:1',
    })
  ).data.values![0]!;
  const col = String.fromCharCode(65 + header.indexOf('direction'));
  await type(`Indicators!${col}1`, 'directon');

  const o = await run();

  expect(o).toMatchObject({ status: 'refused', inForce: before });
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(before);
  expect(await feedback()).toMatch(
    new RegExp(
      `NOT IN FORCE 未生效[\\s\\S]*Indicators!${col}:${col} \\| error \\| Column ${col} of “Indicators” \\(“directon”\\) is not a known column \\(did you mean “direction”\\?\\)`,
    ),
  );
  await type(`Indicators!${col}1`, 'direction');
  expect(await run()).toMatchObject({ status: 'unchanged', version: before });
});

test('a misspelt Settings key is refused on the Feedback tab with the closest key', async () => {
  const before = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  const rows =
    (await stack.google.sheets.spreadsheets.values.get({ spreadsheetId: prov.controlId, range: 'Settings' }))
      .data.values ?? [];
  const row = rows.length + 1;
  await stack.emulator.editAsPerson(prov.controlId, admin, `Settings!A${row}:B${row}`, [
    ['treat.winmx', '2'],
  ]);

  const o = await run();

  expect(o).toMatchObject({ status: 'refused', inForce: before });
  expect(await feedback()).toMatch(
    new RegExp(
      `Settings!A${row} \\| error \\| Row ${row} of “Settings”: “treat\\.winmx” is not a known setting \\(did you mean “treat\\.winmax”\\?\\)`,
    ),
  );
  await stack.emulator.editAsPerson(prov.controlId, admin, `Settings!A${row}:B${row}`, [['', '']]);
  expect(await run()).toMatchObject({ status: 'unchanged', version: before });
});

test('a setting the chosen method does not read is refused on the Feedback tab at its cell', async () => {
  const before = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  const row = (await settingsRows()) + 1;
  // The default methodology treats no outliers: a Box-Cox lambda would change nothing.
  await stack.emulator.editAsPerson(prov.controlId, admin, `Settings!A${row}:B${row}`, [
    ['treat.lambda', '0.5'],
  ]);

  const o = await run();

  expect(o).toMatchObject({ status: 'refused', inForce: before });
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(before);
  expect(await feedback()).toMatch(
    new RegExp(
      `Settings!B${row} \\| error \\| treat\\.lambda: is not used by treat method 'none': only 'boxcox' reads it; remove it, or choose that method`,
    ),
  );
  await stack.emulator.editAsPerson(prov.controlId, admin, `Settings!A${row}:B${row}`, [['', '']]);
  expect(await run()).toMatchObject({ status: 'unchanged', version: before });
});

test('grade quotas above the zones listed are named at the count cell, and the version in force stays', async () => {
  const before = (await stack.store.getEvaluationState(E))?.methodologyVersion;
  await run();
  // The default methodology's quotas (10 + 50 + 40 + 5) against the few zones of this control sheet.
  expect(await feedback()).toMatch(
    new RegExp(
      `Grades!D2 \\| warning \\| The grade quotas add up to 105, more than the ${zones.length} zones on the Zones tab: no run can be scored`,
    ),
  );
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(before);
});

test('a version stored with a target under min-max (before that was refused) stays in force; typing one on the sheet is refused', async () => {
  const read = await stack.reader.readControl(prov.controlId);
  const at = new Date().toISOString();
  const original = await installMethodology(stack.store, E, {
    methodology: read.methodology,
    zones: read.zones,
    spreadsheetId: prov.controlId,
    at,
  });
  // The same version with a target on T05, as a control sheet could store it before the unused-settings rule.
  const m = read.methodology as { indicators: Record<string, unknown>[] };
  const withTarget = {
    ...m,
    indicators: m.indicators.map((ind) => (ind['code'] === 'T05' ? { ...ind, target: 50 } : ind)),
  };
  const stored = await installMethodology(stack.store, E, {
    methodology: withTarget,
    zones: read.zones,
    spreadsheetId: prov.controlId,
    at,
  });
  expect(stored.moved).toBe(true);
  const inForce = await methodologyInForce(stack.store, E);
  expect(inForce.version).toBe(stored.version);
  expect(inForce.compiled.indicators[4]).toMatchObject({ code: 'T05', target: 50 });

  // A person typing the same target on the Indicators tab is refused at its cell; the stored version stays.
  const header = (
    await stack.google.sheets.spreadsheets.values.get({
      spreadsheetId: prov.controlId,
      range: 'Indicators!1:1',
    })
  ).data.values![0]!;
  const col = String.fromCharCode(65 + header.indexOf('target'));
  const row = indicatorRow('T05');
  await stack.emulator.editAsPerson(prov.controlId, admin, `Indicators!${col}${row}`, [['50']]);
  const o = await run();
  expect(o).toMatchObject({ status: 'refused', inForce: stored.version });
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(stored.version);
  expect(await feedback()).toMatch(
    new RegExp(
      `Indicators!${col}${row} \\| error \\| indicators\\[4\\] \\(T05\\)\\.target: is not used by normalise method 'minmax'`,
    ),
  );

  // Back as it was, for the tests after this one.
  await stack.emulator.editAsPerson(prov.controlId, admin, `Indicators!${col}${row}`, [['']]);
  await installMethodology(stack.store, E, {
    methodology: read.methodology,
    zones: read.zones,
    spreadsheetId: prov.controlId,
    at,
  });
  expect(await run()).toMatchObject({ version: original.version, draft: null });
});

/**
 * `zone-eval preview --method DRAFT.json` against a stored evaluation (the local stack left in a directory): the
 * draft beside the methodology in force on the zones' stored values, which is what the control sheet's Preview tab
 * shows for the same draft.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Comparison, comparisonTable } from '../../../lib/core/compare';
import { DRIVE_ADMIN } from '../../../lib/local/seed';
import { syncControl } from '../../../lib/pipeline/control';
import { silentLogger } from '../../../lib/pipeline/log';
import { runCli } from '../../helpers/cli';
import { buildFixture, E, type Fixture, local, withStack } from './fixture';

let fx: Fixture;
let draftFile: string;
/** The Preview tab as the control sync wrote it, one array of cells per row. */
let previewTab: string[][];

beforeAll(async () => {
  fx = await buildFixture();
  await withStack(fx.dir, async (stack) => {
    const controlId = fx.prov.controlId;
    const read = async (range: string) =>
      ((await stack.google.sheets.spreadsheets.values.get({ spreadsheetId: controlId, range })).data.values ??
        []) as string[][];
    // The methodologist's draft: the first dimension weighs five times as much.
    const aggregates = await read('Aggregates');
    const head = aggregates[0]!;
    const row = aggregates.findIndex((r, k) => k > 0 && (r[head.indexOf('parent')] ?? '') !== '') + 1;
    const col = String.fromCharCode(65 + head.indexOf('weight'));
    await stack.emulator.editAsPerson(controlId, DRIVE_ADMIN, `Aggregates!${col}${row}`, [['5']]);
    await stack.store.requestSheet(E, controlId);
    const deps = { store: stack.store, reader: stack.reader, feedback: stack.feedback, files: stack.files };
    const out = await syncControl(
      { evaluationId: E, spreadsheetId: controlId, editor: DRIVE_ADMIN },
      { ...deps, log: silentLogger },
    );
    if (out.status !== 'unchanged' || out.draft === null) throw new Error(`control: ${JSON.stringify(out)}`);
    const record = await stack.store.getMethodology(E, out.draft);
    draftFile = join(fx.dir, 'draft.json');
    writeFileSync(draftFile, JSON.stringify(record!.methodology));
    previewTab = await read('Preview');
  });
}, 90_000);
afterAll(() => fx?.cleanup());

test("the command's comparison is the Preview tab's: the same zones, ranks, grades, moves and reasons", async () => {
  const r = await runCli(['preview', '--method', draftFile, ...local(fx.dir), '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const c = JSON.parse(r.stdout) as Comparison;
  const t = comparisonTable(c);
  const at = previewTab.findIndex((row) => row[0] === 'zone');
  expect(previewTab[at]).toEqual(t.head);
  // The tab drops empty trailing cells, as Sheets returns them.
  const tabRows = previewTab.slice(at + 1).map((row) => t.head.map((_, k) => row[k] ?? ''));
  expect(tabRows).toEqual(t.rows);
  expect(previewTab.flat()).toContain(
    `Grade changes 等级变化: ${c.gradeChanges.length} of ${c.units.length} zones`,
  );
  expect(c.changes.map((ch) => ch.kind)).toEqual(['weight']);
});

test('without --method, the draft stored from the control sheet is compared: the same comparison', async () => {
  const given = await runCli(['preview', '--method', draftFile, ...local(fx.dir), '--format', 'json']);
  const stored = await runCli(['preview', ...local(fx.dir), '--format', 'json']);
  expect(stored.stderr).toBe('');
  expect(JSON.parse(stored.stdout)).toEqual(JSON.parse(given.stdout));
});

test('the table form prints what differs and every zone', async () => {
  const r = await runCli(['preview', '--method', draftFile, ...local(fx.dir)]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/What differs \(1\):\n {2}- aggregate \S+ weight: \S+ → 5/);
  expect(r.stdout).toMatch(/Grade changes: \d+ of 3 units/);
});

test('the stored form refuses the CSV options, and --against goes with --data', async () => {
  const sep = await runCli(['preview', '--method', draftFile, ...local(fx.dir), '--separator', ';']);
  expect(sep.code).toBe(2);
  expect(sep.stderr).toMatch(/--separator describes the --data file: it goes with --against and --data only/);
  const half = await runCli(['preview', '--method', draftFile, '--against', draftFile]);
  expect(half.code).toBe(2);
  expect(half.stderr).toMatch(/--against and --data go together: --data is missing/);
});

test('a draft stored with a target under min-max (before that was refused) still previews; the same file given is refused', async () => {
  const draft = JSON.parse(readFileSync(draftFile, 'utf8')) as { indicators: Record<string, unknown>[] };
  const withTarget = {
    ...draft,
    indicators: draft.indicators.map((ind, k) => (k === 0 ? { ...ind, target: 50 } : ind)),
  };
  const before = await withStack(fx.dir, async (stack) => {
    const gov = await stack.store.getGovernance(E);
    const record = await stack.store.getMethodology(E, gov.draft!.version);
    const version = 'stored-before-the-rule';
    await stack.store.putMethodology(E, { ...record!, version, methodology: withTarget });
    await stack.store.setGovernance(E, { draft: { ...gov.draft!, version } });
    return gov.draft!;
  });
  try {
    const given = await runCli(['preview', '--method', draftFile, ...local(fx.dir), '--format', 'json']);
    const stored = await runCli(['preview', ...local(fx.dir), '--format', 'json']);
    expect(stored.stderr).toBe('');
    expect(stored.code).toBe(0);
    // The target changes nothing under min-max: the same ranks and grades as the draft without it.
    const zones = (out: string) => (JSON.parse(out) as Comparison).units;
    expect(zones(stored.stdout)).toEqual(zones(given.stdout));

    const file = join(fx.dir, 'draft-with-target.json');
    writeFileSync(file, JSON.stringify(withTarget));
    const typed = await runCli(['preview', '--method', file, ...local(fx.dir)]);
    expect(typed.code).not.toBe(0);
    expect(typed.stderr).toMatch(/\.target: is not used by normalise method 'minmax'/);
  } finally {
    await withStack(fx.dir, (stack) => stack.store.setGovernance(E, { draft: before }));
  }
});

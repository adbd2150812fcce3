/**
 * Draft until live, over the emulator and dynalite: the Preview tab compares a draft with the version in force on
 * the values stored; `live` naming a version never stored is refused; only a methodologist the control sheet names
 * may mark a version live or change who the methodologists are; the freeze date is stored; going back to an
 * earlier version by its id.
 */

import { compareMethodologies } from '../../../lib/core/compare';
import { datasetFromRows } from '../../../lib/core/dataset';
import { compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { demoDataset, loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { type Provisioned, provisionEvaluation } from '../../../lib/local/seed';
import { type LocalStack, startLocalStack } from '../../../lib/local/stack';
import { syncControl } from '../../../lib/pipeline/control';
import type { CurrentValues, SubmittedValue } from '../../../lib/pipeline/ports';
import { contentHash } from '../../../lib/protocol/hash';
import { syncDeps } from '../../helpers/stack';

const E = 'draft2025';
const ev = loadDefaultEvaluation(3);
const zones = ev.zones.slice(0, 8);
const who = 'methodologist@mofcom.test';
/** An editor of the control sheet who is not a methodologist. */
const other = 'analyst@mofcom.test';
// Thresholds, so that eight zones can be graded (the default's quotas need 105).
const spec = structuredClone(ev.methodology.spec);
spec.grade = {
  method: 'thresholds',
  gates: [],
  grades: [
    { code: 'A', label: 'Obvious', minScore: 60 },
    { code: 'B', label: 'Good', minScore: 45 },
    { code: 'C', label: 'Initial', minScore: 0 },
  ],
};

let stack: LocalStack;
let prov: Provisioned;
const deps = () => syncDeps(stack);
const run = async (editor: string | null = who) => {
  await stack.store.requestSheet(E, prov.controlId);
  return syncControl({ evaluationId: E, spreadsheetId: prov.controlId, editor }, deps());
};
const tab = async (range: string) =>
  (await stack.google.sheets.spreadsheets.values.get({ spreadsheetId: prov.controlId, range })).data.values ??
  [];
const text = async (range: string) => (await tab(range)).map((r) => r.join(' | ')).join('\n');
const headerCol = async (tabName: string, name: string) =>
  String.fromCharCode(65 + (await tab(`${tabName}!1:1`))[0]!.indexOf(name));
const aggregateRow = (code: string) => spec.aggregates.findIndex((a) => a.code === code) + 2;
/** A settings row set by the methodologist (or `by`); returns its row number. */
async function setting(key: string, value: string, by = who): Promise<number> {
  const rows = await tab('Settings');
  const found = rows.findIndex((r) => r[0] === key);
  const row = found >= 0 ? found + 1 : rows.length + 1;
  await stack.emulator.editAsPerson(prov.controlId, by, `Settings!A${row}:B${row}`, [[key, value]]);
  return row;
}

const inForceCompiled = () => {
  const c = compileMethodology(spec);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
};
/** The eight zones' demo values, as seeded. */
const seeded = () => {
  const data = demoDataset(ev, 2025);
  return datasetFromRows(
    zones.map((z) => {
      const i = data.units.indexOf(z.zoneId);
      return {
        id: z.zoneId,
        values: Object.fromEntries(
          [...data.numeric].map(([code, col]) => [code, col[i]! === col[i]! ? col[i]! : null]),
        ),
        groups: { province: z.provinceEn, batch: String(z.batch) },
      };
    }),
  );
};

beforeAll(async () => {
  stack = await startLocalStack({ emulator: { quota: 'off' }, calls: { pace: false } });
  prov = await provisionEvaluation(stack, spec, zones, undefined, undefined, { methodologists: [who] });
  stack.emulator.share(prov.controlId, who, 'writer');
  stack.emulator.share(prov.controlId, other, 'writer');
  const data = demoDataset(ev, 2025);
  // As the syncs store them: a zone's form holds its own indicators, each central tab its own (the Preview, like a
  // run, takes a central indicator from its tab only).
  const source = new Map(ev.methodology.indicators.map((i) => [i.code, i.source ?? 'zone']));
  const tabs = new Map<string, Record<string, Record<string, SubmittedValue>>>();
  const currents: CurrentValues[] = zones.map((z) => {
    const i = data.units.indexOf(z.zoneId);
    const all = [...data.numeric].map(([code, col]) => {
      const v = col[i]!;
      return [code, { value: v === v ? v : null, text: v === v ? String(v) : '' }] as const;
    });
    for (const [code, v] of all) {
      const from = source.get(code) ?? 'zone';
      if (!from.startsWith('central:')) continue;
      const tab = from.slice('central:'.length);
      if (!tabs.has(tab)) tabs.set(tab, {});
      (tabs.get(tab)![z.zoneId] ??= {})[code] = v;
    }
    const values = Object.fromEntries(
      all.filter(([code]) => !(source.get(code) ?? 'zone').startsWith('central:')),
    );
    return {
      zoneId: z.zoneId,
      revSeq: 1,
      mappingSeq: 0,
      spreadsheetId: null,
      readSeq: 0,
      contentHash: contentHash(values),
      values,
      updatedAt: new Date().toISOString(),
    };
  });
  await stack.store.seedCurrent(E, currents);
  for (const [tab, byZone] of tabs)
    await stack.store.putCentralTab(E, {
      tab,
      spreadsheetId: 'central-sheet',
      zones: byZone,
      contentHash: contentHash(byZone),
      readSeq: 1,
      updatedAt: new Date().toISOString(),
    });
});
afterAll(() => stack.close());

let first: string;
let draft: string;

test('the first version comes into force on its own, and the Preview tab says there is no draft', async () => {
  const o = await run(null);
  expect(o).toMatchObject({ status: 'installed', draft: null, previewWritten: true });
  first = o.status === 'installed' ? o.version : '';
  expect((await stack.store.getGovernance(E)).live).toMatchObject({
    version: first,
    by: null,
    replaced: null,
  });
  expect(await text('Preview')).toMatch(/NO DRAFT 无草案/);
});

test('a weight edit is a draft: the Preview tab lists what differs and every zone under both, with grade changes and why', async () => {
  const dim = spec.aggregates.find((a) => a.parent === spec.aggregates.at(-1)!.code)!;
  // The weight that changes some grade on these eight zones, found offline with the same comparison.
  const pick = [0, 0.5, 40, 200]
    .map((w) => {
      const json = structuredClone(spec);
      json.aggregates.find((a) => a.code === dim.code)!.weight = w;
      const c = compileMethodology(json);
      if (!c.ok) throw new Error(formatIssues(c.issues));
      return {
        w,
        changes: compareMethodologies(inForceCompiled(), c.methodology, seeded()).gradeChanges.length,
      };
    })
    .find((x) => x.changes > 0)!;
  const col = await headerCol('Aggregates', 'weight');
  await stack.emulator.editAsPerson(prov.controlId, who, `Aggregates!${col}${aggregateRow(dim.code)}`, [
    [String(pick.w)],
  ]);
  const o = await run();
  expect(o).toMatchObject({ status: 'unchanged', version: first, previewWritten: true });
  draft = o.status === 'unchanged' ? o.draft! : '';
  expect(draft).toMatch(/^[0-9a-f]{24}$/);
  const preview = await text('Preview');
  expect(preview).toContain(`DRAFT 草案 ${draft}, not in force; in force: ${first}.`);
  expect(preview).toMatch(new RegExp(`Draft edited 草案编辑 \\| .* by ${who.replace('.', '\\.')}`));
  expect(preview).toMatch(
    new RegExp(
      `What differs 变更 \\(1\\)\\n \\| aggregate ${dim.code} weight: ${dim.weight ?? 1} → ${pick.w}`,
    ),
  );
  expect(preview).toContain(`Grade changes 等级变化: ${pick.changes} of 8 zones`);
  expect(preview).toContain(
    'zone | rank (in force) | grade (in force) | rank (draft) | grade (draft) | move | grade changes | why',
  );
  for (const z of zones) expect(preview).toContain(`\n${z.zoneId} | `);
  // Each grade change gives the zone's score against the grade line under both, and the weight that moved it.
  const changes = (await tab('Preview')).filter((r) => r[0] === '' && /→/.test(r[2] ?? ''));
  expect(changes.length).toBeGreaterThan(0);
  for (const r of changes)
    expect(r[3]).toMatch(
      new RegExp(
        `^score [\\d.]+ → [\\d.]+, [ABC] line [\\d.]+ → [\\d.]+.*; (raised above|dropped below) it by aggregate ${dim.code} weight`,
      ),
    );
  // Read again, unchanged: no write.
  expect(await run()).toMatchObject({
    status: 'unchanged',
    draft,
    previewWritten: false,
    feedbackWritten: false,
  });
});

test('Settings “live” naming a version never stored is refused on the Feedback tab; nothing moves', async () => {
  const row = await setting('live', 'abcdefabcdefabcdefabcdef');
  const o = await run();
  expect(o).toMatchObject({ status: 'refused', inForce: first });
  expect(await text('Feedback')).toMatch(
    new RegExp(
      `Settings!B${row} \\| error \\| Settings “live” names version abcdefabcdefabcdefabcdef, which this evaluation has never stored`,
    ),
  );
  await setting('live', 'not a version');
  expect(await run()).toMatchObject({ status: 'refused' });
  expect(await text('Feedback')).toMatch(/live must be a version id of 24 letters and digits/);
});

test('a live mark by an editor who is not a methodologist is refused on the Feedback, naming who may; nothing moves', async () => {
  const row = await setting('live', draft, other);
  const o = await run(other);
  expect(o).toMatchObject({ status: 'unchanged', version: first, draft });
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(first);
  expect(await text('Feedback')).toContain(
    `Settings!B${row} | warning | Settings “live” (${draft}) was typed by ${other}, who is not a methodologist: version ${first} stays in force. Only the methodologists named in Settings “methodologists” may put a version in force: ${who}.`,
  );
  // A read whose editor is not known (the reconcile poll) cannot put it in force either.
  expect(await run(null)).toMatchObject({ status: 'unchanged', version: first, draft });
  expect(await text('Feedback')).toContain('was typed by an account the trigger did not name');
});

test("a methodologist's live mark read first by the poll, without its editor, is taken when its own signal comes", async () => {
  const row = await setting('live', draft);
  await stack.store.requestSheet(E, prov.controlId);
  expect(
    await syncControl(
      { evaluationId: E, spreadsheetId: prov.controlId, editor: null, caller: 'reconcile' },
      deps(),
    ),
  ).toMatchObject({ status: 'unchanged', version: first });
  // The trigger's signal for the same edit: the file has not moved since the poll's read, and it is read anyway.
  await stack.store.requestSheet(E, prov.controlId);
  expect(
    await syncControl(
      { evaluationId: E, spreadsheetId: prov.controlId, editor: who, caller: 'trigger' },
      deps(),
    ),
  ).toMatchObject({ status: 'installed', version: draft });
  // Back as it was for the tests below: the first version in force, the draft beside it.
  await stack.emulator.editAsPerson(prov.controlId, who, `Settings!B${row}`, [[first]]);
  expect(await run()).toMatchObject({ status: 'installed', version: first, draft });
  await setting('live', '');
  expect(await run()).toMatchObject({ status: 'unchanged', version: first, draft });
});

test('an editor who is not a methodologist cannot name themselves one: the list stays as it was', async () => {
  const row = await setting('methodologists', `${who}, ${other}`, other);
  await run(other);
  expect((await stack.store.getGovernance(E)).methodologists).toEqual([who]);
  expect(await text('Feedback')).toContain(`Methodologists 方法组 | ${who}: who may put a version in force`);
  expect(await text('Feedback')).toContain(
    `Settings!B${row} | warning | Settings “methodologists” was changed by ${other}, who is not a methodologist: the methodologists stay ${who}. Only one of them may change the list.`,
  );
  expect((await stack.store.getEvaluationState(E))?.methodologyVersion).toBe(first);
  // Put back by the methodologist: the warnings go once the live mark is theirs.
  await setting('methodologists', who);
  await setting('live', '');
  expect(await run()).toMatchObject({ status: 'unchanged', version: first, draft });
  expect(await text('Feedback')).not.toMatch(/not a methodologist/);
});

test('the draft goes live by its id; going back to the first version by its id works the same way', async () => {
  await setting('live', draft.toUpperCase());
  expect(await run()).toMatchObject({
    status: 'installed',
    version: draft,
    draft: null,
    previewWritten: true,
  });
  expect(await text('Preview')).toMatch(/NO DRAFT/);
  await setting('live', first);
  const back = await run();
  // The sheet still holds the edited weights: they are the draft now, beside the first version in force again.
  expect(back).toMatchObject({ status: 'installed', version: first, draft });
  expect((await stack.store.getGovernance(E)).live).toMatchObject({
    version: first,
    by: who,
    replaced: draft,
  });
});

test('Settings “freeze” is stored as a time (a date ends at midnight in Beijing) without making a draft', async () => {
  await setting('freeze', '2026-03-31');
  const o = await run();
  expect(o).toMatchObject({ status: 'unchanged', version: first, draft });
  expect((await stack.store.getGovernance(E)).freeze).toBe('2026-03-31T15:59:59.000Z');
  await setting('freeze', '31/03/2026');
  expect(await run()).toMatchObject({ status: 'refused' });
  expect(await text('Feedback')).toMatch(/freeze must be a date such as 2026-03-31/);
  expect((await stack.store.getGovernance(E)).freeze).toBe('2026-03-31T15:59:59.000Z');
});

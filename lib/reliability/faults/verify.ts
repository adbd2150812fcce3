/**
 * The verdict on one fault case, once its loop is quiet: the final published results must equal those of a clean
 * run over the same final sheet contents (ranks, grades, scores, dimension scores and the values scored; run ids and
 * times ignored), both in the stored run and on the results spreadsheet, and the stored history must be complete
 * (every value the case waited for has its revision, revisions are numbered without a gap, the current values are
 * the latest read's) and idempotent (no read stored twice).
 *
 * The clean run is a second local runtime with no fault, seeded with what the faulted world's sheets hold at the
 * end (read back through Google's client), its loop run until quiet: the same handlers from a cold start.
 */
import type { Methodology } from '../../core/methodology';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { seedYear } from '../../local/runtime-seed';
import type { ResultsDoc } from '../../pipeline/results';
import { ResultsDocSchema } from '../../pipeline/results';
import type { GoogleClients } from '../../sheets';
import { DEMO_YEAR, settleMs, type World } from './world';

/** Zone id to indicator code to the cell as typed (a number, a text, or null when blank). */
export type SheetContents = Map<string, Map<string, string | number | null>>;

export type Verdict = {
  /** One sentence per thing that did not end as a clean run would. */
  failures: string[];
  /** Edits whose value is missing from the final results or from the history. */
  lost: number;
};

const typedOf = (v: unknown): string | number | null =>
  v === undefined || v === null || v === '' ? null : typeof v === 'number' ? v : String(v);

/** What the world's forms and central sheet hold now, as typed (FORMULA rendering gives what was entered). */
export async function readSheetContents(world: World): Promise<SheetContents> {
  const google = world.runtime.stack.google;
  const out: SheetContents = new Map();
  const zoneCodes = world.methodology.indicators.filter((i) => i.source === 'zone').map((i) => i.code);
  for (const zone of world.zones) {
    const rows = await values(google, world.sheetOf(zone.zoneId), 'Form');
    const byCode = new Map<string, string | number | null>();
    // The form's indicators from row 3: the code in A, the value in D.
    for (const row of rows.slice(2)) {
      const code = row[0];
      if (typeof code === 'string' && zoneCodes.includes(code)) byCode.set(code, typedOf(row[3]));
    }
    out.set(zone.zoneId, byCode);
  }
  if (world.year.centralId) {
    const meta = await google.sheets.spreadsheets.get({
      spreadsheetId: world.year.centralId,
      fields: 'sheets.properties.title',
    });
    for (const s of meta.data.sheets ?? []) {
      const title = s.properties?.title;
      if (!title) continue;
      const [head = [], ...rows] = await values(google, world.year.centralId, title);
      for (const row of rows) {
        const zoneId = typeof row[0] === 'string' ? row[0] : null;
        const byCode = zoneId === null ? undefined : out.get(zoneId);
        if (!byCode) continue;
        head.slice(1).forEach((code, k) => {
          if (typeof code === 'string') byCode.set(code, typedOf(row[k + 1]));
        });
      }
    }
  }
  return out;
}

async function values(google: GoogleClients, spreadsheetId: string, range: string): Promise<unknown[][]> {
  const res = await google.sheets.spreadsheets.values.get({
    spreadsheetId,
    range,
    valueRenderOption: 'FORMULA',
  });
  return res.data.values ?? [];
}

/** The runtime clean runs are seeded in: no fault ever injected, one per suite run. */
export class CleanRuns {
  private runtime: Promise<LocalRuntime> | null = null;
  private count = 0;

  /** Seeds a fresh evaluation with `contents` under `methodology`, runs the loop until quiet, returns the results. */
  async run(
    name: string,
    zones: World['zones'],
    methodology: Methodology,
    contents: SheetContents,
  ): Promise<{ doc: ResultsDoc; tabs: Map<string, unknown[][]> }> {
    this.runtime ??= startLocalRuntime({
      evaluateDelayMs: zones.length > 12 ? 2000 : 100,
      retryDelayMs: 50,
      reconcileEveryMs: false,
      emulator: { quota: 'off' },
      calls: { pace: false },
    });
    const runtime = await this.runtime;
    const evaluationId = `clean-${++this.count}-${name}`;
    const year = await seedYear(runtime, {
      evaluationId,
      year: DEMO_YEAR,
      zones,
      methodology,
      typed: (z, code) => contents.get(z)?.get(code) ?? null,
    });
    await runtime.untilQuiet({ timeoutMs: settleMs(zones.length) });
    return {
      doc: await publishedDoc(runtime, evaluationId),
      tabs: await resultTabs(runtime.stack.google, year.resultsId),
    };
  }

  async close(): Promise<void> {
    const r = this.runtime;
    this.runtime = null;
    if (r) await (await r).close();
  }
}

/** The tabs compared between the faulted and the clean results spreadsheet: none holds a run id or a time. */
export const COMPARED_TABS = ['Ranking', 'Dimensions', 'Indicators'] as const;

async function resultTabs(google: GoogleClients, spreadsheetId: string): Promise<Map<string, unknown[][]>> {
  const res = await google.sheets.spreadsheets.values.batchGet({
    spreadsheetId,
    ranges: [...COMPARED_TABS],
    valueRenderOption: 'UNFORMATTED_VALUE',
  });
  return new Map(
    (res.data.valueRanges ?? []).map((r, k) => [COMPARED_TABS[k] ?? String(k), r.values ?? []] as const),
  );
}

async function publishedDoc(runtime: LocalRuntime, evaluationId: string): Promise<ResultsDoc> {
  const state = await runtime.stack.store.getEvaluationState(evaluationId);
  if (state?.publishedRun == null) throw new Error(`${evaluationId} has no published run`);
  const run = await runtime.stack.store.getRun(evaluationId, state.publishedRun);
  return ResultsDocSchema.parse(run?.results);
}

const near = (a: number | null | undefined, b: number | null | undefined) =>
  (a ?? null) === (b ?? null) ||
  (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)));

/** The differences between two results documents in what a clean run fixes: order, ranks, grades, scores. */
export function compareDocs(got: ResultsDoc, want: ResultsDoc): string[] {
  const out: string[] = [];
  const wantBy = new Map(want.zones.map((z) => [z.zoneId, z]));
  if (got.zones.length !== want.zones.length)
    out.push(`${got.zones.length} zones published, a clean run has ${want.zones.length}`);
  got.zones.forEach((z, k) => {
    const w = wantBy.get(z.zoneId);
    if (!w) {
      out.push(`zone ${z.zoneId} is published but not in a clean run`);
      return;
    }
    if (want.zones[k]?.zoneId !== z.zoneId)
      out.push(`position ${k + 1} holds ${z.zoneId}, a clean run has ${want.zones[k]?.zoneId}`);
    if (z.rank !== w.rank) out.push(`${z.zoneId}: rank ${z.rank}, a clean run gives ${w.rank}`);
    if (z.grade !== w.grade) out.push(`${z.zoneId}: grade ${z.grade}, a clean run gives ${w.grade}`);
    if (!near(z.score, w.score)) out.push(`${z.zoneId}: score ${z.score}, a clean run gives ${w.score}`);
    for (const [code, v] of Object.entries(w.dimensions))
      if (!near(z.dimensions[code], v))
        out.push(`${z.zoneId}: ${code} ${z.dimensions[code]}, a clean run gives ${v}`);
  });
  return out;
}

/** The values a clean run scores that the published run does not: each an edit lost. */
export function lostValues(got: ResultsDoc, want: ResultsDoc): string[] {
  const out: string[] = [];
  for (const w of want.zones) {
    const z = got.zones.find((x) => x.zoneId === w.zoneId);
    for (const [code, v] of Object.entries(w.values))
      if (!near(z?.values[code], v))
        out.push(`${w.zoneId}: ${code} = ${z?.values[code]}, a clean run scored ${v}`);
  }
  return out;
}

/** Cell-by-cell differences of the compared results tabs. */
export function compareTabs(got: Map<string, unknown[][]>, want: Map<string, unknown[][]>): string[] {
  const out: string[] = [];
  for (const tab of COMPARED_TABS) {
    const g = got.get(tab) ?? [];
    const w = want.get(tab) ?? [];
    if (g.length !== w.length) out.push(`results tab ${tab}: ${g.length} rows, a clean run has ${w.length}`);
    for (let r = 0; r < Math.min(g.length, w.length); r++) {
      const gr = g[r] ?? [];
      const wr = w[r] ?? [];
      for (let c = 0; c < Math.max(gr.length, wr.length); c++) {
        const a = gr[c] ?? '';
        const b = wr[c] ?? '';
        if (a === b || (typeof a === 'number' && typeof b === 'number' && near(a, b))) continue;
        out.push(
          `results tab ${tab} row ${r + 1} column ${c + 1}: ${String(a)}, a clean run has ${String(b)}`,
        );
        break;
      }
    }
  }
  return out;
}

/** The verdict on a world whose loop is quiet. */
export async function verify(
  world: World,
  name: string,
  clean: CleanRuns,
  deadLetters: Partial<Record<'sync' | 'evaluate', number>> = {},
): Promise<Verdict> {
  const { runtime, year } = world;
  const store = runtime.stack.store;
  const e = year.evaluationId;
  const failures: string[] = [];
  let lost = 0;

  for (const [stage, q] of Object.entries(runtime.queues.queues)) {
    const expected = deadLetters[stage as keyof typeof deadLetters] ?? 0;
    if (q.deadLetters().length !== expected)
      failures.push(`${q.deadLetters().length} messages dead-lettered on ${q.name}, not ${expected}`);
  }

  const state = await store.getEvaluationState(e);
  if (!state) throw new Error(`evaluation ${e} has no state`);
  if (state.scored < state.requested)
    failures.push(`the evaluation is not settled: scored ${state.scored} of ${state.requested} requests`);
  if (state.publishedRun === null || state.publishedRun !== state.currentRun)
    failures.push(`run ${state.currentRun} is current but run ${state.publishedRun} is published`);
  for (const s of await store.listSheets(e))
    if (s.synced < s.requested)
      failures.push(
        `sheet of ${s.zoneId ?? s.spreadsheetId} is not settled: synced ${s.synced} of ${s.requested}`,
      );

  // The history: complete, gap-free, ending on the current values, with no read stored twice.
  for (const zone of world.zones) {
    const revisions = await store.listRevisions(e, zone.zoneId);
    const current = await store.getCurrent(e, zone.zoneId);
    revisions.forEach((r, k) => {
      if (r.seq !== k + 1) failures.push(`${zone.zoneId}: revision ${k + 1} is missing (found ${r.seq})`);
    });
    // A read overtaken by a later one keeps its revision (a higher seq) as history; the current values must be the
    // latest read's, in the order of the sheet's `requested` snapshots.
    if (current) {
      const cur = revisions.find((r) => r.seq === current.revSeq);
      const later = revisions.find(
        (r) =>
          !r.late &&
          cur !== undefined &&
          r.spreadsheetId === cur.spreadsheetId &&
          r.readSeq > cur.readSeq &&
          r.contentHash !== cur.contentHash,
      );
      if (!cur) failures.push(`${zone.zoneId}: the current values' revision ${current.revSeq} is missing`);
      else if (later)
        failures.push(
          `${zone.zoneId}: the current values are revision ${cur.seq}, a later read is ${later.seq}`,
        );
    }
    const reads = new Set<string>();
    for (const r of revisions) {
      if (r.spreadsheetId === null || r.readSeq === 0) continue;
      const key = `${r.spreadsheetId}#${r.readSeq}#${r.contentHash}`;
      if (reads.has(key)) failures.push(`${zone.zoneId}: revision ${r.seq} stores the same read again`);
      reads.add(key);
    }
    for (const a of world.mustKeep.filter((x) => x.zoneId === zone.zoneId)) {
      if (!revisions.some((r) => r.values[a.code]?.value === a.value)) {
        lost++;
        failures.push(`${zone.zoneId}: the accepted value ${a.code} = ${a.value} has no revision`);
      }
    }
  }

  // The published results against a clean run over the same final sheet contents.
  const contents = await readSheetContents(world);
  const got = await publishedDoc(runtime, e);
  const want = await clean.run(name, world.zones, world.methodology, contents);
  // A value the sheet holds that the published run does not score is an edit lost.
  const missing = lostValues(got, want.doc);
  lost += missing.length;
  failures.push(...missing);
  const docDiff = compareDocs(got, want.doc);
  failures.push(...docDiff.slice(0, 10));
  if (docDiff.length > 10) failures.push(`…and ${docDiff.length - 10} more differences from a clean run`);
  const tabDiff = compareTabs(await resultTabs(runtime.stack.google, year.resultsId), want.tabs);
  failures.push(...tabDiff.slice(0, 5));
  if (tabDiff.length > 5) failures.push(`…and ${tabDiff.length - 5} more cells differing from a clean run`);
  return { failures, lost };
}

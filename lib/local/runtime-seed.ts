/**
 * Seeding an evaluation year on the local runtime as an admin would provision it on Google: the zones' forms with
 * the officials' values typed in, the control sheet, the central-data spreadsheet (one tab per central source), the
 * results spreadsheet; the Apps Script trigger on every input sheet; the spreadsheet index; the results sheet
 * recorded. Then the control sheet is signalled, as the admin's first "recompute" would, and the loop does the rest:
 * the control sync installs the methodology and asks every zone sheet to be read, each read asks for a run.
 */
import type { Methodology } from '../core/methodology';
import { requestSync } from '../pipeline/signal';
import { indexProvisioned } from '../pipeline/spreadsheet-index';
import { createSpreadsheet, type LayoutCell } from '../sheets';
import { CENTRAL_ZONE_COLUMN } from '../sheets/layout';
import type { DefaultEvaluation } from './default-evaluation';
import { generateDemoData, type Zone } from './demo-data';
import type { LocalRuntime } from './runtime';
import { provisionEvaluation } from './seed';

export type SeedYearOptions = {
  evaluationId: string;
  year: number;
  /** The evaluation of the year before, named in the control sheet's Settings (`previous_evaluation`). */
  previousEvaluation?: string;
  zones: readonly Zone[];
  /** Zone id to indicator code to the text an official typed. */
  typed: (zoneId: string, code: string) => string | number | null;
  methodology: Methodology;
  onProgress?: (done: number, total: number) => void;
  /** Called once the spreadsheets exist, before the first signal (the demo turns the emulator's quota on here). */
  onProvisioned?: () => void;
};

export type SeededYear = {
  evaluationId: string;
  year: number;
  controlId: string;
  resultsId: string;
  centralId: string | null;
  /** Zone id to its form's spreadsheet id. */
  sheets: Map<string, string>;
  /** The Drive folder holding the year's spreadsheets (what the reconcile poll lists), and its shared drive. */
  folder: string;
  driveId?: string;
};

/**
 * The default methodology for `n` zones: the grade quotas (10/50/40/5 of 105) scaled to `n` by largest remainders,
 * so every grade keeps its share; with 105 zones it is the methodology as published.
 */
export function methodologyFor(
  ev: DefaultEvaluation,
  n: number,
  options: { previousEvaluation?: string; uncertaintyRuns?: number } = {},
): Methodology {
  const spec = structuredClone(ev.methodology.spec);
  if (spec.uncertainty && options.uncertaintyRuns !== undefined)
    spec.uncertainty.runs = options.uncertaintyRuns;
  const total = spec.grade.grades.reduce((s, g) => s + (g.count ?? 0), 0);
  if (spec.grade.method === 'quota' && total > 0 && total !== n) {
    const exact = spec.grade.grades.map((g) => ((g.count ?? 0) * n) / total);
    const counts = exact.map(Math.floor);
    const order = exact.map((x, k) => [x - Math.floor(x), k] as const).sort((a, b) => b[0] - a[0]);
    for (let k = 0; counts.reduce((s, c) => s + c, 0) < n; k++) counts[order[k % order.length]![1]]!++;
    spec.grade.grades = spec.grade.grades.map((g, k) => ({ ...g, count: counts[k]! }));
  }
  return options.previousEvaluation ? { ...spec, previousEvaluation: options.previousEvaluation } : spec;
}

/**
 * The demo's zones: the 105 pilot zones, or the first `n`, or past 105 synthetic zones added after them, each with
 * a year of generated values (labelled synthetic, like the rest of the demo data).
 */
export function demoZones(ev: DefaultEvaluation, n: number, seed: number) {
  if (n <= ev.zones.length) return { zones: ev.zones.slice(0, n), demo: ev.demo };
  const extra: Zone[] = Array.from({ length: n - ev.zones.length }, (_, k) => {
    const id = ev.zones.length + k + 1;
    return {
      zoneId: `synthetic-${id}`,
      nameEn: `Synthetic zone ${id}`,
      nameZh: `模拟试验区${id}`,
      provinceEn: 'Synthetic',
      provinceZh: '模拟',
      batch: 5,
      approved: '2020-05',
    };
  });
  const zones = [...ev.zones, ...extra];
  const demo = generateDemoData({
    seed,
    years: Object.keys(ev.demo.values).map(Number),
    methodology: ev.methodology,
    zones,
  });
  return { zones, demo };
}

/** Provisions one evaluation year on the runtime's emulator, wires it into the loop, and signals its control sheet. */
export async function seedYear(runtime: LocalRuntime, options: SeedYearOptions): Promise<SeededYear> {
  const year = await provisionYear(runtime, options);
  options.onProvisioned?.();
  await signalYear(runtime, year);
  return year;
}

/**
 * The first half of `seedYear`: the year's spreadsheets made and filled, the triggers on, the index and the results
 * spreadsheet recorded; nothing signalled and not yet watched by the reconcile poll, so the loop does not touch the
 * year until `signalYear`. The demo provisions a year while the previous year's loop runs, and signals it once the
 * previous year is published (its published run enters the year's input hash).
 */
export async function provisionYear(
  runtime: LocalRuntime,
  options: Omit<SeedYearOptions, 'onProvisioned'>,
): Promise<SeededYear> {
  const { stack } = runtime;
  const e = options.evaluationId;
  const m = options.methodology;
  const typed = (zoneId: string) =>
    Object.fromEntries(
      m.indicators.filter((i) => i.source === 'zone').map((i) => [i.code, options.typed(zoneId, i.code)]),
    );
  const prov = await provisionEvaluation(stack, m, options.zones, typed, options.onProgress, {
    results: true,
  });
  const resultsId = prov.resultsId;
  if (resultsId === null) throw new Error('provisioning made no results spreadsheet');
  const meta = await stack.google.drive.files.get({
    fileId: prov.controlId,
    fields: 'parents,driveId',
    supportsAllDrives: true,
  });
  const folder = meta.data.parents?.[0];
  if (!folder) throw new Error('the control spreadsheet was created outside a folder');

  // The central departments' spreadsheet: a tab per source, zones as rows, an indicator per column.
  const tabs = new Map<string, string[]>();
  for (const ind of m.indicators) {
    if (!ind.source?.startsWith('central:')) continue;
    const tab = ind.source.slice('central:'.length);
    tabs.set(tab, [...(tabs.get(tab) ?? []), ind.code]);
  }
  let centralId: string | null = null;
  if (tabs.size) {
    const layouts = [...tabs].map(([title, codes]) => ({
      title,
      frozenRows: 1,
      rows: [
        [CENTRAL_ZONE_COLUMN.header, ...codes].map((value): LayoutCell => ({ value, bold: true })),
        ...options.zones.map((z) =>
          [z.zoneId, ...codes.map((c) => options.typed(z.zoneId, c))].map((value): LayoutCell => ({ value })),
        ),
      ],
    }));
    centralId = (
      await createSpreadsheet(stack.google, 'Central data 中央部门数据', layouts, {
        folderId: folder,
        ...(meta.data.driveId && { driveId: meta.data.driveId }),
        key: 'central',
      })
    ).spreadsheetId;
  }

  // The Apps Script trigger on every sheet people edit.
  for (const id of [...prov.sheets.values(), prov.controlId, ...(centralId ? [centralId] : [])])
    stack.emulator.enableTrigger(id);
  await indexProvisioned(stack.store, e, {
    control: prov.controlId,
    ...(centralId && { central: [centralId] }),
    results: resultsId,
  });
  await stack.store.setResultsSpreadsheet(e, resultsId);
  return {
    evaluationId: e,
    year: options.year,
    controlId: prov.controlId,
    resultsId,
    centralId,
    sheets: prov.sheets,
    folder,
    ...(meta.data.driveId && { driveId: meta.data.driveId }),
  };
}

/**
 * The second half of `seedYear`: the year joins the reconcile poll and its control sheet is signalled, as the
 * admin's first "recompute" would; the central sheet is signalled once the control sync installed a methodology.
 */
export async function signalYear(runtime: LocalRuntime, year: SeededYear): Promise<void> {
  const { stack } = runtime;
  const e = year.evaluationId;
  runtime.watch({ evaluationId: e, folder: year.folder, ...(year.driveId && { driveId: year.driveId }) });
  const deps = { store: stack.store, queue: runtime.queues, log: runtime.log };
  await requestSync(deps, {
    evaluationId: e,
    spreadsheetId: year.controlId,
    caller: 'manual',
    kind: 'control',
  });
  // The central sheet parses its values against the methodology in force: signal it once the control sync
  // installed one (a sync before that would fail and be retried).
  if (year.centralId) {
    for (let k = 0; !(await stack.store.getEvaluationState(e))?.methodologyVersion; k++) {
      if (k > 3000) throw new Error(`the control sync of ${e} installed no methodology within a minute`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await requestSync(deps, {
      evaluationId: e,
      spreadsheetId: year.centralId,
      caller: 'manual',
      kind: 'central',
    });
  }
}

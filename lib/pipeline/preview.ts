/**
 * The control sheet's Preview tab: while a draft methodology is stored and not in force, every zone's rank and
 * grade under the draft beside the version in force, scored on the zones' values as stored now, the zones whose
 * grade changes and why, and what differs between the two (lib/core/compare.ts, as `zone-eval preview` prints).
 */
import {
  type Comparison,
  compareScored,
  comparisonTable,
  describeChange,
  describeReason,
} from '../core/compare';
import { datasetFromRows } from '../core/dataset';
import { MethodologyError } from '../core/errors';
import type { CompiledMethodology } from '../core/methodology';
import { type ScoreResult, score } from '../core/score';
import type { CentralTab, ControlZone, CurrentValues, FeedbackCell } from './ports';
import { zoneValues } from './zone-values';

export const PREVIEW_TAB = 'Preview';

export type PreviewInput = {
  inForce: { version: string; compiled: CompiledMethodology; zones: readonly ControlZone[] };
  draft: { version: string; compiled: CompiledMethodology; editor: string | null; at: string };
  currents: readonly CurrentValues[];
  central: readonly CentralTab[];
};

/**
 * Every zone the version in force maps, with its values as a run would score them (`zoneValues`: its form's and
 * the central tabs'), as one dataset carrying both methodologies' codes: the in-force column is then the published
 * run's ranking. A code takes its source from the version in force, or from the draft when only the draft has it.
 */
function storedDataset(
  inForce: PreviewBasis['inForce'],
  draft: CompiledMethodology,
  currents: readonly CurrentValues[],
  central: readonly CentralTab[],
) {
  const byZone = new Map(currents.map((c) => [c.zoneId, c]));
  const byTab = new Map(central.map((t) => [t.tab, t]));
  const sources = new Map([
    ...draft.indicators.map((i) => [i.code, i.source] as const),
    ...inForce.compiled.indicators.map((i) => [i.code, i.source] as const),
  ]);
  let any = false;
  const rows = inForce.zones.map((z) => {
    const values = zoneValues(z.zoneId, byZone.get(z.zoneId), byTab, sources);
    if (values) any = true;
    return {
      id: z.zoneId,
      values: Object.fromEntries([...sources.keys()].map((c) => [c, values?.[c]?.value ?? null])),
      groups: { province: z.province ?? '', batch: z.batch === undefined ? '' : String(z.batch) },
    };
  });
  return { data: datasetFromRows(rows), any };
}

/** What the Preview compares: the version in force with its zones, and the zones' values as stored now. */
export type PreviewBasis = {
  inForce: { compiled: CompiledMethodology; zones: readonly ControlZone[] };
  currents: readonly CurrentValues[];
  central: readonly CentralTab[];
};

export type PreviewComparison =
  /** The comparison, and both runs (whose logs hold the notes a person should read). */
  | { status: 'compared'; comparison: Comparison; inForce: ScoreResult; draft: ScoreResult }
  /** No zone of the version in force has values stored. */
  | { status: 'no-values' }
  /** A methodology cannot apply to the zones stored (a quota above their number): a sentence saying why. */
  | { status: 'cannot-compare'; zones: number; message: string };

/**
 * The draft beside the version in force on the zones' stored values: what the Preview tab shows and what
 * `zone-eval preview --method FILE.json` (without --against/--data) prints, so that the two always agree.
 */
export function previewComparison(basis: PreviewBasis, draft: CompiledMethodology): PreviewComparison {
  const { data, any } = storedDataset(basis.inForce, draft, basis.currents, basis.central);
  if (!any) return { status: 'no-values' };
  try {
    const a = score(basis.inForce.compiled, data);
    const b = score(draft, data);
    const comparison = compareScored(basis.inForce.compiled, draft, data, data, a, b);
    return { status: 'compared', comparison, inForce: a, draft: b };
  } catch (err) {
    if (!(err instanceof MethodologyError)) throw err;
    return { status: 'cannot-compare', zones: data.units.length, message: err.message };
  }
}

/** The Preview tab's rows: a status line, what differs, the grade changes with reasons, then every zone. */
export function previewRows(input: PreviewInput | null): FeedbackCell[][] {
  if (input === null)
    return [['Status 状态', 'NO DRAFT 无草案: the control sheet is the methodology in force.']];
  const head: FeedbackCell[][] = [
    [
      'Status 状态',
      `DRAFT 草案 ${input.draft.version}, not in force; in force: ${input.inForce.version}. To put the draft in force type ${input.draft.version} into Settings “live”.`,
    ],
    ['Draft edited 草案编辑', `${input.draft.at}${input.draft.editor ? ` by ${input.draft.editor}` : ''}`],
  ];
  const got = previewComparison(input, input.draft.compiled);
  if (got.status === 'no-values')
    return [...head, ['Zones 试验区', 'no zone has values stored yet: nothing to compare on.']];
  if (got.status === 'cannot-compare')
    return [
      ...head,
      ['Cannot compare 无法比较', `on the ${got.zones} zones with values stored: ${got.message}`],
    ];
  const c = got.comparison;
  const rows: FeedbackCell[][] = [...head, []];
  rows.push([`What differs 变更 (${c.changes.length})`]);
  for (const ch of c.changes) rows.push(['', describeChange(ch)]);
  rows.push([]);
  rows.push([`Grade changes 等级变化: ${c.gradeChanges.length} of ${c.units.length} zones`]);
  for (const u of c.gradeChanges)
    rows.push(['', u.id, `${u.inForce.grade ?? '-'} → ${u.draft.grade ?? '-'}`, describeReason(u)]);
  if (c.approximate)
    rows.push([
      '',
      'A methodology aggregates other than arithmetically: points are effective weight x value, an approximation.',
    ]);
  rows.push([]);
  const t = comparisonTable(c);
  rows.push(t.head);
  for (const r of t.rows)
    rows.push(r.map((v, k) => (k >= 1 && k <= 3 && k !== 2 && /^\d+$/.test(v) ? Number(v) : v)));
  return rows;
}

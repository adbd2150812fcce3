/**
 * Comparing two methodologies on the same data: what differs between them (weights, methods, indicators added or
 * removed) and what that does to every unit (rank and grade under each, the units whose grade changes, and the
 * dimension and indicator whose contribution moved most). Pure: the `zone-eval preview` command and the control
 * sheet's Preview tab both print this.
 */
import type { Dataset } from './dataset';
import { contributions, effectiveWeights } from './explain-contributions';
import type { CompiledMethodology } from './methodology';
import { type ScoreResult, score } from './score';

/**
 * One difference between the methodology in force and the draft. `weight`: a weight changed; `method`: how a step
 * computes (a `method`, a direction, a missing-value rule, goalposts, a target); `added`/`removed`: an indicator,
 * aggregate or grade present on one side only; `other`: anything else (names, bounds, quotas, settings).
 */
export type MethodologyChange = {
  kind: 'added' | 'removed' | 'weight' | 'method' | 'other';
  /** Where, as a person reads it: `indicator T05 weight`, `normalise.method`, `grade G1 count`. */
  path: string;
  from: unknown;
  to: unknown;
};

/** A unit under one methodology; rank and score null when screening left it out. */
export type Standing = { rank: number | null; score: number | null; grade: string | null };

/** A part of a unit's score whose share moved between the two methodologies, in points of the overall score. */
export type Mover = { code: string; from: number; to: number; delta: number };

export type UnitComparison = {
  id: string;
  inForce: Standing;
  draft: Standing;
  gradeChanged: boolean;
  /** Places gained (positive) or lost under the draft; null when either side has no rank. */
  rankChange: number | null;
  /** The top-level dimension whose contribution to the overall score moved most, or null when none moved. */
  dimension: Mover | null;
  /** The indicator whose contribution to the overall score moved most, or null when none moved. */
  indicator: Mover | null;
};

export type Comparison = {
  changes: MethodologyChange[];
  /** Every unit, in the draft's order (units the draft leaves unranked last, in the data's order). */
  units: UnitComparison[];
  /** The units whose grade changes, in the same order. */
  gradeChanges: UnitComparison[];
  /** True when a methodology aggregates other than arithmetically: contributions are then an approximation. */
  approximate: boolean;
};

const METHOD_FIELDS = new Set([
  'method',
  'direction',
  'missing',
  'goalposts',
  'target',
  'p',
  'lambda',
  'basis',
]);

/** A label for an entry of a list keyed by `code` (indicators, aggregates, grades). */
const LIST_LABEL: Record<string, string> = {
  indicators: 'indicator',
  aggregates: 'aggregate',
  grades: 'grade',
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCoded = (v: unknown): v is unknown[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => isRecord(x) && typeof x['code'] === 'string');
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function kindOf(field: string): MethodologyChange['kind'] {
  if (field === 'weight') return 'weight';
  return METHOD_FIELDS.has(field) ? 'method' : 'other';
}

/** Leaf differences of two specs; lists of coded entries are matched by code, not position. */
function diff(a: unknown, b: unknown, path: string, field: string, out: MethodologyChange[]): void {
  if (same(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const sub = path ? `${path}.${key}` : key;
      diff(a[key], b[key], sub, key, out);
    }
    return;
  }
  if (
    (isCoded(a) || isCoded(b)) &&
    (Array.isArray(a) || a === undefined) &&
    (Array.isArray(b) || b === undefined)
  ) {
    const label = LIST_LABEL[field] ?? field;
    const byCode = (list: unknown) =>
      new Map(((list as Record<string, unknown>[] | undefined) ?? []).map((x) => [String(x['code']), x]));
    const left = byCode(a);
    const right = byCode(b);
    for (const [code, entry] of left)
      if (!right.has(code)) out.push({ kind: 'removed', path: `${label} ${code}`, from: entry, to: null });
    for (const [code, entry] of right) {
      const before = left.get(code);
      if (!before) {
        out.push({ kind: 'added', path: `${label} ${code}`, from: null, to: entry });
        continue;
      }
      for (const key of new Set([...Object.keys(before), ...Object.keys(entry)]))
        if (!same(before[key], entry[key]))
          out.push({
            kind: kindOf(key),
            path: `${label} ${code} ${key}`,
            from: before[key] ?? null,
            to: entry[key] ?? null,
          });
    }
    const order = (m: Map<string, unknown>) => [...m.keys()].filter((k) => left.has(k) && right.has(k));
    if (!same(order(left), order(right)))
      out.push({ kind: 'other', path: `${path} order`, from: order(left), to: order(right) });
    return;
  }
  out.push({ kind: kindOf(field), path, from: a ?? null, to: b ?? null });
}

/** What differs between two methodologies, from their specs with defaults filled in. */
export function methodologyChanges(
  inForce: CompiledMethodology,
  draft: CompiledMethodology,
): MethodologyChange[] {
  const out: MethodologyChange[] = [];
  diff(inForce.spec, draft.spec, '', '', out);
  return out;
}

const num = (v: number | undefined) => (v !== undefined && v === v ? v : null);

function standing(r: ScoreResult, i: number): Standing {
  return { rank: num(r.rank[i]), score: num(r.score[i]), grade: r.grade[i] ?? null };
}

/** Each top-level dimension's points in unit i's overall score (effective weight times its value), by code. */
function dimensionPoints(m: CompiledMethodology, r: ScoreResult, i: number): Map<string, number> {
  const eff = effectiveWeights(m, r, i);
  const out = new Map<string, number>();
  for (const c of m.nodes[m.root]!.children) {
    const v = r.values[c]![i]!;
    out.set(m.nodes[c]!.code, eff[c]! && v === v ? eff[c]! * v : 0);
  }
  return out;
}

function indicatorPoints(m: CompiledMethodology, r: ScoreResult, i: number): Map<string, number> {
  const { c } = contributions(m, r, i);
  return new Map(m.indicators.map((ind, j) => [ind.code, c[j]!]));
}

/** The part whose points moved most (missing on one side counts as 0), or null when nothing moved. */
function biggestMove(before: Map<string, number>, after: Map<string, number>): Mover | null {
  let best: Mover | null = null;
  for (const code of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(code) ?? 0;
    const to = after.get(code) ?? 0;
    const delta = to - from;
    if (Math.abs(delta) > 1e-9 && (!best || Math.abs(delta) > Math.abs(best.delta)))
      best = { code, from, to, delta };
  }
  return best;
}

const isArithmetic = (m: CompiledMethodology) =>
  m.nodes.every((n) => n.kind !== 'aggregate' || (n.method ?? m.spec.aggregate.method) === 'arithmetic');

/**
 * Scores the same units under the methodology in force and the draft and compares them. Each methodology reads
 * its own dataset (the draft may add indicators the other lacks); both must hold the same units in the same order.
 * Throws MethodologyError when a methodology cannot apply to the data (a quota above the number of units).
 */
export function compareMethodologies(
  inForce: CompiledMethodology,
  draft: CompiledMethodology,
  data: Dataset,
  draftData: Dataset = data,
): Comparison {
  if (!same(data.units, draftData.units))
    throw new Error('compareMethodologies: the two datasets must hold the same units in the same order');
  return compareScored(inForce, draft, data.units, score(inForce, data), score(draft, draftData));
}

/**
 * The comparison of two runs already scored (`a` under the methodology in force, `b` under the draft, over the
 * same `units` in the same order): for a caller that also reads the runs themselves (their notes).
 */
export function compareScored(
  inForce: CompiledMethodology,
  draft: CompiledMethodology,
  unitIds: readonly string[],
  a: ScoreResult,
  b: ScoreResult,
): Comparison {
  const units: UnitComparison[] = [];
  const inDraftOrder = [...b.order, ...unitIds.map((_, i) => i).filter((i) => !b.order.includes(i))];
  for (const i of inDraftOrder) {
    const before = standing(a, i);
    const after = standing(b, i);
    units.push({
      id: unitIds[i]!,
      inForce: before,
      draft: after,
      gradeChanged: before.grade !== after.grade,
      rankChange: before.rank !== null && after.rank !== null ? before.rank - after.rank : null,
      dimension: biggestMove(dimensionPoints(inForce, a, i), dimensionPoints(draft, b, i)),
      indicator: biggestMove(indicatorPoints(inForce, a, i), indicatorPoints(draft, b, i)),
    });
  }
  return {
    changes: methodologyChanges(inForce, draft),
    units,
    gradeChanges: units.filter((u) => u.gradeChanged),
    approximate: !isArithmetic(inForce) || !isArithmetic(draft),
  };
}

const show = (v: unknown): string => {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  if (isRecord(v) && typeof v['code'] === 'string') return String(v['code']);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** One sentence per difference, for the CLI and the Preview tab. */
export function describeChange(c: MethodologyChange): string {
  if (c.kind === 'added') return `${c.path} added`;
  if (c.kind === 'removed') return `${c.path} removed`;
  return `${c.path}: ${show(c.from)} → ${show(c.to)}`;
}

const points = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

/** Why a unit moved, as one sentence: the dimension and the indicator whose points moved most. */
export function describeReason(u: UnitComparison): string {
  const parts: string[] = [];
  if (u.dimension)
    parts.push(
      `dimension ${u.dimension.code} ${points(u.dimension.delta)} points (${u.dimension.from.toFixed(2)} → ${u.dimension.to.toFixed(2)})`,
    );
  if (u.indicator)
    parts.push(
      `indicator ${u.indicator.code} ${points(u.indicator.delta)} points (${u.indicator.from.toFixed(2)} → ${u.indicator.to.toFixed(2)})`,
    );
  if (!parts.length) return 'no contribution moved: the grade boundaries moved';
  return parts.join('; ');
}

const rankText = (r: number | null) => (r === null ? '-' : String(r));
const changeText = (u: UnitComparison) =>
  u.rankChange === null
    ? ''
    : u.rankChange > 0
      ? `+${u.rankChange}`
      : u.rankChange < 0
        ? String(u.rankChange)
        : '=';

/** The per-unit table both the CLI and the Preview tab show: standings side by side, a mark and the reason. */
export function comparisonTable(c: Comparison): { head: string[]; rows: string[][] } {
  return {
    head: [
      'zone',
      'rank (in force)',
      'grade (in force)',
      'rank (draft)',
      'grade (draft)',
      'move',
      'grade changes',
      'why',
    ],
    rows: c.units.map((u) => [
      u.id,
      rankText(u.inForce.rank),
      u.inForce.grade ?? '-',
      rankText(u.draft.rank),
      u.draft.grade ?? '-',
      changeText(u),
      u.gradeChanged ? `${u.inForce.grade ?? '-'} → ${u.draft.grade ?? '-'}` : '',
      u.gradeChanged || (u.rankChange ?? 0) !== 0 ? describeReason(u) : '',
    ]),
  };
}

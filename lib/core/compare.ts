/**
 * Comparing two methodologies on the same data: what differs between them (weights, methods, indicators added or
 * removed) and what that does to every unit (rank and grade under each, the units whose grade changes, and the
 * dimension and indicator whose contribution moved most). Pure: the `zone-eval preview` command and the control
 * sheet's Preview tab both print this.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import { contributions, effectiveWeights } from './explain-contributions';
import { type CompiledMethodology, compileMethodology } from './methodology';
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

/** One change between the methodologies (or a group of them), and what it alone does to a unit's standing. */
export type Cause = {
  /** The change as `describeChange` words it, or a group (`the 14 weight changes`) when there are many. */
  change: string;
  /**
   * Points the unit's score gains (positive) or loses on the grade line when this change alone is applied to the
   * methodology in force; null when the change cannot be applied alone (it needs another of the changes).
   */
  effect: number | null;
};

/**
 * Why a unit's grade changed: its score against the line of the better of its two grades under each version
 * (thresholds: the grade's minimum score; quotas and shares: the lowest score holding that grade or a better one),
 * and the changes that move it across that line, each applied alone to the methodology in force.
 */
export type GradeWhy = {
  /** The grade whose line the unit crossed: the better of its grade in force and its grade under the draft. */
  grade: string;
  score: { inForce: number | null; draft: number | null };
  line: { inForce: number | null; draft: number | null };
  /** The changes that alone move the unit the way its grade moved, the largest first. */
  causes: Cause[];
  /** The changes that alone move it the other way, the largest first. */
  against: Cause[];
};

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
  /** For a unit whose grade changed: the grade line under both versions and the changes that moved it. */
  why: GradeWhy | null;
  /** For a unit whose rank moved and grade did not: the changes that, each alone, move its rank (in places). */
  rankWhy: { causes: Cause[]; against: Cause[] } | null;
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

/** A change as found, with how to make it on a copy of the in-force spec (to score it alone). */
type Found = { change: MethodologyChange; apply: (spec: Record<string, unknown>) => void };
/** Where a change is in a spec: record keys, and `{ code }` for an entry of a coded list. */
type Segment = string | { code: string };

/** The value at `at` in a spec, or undefined. */
function reach(spec: unknown, at: readonly Segment[]): unknown {
  let v: unknown = spec;
  for (const seg of at) {
    if (typeof seg === 'string') v = isRecord(v) ? v[seg] : undefined;
    else v = Array.isArray(v) ? v.find((x) => isRecord(x) && x['code'] === seg.code) : undefined;
  }
  return v;
}

/** Sets (or, for undefined, removes) `key` of the record at `at`, making records on the way. */
function put(spec: Record<string, unknown>, at: readonly Segment[], key: string, value: unknown): void {
  let v: unknown = spec;
  for (const seg of at) {
    let next = reach(v, [seg]);
    if (next === undefined && typeof seg === 'string' && isRecord(v)) next = v[seg] = {};
    v = next;
  }
  if (!isRecord(v)) return;
  if (value === undefined) delete v[key];
  else v[key] = structuredClone(value);
}

/** Leaf differences of two specs; lists of coded entries are matched by code, not position. */
function diff(a: unknown, b: unknown, path: string, field: string, out: Found[], at: Segment[] = []): void {
  if (same(a, b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const sub = path ? `${path}.${key}` : key;
      diff(a[key], b[key], sub, key, out, [...at, key]);
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
    const list = (spec: Record<string, unknown>) => {
      const v = reach(spec, at);
      if (Array.isArray(v)) return v as Record<string, unknown>[];
      const made: Record<string, unknown>[] = [];
      put(spec, at.slice(0, -1), field, made);
      return reach(spec, at) as Record<string, unknown>[];
    };
    for (const [code, entry] of left)
      if (!right.has(code))
        out.push({
          change: { kind: 'removed', path: `${label} ${code}`, from: entry, to: null },
          apply: (spec) => {
            const l = list(spec);
            const k = l.findIndex((x) => x['code'] === code);
            if (k >= 0) l.splice(k, 1);
          },
        });
    for (const [code, entry] of right) {
      const before = left.get(code);
      if (!before) {
        out.push({
          change: { kind: 'added', path: `${label} ${code}`, from: null, to: entry },
          apply: (spec) => void list(spec).push(structuredClone(entry)),
        });
        continue;
      }
      for (const key of new Set([...Object.keys(before), ...Object.keys(entry)]))
        if (!same(before[key], entry[key]))
          out.push({
            change: {
              kind: kindOf(key),
              path: `${label} ${code} ${key}`,
              from: before[key] ?? null,
              to: entry[key] ?? null,
            },
            apply: (spec) => put(spec, [...at, { code }], key, entry[key]),
          });
    }
    const order = (m: Map<string, unknown>) => [...m.keys()].filter((k) => left.has(k) && right.has(k));
    if (!same(order(left), order(right))) {
      const to = order(right);
      out.push({
        change: { kind: 'other', path: `${path} order`, from: order(left), to },
        apply: (spec) =>
          void list(spec).sort((x, y) => to.indexOf(String(x['code'])) - to.indexOf(String(y['code']))),
      });
    }
    return;
  }
  out.push({
    change: { kind: kindOf(field), path, from: a ?? null, to: b ?? null },
    apply: (spec) => put(spec, at.slice(0, -1), field, b),
  });
}

/** What differs between two methodologies, from their specs with defaults filled in. */
export function methodologyChanges(
  inForce: CompiledMethodology,
  draft: CompiledMethodology,
): MethodologyChange[] {
  return found(inForce, draft).map((f) => f.change);
}

function found(inForce: CompiledMethodology, draft: CompiledMethodology): Found[] {
  const out: Found[] = [];
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

/** Grade codes best first: the methodology in force's, then any the draft adds. */
const gradeOrder = (a: CompiledMethodology, b: CompiledMethodology) => [
  ...new Set([...a.spec.grade.grades.map((g) => g.code), ...b.spec.grade.grades.map((g) => g.code)]),
];
/** A grade's place, best first; no grade (screened out) after every grade. */
const place = (order: readonly string[], g: string | null) => {
  const k = g === null ? -1 : order.indexOf(g);
  return k < 0 ? order.length : k;
};

/**
 * The score a unit needs to hold `code` under a scoring: its minimum score under thresholds; otherwise the lowest
 * score graded `code` or better (quotas, shares, breaks). Null when the methodology has no such grade or no unit
 * holds it.
 */
function gradeLine(
  m: CompiledMethodology,
  r: ScoreResult,
  code: string,
  order: readonly string[],
): number | null {
  const g = m.spec.grade.grades.find((x) => x.code === code);
  if (!g) return null;
  if (m.spec.grade.method === 'thresholds') return g.minScore ?? null;
  let line = Number.POSITIVE_INFINITY;
  r.grade.forEach((got, j) => {
    const v = r.score[j]!;
    if (got !== null && place(order, got) <= place(order, code) && v === v && v < line) line = v;
  });
  return line === Number.POSITIVE_INFINITY ? null : line;
}

/** The unit's score minus the line, under one scoring; null when either is unknown. */
function margin(m: CompiledMethodology, r: ScoreResult, i: number, code: string, order: readonly string[]) {
  const line = gradeLine(m, r, code, order);
  const v = num(r.score[i]);
  return line === null || v === null ? null : v - line;
}

/** Beyond this many changes each is not scored alone: they are grouped by kind (weights, methods, ...). */
const MAX_ALONE = 12;

/** Fields that never change a score: a change of them alone is not scored. */
const NO_SCORE = new Set([
  'name',
  'nameZh',
  'nameEn',
  'label',
  'labelZh',
  'labelEn',
  'colour',
  'definition',
  'unit',
  'year',
  'previousEvaluation',
  'uncertainty',
]);
const scoresNothing = (c: MethodologyChange) => {
  const field = c.path.split(/[ .]/).at(-1) ?? '';
  // The uncertainty analysis never changes a score or a grade, whatever its kind of change.
  return c.path.startsWith('uncertainty') || (c.kind === 'other' && NO_SCORE.has(field));
};

/** The changes to score alone: each of them, or grouped by kind when there are many. */
function causeGroups(changes: readonly Found[]): { label: string; apply: Found['apply'][] }[] {
  const scoring = changes.filter((f) => !scoresNothing(f.change));
  if (scoring.length <= MAX_ALONE)
    return scoring.map((f) => ({ label: describeChange(f.change), apply: [f.apply] }));
  const byKind = new Map<MethodologyChange['kind'], Found[]>();
  for (const f of scoring) byKind.set(f.change.kind, [...(byKind.get(f.change.kind) ?? []), f]);
  const words = { weight: 'weight', method: 'method', added: 'addition', removed: 'removal', other: 'other' };
  return [...byKind].map(([kind, fs]) => ({
    label: fs.length === 1 ? describeChange(fs[0]!.change) : `the ${fs.length} ${words[kind]} changes`,
    apply: fs.map((f) => f.apply),
  }));
}

/** The methodology in force with some of the changes made, scored; null when that cannot compile or score. */
function scoreWith(
  inForce: CompiledMethodology,
  apply: readonly Found['apply'][],
  data: Dataset,
): { m: CompiledMethodology; r: ScoreResult } | null {
  const spec = structuredClone(inForce.spec) as unknown as Record<string, unknown>;
  for (const f of apply) f(spec);
  // The version in force may hold settings its methods do not read (stored before that rule): not a refusal here.
  const c = compileMethodology(spec, { unused: 'ignore' });
  if (!c.ok) return null;
  try {
    return { m: c.methodology, r: score(c.methodology, data) };
  } catch (err) {
    if (err instanceof MethodologyError) return null;
    throw err;
  }
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
  return compareScored(inForce, draft, data, draftData, score(inForce, data), score(draft, draftData));
}

/**
 * The comparison of two runs already scored (`a` under the methodology in force on `data`, `b` under the draft
 * on `draftData`, the same units in the same order): for a caller that also reads the runs themselves (their
 * notes). The datasets serve to score each change alone for the reasons.
 */
export function compareScored(
  inForce: CompiledMethodology,
  draft: CompiledMethodology,
  data: Dataset,
  draftData: Dataset,
  a: ScoreResult,
  b: ScoreResult,
): Comparison {
  const units: UnitComparison[] = [];
  const inDraftOrder = [...b.order, ...data.units.map((_, i) => i).filter((i) => !b.order.includes(i))];
  for (const i of inDraftOrder) {
    const before = standing(a, i);
    const after = standing(b, i);
    units.push({
      id: data.units[i]!,
      inForce: before,
      draft: after,
      gradeChanged: before.grade !== after.grade,
      rankChange: before.rank !== null && after.rank !== null ? before.rank - after.rank : null,
      dimension: biggestMove(dimensionPoints(inForce, a, i), dimensionPoints(draft, b, i)),
      indicator: biggestMove(indicatorPoints(inForce, a, i), indicatorPoints(draft, b, i)),
      why: null,
      rankWhy: null,
    });
  }
  const changes = found(inForce, draft);
  const moved = units.filter((u) => u.gradeChanged);
  const reranked = units.filter((u) => !u.gradeChanged && (u.rankChange ?? 0) !== 0);
  if (moved.length || reranked.length) {
    // Each change alone, scored once for every unit; both datasets' columns, so an added indicator has its values.
    const both: Dataset = {
      units: data.units,
      numeric: new Map([...data.numeric, ...draftData.numeric]),
      text: new Map([...data.text, ...draftData.text]),
    };
    const alone = causeGroups(changes).map((g) => ({
      label: g.label,
      scored: scoreWith(inForce, g.apply, both),
    }));
    const order = gradeOrder(inForce, draft);
    for (const u of moved) {
      const i = data.units.indexOf(u.id);
      const up = place(order, u.draft.grade) < place(order, u.inForce.grade);
      const grade = up ? u.draft.grade! : u.inForce.grade!;
      const base = margin(inForce, a, i, grade, order);
      const effects = alone.map(({ label, scored }) => {
        const m = scored && base !== null ? margin(scored.m, scored.r, i, grade, order) : null;
        return { change: label, effect: m === null || base === null ? null : m - base };
      });
      const sign = up ? 1 : -1;
      const strongest = (x: Cause, y: Cause) => Math.abs(y.effect!) - Math.abs(x.effect!);
      u.why = {
        grade,
        score: { inForce: u.inForce.score, draft: u.draft.score },
        line: { inForce: gradeLine(inForce, a, grade, order), draft: gradeLine(draft, b, grade, order) },
        causes: effects.filter((x) => x.effect !== null && x.effect * sign > 1e-9).sort(strongest),
        against: effects.filter((x) => x.effect !== null && x.effect * sign < -1e-9).sort(strongest),
      };
    }
    // A rank move alone: the places each change alone gains or loses, in the direction the rank moved.
    for (const u of reranked) {
      const i = data.units.indexOf(u.id);
      const effects = alone.map(({ label, scored }) => {
        const r = scored ? num(scored.r.rank[i]) : null;
        return { change: label, effect: r === null || u.inForce.rank === null ? null : u.inForce.rank - r };
      });
      const sign = Math.sign(u.rankChange!);
      const strongest = (x: Cause, y: Cause) => Math.abs(y.effect!) - Math.abs(x.effect!);
      u.rankWhy = {
        causes: effects.filter((x) => x.effect !== null && x.effect * sign > 0).sort(strongest),
        against: effects.filter((x) => x.effect !== null && x.effect * sign < 0).sort(strongest),
      };
    }
  }
  return {
    changes: changes.map((f) => f.change),
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

const two = (v: number | null) => (v === null ? '-' : v.toFixed(2));

/** A grade change's reason: the score against the grade line under both versions, then the changes that did it. */
function describeWhy(u: UnitComparison, w: GradeWhy): string {
  const up = u.draft.grade === w.grade;
  const parts = [
    `score ${two(w.score.inForce)} → ${two(w.score.draft)}, ${w.grade} line ${two(w.line.inForce)} → ${two(w.line.draft)}`,
  ];
  const cause = (c: Cause) => `${c.change} (alone: ${points(c.effect!)} against the line)`;
  // A score that moved the other way from the grade: the line moved further (quotas and shares).
  const [from, to] = [w.score.inForce, w.score.draft];
  if (from !== null && to !== null && (up ? to < from : to > from))
    parts[0] += up ? ', the line fell further' : ', the line rose further';
  if (w.causes.length)
    parts.push(
      `${up ? 'raised above it by' : 'dropped below it by'} ${w.causes.slice(0, 3).map(cause).join(', ')}${w.causes.length > 3 ? ` and ${w.causes.length - 3} more` : ''}`,
    );
  else parts.push('no change does it alone: only the changes together do');
  if (w.against.length) parts.push(`despite ${w.against.slice(0, 2).map(cause).join(', ')}`);
  return parts.join('; ');
}

/**
 * Why a unit moved, as one sentence. A grade change: its score against the grade line under both versions and
 * the changes that, each alone, move it across that way (never one that moves it the other way). A rank move
 * alone: the places each change alone gains or loses it, the same way. Without those (a comparison built by
 * hand), the dimension and the indicator whose points moved most.
 */
export function describeReason(u: UnitComparison): string {
  if (u.why) return describeWhy(u, u.why);
  if (u.rankWhy) {
    const { causes, against } = u.rankWhy;
    const places = (c: Cause) =>
      `${c.change} (alone: ${c.effect! > 0 ? '+' : ''}${c.effect} place${Math.abs(c.effect!) === 1 ? '' : 's'})`;
    const parts = [
      `rank ${rankText(u.inForce.rank)} → ${rankText(u.draft.rank)}`,
      causes.length
        ? `${u.rankChange! > 0 ? 'up' : 'down'} by ${causes.slice(0, 3).map(places).join(', ')}${causes.length > 3 ? ` and ${causes.length - 3} more` : ''}`
        : 'no change does it alone: only the changes together do',
    ];
    if (against.length) parts.push(`despite ${against.slice(0, 2).map(places).join(', ')}`);
    return parts.join('; ');
  }
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

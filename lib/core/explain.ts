/**
 * Explanations per unit: each indicator's contribution to the index, strengths and weaknesses against the
 * median unit, and what it would take to reach the next grade, found by re-scoring with the change applied.
 * The search re-scores incrementally: a change to one indicator re-runs that column's steps and the aggregates
 * above it (all of them when the weights are data-driven, since every weight then moves), so a search over every
 * unit and indicator stays fast; the answer it settles on is then checked with a full `score` of the changed
 * data, and only an answer that check confirms is reported.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import type { CompiledMethodology } from './methodology';
import { type ScoreResult, score } from './score';
import { medianOf } from './stats';
import { aggregateNode } from './steps/aggregate';
import { grade } from './steps/grade';
import { impute } from './steps/impute';
import { normaliseColumn } from './steps/normalise';
import { treat } from './steps/treat';
import { weight } from './steps/weight';

export type NextGrade = {
  grade: string;
  /**
   * Index points between the unit and the grade: under `thresholds` the grade's `minScore`, otherwise the lowest
   * score already in that grade.
   */
  points: number;
  /** The indicator whose smallest improvement (as a share of its observed range) reaches the grade. */
  indicator: string;
  /** The raw value, in the data's own units, that indicator would need. */
  value: number;
};

export type Explanation = {
  contributions: Record<string, number>;
  /** True when every aggregation on the way up is arithmetic, so the contributions add up to the score. */
  additive: boolean;
  strengths: string[];
  weaknesses: string[];
  nextGrade: NextGrade | null;
};

/** Points of the grid the search scans over the nearest observed range (the grade need not be monotone in a value). */
const GRID = 16;

/**
 * Distances from the current value the search tries, in the data's units, up to `span` (the distance to the
 * limit): GRID even steps over the nearest observed range `range` (or the whole span if shorter), then steps
 * growing by sqrt(2) to the limit. The resolution follows the measure of the answer (the improvement as a
 * share of the observed range): fine where a small improvement would do, coarser far beyond the observed values.
 */
function gridOffsets(span: number, range: number): number[] {
  const near = Math.min(span, range);
  const out: number[] = [];
  for (let k = 1; k < GRID; k++) out.push((near * k) / GRID);
  out.push(near);
  for (let d = near * Math.SQRT2; d < span; d *= Math.SQRT2) out.push(d);
  if (out[out.length - 1]! < span) out.push(span);
  return out;
}

/**
 * `orderByScore(score)`, starting from a previous order: one change leaves the order nearly sorted, so an
 * insertion sort by the same rule (higher first, missing last, ties by position) does little work.
 */
function reorder(previous: number[], score: Float64Array): number[] {
  const order = previous.slice();
  const after = (a: number, b: number) => {
    const x = score[a]!;
    const y = score[b]!;
    if (x !== x) return y !== y ? a > b : true;
    if (y !== y) return false;
    return y > x || (y === x && a > b);
  };
  for (let p = 1; p < order.length; p++) {
    const u = order[p]!;
    let q = p - 1;
    while (q >= 0 && after(order[q]!, u)) {
      order[q + 1] = order[q]!;
      q--;
    }
    order[q + 1] = u;
  }
  return order;
}

/** Recomputes scores and grades after one unit's raw value of one indicator changes. */
export class WhatIf {
  private readonly keptRows: number[];
  private readonly groups?: string[];
  private readonly dataDriven: boolean;
  /** Per indicator, the denominated column over every unit of the data (screened-out units included). */
  private readonly fullRaw: Array<Float64Array | undefined>;

  constructor(
    private readonly m: CompiledMethodology,
    private readonly data: Dataset,
    private readonly base: ScoreResult,
  ) {
    const pos = new Map(data.units.map((u, i) => [u, i]));
    this.keptRows = base.units.map((u) => pos.get(u)!);
    this.groups = m.spec.impute.group ? data.text.get(m.spec.impute.group) : undefined;
    this.dataDriven = !['explicit', 'equal'].includes(m.spec.weight.method);
    this.fullRaw = new Array(m.indicators.length);
  }

  /** The raw (data) value of indicator `j` for unit position `i` of the result. */
  rawValue(i: number, j: number): number {
    return this.data.numeric.get(this.m.indicators[j]!.code)?.[this.keptRows[i]!] ?? Number.NaN;
  }

  /** Observed raw values of indicator `j` over the scored units. */
  rawColumn(j: number): Float64Array {
    const col = this.data.numeric.get(this.m.indicators[j]!.code);
    return Float64Array.from(this.keptRows, (r) => col?.[r] ?? Number.NaN);
  }

  /** The denominated column of indicator `j` over all units of the data, as `score` computes it. */
  private fullColumn(j: number): Float64Array {
    const known = this.fullRaw[j];
    if (known) return known;
    const ind = this.m.indicators[j]!;
    const n = this.data.units.length;
    const raw = this.data.numeric.get(ind.code);
    const den = ind.denominator ? this.data.numeric.get(ind.denominator) : undefined;
    const col = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      const x = raw?.[r] ?? Number.NaN;
      const d = den ? den[r]! : 1;
      col[r] = d !== d || d === 0 ? Number.NaN : x / d;
    }
    this.fullRaw[j] = col;
    return col;
  }

  /** Scores and grade indices with unit `i`'s raw value of indicator `j` set to `v`. */
  apply(i: number, j: number, v: number): { score: Float64Array; gradeIndex: Int32Array } {
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const row = this.keptRows[i]!;
    // Impute over every unit of the data, as `score` does before screening, then keep the scored rows.
    const full = Float64Array.from(this.fullColumn(j));
    const den = ind.denominator ? this.data.numeric.get(ind.denominator)?.[row] : 1;
    full[row] = den === undefined || den !== den || den === 0 ? Number.NaN : v / den;
    const imputedFull = impute([full], [ind.code], this.data.units, m.spec.impute, this.groups).cols[0]!;
    const imputed = new Float64Array(this.keptRows.length);
    for (let k = 0; k < imputed.length; k++) imputed[k] = imputedFull[this.keptRows[k]!]!;
    const treated = treat([imputed], [ind.code], m.spec.treat).cols[0]!;
    const values = base.values.slice();
    values[j] = normaliseColumn(treated, ind, m.spec.normalise);
    const weights = this.dataDriven
      ? weight(
          m.nodes,
          values.slice(0, m.indicators.length),
          m.spec.weight,
          m.indicators.map((x) => x.code),
        ).weights
      : base.weights;
    const reaggregate = (p: number) => {
      const node = m.nodes[p]!;
      values[p] = aggregateNode(
        node,
        m.nodes,
        values,
        weights,
        node.method ?? m.spec.aggregate.method,
        m.spec.aggregate,
        base.units,
      );
    };
    // Data-driven weights move with every value, so every aggregate changes; otherwise only the path up.
    if (this.dataDriven) {
      for (const node of m.nodes) if (node.kind === 'aggregate') reaggregate(node.index);
    } else for (let p = m.nodes[j]!.parent; p >= 0; p = m.nodes[p]!.parent) reaggregate(p);
    const score = values[m.root]!;

    // The changed unit's availability and missing required indicators, which the gates read.
    const was = base.raw[j]![i]!;
    const now = full[row]!;
    const availability = Float64Array.from(base.availability);
    availability[i] =
      availability[i]! + ((now === now ? 1 : 0) - (was === was ? 1 : 0)) / m.indicators.length;
    const requiredMissing = base.requiredMissing.slice();
    requiredMissing[i] = m.indicators.some((x, k) =>
      x.required ? (k === j ? now !== now : base.raw[k]![i] !== base.raw[k]![i]) : false,
    );
    const g = grade({
      units: base.units,
      score,
      order: reorder(base.order, score),
      grading: m.spec.grade,
      availability,
      requiredMissing,
    });
    return { score, gradeIndex: g.gradeIndex };
  }

  /**
   * The full check: `score` of the data with unit `i`'s raw value of indicator `j` set to `v`, and the unit's
   * grade index there (-1 when it is not graded or no longer scored). A methodology the changed data cannot be
   * scored with gives null.
   */
  rescore(i: number, j: number, v: number): { result: ScoreResult; gradeIndex: number } | null {
    const code = this.m.indicators[j]!.code;
    const numeric = new Map(this.data.numeric);
    const col = Float64Array.from(
      numeric.get(code) ?? new Float64Array(this.data.units.length).fill(Number.NaN),
    );
    col[this.keptRows[i]!] = v;
    numeric.set(code, col);
    let result: ScoreResult;
    try {
      result = score(this.m, { ...this.data, numeric });
    } catch (err) {
      if (err instanceof MethodologyError) return null;
      throw err;
    }
    const k = result.units.indexOf(this.base.units[i]!);
    const g = k < 0 ? null : result.grade[k];
    const grades = this.m.spec.grade.grades;
    return { result, gradeIndex: g === null || g === undefined ? -1 : grades.findIndex((x) => x.code === g) };
  }
}

/** Per-unit effective weights of the indicators: the product of the weights up the path, renormalised over present children. */
function contributions(
  m: CompiledMethodology,
  r: ScoreResult,
  i: number,
): { c: Float64Array; additive: boolean } {
  const eff = new Float64Array(m.nodes.length);
  eff[m.root] = 1;
  let additive = true;
  for (let p = m.nodes.length - 1; p >= 0; p--) {
    const node = m.nodes[p]!;
    if (node.kind !== 'aggregate') continue;
    if ((node.method ?? m.spec.aggregate.method) !== 'arithmetic') additive = false;
    let total = 0;
    for (const c of node.children) if (r.values[c]![i] === r.values[c]![i]) total += r.weights[c]!;
    for (const c of node.children)
      eff[c] = total > 0 && r.values[c]![i] === r.values[c]![i] ? (eff[p]! * r.weights[c]!) / total : 0;
  }
  const c = new Float64Array(m.indicators.length);
  for (let j = 0; j < c.length; j++) c[j] = eff[j]! ? eff[j]! * r.values[j]![i]! : 0;
  return { c, additive };
}

/**
 * Finds the indicator whose smallest improvement lifts unit `i` into grade index `target`, or null. Per indicator
 * the search scans a grid (`gridOffsets`) from the current value to the limit for the first value that reaches the grade
 * (treatment and data-driven weights make the grade non-monotone in the value: with winsorising, a value can
 * reach a grade that a larger one misses), then bisects between the grid point before and that one. Candidates
 * are then checked, smallest improvement first, with a full re-score; the first one confirmed is the answer.
 */
export function findNextGrade(whatIf: WhatIf, m: CompiledMethodology, i: number, target: number) {
  const candidates: { j: number; value: number; relative: number }[] = [];
  for (let j = 0; j < m.indicators.length; j++) {
    const ind = m.indicators[j]!;
    const col = whatIf.rawColumn(j);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of col) {
      if (v !== v) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) continue;
    const up = ind.direction === 1;
    // The search stays within what is possible: the declared bound, or else the best value any unit has.
    const limit = up ? Math.max(hi, ind.max ?? hi) : Math.min(lo, ind.min ?? lo);
    const current = whatIf.rawValue(i, j);
    const start = current === current ? current : up ? lo : hi;
    if (up ? start >= limit : start <= limit) continue;
    const reaches = (v: number) => whatIf.apply(i, j, v).gradeIndex[i]! <= target;
    // A missing value filled at the worst observed value may already be enough (it can lift a gate).
    if (current !== current && reaches(start)) {
      candidates.push({ j, value: start, relative: 0 });
      continue;
    }
    const sign = up ? 1 : -1;
    const offsets = gridOffsets(Math.abs(limit - start), hi - lo);
    const at = (k: number) => (k < 0 ? start : k === offsets.length - 1 ? limit : start + sign * offsets[k]!);
    let k = 0;
    while (k < offsets.length && !reaches(at(k))) k++;
    if (k === offsets.length) continue;
    let a = at(k - 1);
    let b = at(k);
    for (let s = 0; s < 40 && Math.abs(b - a) > 1e-9 * Math.max(1, Math.abs(b)); s++) {
      const mid = (a + b) / 2;
      if (reaches(mid)) b = mid;
      else a = mid;
    }
    candidates.push({ j, value: b, relative: Math.abs(b - start) / (hi - lo) });
  }
  candidates.sort((x, y) => x.relative - y.relative || x.j - y.j);
  for (const c of candidates) {
    const check = whatIf.rescore(i, c.j, c.value);
    if (check && check.gradeIndex >= 0 && check.gradeIndex <= target) return c;
  }
  return null;
}

/** Explains every unit of a result. */
export function explain(m: CompiledMethodology, data: Dataset, r: ScoreResult): Explanation[] {
  const codes = m.indicators.map((x) => x.code);
  const medians = codes.map((_, j) => medianOf(r.values[j]!));
  const grades = m.spec.grade.grades;
  const gradeIndex = r.grade.map((g) => (g === null ? -1 : grades.findIndex((x) => x.code === g)));
  const whatIf = new WhatIf(m, data, r);
  return r.units.map((_, i) => {
    const { c, additive } = contributions(m, r, i);
    const diffs = codes
      .map((code, j) => ({ code, d: r.values[j]![i]! - medians[j]! }))
      .filter((x) => x.d === x.d)
      .sort((a, b) => b.d - a.d);
    let nextGrade: NextGrade | null = null;
    const g = gradeIndex[i]!;
    if (g > 0) {
      // Under thresholds the next grade is the one just above, empty or not, and its line is its minScore;
      // otherwise it is the next grade some unit holds, and its line the lowest score in it.
      const thresholds = m.spec.grade.method === 'thresholds';
      let target = g - 1;
      if (!thresholds) while (target > 0 && !gradeIndex.includes(target)) target--;
      let floor = Number.POSITIVE_INFINITY;
      if (thresholds) floor = grades[target]!.minScore ?? Number.POSITIVE_INFINITY;
      else
        gradeIndex.forEach((gi, k) => {
          if (gi === target) floor = Math.min(floor, r.score[k]!);
        });
      const found = Number.isFinite(floor) ? findNextGrade(whatIf, m, i, target) : null;
      if (found)
        nextGrade = {
          grade: grades[target]!.code,
          points: floor - r.score[i]!,
          indicator: codes[found.j]!,
          value: found.value,
        };
    }
    return {
      contributions: Object.fromEntries(codes.map((code, j) => [code, c[j]!])),
      additive,
      strengths: diffs.slice(0, 3).map((x) => x.code),
      weaknesses: diffs
        .slice(-3)
        .reverse()
        .map((x) => x.code),
      nextGrade,
    };
  });
}

/**
 * Explanations per unit: each indicator's contribution to the index, strengths and weaknesses against the
 * median unit, and what it would take to reach the next grade, found by re-scoring with the change applied.
 * Re-scoring is incremental: a change to one indicator only re-runs that column's steps and the aggregates on
 * its path to the root, so a search over every unit and indicator stays fast.
 */
import type { Dataset } from './dataset';
import type { CompiledMethodology } from './methodology';
import type { ScoreResult } from './score';
import { medianOf } from './stats';
import { aggregateNode } from './steps/aggregate';
import { grade } from './steps/grade';
import { impute } from './steps/impute';
import { normaliseColumn } from './steps/normalise';
import { rank } from './steps/rank';
import { treat } from './steps/treat';
import { weight } from './steps/weight';

export type NextGrade = {
  grade: string;
  /** Index points between the unit and the lowest score already in that grade. */
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

/** Recomputes scores and grades after one unit's raw value of one indicator changes. */
export class WhatIf {
  private readonly keptRows: number[];
  private readonly groups?: string[];
  private readonly dataDriven: boolean;

  constructor(
    private readonly m: CompiledMethodology,
    private readonly data: Dataset,
    private readonly base: ScoreResult,
  ) {
    const pos = new Map(data.units.map((u, i) => [u, i]));
    this.keptRows = base.units.map((u) => pos.get(u)!);
    const g = m.spec.impute.group ? data.text.get(m.spec.impute.group) : undefined;
    if (g) this.groups = this.keptRows.map((r) => g[r]!);
    this.dataDriven = !['explicit', 'equal'].includes(m.spec.weight.method);
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

  /** Scores and grade indices with unit `i`'s raw value of indicator `j` set to `v`. */
  apply(i: number, j: number, v: number): { score: Float64Array; gradeIndex: Int32Array } {
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const raw = Float64Array.from(base.raw[j]!);
    const den = ind.denominator ? this.data.numeric.get(ind.denominator)?.[this.keptRows[i]!] : 1;
    raw[i] = den ? v / den : Number.NaN;
    const imputed = impute([raw], [ind.code], base.units, m.spec.impute, this.groups).cols[0]!;
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
    for (let p = m.nodes[j]!.parent; p >= 0; p = m.nodes[p]!.parent) {
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
    }
    const score = values[m.root]!;
    const g = grade({
      units: base.units,
      score,
      order: rank(score).order,
      grading: m.spec.grade,
      availability: base.availability,
      requiredMissing: base.requiredMissing,
    });
    return { score, gradeIndex: g.gradeIndex };
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

/** Finds the indicator whose smallest improvement lifts unit `i` into grade index `target`, or null. */
export function findNextGrade(whatIf: WhatIf, m: CompiledMethodology, i: number, target: number) {
  let best: { j: number; value: number; relative: number } | null = null;
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
    if (!reaches(limit)) continue;
    let a = start;
    let b = limit;
    for (let k = 0; k < 40 && Math.abs(b - a) > 1e-9 * Math.max(1, Math.abs(b)); k++) {
      const mid = (a + b) / 2;
      if (reaches(mid)) b = mid;
      else a = mid;
    }
    const relative = Math.abs(b - start) / (hi - lo);
    if (!best || relative < best.relative) best = { j, value: b, relative };
  }
  return best;
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
      let target = g - 1;
      while (target > 0 && !gradeIndex.includes(target)) target--;
      let floor = Number.POSITIVE_INFINITY;
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

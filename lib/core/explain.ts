/**
 * Explanations per unit: each indicator's contribution to the index (`explain-contributions.ts`), strengths and
 * weaknesses against the median unit, the values the unit did not report and what they cost
 * (`explain-missing.ts`), and what it would take to reach the next grade (`explain-search.ts`), found by what-if
 * re-scoring (`explain-whatif.ts`) and confirmed by a full `score` of the changed data.
 */

import type { Dataset } from './dataset';
import { contributions } from './explain-contributions';
import { type MissingCost, missingCost } from './explain-missing';
import { findNextGrade } from './explain-search';
import { WhatIf } from './explain-whatif';
import type { CompiledMethodology } from './methodology';
import type { ScoreResult } from './score';
import { medianOf } from './stats';

export type { MissingCost, MissingValue } from './explain-missing';
export { findNextGrade } from './explain-search';
export { WhatIf } from './explain-whatif';

export type NextGrade = {
  grade: string;
  /**
   * Index points between the unit and the grade: under `thresholds` the grade's `minScore`, otherwise the lowest
   * score already in that grade; 0 when the unit's score is already past that line (a gate holds it back).
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
  /** True when the search was not run for lack of time (`ExplainOptions.nextGradeBudgetMs`): `nextGrade` is null. */
  nextGradeNotComputed: boolean;
  /**
   * The indicators the unit did not report and what that cost it (see `MissingCost`); null when none, or when
   * not asked for (`ExplainOptions.missing`).
   */
  missing: MissingCost | null;
};

export type ExplainOptions = {
  /** Whether to work out what missing values cost (`Explanation.missing`); default true. When false, null. */
  missing?: boolean;
  /**
   * Milliseconds the next-grade searches may take in all (each unit's search is roughly linear in the units, so
   * all of them quadratic): once spent, the remaining units are not searched and their `nextGradeNotComputed`
   * is true. Never a partial answer: a unit searched gets the confirmed answer or null. Default: no limit.
   */
  nextGradeBudgetMs?: number;
};

/** Explains every unit of a result. */
export function explain(
  m: CompiledMethodology,
  data: Dataset,
  r: ScoreResult,
  options: ExplainOptions = {},
): Explanation[] {
  const budget = options.nextGradeBudgetMs ?? Number.POSITIVE_INFINITY;
  const started = performance.now();
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
    let nextGradeNotComputed = false;
    const g = gradeIndex[i]!;
    if (g > 0 && performance.now() - started > budget) nextGradeNotComputed = true;
    else if (g > 0) {
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
      // A gated unit can score past the line already: it lacks no points, and the search still runs, since
      // filling a missing required value can lift the gate.
      const found = Number.isFinite(floor) ? findNextGrade(whatIf, m, i, target) : null;
      if (found)
        nextGrade = {
          grade: grades[target]!.code,
          points: Math.max(0, floor - r.score[i]!),
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
      nextGradeNotComputed,
      missing: options.missing === false ? null : missingCost(whatIf, i),
    };
  });
}

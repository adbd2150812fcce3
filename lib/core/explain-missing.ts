/**
 * What a unit's missing values cost it: the indicators it did not report, and the index points between the unit
 * as scored and the unit re-scored with each missing value at the median of the values the scored units
 * reported. It reads only which values the data lacks and re-scores, so it holds whatever rule the methodology
 * applies to a missing value (left out and re-weighted, imputed, scored as the worst value, gated).
 */

import { MethodologyError } from './errors';
import type { WhatIf } from './explain-whatif';
import { type ScoreResult, score } from './score';
import { medianOf } from './stats';

export type MissingValue = {
  indicator: string;
  /**
   * The value tried in its place, in the data's units: the median of the values the scored units reported (for
   * an indicator with a denominator, the median ratio times this unit's denominator). Null when no unit
   * reported one, or this unit's denominator is missing or zero.
   */
  median: number | null;
  /** The index points this value alone at the median would add: re-scored minus as scored (null: no median). */
  points: number | null;
};

export type MissingCost = {
  /** One entry per indicator the unit did not report, in the methodology's order. */
  values: MissingValue[];
  /**
   * The index points every missing value at its median at once would add (a full re-score, so it counts the
   * gates and how the values interact): positive when not reporting cost the unit, negative when it gained.
   * Null when no missing value has a median, or the filled data cannot be scored.
   */
  points: number | null;
  /** The unit's grade in that re-score (null: not graded there). */
  grade: string | null;
};

/** The median fill of every indicator, kept per result: the medians do not depend on the unit. */
const medians = new WeakMap<ScoreResult, Float64Array>();

/**
 * What unit `i`'s missing values cost it, or null when it reported every indicator. A value is missing when the
 * unit has none once denominated (`ScoreResult.raw`; the same values as `ScoreResult.missing`).
 */
export function missingCost(whatIf: WhatIf, i: number): MissingCost | null {
  const { m, data, base } = whatIf;
  const row = whatIf.dataRow(i);
  let med = medians.get(base);
  if (!med) {
    med = Float64Array.from(m.indicators, (_, j) => medianOf(base.raw[j]!));
    medians.set(base, med);
  }
  const values: MissingValue[] = [];
  const fills = new Map<string, number>();
  m.indicators.forEach((ind, j) => {
    // Missing as the engine counts it: no value once denominated (a missing denominator included).
    const reported = base.raw[j]![i]!;
    if (reported === reported) return;
    // The median is of denominated values: back to the data's units with the unit's own denominator.
    const d = ind.denominator ? data.numeric.get(ind.denominator)?.[row] : 1;
    const v = d === undefined || d !== d || d === 0 ? Number.NaN : med![j]! * d;
    if (v !== v) {
      values.push({ indicator: ind.code, median: null, points: null });
      return;
    }
    fills.set(ind.code, v);
    const s = whatIf.apply(i, j, v).score[i]!;
    const was = base.score[i]!;
    values.push({ indicator: ind.code, median: v, points: s === s && was === was ? s - was : null });
  });
  if (!values.length) return null;
  if (!fills.size) return { values, points: null, grade: null };
  const numeric = new Map(data.numeric);
  for (const [code, v] of fills) {
    const col = Float64Array.from(numeric.get(code) ?? new Float64Array(data.units.length).fill(Number.NaN));
    col[row] = v;
    numeric.set(code, col);
  }
  let filled: ScoreResult;
  try {
    filled = score(m, { ...data, numeric });
  } catch (err) {
    if (err instanceof MethodologyError) return { values, points: null, grade: null };
    throw err;
  }
  const k = filled.units.indexOf(base.units[i]!);
  const s = k < 0 ? Number.NaN : filled.score[k]!;
  return {
    values,
    points: s === s && base.score[i] === base.score[i] ? s - base.score[i]! : null,
    grade: k < 0 ? null : (filled.grade[k] ?? null),
  };
}

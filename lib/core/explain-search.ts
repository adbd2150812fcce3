/**
 * The next-grade search: the indicator whose smallest improvement lifts a unit into a better grade, found by
 * what-if re-scoring (`explain-whatif.ts`) and confirmed by a full `score` of the changed data.
 */
import { effectiveWeights } from './explain-contributions';
import type { WhatIf } from './explain-whatif';
import type { CompiledMethodology } from './methodology';

/** Points of the grid the search scans over the nearest observed range (the grade need not be monotone in a value). */
const GRID = 16;

/**
 * The bisection stops when the bracket is this share of the indicator's observed range: the answer is reported
 * as such a share, and the value stays within 1e-6 of the exact one on ranges up to 100.
 */
const BISECT = 1e-8;

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
  // near * sqrt(2)^n, with the even powers exact (twice, four times the range), not rounded upwards.
  for (let n = 1; ; n++) {
    const d = near * 2 ** (n >> 1) * (n & 1 ? Math.SQRT2 : 1);
    if (!(d < span)) break;
    out.push(d);
  }
  if (out[out.length - 1]! < span) out.push(span);
  return out;
}

/**
 * Finds the indicator whose smallest improvement lifts unit `i` into grade index `target`, or null: the smallest
 * improvement as a share of the indicator's observed range (ties, within the bisection's precision, to the first
 * indicator) among the answers a full re-score confirms. Per indicator the search scans a grid (`gridOffsets`) from the current value to the
 * limit for the first value that reaches the grade (treatment and data-driven weights make the grade
 * non-monotone in the value: with winsorising, a value can reach a grade that a larger one misses), then bisects
 * between the grid point before and that one, and checks the value found with a full re-score.
 *
 * What keeps it fast without changing the answer: an indicator that cannot reach the grade at any value
 * (`WhatIf.mayReach`, a sound bound) is not scanned; the indicators most likely to need the least are tried
 * first (the unit's effective weight times the indicator's normalised spread, against the points missing), and
 * once an answer is confirmed, no indicator is scanned past the improvement of that answer.
 */
export function findNextGrade(
  whatIf: WhatIf,
  m: CompiledMethodology,
  i: number,
  target: number,
): { j: number; value: number; relative: number } | null {
  const base = whatIf.base;
  // The points the unit lacks, by the base result's line (only to order the indicators).
  let line = Number.NEGATIVE_INFINITY;
  if (m.spec.grade.method === 'thresholds') line = m.spec.grade.grades[target]!.minScore ?? line;
  else {
    const grades = m.spec.grade.grades;
    line = Number.POSITIVE_INFINITY;
    base.grade.forEach((g, k) => {
      if (g !== null && grades.findIndex((x) => x.code === g) <= target)
        line = Math.min(line, base.score[k]!);
    });
  }
  const lacking = Math.max(0, line - base.score[i]!) || 0;
  const eff = effectiveWeights(m, base, i);

  type Plan = {
    j: number;
    lo: number;
    hi: number;
    start: number;
    limit: number;
    current: number;
    ease: number;
  };
  const plans: Plan[] = [];
  for (let j = 0; j < m.indicators.length; j++) {
    const ind = m.indicators[j]!;
    const { lo, hi } = whatIf.observedRange(j);
    if (!(hi > lo)) continue;
    const up = ind.direction === 1;
    // The search stays within what is possible: the declared bound, or else the best value any unit has.
    const limit = up ? Math.max(hi, ind.max ?? hi) : Math.min(lo, ind.min ?? lo);
    const current = whatIf.rawValue(i, j);
    const start = current === current ? current : up ? lo : hi;
    if (up ? start >= limit : start <= limit) continue;
    if (!whatIf.mayReach(i, j, target, start)) continue;
    // Ease: an estimate of the share of the range needed (smaller first); a missing value, which may lift a
    // gate when filled, first of all.
    let ease = 0;
    if (current === current) {
      const col = base.values[j]!;
      let nLo = Number.POSITIVE_INFINITY;
      let nHi = Number.NEGATIVE_INFINITY;
      for (const x of col) {
        if (x !== x) continue;
        if (x < nLo) nLo = x;
        if (x > nHi) nHi = x;
      }
      const gain = eff[j]! * (nHi - nLo);
      const room = eff[j]! * (nHi - col[i]!);
      ease = gain > 0 ? lacking / gain + (room >= lacking ? 0 : 1) : Number.POSITIVE_INFINITY;
    }
    plans.push({ j, lo, hi, start, limit, current, ease: ease === ease ? ease : Number.POSITIVE_INFINITY });
  }
  // Every indicator's scan advances one grid point at a time, the bracket nearest the current value first (ties
  // to the easier indicator): the first answers found are small ones, and a confirmed answer ends every scan
  // whose next bracket starts at or past it.
  const scans = plans.map((plan) => {
    const sign = m.indicators[plan.j]!.direction === 1 ? 1 : -1;
    const offsets = gridOffsets(Math.abs(plan.limit - plan.start), plan.hi - plan.lo);
    const at = (k: number) =>
      k < 0 ? plan.start : k === offsets.length - 1 ? plan.limit : plan.start + sign * offsets[k]!;
    const share = (v: number) => Math.abs(v - plan.start) / (plan.hi - plan.lo);
    // A missing value is first tried filled at the worst observed value (k = -1): that may lift a gate.
    return { ...plan, offsets, at, share, k: plan.current === plan.current ? 0 : -1, from: 0 };
  });
  let best: { j: number; value: number; relative: number } | null = null;
  /**
   * Whether an answer of `relative` for indicator `j` would beat the best confirmed one. Answers that differ by
   * less than the bisection can tell apart are ties, and a tie goes to the first indicator.
   */
  const beats = (relative: number, j: number) =>
    best === null ||
    relative < best.relative - 2 * BISECT ||
    (relative <= best.relative + 2 * BISECT && j < best.j);
  let live = scans;
  while (live.length) {
    let next = 0;
    for (let q = 1; q < live.length; q++) {
      const x = live[q]!;
      const y = live[next]!;
      if (x.from < y.from || (x.from === y.from && (x.ease < y.ease || (x.ease === y.ease && x.j < y.j))))
        next = q;
    }
    const scan = live[next]!;
    const { j, at, share } = scan;
    let done = !beats(scan.from, j);
    if (!done) {
      const reaches = (v: number) => whatIf.reaches(i, j, v, target);
      if (reaches(at(scan.k))) {
        done = true;
        let value = scan.start;
        if (scan.k >= 0) {
          // Bisect the bracket, giving up once its lower end no longer beats the best confirmed answer.
          let a = at(scan.k - 1);
          let b = at(scan.k);
          const tolerance = BISECT * (scan.hi - scan.lo);
          for (let step = 0; step < 60 && Math.abs(b - a) > tolerance && beats(share(a), j); step++) {
            const mid = (a + b) / 2;
            if (reaches(mid)) b = mid;
            else a = mid;
          }
          value = b;
        }
        const relative = share(value);
        if (beats(relative, j)) {
          const check = whatIf.rescore(i, j, value);
          if (check && check.gradeIndex >= 0 && check.gradeIndex <= target) best = { j, value, relative };
        }
      } else {
        scan.from = share(at(scan.k));
        scan.k++;
        done = scan.k === scan.offsets.length;
      }
    }
    if (done) live = live.filter((x) => x !== scan);
  }
  return best;
}

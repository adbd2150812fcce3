/**
 * Explanations per unit: each indicator's contribution to the index, strengths and weaknesses against the
 * median unit, and what it would take to reach the next grade, found by re-scoring with the change applied.
 * The search re-scores incrementally: a change to one indicator re-runs that column's steps and the aggregates
 * above it (all of them under CRITIC weights, since every weight then moves; under entropy and PCA only the
 * changed column's own or its siblings' weights move), so a search over every unit and indicator stays fast; the
 * answer it settles on is then checked with a full `score` of the changed data, and only an answer that check
 * confirms is reported.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import type { CompiledMethodology, Grading } from './methodology';
import { type ScoreResult, score } from './score';
import { medianOf } from './stats';
import { aggregateNode } from './steps/aggregate';
import { grade, gradeCounts } from './steps/grade';
import { impute } from './steps/impute';
import { normaliseWithMissing } from './steps/missing';
import { TIE_EPSILON } from './steps/rank';
import { treat } from './steps/treat';
import { entropyRaw, finishWeights, pcaParentRaw, rawWeights, weight } from './steps/weight';

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
};

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

/** The worst grade index a unit may take under the gates (0: no gate holds it), as `grade` computes it. */
function capOf(grading: Grading, availability: number | undefined, requiredMissing: boolean): number {
  let cap = 0;
  for (const gate of grading.gates) {
    const gi = grading.grades.findIndex((g) => g.code === gate.maxGrade);
    const fails =
      (gate.minAvailability !== undefined &&
        availability !== undefined &&
        availability < gate.minAvailability - 1e-12) ||
      (gate.required === true && requiredMissing);
    if (gi > cap && fails) cap = gi;
  }
  return cap;
}

/** Whether an aggregation method is a weighted mean of the unit's own children (not a comparison across units). */
const perUnit = (method: string) => method !== 'topsis' && method !== 'copeland';

/** Recomputes scores and grades after one unit's raw value of one indicator changes. */
export class WhatIf {
  private readonly keptRows: number[];
  private readonly groups?: string[];
  private keptGroups?: string[];
  /**
   * How the weights move with a value: not at all (explicit, equal), only the changed column's own raw weight
   * or its siblings' (entropy, PCA), or every indicator's (CRITIC).
   */
  private readonly weighting: 'fixed' | 'local' | 'global';
  /** Per indicator, the denominated column over every unit of the data (screened-out units included). */
  private readonly fullRaw: Array<Float64Array | undefined>;
  /** Per indicator, the lowest and highest observed raw value over the scored units. */
  private readonly ranges: Array<{ lo: number; hi: number } | undefined>;
  /** Raw weights of the base result (under entropy and PCA), from which a change recomputes only its part. */
  private baseRaw?: Float64Array;
  /** Per unit, the worst grade the gates allow it in the base result. */
  private caps?: Int32Array;
  /** Scratch columns reused by every what-if. */
  private readonly fullBuf: Float64Array;
  private readonly keptBuf: Float64Array;

  constructor(
    private readonly m: CompiledMethodology,
    private readonly data: Dataset,
    readonly base: ScoreResult,
  ) {
    const pos = new Map(data.units.map((u, i) => [u, i]));
    this.keptRows = base.units.map((u) => pos.get(u)!);
    this.groups = m.spec.impute.group ? data.text.get(m.spec.impute.group) : undefined;
    const method = m.spec.weight.method;
    this.weighting =
      method === 'explicit' || method === 'equal'
        ? 'fixed'
        : method === 'entropy' || method === 'pca'
          ? 'local'
          : 'global';
    this.fullRaw = new Array(m.indicators.length);
    this.ranges = new Array(m.indicators.length);
    this.fullBuf = new Float64Array(data.units.length);
    this.keptBuf = new Float64Array(this.keptRows.length);
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

  /** The lowest and highest observed raw value of indicator `j` over the scored units (infinite when none). */
  observedRange(j: number): { lo: number; hi: number } {
    const known = this.ranges[j];
    if (known) return known;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of this.rawColumn(j)) {
      if (v !== v) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.ranges[j] = { lo, hi };
    return this.ranges[j]!;
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

  /**
   * The denominated column of indicator `j` with unit `i`'s raw value set to `v`, imputed over every unit of the
   * data as `score` does before screening, then cut to the scored rows; and unit `i`'s denominated value.
   * The column is a scratch buffer, valid until the next call.
   */
  private imputedWith(i: number, j: number, v: number): { imputed: Float64Array; now: number } {
    const ind = this.m.indicators[j]!;
    const row = this.keptRows[i]!;
    const full = this.fullBuf;
    full.set(this.fullColumn(j));
    const den = ind.denominator ? this.data.numeric.get(ind.denominator)?.[row] : 1;
    full[row] = den === undefined || den !== den || den === 0 ? Number.NaN : v / den;
    const now = full[row]!;
    const skip = [(ind.missing ?? this.m.spec.impute.missing) !== 'impute'];
    const kept = this.keptBuf;
    // Screening on raw data comes first: the imputation then sees only the units kept.
    if (this.m.spec.screen.basis === 'raw') {
      for (let k = 0; k < kept.length; k++) kept[k] = full[this.keptRows[k]!]!;
      this.keptGroups ??= this.groups && this.keptRows.map((r) => this.groups![r]!);
      const imputed = impute([kept], [ind.code], this.base.units, this.m.spec.impute, this.keptGroups, skip);
      return { imputed: imputed.cols[0]!, now };
    }
    const imputedFull = impute([full], [ind.code], this.data.units, this.m.spec.impute, this.groups, skip)
      .cols[0]!;
    for (let k = 0; k < kept.length; k++) kept[k] = imputedFull[this.keptRows[k]!]!;
    return { imputed: kept, now };
  }

  /** Unit `i`'s availability and whether it misses a required indicator, once its value of `j` is `now`. */
  private gateInputs(i: number, j: number, now: number): { availability: number; requiredMissing: boolean } {
    const { m, base } = this;
    const was = base.raw[j]![i]!;
    const availability =
      base.availability[i]! + ((now === now ? 1 : 0) - (was === was ? 1 : 0)) / m.indicators.length;
    const requiredMissing = m.indicators.some((x, k) =>
      x.required ? (k === j ? now !== now : base.raw[k]![i] !== base.raw[k]![i]) : false,
    );
    return { availability, requiredMissing };
  }

  /** The weights once indicator `j`'s normalised column in `values` has changed. */
  private weightsWith(j: number, values: Float64Array[]): Float64Array {
    const { m, base } = this;
    if (this.weighting === 'fixed') return base.weights;
    const codes = m.indicators.map((x) => x.code);
    if (this.weighting === 'global')
      return weight(m.nodes, values.slice(0, m.indicators.length), m.spec.weight, codes).weights;
    // Entropy weighs each column on its own and PCA each parent's columns: the rest of the raw weights stand.
    this.baseRaw ??= rawWeights(m.nodes, base.values.slice(0, m.indicators.length), m.spec.weight, codes, []);
    const raw = Float64Array.from(this.baseRaw);
    if (m.spec.weight.method === 'entropy') raw[j] = entropyRaw([values[j]!], [codes[j]!])[0]!;
    else pcaParentRaw(m.nodes[m.nodes[j]!.parent]!, m.nodes, values, codes, raw, []);
    return finishWeights(m.nodes, raw, m.spec.weight, []);
  }

  /**
   * The aggregates a change to indicator `j` can move, lowest first: the path up from it, or every aggregate
   * when every weight moves.
   */
  private affected(j: number): number[] {
    const { m } = this;
    if (this.weighting === 'global') return m.nodes.filter((x) => x.kind === 'aggregate').map((x) => x.index);
    const out: number[] = [];
    for (let p = m.nodes[j]!.parent; p >= 0; p = m.nodes[p]!.parent) out.push(p);
    return out;
  }

  /**
   * Scores and grade indices with unit `i`'s raw value of indicator `j` set to `v`. The aggregates recomputed
   * are those `score` would compute, in the same way, so the result is `score`'s to the last bit.
   */
  apply(i: number, j: number, v: number): { score: Float64Array; gradeIndex: Int32Array } {
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const { imputed, now } = this.imputedWith(i, j, v);
    const tr = treat([imputed], [ind.code], m.spec.treat);
    const values = base.values.slice();
    const transformed = tr.log.some((e) => e.action === 'log' || e.action === 'boxcox');
    const rule = ind.missing ?? m.spec.impute.missing;
    values[j] = normaliseWithMissing(tr.cols[0]!, ind, rule, m.spec.normalise, transformed).col;
    const weights = this.weightsWith(j, values);
    for (const p of this.affected(j)) {
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

    // The changed unit's availability and missing required indicators, which the gates read.
    const gates = this.gateInputs(i, j, now);
    const availability = Float64Array.from(base.availability);
    availability[i] = gates.availability;
    const requiredMissing = base.requiredMissing.slice();
    requiredMissing[i] = gates.requiredMissing;
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
   * False when no value of indicator `j` can lift unit `i` into grade index `target` (or better), whatever the
   * treatment does with it; true when that cannot be ruled out. A sound bound, not a search: with a normalisation
   * bounded to its range [L, H], unit `i`'s normalised value is at most H and every other unit's at least L,
   * whatever the value (winsorising can make the grade non-monotone in the value, but not leave the range).
   * Means with non-negative weights rise with each child, so unit `i`'s score with H in place is an upper bound
   * and every other unit's with L a lower bound; under data-driven weights a mean whose weights move lies between
   * the least and greatest of its children. The grading rule then says whether the grade is out of reach:
   * under thresholds, the bound falls short of the line; under quotas, the places up to the grade all go to
   * units certainly ahead (beyond any tie) and no more held back by the gates than unit `i`. `v` is a value to
   * try, which fixes which values are missing (that does not depend on the value). Jenks breaks, unbounded
   * normalisations and TOPSIS or Copeland aggregation are not bounded: true.
   */
  mayReach(i: number, j: number, target: number, v: number): boolean {
    const { m, base } = this;
    const grading = m.spec.grade;
    if (grading.method === 'jenks') return true;
    const norm = m.spec.normalise;
    if (!['minmax', 'rank', 'goalposts', 'target'].includes(norm.method)) return true;
    const L = Math.min(norm.range[0], norm.range[1]);
    const H = Math.max(norm.range[0], norm.range[1]);
    const { imputed, now } = this.imputedWith(i, j, v);
    const col = new Float64Array(imputed.length);
    for (let k = 0; k < col.length; k++) col[k] = imputed[k] !== imputed[k] ? Number.NaN : k === i ? H : L;
    const kept = this.boundScores(i, j, col, L, false);
    if (!kept) return true;
    let s = kept.score;
    if (kept.uncertain) {
      // Some units' mean over moving weights may also come out missing (every child they have weighs 0): the
      // bound is the better (for unit i) or worse (for the others) of the two, when that leaves who is scored.
      const dropped = this.boundScores(i, j, col, L, true);
      if (!dropped) return true;
      s = Float64Array.from(s);
      for (let u = 0; u < s.length; u++) {
        const x = s[u]!;
        const y = dropped.score[u]!;
        if ((x !== x) !== (y !== y)) return true;
        s[u] = u === i ? Math.max(x, y) : Math.min(x, y);
      }
    }
    const top = s[i]!;
    // Without a score the unit is not graded, whatever the value.
    if (top !== top) return false;
    const gates = this.gateInputs(i, j, now);
    const cap = capOf(grading, gates.availability, gates.requiredMissing);
    if (cap > target) return false;
    let largest = 1;
    let scored = 0;
    for (let u = 0; u < s.length; u++) {
      const x = s[u]!;
      if (x !== x) continue;
      scored++;
      if (Math.abs(x) > largest) largest = Math.abs(x);
    }
    // Beyond rounding and beyond any chain of ties.
    const margin = 2 * (s.length + 1) * TIE_EPSILON * largest;
    if (grading.method === 'thresholds') {
      let line = Number.POSITIVE_INFINITY;
      for (let g = 0; g <= target; g++)
        line = Math.min(line, grading.grades[g]!.minScore ?? Number.POSITIVE_INFINITY);
      return top + margin >= line;
    }
    const counts = gradeCounts(grading, scored);
    let places = 0;
    for (let g = 0; g <= target; g++) places += counts[g]!;
    if (!this.caps) {
      const caps = new Int32Array(base.units.length);
      for (let u = 0; u < caps.length; u++)
        caps[u] = capOf(grading, base.availability[u], base.requiredMissing[u] === true);
      this.caps = caps;
    }
    let ahead = 0;
    for (let u = 0; u < s.length; u++)
      if (u !== i && s[u]! > top + margin && this.caps[u]! <= cap) {
        ahead++;
        if (ahead >= places) return false;
      }
    return true;
  }

  /**
   * The scores bounding every unit's for `mayReach`, with indicator `j`'s normalised column `col` (H for unit `i`,
   * L for the others): unit `i`'s from above, the others' from below. A mean whose weights move takes the
   * greatest (unit `i`) or least child present; `uncertain` says some unit has only children whose moving weights
   * could all be 0, a mean then missing, which `drop` makes it. Null when no bound holds.
   */
  private boundScores(
    i: number,
    j: number,
    col: Float64Array,
    L: number,
    drop: boolean,
  ): { score: Float64Array; uncertain: boolean } | null {
    const { m, base } = this;
    const values = base.values.slice();
    values[j] = col;
    const moving = new Set<number>();
    if (this.weighting === 'local') moving.add(m.nodes[j]!.parent);
    if (this.weighting === 'global')
      for (const node of m.nodes) if (node.kind === 'indicator') moving.add(node.parent);
    // A child's raw weight that the change leaves alone: an aggregate's, and under entropy every other column's.
    const entropy = m.spec.weight.method === 'entropy';
    if (entropy)
      this.baseRaw ??= rawWeights(
        m.nodes,
        base.values.slice(0, m.indicators.length),
        m.spec.weight,
        m.indicators.map((x) => x.code),
        [],
      );
    const fixedRaw = (c: number) =>
      m.nodes[c]!.kind === 'aggregate' ? m.nodes[c]!.weight : entropy && c !== j ? this.baseRaw![c]! : 0;
    let uncertain = false;
    for (const p of this.affected(j)) {
      const node = m.nodes[p]!;
      const method = node.method ?? m.spec.aggregate.method;
      if (!perUnit(method)) return null;
      // Means other than the arithmetic rise with each child (and stay between the least and greatest) only
      // over values >= 0: every value is, when the range is and no Copeland score (which can be negative) enters.
      if (method !== 'arithmetic' && !this.nonNegative(L)) return null;
      if (moving.has(p)) {
        const out = new Float64Array(base.units.length);
        const k = node.children.length;
        for (let u = 0; u < out.length; u++) {
          let lo = Number.POSITIVE_INFINITY;
          let hi = Number.NEGATIVE_INFINITY;
          let present = 0;
          let weighs = false;
          for (const c of node.children) {
            const x = values[c]![u]!;
            if (x !== x) continue;
            present++;
            if (fixedRaw(c) > 0) weighs = true;
            if (x < lo) lo = x;
            if (x > hi) hi = x;
          }
          const enough = present > 0 && present / k >= m.spec.aggregate.minAvailability - 1e-12;
          // With every child present the weights sum to 1; otherwise a child whose weight stays > 0 keeps it so.
          const maybeMissing = enough && present < k && !weighs;
          if (maybeMissing) uncertain = true;
          out[u] = !enough || (maybeMissing && drop) ? Number.NaN : u === i ? hi : lo;
        }
        values[p] = out;
        continue;
      }
      try {
        values[p] = aggregateNode(node, m.nodes, values, base.weights, method, m.spec.aggregate, base.units);
      } catch (err) {
        if (err instanceof MethodologyError) return null;
        throw err;
      }
    }
    // With several means over moving weights, which of them come out missing combine: no bound then.
    if (uncertain && moving.size > 1) return null;
    return { score: values[m.root]!, uncertain };
  }

  /** Whether every node's value is >= 0 when the normalised values are at least `L`. */
  private nonNegative(L: number): boolean {
    const { m } = this;
    return (
      L >= 0 &&
      m.nodes.every((x) => x.kind === 'indicator' || (x.method ?? m.spec.aggregate.method) !== 'copeland')
    );
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

/**
 * Effective weights of unit `i`'s nodes: the product of the weights up the path, renormalised over the children
 * the unit has.
 */
function effectiveWeights(m: CompiledMethodology, r: ScoreResult, i: number): Float64Array {
  const eff = new Float64Array(m.nodes.length);
  eff[m.root] = 1;
  for (let p = m.nodes.length - 1; p >= 0; p--) {
    const node = m.nodes[p]!;
    if (node.kind !== 'aggregate') continue;
    let total = 0;
    for (const c of node.children) if (r.values[c]![i] === r.values[c]![i]) total += r.weights[c]!;
    for (const c of node.children)
      eff[c] = total > 0 && r.values[c]![i] === r.values[c]![i] ? (eff[p]! * r.weights[c]!) / total : 0;
  }
  return eff;
}

/** Per-unit effective weights of the indicators times their normalised values. */
function contributions(
  m: CompiledMethodology,
  r: ScoreResult,
  i: number,
): { c: Float64Array; additive: boolean } {
  const eff = effectiveWeights(m, r, i);
  const additive = m.nodes.every(
    (node) => node.kind !== 'aggregate' || (node.method ?? m.spec.aggregate.method) === 'arithmetic',
  );
  const c = new Float64Array(m.indicators.length);
  for (let j = 0; j < c.length; j++) c[j] = eff[j]! ? eff[j]! * r.values[j]![i]! : 0;
  return { c, additive };
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
      const reaches = (v: number) => {
        const g = whatIf.apply(i, j, v).gradeIndex[i]!;
        return g >= 0 && g <= target;
      };
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
    };
  });
}

/**
 * What-if re-scoring: scores and grades after one unit's raw value of one indicator changes. A change re-runs
 * that column's steps and the aggregates above it (all of them under CRITIC weights, since every weight then
 * moves; under entropy and PCA only the changed column's own or its siblings' weights move), reusing every
 * statistic of the other columns, so the result is `score`'s to the last bit at a fraction of its cost.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import type { CompiledMethodology } from './methodology';
import { type ScoreResult, score } from './score';
import { aggregateNode } from './steps/aggregate';
import { gateCap, grade, gradeCounts } from './steps/grade';
import { impute } from './steps/impute';
import { normaliseWithMissing } from './steps/missing';
import { TIE_EPSILON } from './steps/rank';
import { treat } from './steps/treat';
import { entropyRaw, finishWeights, pcaParentRaw, rawWeights, weight } from './steps/weight';

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
    const cap = gateCap(grading, gates.availability, gates.requiredMissing).cap;
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
        caps[u] = gateCap(grading, base.availability[u], base.requiredMissing[u] === true).cap;
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

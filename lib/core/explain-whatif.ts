/**
 * What-if re-scoring: scores and grades after one unit's raw value of one indicator changes. A change re-runs
 * that column's steps and the aggregates above it (all of them under CRITIC weights, since every weight then
 * moves; under entropy and PCA only the changed column's own or its siblings' weights move), reusing every
 * statistic of the other columns, so the result is `score`'s to the last bit at a fraction of its cost.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import { FAST_TOLERANCE, FastModel } from './explain-fast';
import type { CompiledMethodology, HierarchyNode } from './methodology';
import { type ScoreResult, score } from './score';
import { type Centred, centred, pearson, pearsonCentred } from './stats';
import { aggregateNode } from './steps/aggregate';
import { gateCap, grade, gradeCounts } from './steps/grade';
import { impute } from './steps/impute';
import { normaliseWithMissing } from './steps/missing';
import { normaliseColumn } from './steps/normalise';
import { TIE_EPSILON } from './steps/rank';
import { treat } from './steps/treat';
import {
  criticCombine,
  criticScale,
  criticSd,
  entropyRaw,
  finishWeights,
  pcaParentRaw,
  rawWeights,
} from './steps/weight';

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

/**
 * The greatest (`sign` 1) or least (-1) weighted mean of `xs[0..count)` over every choice of weights within
 * [`los`, `his`]: the optimum gives the greatest weight to the values above it and the least to those below, so
 * it is one of the count + 1 splits of the values sorted by `sign`. `fallback` (the greatest or least value)
 * when no split has a positive total weight.
 */
function boxMean(
  xs: Float64Array,
  los: Float64Array,
  his: Float64Array,
  count: number,
  sign: 1 | -1,
  fallback: number,
): number {
  // Insertion sort of the few children (best first by `sign`), then the splits in one pass: each moves one more
  // child from its least weight to its greatest.
  const order = boxOrder.length >= count ? boxOrder : (boxOrder = new Int32Array(count));
  for (let q = 0; q < count; q++) {
    let r = q - 1;
    while (r >= 0 && sign * xs[order[r]!]! < sign * xs[q]!) {
      order[r + 1] = order[r]!;
      r--;
    }
    order[r + 1] = q;
  }
  let acc = 0;
  let total = 0;
  for (let q = 0; q < count; q++) {
    acc += los[q]! * xs[q]!;
    total += los[q]!;
  }
  let best = total > 0 ? acc / total : Number.NaN;
  for (let r = 0; r < count; r++) {
    const q = order[r]!;
    const dw = his[q]! - los[q]!;
    acc += dw * xs[q]!;
    total += dw;
    if (!(total > 0)) continue;
    const mean = acc / total;
    if (best !== best || sign * mean > sign * best) best = mean;
  }
  return best === best ? best : fallback;
}

/** Scratch order for `boxMean`. */
let boxOrder = new Int32Array(16);

/**
 * What a change of one unit's value of one indicator needs when it moves no other unit's normalised value
 * (`WhatIf.localScores`): the column's present values' two lowest and two highest (and which unit holds the
 * extreme), how many are missing, whether the missing-value rule fills them, and the range min-max scales by.
 */
type LocalColumn = {
  min: number;
  minAt: number;
  min2: number;
  max: number;
  maxAt: number;
  max2: number;
  missing: number;
  filled: boolean;
  lo: number;
  hi: number;
};

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
  /** `gradeCounts` by the number of units scored (the search asks for them at every value it tries). */
  private readonly counts = new Map<number, number[]>();
  /** Per unit, how many required indicators it misses in the base result (`gateInputs`). */
  private requiredMissingCount?: Int32Array;
  /** Per unit, the worst grade the gates allow it in the base result. */
  private caps?: Int32Array;
  /** The indicators' codes, in order. */
  private readonly codes: string[];
  /** Under PCA, per parent, the base correlations of its indicator children (pair a < b at a * k + b). */
  private readonly pcaCorrelations = new Map<number, Float64Array>();
  /** Under CRITIC, the base columns scaled to [0, 1], their standard deviations and correlations (a < b). */
  private critic?: {
    scaled: Float64Array[];
    centred: Centred[];
    sds: Float64Array;
    table: Float64Array;
    conflict: Float64Array;
  };
  /** `movingBounds` of the means over columns a change leaves alone, by indicator and node. */
  private readonly boundCache = new Map<
    number,
    { up: Float64Array; down: Float64Array; maybe: Uint8Array; anyMaybe: boolean }
  >();
  /** Per indicator, what the one-unit what-if needs (`localColumn`); null where it does not apply. */
  private readonly local: Array<LocalColumn | null | undefined>;
  /** Per indicator, the bound scores of `mayReach` under fixed weights (`fixedBounds`); null: no bound. */
  private readonly fixedBoundCache = new Map<number, { low: Float64Array; high: Float64Array } | null>();
  /** The fast what-if that rules values out (`explain-fast.ts`), built on first use; null where it does not apply. */
  private fast?: FastModel | null;
  /**
   * Scratch columns reused by every what-if: the search tries tens of thousands of values, and allocating a
   * typed array costs more than averaging a hundred units, so nothing on that path allocates one.
   */
  private readonly fullBuf: Float64Array;
  private readonly keptBuf: Float64Array;
  private readonly scratch: {
    /** The changed column before and after normalisation (`normaliseWithMissing`). */
    filled: Float64Array;
    out: Float64Array;
    /** The changed column as CRITIC scales it, and its correlations with the others. */
    mine: Float64Array;
    row: Float64Array;
    /** Per indicator: CRITIC standard deviations; raw weights; per node: weights. */
    sds: Float64Array;
    raw: Float64Array;
    weights: Float64Array;
    /** Per aggregate node, its column of scores. */
    aggregates: Float64Array[];
  };

  constructor(
    readonly m: CompiledMethodology,
    readonly data: Dataset,
    readonly base: ScoreResult,
    /** `fast: false` turns the fast what-if off (`explain-fast.ts`): the answers are the same, found slower. */
    private readonly options: { fast?: boolean } = {},
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
    this.codes = m.indicators.map((x) => x.code);
    this.fullRaw = new Array(m.indicators.length);
    this.ranges = new Array(m.indicators.length);
    this.local = new Array(m.indicators.length);
    this.fullBuf = new Float64Array(data.units.length);
    const n = this.keptRows.length;
    this.keptBuf = new Float64Array(n);
    this.scratch = {
      filled: new Float64Array(n),
      out: new Float64Array(n),
      mine: new Float64Array(n),
      row: new Float64Array(m.indicators.length),
      sds: new Float64Array(m.indicators.length),
      raw: new Float64Array(m.nodes.length),
      weights: new Float64Array(m.nodes.length),
      aggregates: m.nodes.map((x) => (x.kind === 'aggregate' ? new Float64Array(n) : new Float64Array(0))),
    };
  }

  /** The row of the data holding unit position `i` of the result. */
  dataRow(i: number): number {
    return this.keptRows[i]!;
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
    if (!this.requiredMissingCount) {
      const counts = new Int32Array(base.units.length);
      m.indicators.forEach((x, k) => {
        if (!x.required) return;
        const col = base.raw[k]!;
        for (let u = 0; u < counts.length; u++) if (col[u] !== col[u]) counts[u]!++;
      });
      this.requiredMissingCount = counts;
    }
    // The base count, with indicator j's part as it is now.
    const required = m.indicators[j]!.required === true;
    const missing =
      this.requiredMissingCount[i]! - (required && was !== was ? 1 : 0) + (required && now !== now ? 1 : 0);
    return { availability, requiredMissing: missing > 0 };
  }

  /** The weights once indicator `j`'s normalised column in `values` has changed. */
  private weightsWith(j: number, values: Float64Array[]): Float64Array {
    const { m, base } = this;
    if (this.weighting === 'fixed') return base.weights;
    const codes = this.codes;
    if (this.weighting === 'global') return this.criticWith(j, values);
    // Entropy weighs each column on its own and PCA each parent's columns: the rest of the raw weights stand.
    this.baseRaw ??= rawWeights(m.nodes, base.values.slice(0, m.indicators.length), m.spec.weight, codes, []);
    const raw = this.scratch.raw;
    raw.set(this.baseRaw);
    if (m.spec.weight.method === 'entropy') raw[j] = entropyRaw([values[j]!], [codes[j]!])[0]!;
    else {
      const parent = m.nodes[m.nodes[j]!.parent]!;
      const kids = parent.children.filter((c) => m.nodes[c]!.kind === 'indicator');
      const kj = kids.indexOf(j);
      // The siblings' correlations with each other stand; only the changed column's are computed again.
      let kept = this.pcaCorrelations.get(parent.index);
      if (!kept) {
        const k = kids.length;
        kept = new Float64Array(k * k);
        for (let a = 0; a < k; a++)
          for (let b = a + 1; b < k; b++)
            kept[a * k + b] = pearson(base.values[kids[a]!]!, base.values[kids[b]!]!);
        this.pcaCorrelations.set(parent.index, kept);
      }
      const table = kept;
      const correlation = (a: number, b: number) =>
        a === kj || b === kj
          ? pearson(values[kids[a]!]!, values[kids[b]!]!)
          : table[Math.min(a, b) * kids.length + Math.max(a, b)]!;
      pcaParentRaw(parent, m.nodes, values, codes, raw, [], correlation);
    }
    return finishWeights(m.nodes, raw, m.spec.weight, [], undefined, this.scratch.weights);
  }

  /** The base result's columns as CRITIC sees them: scaled, their sds, correlations and conflict sums. */
  private criticBase(): NonNullable<WhatIf['critic']> {
    if (this.critic) return this.critic;
    const { m, base } = this;
    const n = m.indicators.length;
    const scaled = base.values.slice(0, n).map((col) => criticScale(col));
    const table = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) table[a * n + b] = pearson(scaled[a]!, scaled[b]!);
    const conflict = new Float64Array(n);
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        const r = table[a * n + b]!;
        conflict[a]! += 1 - (r === r ? r : 0);
        conflict[b]! += 1 - (r === r ? r : 0);
      }
    this.critic = {
      scaled,
      centred: scaled.map(centred),
      sds: Float64Array.from(scaled, criticSd),
      table,
      conflict,
    };
    return this.critic;
  }

  /**
   * CRITIC weights once indicator `j`'s column has changed: the other columns' scaled values, standard deviations
   * and correlations with each other are those of the base result, so only column `j`'s are computed again
   * (48 correlations instead of 1,128 for 48 indicators), and combined in `criticRaw`'s order.
   */
  private criticWith(j: number, values: Float64Array[]): Float64Array {
    const { m, scratch } = this;
    const n = m.indicators.length;
    const { scaled, table, sds: baseSds, centred: stats } = this.criticBase();
    const mine = criticScale(values[j]!, scratch.mine);
    const sds = scratch.sds;
    sds.set(baseSds);
    sds[j] = criticSd(mine);
    const row = scratch.row;
    const own = centred(mine);
    for (let k = 0; k < n; k++)
      row[k] =
        k === j
          ? 0
          : k < j
            ? pearsonCentred(scaled[k]!, stats[k]!, mine, own)
            : pearsonCentred(mine, own, scaled[k]!, stats[k]!);
    const raw = scratch.raw;
    for (const node of m.nodes) raw[node.index] = node.weight;
    criticCombine(sds, (a, b) => (a === j ? row[b]! : b === j ? row[a]! : table[a * n + b]!), raw);
    return finishWeights(m.nodes, raw, m.spec.weight, [], undefined, scratch.weights);
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
   * Every unit's score with unit `i`'s raw value of indicator `j` set to `v`, and that unit's denominated value.
   * The aggregates recomputed are those `score` would compute, in the same way, so the scores are `score`'s to
   * the last bit.
   */
  private scoresWith(i: number, j: number, v: number): { score: Float64Array; now: number } {
    const local = this.localScores(i, j, v);
    if (local) return local;
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const { imputed, now } = this.imputedWith(i, j, v);
    const tr = treat([imputed], [ind.code], m.spec.treat);
    const values = base.values.slice();
    const transformed = tr.log.some((e) => e.action === 'log' || e.action === 'boxcox');
    const rule = ind.missing ?? m.spec.impute.missing;
    values[j] = normaliseWithMissing(
      tr.cols[0]!,
      ind,
      rule,
      m.spec.normalise,
      transformed,
      undefined,
      this.scratch,
    ).col;
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
        this.scratch.aggregates[p],
      );
    }
    // A scratch column, valid until the next what-if (`apply` hands out a copy).
    return { score: values[m.root]!, now };
  }

  /**
   * Whether a change to indicator `j` can be re-scored one unit at a time (`localScores`), with what it needs:
   * under fixed weights (explicit, equal), no treatment, min-max normalisation, no imputation of the column, and
   * means of each unit's own children, every other unit's values depend on the change only through the
   * column's lowest and highest values and how many are missing. Null when one of those does not hold.
   */
  private localColumn(j: number): LocalColumn | null {
    const known = this.local[j];
    if (known !== undefined) return known;
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const rule = ind.missing ?? m.spec.impute.missing;
    const eligible =
      this.weighting === 'fixed' &&
      m.spec.treat.method === 'none' &&
      m.spec.normalise.method === 'minmax' &&
      (m.spec.impute.method === 'none' || rule !== 'impute') &&
      this.affected(j).every((p) => perUnit(m.nodes[p]!.method ?? m.spec.aggregate.method));
    if (!eligible) {
      this.local[j] = null;
      return null;
    }
    const col = base.treated[j]!;
    const c: LocalColumn = {
      min: Number.POSITIVE_INFINITY,
      minAt: -1,
      min2: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
      maxAt: -1,
      max2: Number.NEGATIVE_INFINITY,
      missing: 0,
      filled: false,
      lo: 0,
      hi: 0,
    };
    for (let u = 0; u < col.length; u++) {
      const x = col[u]!;
      if (x !== x) {
        c.missing++;
        continue;
      }
      if (x < c.min) {
        c.min2 = c.min;
        c.min = x;
        c.minAt = u;
      } else if (x < c.min2) c.min2 = x;
      if (x > c.max) {
        c.max2 = c.max;
        c.max = x;
        c.maxAt = u;
      } else if (x > c.max2) c.max2 = x;
    }
    // As `normaliseWithMissing` scales: over the values present, and under `bound` with some value missing,
    // over the bound (or the worst value present) as well.
    c.filled = rule !== 'impute' && c.missing > 0 && c.missing < col.length;
    c.lo = c.min;
    c.hi = c.max;
    const bound = ind.direction === 1 ? ind.min : ind.max;
    if (c.filled && rule === 'bound' && bound !== undefined) {
      const fill = ind.direction === 1 ? Math.min(bound, c.min) : Math.max(bound, c.max);
      c.lo = Math.min(c.lo, fill);
      c.hi = Math.max(c.hi, fill);
    }
    this.local[j] = c;
    return c;
  }

  /**
   * `scoresWith` for a change that moves no other unit's normalised value (`localColumn`: the column's lowest
   * and highest values present and its missing-value rule's branch stay), computed for unit `i` alone: the
   * other units keep their base scores, and unit `i`'s normalised value and means are computed by the same
   * functions on one-unit columns, so every score is `score`'s to the last bit. Null when the change moves
   * other units (a new lowest or highest value, or the column's last missing value filled).
   */
  private localScores(i: number, j: number, v: number): { score: Float64Array; now: number } | null {
    const c = this.localColumn(j);
    if (!c) return null;
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const den = ind.denominator ? this.data.numeric.get(ind.denominator)?.[this.keptRows[i]!] : 1;
    const now = den === undefined || den !== den || den === 0 ? Number.NaN : v / den;
    if (now !== now) return null;
    const was = base.treated[j]![i]!;
    const othersMin = c.minAt === i ? c.min2 : c.min;
    const othersMax = c.maxAt === i ? c.max2 : c.max;
    if (Math.min(othersMin, now) !== c.min || Math.max(othersMax, now) !== c.max) return null;
    const missing = c.missing - (was !== was ? 1 : 0);
    const rule = ind.missing ?? m.spec.impute.missing;
    if ((rule !== 'impute' && missing > 0 && missing < base.units.length) !== c.filled) return null;
    const mine: Float64Array[] = new Array(m.nodes.length);
    mine[j] = normaliseColumn(Float64Array.of(c.lo, c.hi, now), ind, m.spec.normalise).subarray(2);
    const unit = [base.units[i]!];
    for (const p of this.affected(j)) {
      const node = m.nodes[p]!;
      for (const k of node.children) mine[k] ??= Float64Array.of(base.values[k]![i]!);
      mine[p] = aggregateNode(
        node,
        m.nodes,
        mine,
        base.weights,
        node.method ?? m.spec.aggregate.method,
        m.spec.aggregate,
        unit,
      );
    }
    const score = Float64Array.from(base.score);
    score[i] = mine[m.root]![0]!;
    return { score, now };
  }

  /** Every unit's grade index once unit `i`'s scores are `score` and its value of `j` is `now`. */
  private gradesWith(i: number, j: number, score: Float64Array, now: number): Int32Array {
    const { m, base } = this;
    // The changed unit's availability and missing required indicators, which the gates read.
    const gates = this.gateInputs(i, j, now);
    const availability = Float64Array.from(base.availability);
    availability[i] = gates.availability;
    const requiredMissing = base.requiredMissing.slice();
    requiredMissing[i] = gates.requiredMissing;
    return grade({
      units: base.units,
      score,
      order: reorder(base.order, score),
      grading: m.spec.grade,
      availability,
      requiredMissing,
    }).gradeIndex;
  }

  /**
   * Scores and grade indices with unit `i`'s raw value of indicator `j` set to `v`, as `score` would give them.
   */
  apply(i: number, j: number, v: number): { score: Float64Array; gradeIndex: Int32Array } {
    const { score, now } = this.scoresWith(i, j, v);
    return { score: Float64Array.from(score), gradeIndex: this.gradesWith(i, j, score, now) };
  }

  /**
   * Whether unit `i` takes grade index `target` or better with its raw value of indicator `j` set to `v`:
   * `apply`'s answer, without grading every unit when the scores alone rule the grade out (`ruledOut`, the same
   * test `mayReach` applies to bounds), as they do for most values the search tries.
   */
  reaches(i: number, j: number, v: number, target: number): boolean {
    const fast = this.approximate(i, j, v);
    if (fast) {
      const gates = this.gateInputs(i, j, fast.now);
      const cap = gateCap(this.m.spec.grade, gates.availability, gates.requiredMissing).cap;
      // Short of the grade even if every approximate score is off by the most it can be: short of it.
      if (this.ruledOut(i, fast.score, cap, target, 2 * fast.error)) return false;
    }
    const { score, now } = this.scoresWith(i, j, v);
    const gates = this.gateInputs(i, j, now);
    const cap = gateCap(this.m.spec.grade, gates.availability, gates.requiredMissing).cap;
    if (this.ruledOut(i, score, cap, target)) return false;
    const g = this.gradesWith(i, j, score, now)[i]!;
    return g >= 0 && g <= target;
  }

  /**
   * The fast what-if's scores (`explain-fast.ts`) with unit `i`'s raw value of indicator `j` set to `v`, each
   * within `error` of `apply`'s, and the unit's denominated value; null where the fast what-if does not apply
   * (or is turned off). The scores are a scratch column, valid until the next call.
   */
  approximate(i: number, j: number, v: number): { score: Float64Array; now: number; error: number } | null {
    if (this.options.fast === false) return null;
    if (this.fast === undefined)
      this.fast = FastModel.of(
        this.m,
        this.base,
        (k, values) => this.weightsWith(k, values),
        () => this.criticBase(),
      );
    if (!this.fast) return null;
    const ind = this.m.indicators[j]!;
    const den = ind.denominator ? this.data.numeric.get(ind.denominator)?.[this.keptRows[i]!] : 1;
    const now = den === undefined || den !== den || den === 0 ? Number.NaN : v / den;
    const score = this.fast.scoresWith(i, j, now);
    return score ? { score, now, error: FAST_TOLERANCE * this.fast.scale } : null;
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
    const { m } = this;
    const grading = m.spec.grade;
    if (grading.method === 'jenks') return true;
    const norm = m.spec.normalise;
    if (!['minmax', 'rank', 'goalposts', 'target'].includes(norm.method)) return true;
    const L = Math.min(norm.range[0], norm.range[1]);
    const H = Math.max(norm.range[0], norm.range[1]);
    const fixed = this.fixedBounds(i, j, v, L, H);
    if (fixed) {
      const gates = this.gateInputs(i, j, fixed.now);
      return !this.ruledOut(
        i,
        fixed.score,
        gateCap(grading, gates.availability, gates.requiredMissing).cap,
        target,
      );
    }
    const { imputed, now } = this.imputedWith(i, j, v);
    const col = new Float64Array(imputed.length);
    // A value still missing here is left out, unless a missing-value rule scores it: then it takes a value within
    // the range like any other (the bottom, or the declared bound's place), at least L.
    const ind = m.indicators[j]!;
    const scored = (ind.missing ?? m.spec.impute.missing) !== 'impute';
    for (let k = 0; k < col.length; k++)
      col[k] = !scored && imputed[k] !== imputed[k] ? Number.NaN : k === i ? H : L;
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
    const gates = this.gateInputs(i, j, now);
    return !this.ruledOut(i, s, gateCap(grading, gates.availability, gates.requiredMissing).cap, target);
  }

  /**
   * `mayReach`'s bound scores under fixed weights when the column is not imputed, so that which other units
   * have a value does not depend on unit `i`'s: every unit's mean then depends on its own children alone, so
   * the scores with L (or H) in every unit's place are computed once per indicator, and unit `i`'s bound is its
   * entry in the H column, the others' theirs in the L column, the same numbers `boundScores` gives. Null when
   * that does not apply (the caller then computes the bound for this unit alone).
   */
  private fixedBounds(
    i: number,
    j: number,
    v: number,
    L: number,
    H: number,
  ): { score: Float64Array; now: number } | null {
    const { m, base } = this;
    const ind = m.indicators[j]!;
    const rule = ind.missing ?? m.spec.impute.missing;
    if (this.weighting !== 'fixed' || (m.spec.impute.method !== 'none' && rule === 'impute')) return null;
    const den = ind.denominator ? this.data.numeric.get(ind.denominator)?.[this.keptRows[i]!] : 1;
    const now = den === undefined || den !== den || den === 0 ? Number.NaN : v / den;
    const scored = rule !== 'impute';
    if (!scored && now !== now) return null;
    let known = this.fixedBoundCache.get(j);
    if (known === undefined) {
      const imputed = base.imputed[j]!;
      const low = Float64Array.from(imputed, (x) => (!scored && x !== x ? Number.NaN : L));
      const high = new Float64Array(imputed.length).fill(H);
      const a = this.boundScores(-1, j, low, L, false);
      const b = a && this.boundScores(-1, j, high, L, false);
      known = a && b ? { low: a.score, high: b.score } : null;
      this.fixedBoundCache.set(j, known);
    }
    if (!known) return null;
    const score = Float64Array.from(known.low);
    score[i] = known.high[i]!;
    return { score, now };
  }

  /**
   * True when unit `i` cannot take grade index `target` or better: given every unit's score `s` (or, from
   * `mayReach`, unit `i`'s bound from above and the others' from below), and `cap`, the worst grade unit `i`'s
   * gates allow it. Under thresholds its score falls short of the line; under quotas and shares, the places up
   * to the grade all go to units certainly ahead (beyond any chain of ties) and held back by the gates no more
   * than unit `i`: each of those takes a place up to the grade while one is left for unit `i` (grading goes best
   * first, each unit to the first grade from its cap with a place), and a unit tied with unit `i` can only share
   * a grade whose place was left. False when that cannot be told (natural breaks).
   */
  private ruledOut(i: number, s: Float64Array, cap: number, target: number, slack = 0): boolean {
    const { m, base } = this;
    const grading = m.spec.grade;
    const top = s[i]!;
    // Without a score the unit is not graded, whatever the value.
    if (top !== top) return true;
    if (cap > target) return true;
    // The last grade takes every unit left over: nothing rules it out.
    if (grading.method === 'jenks' || target >= grading.grades.length - 1) return false;
    let largest = 1;
    let scored = 0;
    for (let u = 0; u < s.length; u++) {
      const x = s[u]!;
      if (x !== x) continue;
      scored++;
      if (Math.abs(x) > largest) largest = Math.abs(x);
    }
    // Beyond rounding and beyond any chain of ties.
    const margin = 2 * (s.length + 1) * TIE_EPSILON * largest + slack;
    if (grading.method === 'thresholds') {
      let line = Number.POSITIVE_INFINITY;
      for (let g = 0; g <= target; g++)
        line = Math.min(line, grading.grades[g]!.minScore ?? Number.POSITIVE_INFINITY);
      return top + margin < line;
    }
    let counts = this.counts.get(scored);
    if (!counts) {
      counts = gradeCounts(grading, scored);
      this.counts.set(scored, counts);
    }
    let places = 0;
    for (let g = 0; g <= target; g++) places += counts[g]!;
    if (!this.caps) {
      const caps = new Int32Array(base.units.length);
      for (let u = 0; u < caps.length; u++)
        caps[u] = gateCap(grading, base.availability[u], base.requiredMissing[u] === true).cap;
      this.caps = caps;
    }
    let ahead = 0;
    if (ahead >= places) return true;
    for (let u = 0; u < s.length; u++)
      if (u !== i && s[u]! > top + margin && this.caps[u]! <= cap) {
        ahead++;
        if (ahead >= places) return true;
      }
    return false;
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
    // The units with a value of `j` (which the value tried does not change), for CRITIC's bound on its weight.
    let present = 0;
    for (let u = 0; u < col.length; u++) if (col[u] === col[u]) present++;
    for (const p of this.affected(j)) {
      const node = m.nodes[p]!;
      const method = node.method ?? m.spec.aggregate.method;
      if (!perUnit(method)) return null;
      // Means other than the arithmetic rise with each child (and stay between the least and greatest) only
      // over values >= 0: every value is, when the range is and no Copeland score (which can be negative) enters.
      if (method !== 'arithmetic' && !this.nonNegative(L)) return null;
      if (moving.has(p)) {
        // A mean over columns the change leaves alone (under CRITIC, its weights still move) has the same bounds
        // for every unit `i` and value: kept per indicator `j`.
        const standing = node.children.every((c) => c !== j && m.nodes[c]!.kind === 'indicator');
        const key = j * m.nodes.length + p;
        let bounds = standing ? this.boundCache.get(key) : undefined;
        if (!bounds) {
          bounds = this.movingBounds(j, node, method, values, present, fixedRaw);
          if (standing) this.boundCache.set(key, bounds);
        }
        if (bounds.anyMaybe) uncertain = true;
        const out = new Float64Array(base.units.length);
        for (let u = 0; u < out.length; u++)
          out[u] = bounds.maybe[u] && drop ? Number.NaN : u === i ? bounds.up[u]! : bounds.down[u]!;
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

  /**
   * Under entropy and CRITIC, the least and greatest raw weight each child of `node` (a mean whose weights move
   * with indicator `j`'s column) can take, whatever unit `i`'s value; null when no such box is known (PCA) or
   * when every child's least weight is 0 (the weights could then fall back to equal ones). Entropy: `j`'s raw
   * weight lies in [0, 1] and every other column's stands. CRITIC: `j`'s raw weight s_j sum_l (1 - r_jl) is at
   * most sd_max * 2 (m - 1), where sd_max = sqrt(n / (4 (n - 1))) is the largest sample standard deviation of n
   * values in [0, 1]; another column k keeps its s_k and its correlations but for r_kj, so its raw weight lies
   * in s_k [A_k, A_k + 2], A_k its sum without j. Widened by 1e-9 of itself against rounding.
   */
  private weightBox(
    j: number,
    node: HierarchyNode,
    present: number,
  ): { lo: Float64Array; hi: Float64Array } | null {
    const { m, base } = this;
    const method = m.spec.weight.method;
    if (method !== 'entropy' && method !== 'critic') return null;
    const k = node.children.length;
    const lo = new Float64Array(k);
    const hi = new Float64Array(k);
    const n = m.indicators.length;
    const critic = method === 'critic' ? this.criticBase() : undefined;
    let total = 0;
    for (let q = 0; q < k; q++) {
      const c = node.children[q]!;
      let a: number;
      let b: number;
      if (m.nodes[c]!.kind === 'aggregate') a = b = m.nodes[c]!.weight;
      else if (method === 'entropy') {
        this.baseRaw ??= rawWeights(m.nodes, base.values.slice(0, n), m.spec.weight, this.codes, []);
        a = c === j ? 0 : this.baseRaw[c]!;
        b = c === j ? 1 : this.baseRaw[c]!;
      } else if (c === j) {
        a = 0;
        b = present < 2 ? 0 : Math.sqrt(present / (4 * (present - 1))) * 2 * (n - 1);
      } else {
        const r = c < j ? critic!.table[c * n + j]! : critic!.table[j * n + c]!;
        const without = critic!.conflict[c]! - (1 - (r === r ? r : 0));
        a = critic!.sds[c]! * without;
        b = critic!.sds[c]! * (without + 2);
      }
      lo[q] = a * (1 - 1e-9);
      hi[q] = b * (1 + 1e-9);
      total += lo[q]!;
    }
    return total > 0 ? { lo, hi } : null;
  }

  /**
   * Every unit's bounds on a mean whose weights move with indicator `j`'s column: `up` from above (the value
   * unit `i` may at best reach) and `down` from below (the least another unit may fall to), missing where too
   * few children are present; `maybe` marks the units whose children present may all weigh 0 (the mean then
   * missing). Within the weights' box (`weightBox`) when one is known, otherwise between the least and greatest
   * child present.
   */
  private movingBounds(
    j: number,
    node: HierarchyNode,
    method: string,
    values: Float64Array[],
    present: number,
    fixedRaw: (c: number) => number,
  ): { up: Float64Array; down: Float64Array; maybe: Uint8Array; anyMaybe: boolean } {
    const { m, base } = this;
    const box = method === 'arithmetic' ? this.weightBox(j, node, present) : null;
    const n = base.units.length;
    const up = new Float64Array(n);
    const down = new Float64Array(n);
    const maybe = new Uint8Array(n);
    let anyMaybe = false;
    const k = node.children.length;
    const xs = new Float64Array(k);
    const los = new Float64Array(k);
    const his = new Float64Array(k);
    for (let u = 0; u < n; u++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      let count = 0;
      let weighs = false;
      for (let q = 0; q < k; q++) {
        const c = node.children[q]!;
        const x = values[c]![u]!;
        if (x !== x) continue;
        if (box ? box.lo[q]! > 0 : fixedRaw(c) > 0) weighs = true;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
        xs[count] = x;
        los[count] = box ? box.lo[q]! : 0;
        his[count] = box ? box.hi[q]! : 0;
        count++;
      }
      const enough = count > 0 && count / k >= m.spec.aggregate.minAvailability - 1e-12;
      // With every child present the weights sum to 1; otherwise a child whose weight stays > 0 keeps it so.
      if (enough && count < k && !weighs) {
        maybe[u] = 1;
        anyMaybe = true;
      }
      up[u] = !enough ? Number.NaN : box ? boxMean(xs, los, his, count, 1, hi) : hi;
      down[u] = !enough ? Number.NaN : box ? boxMean(xs, los, his, count, -1, lo) : lo;
    }
    return { up, down, maybe, anyMaybe };
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

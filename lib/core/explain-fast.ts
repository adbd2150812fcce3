/**
 * A fast, approximate what-if for the next-grade search under data-driven weights (entropy, CRITIC, PCA): every
 * unit's score once unit `i`'s value of indicator `j` is `now`, within a stated error of `score`'s, at a tenth
 * of the exact what-if's cost. The search uses it only to rule values out (`WhatIf.reaches`): a value whose
 * approximate scores leave the unit short of the grade by more than the error is short of it, and every other
 * value is decided by the exact what-if. So the answers are the exact search's, found sooner.
 *
 * Why it is cheaper. Under data-driven weights a change moves the weights, and the exact what-if recomputes
 * them as `score` does (under CRITIC: 47 correlations over every unit) and then every aggregate it moves, node by
 * node. Here:
 * - the changed column's normalised values come from its lowest and highest values (min-max normalisation);
 * - CRITIC's correlations with the changed column are affine functions of the changed value over a square root,
 *   from sums taken once per unit and indicator (correlation is unchanged by the min-max scalings);
 * - with every mean arithmetic and no value missing, a score is a weighted sum of the indicators' normalised
 *   values, with each indicator's weight the product of the weights on its path to the root: one pass.
 *
 * Applies when: weights are data-driven, no treatment, min-max normalisation, no imputation of the column,
 * every aggregate an arithmetic mean, and no normalised value missing in the base result (a missing value is
 * scored by its rule). Otherwise `fastModel` gives null and the exact what-if does everything.
 */
import type { CompiledMethodology } from './methodology';
import type { ScoreResult } from './score';
import type { Centred } from './stats';
import { finishWeights, rawWeights, symmetricEigen } from './steps/weight';

/**
 * Relative error allowed for the approximate scores (against the normalisation's range). The arithmetic here
 * differs from `score`'s by rounding, some 1e-13 of the range; the margin leaves a million-fold room.
 */
export const FAST_TOLERANCE = 1e-7;

/** What CRITIC's base result gives the fast model: scaled columns, their statistics, base correlations. */
export type CriticBase = {
  scaled: Float64Array[];
  centred: Centred[];
  sds: Float64Array;
  table: Float64Array;
  conflict: Float64Array;
};

/** The changed column's per-unit-and-indicator sums for CRITIC (see `FastModel.critic`). */
type CriticSums = {
  /** Per other indicator k: sum over present other units of (s_k - mean_k)(t - c), and over missing ones of (s_k - mean_k). */
  present: Float64Array;
  missing: Float64Array;
  /** Sums over the other units present of (t - c) and (t - c)^2. */
  p1: number;
  p2: number;
};

export class FastModel {
  /** Per indicator, the aggregate nodes on its path to the root, lowest first (the root's weight is 1). */
  private readonly paths: number[][];
  /** Per indicator: effective weights, the changed column's normalised values, scores. */
  private readonly effective: Float64Array;
  private readonly column: Float64Array;
  private readonly scores: Float64Array;
  private readonly raw: Float64Array;
  private readonly weights: Float64Array;
  /** The base result's normalised values unit by unit (unit u's indicator k at u * indicators + k): one pass per unit. */
  private readonly rows: Float64Array;
  /**
   * Under entropy and PCA a change moves only the weights of its parent's children: per parent, every unit's
   * score from the indicators elsewhere (at the base weights), so a change re-sums only its siblings.
   */
  private readonly elsewhere = new Map<number, Float64Array>();
  /** Per parent: its indicator children. */
  private readonly siblings = new Map<number, number[]>();
  /** Each other indicator's correlation with the changed column (`correlations`). */
  private readonly row: Float64Array;
  /** PCA: per changed indicator, the eigenvectors found last (`pcaWeights`' warm start). */
  private readonly eigenStart = new Map<number, number[][]>();
  /** PCA: the base result's raw weights; the indicators' codes. */
  private baseRaw?: Float64Array;
  private readonly codes: string[];
  /** Per indicator: the reference value subtracted before the CRITIC sums (keeps them well conditioned). */
  private readonly centre: Float64Array;
  /** `CriticSums` of unit `sumsOf` per changed indicator (the search scans every indicator of a unit in turn). */
  private sumsOf = -1;
  private readonly sums: Array<CriticSums | undefined> = [];
  /** The scale of the normalised values: the error bound is `FAST_TOLERANCE` times it. */
  readonly scale: number;

  private constructor(
    private readonly m: CompiledMethodology,
    private readonly base: ScoreResult,
    /** The exact weights with the changed column's normalised values in place (entropy, PCA). */
    private readonly localWeights: (j: number, values: Float64Array[]) => Float64Array,
    private readonly criticBase: () => CriticBase,
  ) {
    const n = base.units.length;
    const nInd = m.indicators.length;
    this.paths = m.indicators.map((_, k) => {
      const out: number[] = [];
      for (let p = m.nodes[k]!.parent; p >= 0 && p !== m.root; p = m.nodes[p]!.parent) out.push(p);
      return out;
    });
    this.effective = new Float64Array(nInd);
    this.column = new Float64Array(n);
    this.scores = new Float64Array(n);
    this.row = new Float64Array(nInd);
    this.codes = m.indicators.map((x) => x.code);
    this.rows = new Float64Array(n * nInd);
    for (let k = 0; k < nInd; k++) {
      const col = base.values[k]!;
      for (let u = 0; u < n; u++) this.rows[u * nInd + k] = col[u]!;
    }
    this.raw = new Float64Array(m.nodes.length);
    this.weights = new Float64Array(m.nodes.length);
    this.centre = Float64Array.from(base.treated.slice(0, nInd), (col) => {
      let s = 0;
      let c = 0;
      for (const x of col)
        if (x === x) {
          s += x;
          c++;
        }
      return c ? s / c : 0;
    });
    const [lo, hi] = m.spec.normalise.range;
    this.scale = Math.max(1, Math.abs(lo), Math.abs(hi));
  }

  /** The fast model for a methodology and base result, or null when it does not apply (see the file's comment). */
  static of(
    m: CompiledMethodology,
    base: ScoreResult,
    localWeights: (j: number, values: Float64Array[]) => Float64Array,
    criticBase: () => CriticBase,
  ): FastModel | null {
    const spec = m.spec;
    const method = spec.weight.method;
    if (method !== 'entropy' && method !== 'critic' && method !== 'pca') return null;
    if (spec.treat.method !== 'none' || spec.normalise.method !== 'minmax') return null;
    if (spec.screen.basis === 'raw' && spec.impute.method !== 'none') return null;
    for (const node of m.nodes)
      if (node.kind === 'aggregate' && (node.method ?? spec.aggregate.method) !== 'arithmetic') return null;
    for (let k = 0; k < m.indicators.length; k++) {
      const rule = m.indicators[k]!.missing ?? spec.impute.missing;
      if (spec.impute.method !== 'none' && rule === 'impute') return null;
      for (const x of base.values[k]!) if (x !== x) return null;
    }
    return new FastModel(m, base, localWeights, criticBase);
  }

  /**
   * Every unit's approximate score with unit `i`'s denominated value of indicator `j` set to `now`, within
   * `FAST_TOLERANCE * scale` of `score`'s; null when this change is out of the model's reach (a value that
   * leaves some unit missing, a fill that moves, a degenerate column): the exact what-if then decides.
   * The array is reused by the next call.
   */
  scoresWith(i: number, j: number, now: number): Float64Array | null {
    const { m, base } = this;
    if (now !== now) return null;
    const ind = m.indicators[j]!;
    const dir = ind.direction;
    const tb = base.treated[j]!;
    const n = tb.length;
    const rule = ind.missing ?? m.spec.impute.missing;
    // The other units' values present, their range, and how many are missing.
    let lo = now;
    let hi = now;
    let missing = 0;
    for (let u = 0; u < n; u++) {
      if (u === i) continue;
      const x = tb[u]!;
      if (x !== x) missing++;
      else {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    // How a missing value enters the column (`normaliseWithMissing`): the bound (or the worst value present),
    // which anchors the range; or the bottom of the range after normalising ('worst').
    let fill = Number.NaN;
    let floorMissing = false;
    if (missing > 0) {
      const bound = dir === 1 ? ind.min : ind.max;
      if (rule === 'bound' && bound !== undefined) {
        fill = dir === 1 ? Math.min(bound, lo) : Math.max(bound, hi);
        lo = Math.min(lo, fill);
        hi = Math.max(hi, fill);
      } else if (rule === 'bound' || rule === 'worst') floorMissing = true;
      else return null;
    }
    const [r0, r1] = m.spec.normalise.range;
    const span = hi - lo;
    const col = this.column;
    for (let u = 0; u < n; u++) {
      const x = u === i ? now : tb[u]!;
      if (x !== x) {
        if (floorMissing) {
          col[u] = r0;
          continue;
        }
        const f = (fill - lo) / span;
        col[u] = span > 0 ? r0 + (dir === 1 ? f : 1 - f) * (r1 - r0) : (r0 + r1) / 2;
        continue;
      }
      const f = (x - lo) / span;
      col[u] = span > 0 ? r0 + (dir === 1 ? f : 1 - f) * (r1 - r0) : (r0 + r1) / 2;
    }
    // With missing values at the floor the column is no longer affine in t: CRITIC and PCA leave it to the
    // exact weights.
    const method = m.spec.weight.method;
    const weights =
      method === 'entropy'
        ? this.localWeightsWith(j)
        : floorMissing || !(span > 0)
          ? null
          : method === 'critic'
            ? this.criticWeights(i, j, now, fill, missing, span)
            : this.pcaWeights(i, j, now, fill, missing);
    if (!weights) return null;
    if (m.spec.weight.method !== 'critic') return this.siblingScores(j, weights);
    // Effective weights: each indicator's weight times its ancestors' below the root.
    const eff = this.effective;
    for (let k = 0; k < eff.length; k++) eff[k] = this.effectiveOf(weights, k);
    // The changed column's term replaces its base one: its effective weight is set aside for the pass.
    const s = this.scores;
    const rows = this.rows;
    const nInd = eff.length;
    const wj = eff[j]!;
    eff[j] = 0;
    // Four running sums, not one: a single sum waits on each addition before the next (this is approximate anyway).
    const whole = nInd - (nInd % 4);
    for (let u = 0; u < n; u++) {
      const at = u * nInd;
      let a0 = wj * col[u]!;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let k = 0;
      for (; k < whole; k += 4) {
        a0 += eff[k]! * rows[at + k]!;
        a1 += eff[k + 1]! * rows[at + k + 1]!;
        a2 += eff[k + 2]! * rows[at + k + 2]!;
        a3 += eff[k + 3]! * rows[at + k + 3]!;
      }
      for (; k < nInd; k++) a0 += eff[k]! * rows[at + k]!;
      s[u] = a0 + a1 + (a2 + a3);
    }
    return s;
  }

  /** Each indicator's weight times its ancestors' below the root. */
  private effectiveOf(weights: Float64Array, k: number): number {
    let w = weights[k]!;
    for (const p of this.paths[k]!) w *= weights[p]!;
    return w;
  }

  /**
   * Entropy and PCA: the scores with new weights for the changed column's siblings only (the aggregates' own
   * weights are explicit and every other parent's children keep theirs): the rest of each score is the base's.
   */
  private siblingScores(j: number, weights: Float64Array): Float64Array {
    const { m, base } = this;
    const parent = m.nodes[j]!.parent;
    const kids = this.indicatorChildren(parent);
    let rest = this.elsewhere.get(parent);
    const n = base.units.length;
    if (!rest) {
      rest = new Float64Array(n);
      for (let k = 0; k < m.indicators.length; k++) {
        if (m.nodes[k]!.parent === parent) continue;
        const w = this.effectiveOf(base.weights, k);
        const col = base.values[k]!;
        for (let u = 0; u < n; u++) rest[u]! += w * col[u]!;
      }
      this.elsewhere.set(parent, rest);
    }
    const s = this.scores;
    s.set(rest);
    for (const k of kids) {
      const w = this.effectiveOf(weights, k);
      const col = k === j ? this.column : base.values[k]!;
      for (let u = 0; u < n; u++) s[u]! += w * col[u]!;
    }
    return s;
  }

  /** Entropy and PCA: the exact weights of the changed column's parent, from the column computed here. */
  private localWeightsWith(j: number): Float64Array | null {
    const values = this.base.values.slice();
    values[j] = this.column;
    try {
      return this.localWeights(j, values);
    } catch {
      return null;
    }
  }

  /**
   * Each other indicator k's correlation with the changed column, into `this.row`, and the changed column's sum
   * of squared deviations: dir * cov_k / sqrt(ss_k * var), where cov_k and var are sums over the units of the
   * changed column t (less a reference c), the other units' parts summed once per (i, j) (`CriticSums`) and the
   * missing units' part a multiple of the fill. Correlation is unchanged by the min-max scalings, so t's raw
   * values serve for the normalised (and CRITIC-scaled) column. Null when the sums cancel too much to trust.
   */
  private correlations(i: number, j: number, now: number, fill: number, missing: number): number | null {
    const { m, base } = this;
    const cb = this.criticBase();
    const nInd = m.indicators.length;
    const c = this.centre[j]!;
    const sums = this.criticSums(i, j, cb);
    const n = base.units.length;
    const dt = now - c;
    const df = missing > 0 ? fill - c : 0;
    const t1 = sums.p1 + missing * df + dt;
    const t2 = sums.p2 + missing * df * df + dt * dt;
    const variance = t2 - (t1 * t1) / n;
    if (!(variance > 1e-9 * t2)) return null;
    const dir = m.indicators[j]!.direction;
    const row = this.row;
    for (let k = 0; k < nInd; k++) {
      if (k === j) continue;
      const st = cb.centred[k]!;
      if (!st.complete) return null;
      if (st.n >= 2 && st.ss > 0) {
        const cov = sums.present[k]! + df * sums.missing[k]! + (cb.scaled[k]![i]! - st.mean) * dt;
        row[k] = (dir * cov) / Math.sqrt(st.ss * variance);
      } else row[k] = st.n >= 2 ? 0 : Number.NaN;
    }
    return variance;
  }

  /**
   * CRITIC weights with unit `i`'s value of `j` at `now`: the other indicators' raw weights s_k (A_k + 1 - r_kj),
   * A_k their base conflict without j, and j's own s_j sum_k (1 - r_jk), with s_j = sqrt(var / (n - 1)) / span.
   */
  private criticWeights(
    i: number,
    j: number,
    now: number,
    fill: number,
    missing: number,
    span: number,
  ): Float64Array | null {
    const { m, base } = this;
    const variance = this.correlations(i, j, now, fill, missing);
    if (variance === null) return null;
    const cb = this.criticBase();
    const nInd = m.indicators.length;
    const raw = this.raw;
    for (const node of m.nodes) raw[node.index] = node.weight;
    let conflictJ = 0;
    for (let k = 0; k < nInd; k++) {
      if (k === j) continue;
      const x = this.row[k]!;
      const r = x === x ? x : 0;
      conflictJ += 1 - r;
      const a = Math.min(j, k);
      const b = Math.max(j, k);
      const was = cb.table[a * nInd + b]!;
      const without = cb.conflict[k]! - (1 - (was === was ? was : 0));
      raw[k] = cb.sds[k]! * (without + 1 - r);
    }
    const sdJ = span > 0 ? Math.sqrt(variance / (base.units.length - 1)) / span : 0;
    raw[j] = sdJ * conflictJ;
    try {
      return finishWeights(m.nodes, raw, m.spec.weight, [], undefined, this.weights);
    } catch {
      return null;
    }
  }

  /**
   * PCA weights with unit `i`'s value of `j` at `now`: the squared loadings of the first principal component of
   * the correlations of `j`'s parent's indicators, `j`'s row from `correlations`, the rest the base's; the
   * eigenvectors start from the last ones found for `j` (nearby values give nearby matrices). Null where `pcaRaw`
   * would do something else than take one component's squared loadings: a constant column, a tied first component.
   */
  private pcaWeights(i: number, j: number, now: number, fill: number, missing: number): Float64Array | null {
    const { m } = this;
    if (this.correlations(i, j, now, fill, missing) === null) return null;
    const cb = this.criticBase();
    const nInd = m.indicators.length;
    const parent = m.nodes[j]!.parent;
    const kids = this.indicatorChildren(parent);
    for (const k of kids) if (k !== j && !(cb.centred[k]!.ss > 0)) return null;
    const matrix = kids.map((a) =>
      kids.map((b) => {
        if (a === b) return 1;
        const x =
          a === j ? this.row[b]! : b === j ? this.row[a]! : cb.table[Math.min(a, b) * nInd + Math.max(a, b)]!;
        return x === x ? x : 0;
      }),
    );
    const { values, vectors } = symmetricEigen(matrix, this.eigenStart.get(j));
    this.eigenStart.set(j, vectors);
    let top = 0;
    for (let q = 1; q < values.length; q++) if (values[q]! > values[top]!) top = q;
    for (let q = 0; q < values.length; q++)
      if (q !== top && values[q]! >= values[top]! - 1e-6 * Math.max(1, Math.abs(values[top]!))) return null;
    const raw = this.raw;
    this.baseRaw ??= rawWeights(m.nodes, this.base.values.slice(0, nInd), m.spec.weight, this.codes, []);
    raw.set(this.baseRaw);
    kids.forEach((k, q) => {
      raw[k] = vectors[q]![top]! * vectors[q]![top]!;
    });
    try {
      return finishWeights(m.nodes, raw, m.spec.weight, [], undefined, this.weights);
    } catch {
      return null;
    }
  }

  /** A parent's indicator children. */
  private indicatorChildren(parent: number): number[] {
    let kids = this.siblings.get(parent);
    if (!kids) {
      kids = this.m.nodes[parent]!.children.filter((c) => this.m.nodes[c]!.kind === 'indicator');
      this.siblings.set(parent, kids);
    }
    return kids;
  }

  /** The sums over the units other than `i` that CRITIC's correlations with column `j` need (kept per (i, j)). */
  private criticSums(i: number, j: number, cb: CriticBase): CriticSums {
    if (this.sumsOf !== i) {
      this.sums.length = 0;
      this.sumsOf = i;
    }
    const known = this.sums[j];
    if (known) return known;
    const nInd = this.m.indicators.length;
    const tb = this.base.treated[j]!;
    const c = this.centre[j]!;
    const present = new Float64Array(nInd);
    const missing = new Float64Array(nInd);
    let p1 = 0;
    let p2 = 0;
    for (let u = 0; u < tb.length; u++) {
      if (u === i) continue;
      const x = tb[u]!;
      if (x === x) {
        p1 += x - c;
        p2 += (x - c) * (x - c);
      }
    }
    for (let k = 0; k < nInd; k++) {
      if (k === j) continue;
      const s = cb.scaled[k]!;
      const mean = cb.centred[k]!.mean;
      let sp = 0;
      let sm = 0;
      for (let u = 0; u < tb.length; u++) {
        if (u === i) continue;
        const x = tb[u]!;
        if (x === x) sp += (s[u]! - mean) * (x - c);
        else sm += s[u]! - mean;
      }
      present[k] = sp;
      missing[k] = sm;
    }
    const out = { present, missing, p1, p2 };
    this.sums[j] = out;
    return out;
  }
}

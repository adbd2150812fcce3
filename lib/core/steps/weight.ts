import { MethodologyError } from '../errors';
import type { HierarchyNode, Methodology } from '../methodology';
import { correlationTable, moments, pearson } from '../stats';

export type WeightLog = { node: string; note: string }[];

/** Entropy weight of each column (before renormalising): 1 - e_j with p_ij = v_ij / sum_i v_ij and 0 ln 0 = 0. */
export function entropyRaw(cols: Float64Array[], codes: string[]): number[] {
  return cols.map((col, j) => {
    let sum = 0;
    let k = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (v !== v) continue;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v < 0)
        throw new MethodologyError([
          {
            path: 'weight.method',
            message: `entropy weights need values >= 0, but indicator ${codes[j]} has ${v} after normalisation: use minmax or rank normalisation`,
          },
        ]);
      sum += v;
      k++;
    }
    // A constant indicator carries no information: weight exactly 0 (not rounding noise of either sign).
    if (k < 2 || sum === 0 || max === min) return 0;
    let e = 0;
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (v !== v || v === 0) continue;
      const p = v / sum;
      e -= p * Math.log(p);
    }
    return Math.max(0, 1 - e / Math.log(k));
  });
}

/**
 * A column min-maxed to [0, 1] (all 0 when constant), as CRITIC compares the indicators; into `into` when given
 * (the what-if search reuses one column rather than allocating one per value it tries).
 */
export function criticScale(col: Float64Array, into?: Float64Array): Float64Array {
  const m = moments(col);
  const span = m.max - m.min;
  // A loop, not `col.map`: a typed array's map with a callback is several times slower.
  const out = into ?? new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = span > 0 ? (col[i]! - m.min) / span : 0;
  return out;
}

/** The sample standard deviation CRITIC takes of a scaled column (0 when undefined). */
export function criticSd(scaled: Float64Array): number {
  return moments(scaled).sd || 0;
}

/**
 * CRITIC raw weights from each scaled column's standard deviation and the correlation `r(a, b)` (a < b) of every
 * pair: s_j * sum_k (1 - r_jk), each sum taken over k in increasing order. The what-if search passes the
 * correlations it kept from the base result, recomputing only the changed column's, and a column `into` to fill.
 */
export function criticCombine(
  sds: ArrayLike<number>,
  r: (a: number, b: number) => number,
  into: Float64Array = new Float64Array(sds.length),
): Float64Array {
  const m = sds.length;
  const conflict = into.fill(0, 0, m);
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const x = r(a, b);
      const c = 1 - (x === x ? x : 0);
      conflict[a]! += c;
      conflict[b]! += c;
    }
  for (let j = 0; j < m; j++) conflict[j] = sds[j]! * conflict[j]!;
  return conflict;
}

/** CRITIC weight of each column (before renormalising): s_j * sum_k (1 - r_jk) on values min-maxed to [0, 1]. */
export function criticRaw(cols: Float64Array[]): number[] {
  const scaled = cols.map((col) => criticScale(col));
  const m = cols.length;
  const table = correlationTable(scaled);
  return Array.from(criticCombine(scaled.map(criticSd), (a, b) => table[a * m + b]!));
}

/** Whether a column has fewer than two distinct present values (a constant indicator). */
function isConstant(col: Float64Array): boolean {
  let first = Number.NaN;
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: the eigenvalues and, column k of
 * the returned matrix, the unit eigenvector of the k-th. Exact for any symmetric input, whatever its structure
 * (power iteration misses the leading component when its start vector is orthogonal to it).
 */
export function symmetricEigen(
  matrix: number[][],
  start?: number[][],
): { values: number[]; vectors: number[][] } {
  const m = matrix.length;
  const a = matrix.map((row) => row.slice());
  let v: number[][] = Array.from({ length: m }, (_, r) =>
    Array.from({ length: m }, (_, c) => (r === c ? 1 : 0)),
  );
  if (start) {
    // Warm start from eigenvectors of a nearby matrix (the what-if search's previous value): the rotated matrix
    // start' A start is nearly diagonal already, so the sweeps below have little left to do.
    const av: number[][] = [];
    for (let r = 0; r < m; r++) {
      const row = new Array<number>(m).fill(0);
      for (let c = 0; c < m; c++) {
        let x = 0;
        for (let k = 0; k < m; k++) x += matrix[r]![k]! * start[k]![c]!;
        row[c] = x;
      }
      av.push(row);
    }
    // The upper triangle, mirrored: the rotations below assume an exactly symmetric matrix.
    for (let r = 0; r < m; r++)
      for (let c = r; c < m; c++) {
        let x = 0;
        for (let k = 0; k < m; k++) x += start[k]![r]! * av[k]![c]!;
        a[r]![c] = x;
        a[c]![r] = x;
      }
    v = start.map((row) => row.slice());
  }
  let scale = 0;
  for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) scale += a[p]![q]! * a[p]![q]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += a[p]![q]! * a[p]![q]!;
    if (!(off > 1e-30 * scale)) break;
    for (let p = 0; p < m; p++)
      for (let q = p + 1; q < m; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: a.map((row, k) => row[k]!), vectors: v };
}

/**
 * First principal component of the correlation matrix of `cols`; weights are the squared loadings. A constant
 * column has no correlation with anything, so it is left out before the decomposition (weight 0, logged): kept
 * in, it would be an eigenvector of its own. The leading eigenvector comes from a Jacobi eigen-decomposition;
 * when the largest eigenvalue is tied (uncorrelated indicators, say) the component is not unique and the
 * weights are the squared loadings averaged over the tied components, which does not depend on how the solver
 * happened to pick them. Mixed signs among the loadings of a unique component are reported, since squaring
 * hides an indicator that pulls the other way.
 */
export function pcaRaw(
  cols: Float64Array[],
  codes: string[],
  log: WeightLog,
  node = codes.join(','),
  correlation: (a: number, b: number) => number = (a, b) => pearson(cols[a]!, cols[b]!),
): number[] {
  const out = new Array<number>(cols.length).fill(0);
  const live: number[] = [];
  const constant: string[] = [];
  cols.forEach((col, k) => {
    if (isConstant(col)) constant.push(codes[k]!);
    else live.push(k);
  });
  if (constant.length)
    log.push({
      node,
      note: `PCA gives no weight to ${constant.join(', ')}: constant, ${constant.length === 1 ? 'it carries' : 'they carry'} no information`,
    });
  const m = live.length;
  if (m === 0) return out;
  if (m === 1) {
    out[live[0]!] = 1;
    return out;
  }
  const r: number[][] = Array.from({ length: m }, (_, a) =>
    Array.from({ length: m }, (_, b) => {
      if (a === b) return 1;
      const x = correlation(live[a]!, live[b]!);
      // Fewer than two rows where both are present: no evidence of correlation.
      return x === x ? x : 0;
    }),
  );
  const { values, vectors } = symmetricEigen(r);
  let top = 0;
  for (let k = 1; k < m; k++) if (values[k]! > values[top]!) top = k;
  const tol = 1e-9 * Math.max(1, Math.abs(values[top]!));
  const tied: number[] = [];
  for (let k = 0; k < m; k++) if (values[k]! >= values[top]! - tol) tied.push(k);
  if (tied.length > 1) {
    for (let c = 0; c < m; c++) {
      let s = 0;
      for (const k of tied) s += vectors[c]![k]! * vectors[c]![k]!;
      out[live[c]!] = s / tied.length;
    }
    return out;
  }
  let v = vectors.map((row) => row[top]!);
  // The sign of an eigenvector is arbitrary: the one whose loadings sum to a positive number (or, when they sum
  // to about zero, whose largest loading is positive).
  const sum = v.reduce((s, x) => s + x, 0);
  let largest = 0;
  for (let c = 1; c < m; c++) if (Math.abs(v[c]!) > Math.abs(v[largest]!) + 1e-12) largest = c;
  const sign = Math.abs(sum) > 1e-9 ? Math.sign(sum) : v[largest]! < 0 ? -1 : 1;
  v = v.map((x) => x * sign);
  const negative = v
    .map((x, c) => (x < -1e-9 ? codes[live[c]!] : null))
    .filter((c): c is string => c !== null);
  if (negative.length)
    log.push({
      node,
      note: `PCA loadings are negative for ${negative.join(', ')}: those indicators pull against the first component`,
    });
  v.forEach((x, c) => (out[live[c]!] = x * x));
  return out;
}

/**
 * The raw weight of every node before the within-parent renormalisation: explicit weights (or 1 under `equal`),
 * with the indicators' replaced by the data-driven method's. Entropy weighs each indicator on its own column and
 * PCA each parent's indicators on their columns, so a change to one column moves only its own raw weight
 * (entropy) or its siblings' (PCA); CRITIC compares every pair of indicators.
 */
export function rawWeights(
  nodes: HierarchyNode[],
  normalised: Float64Array[],
  spec: Methodology['weight'],
  codes: string[],
  log: WeightLog,
): Float64Array {
  const raw = new Float64Array(nodes.length);
  for (const node of nodes) raw[node.index] = spec.method === 'equal' ? 1 : node.weight;
  if (spec.method === 'entropy') entropyRaw(normalised, codes).forEach((w, j) => (raw[j] = w));
  if (spec.method === 'critic') criticRaw(normalised).forEach((w, j) => (raw[j] = w));
  if (spec.method === 'pca')
    for (const parent of nodes) pcaParentRaw(parent, nodes, normalised, codes, raw, log);
  return raw;
}

/**
 * PCA raw weights of one parent's indicators, written into `raw` (a parent with no indicator child is left alone).
 * `correlation(a, b)` is the Pearson correlation of the parent's a-th and b-th indicator children (computed when
 * not given; the what-if search passes the ones it kept).
 */
export function pcaParentRaw(
  parent: HierarchyNode,
  nodes: HierarchyNode[],
  normalised: Float64Array[],
  codes: string[],
  raw: Float64Array,
  log: WeightLog,
  correlation?: (a: number, b: number) => number,
): void {
  const kids = parent.children.filter((c) => nodes[c]!.kind === 'indicator');
  if (!kids.length) return;
  pcaRaw(
    kids.map((c) => normalised[c]!),
    kids.map((c) => codes[c]!),
    log,
    parent.code,
    correlation,
  ).forEach((w, k) => (raw[kids[k]!] = w));
}

/**
 * Weights from raw weights: a parent whose children all get no data-driven weight falls back to equal weights,
 * `overrides` multiply, and the weights are renormalised to sum to 1 within each parent. `raw` is not changed.
 */
export function finishWeights(
  nodes: HierarchyNode[],
  rawIn: Float64Array,
  spec: Methodology['weight'],
  log: WeightLog,
  overrides?: Float64Array,
  into?: Float64Array,
): Float64Array {
  // `rawIn` is copied only when something below changes it: the what-if search calls this for every value it
  // tries, with its own scratch columns (`into`).
  let raw = rawIn;
  const own = () => {
    if (raw === rawIn) raw = Float64Array.from(rawIn);
    return raw;
  };
  if (spec.method === 'entropy' || spec.method === 'critic' || spec.method === 'pca')
    for (const parent of nodes) {
      // Data-driven weights are all zero when every child is constant (or the only child is): such a parent
      // falls back to equal weights rather than refusing the whole run.
      if (!parent.children.length) continue;
      let total = 0;
      for (const c of parent.children) total += raw[c]!;
      if (total > 0) continue;
      for (const c of parent.children) own()[c] = 1;
      log.push({
        node: parent.code,
        note: `'${spec.method}' gives its children no weight (${parent.children.length === 1 ? 'its only indicator is constant' : 'every indicator is constant'}): equal weights instead`,
      });
    }
  if (overrides) {
    const r = own();
    for (let i = 0; i < r.length; i++) r[i]! *= overrides[i]!;
  }
  const weights = into ?? new Float64Array(nodes.length);
  for (const parent of nodes) {
    if (!parent.children.length) continue;
    let total = 0;
    for (const c of parent.children) total += raw[c]!;
    if (!(total > 0))
      throw new MethodologyError([
        {
          path: `aggregates (${parent.code})`,
          message: `the weights of its children sum to zero under '${spec.method}' weighting`,
        },
      ]);
    for (const c of parent.children) weights[c] = raw[c]! / total;
  }
  weights[nodes.length - 1] = 1;
  return weights;
}

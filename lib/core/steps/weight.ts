import { MethodologyError } from '../errors';
import type { HierarchyNode, Methodology } from '../methodology';
import { moments, pearson } from '../stats';

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

/** CRITIC weight of each column (before renormalising): s_j * sum_k (1 - r_jk) on values min-maxed to [0, 1]. */
export function criticRaw(cols: Float64Array[]): number[] {
  const scaled = cols.map((col) => {
    const m = moments(col);
    const span = m.max - m.min;
    return col.map((v) => (span > 0 ? (v - m.min) / span : 0));
  });
  const sds = scaled.map((c) => moments(c).sd || 0);
  const m = cols.length;
  const conflict = new Float64Array(m);
  for (let a = 0; a < m; a++)
    for (let b = a + 1; b < m; b++) {
      const r = pearson(scaled[a]!, scaled[b]!);
      const c = 1 - (r === r ? r : 0);
      conflict[a]! += c;
      conflict[b]! += c;
    }
  return sds.map((s, j) => s * conflict[j]!);
}

/**
 * First principal component of the correlation matrix of `cols` by power iteration; weights are the squared
 * loadings. Mixed signs among the loadings are reported, since squaring hides an indicator that pulls the other way.
 */
export function pcaRaw(cols: Float64Array[], codes: string[], log: WeightLog): number[] {
  const m = cols.length;
  if (m === 1) return [1];
  const r: number[][] = Array.from({ length: m }, (_, a) =>
    Array.from({ length: m }, (_, b) => (a === b ? 1 : pearson(cols[a]!, cols[b]!) || 0)),
  );
  let v = new Array<number>(m).fill(1 / Math.sqrt(m));
  for (let it = 0; it < 500; it++) {
    const w = r.map((row) => row.reduce((s, x, k) => s + x * v[k]!, 0));
    const norm = Math.sqrt(w.reduce((s, x) => s + x * x, 0)) || 1;
    const next = w.map((x) => x / norm);
    const delta = next.reduce((s, x, k) => s + Math.abs(x - v[k]!), 0);
    v = next;
    if (delta < 1e-12) break;
  }
  const sign = v.reduce((s, x) => s + x, 0) < 0 ? -1 : 1;
  v = v.map((x) => x * sign);
  const negative = v.map((x, k) => (x < -1e-9 ? codes[k] : null)).filter((c): c is string => c !== null);
  if (negative.length)
    log.push({
      node: codes.join(','),
      note: `PCA loadings are negative for ${negative.join(', ')}: those indicators pull against the first component`,
    });
  return v.map((x) => x * x);
}

/**
 * Weights of every node of the hierarchy, renormalised to sum to 1 within each parent. Data-driven methods
 * (entropy, CRITIC, PCA) weight the indicators; aggregates keep their explicit weights. `overrides` replaces
 * raw weights by node index (the uncertainty analysis perturbs them).
 */
export function weight(
  nodes: HierarchyNode[],
  normalised: Float64Array[],
  spec: Methodology['weight'],
  codes: string[],
  overrides?: Float64Array,
): { weights: Float64Array; log: WeightLog } {
  const log: WeightLog = [];
  const raw = new Float64Array(nodes.length);
  for (const node of nodes) raw[node.index] = spec.method === 'equal' ? 1 : node.weight;
  if (spec.method === 'entropy') entropyRaw(normalised, codes).forEach((w, j) => (raw[j] = w));
  if (spec.method === 'critic') criticRaw(normalised).forEach((w, j) => (raw[j] = w));
  if (spec.method === 'pca') {
    for (const parent of nodes) {
      const kids = parent.children.filter((c) => nodes[c]!.kind === 'indicator');
      if (!kids.length) continue;
      pcaRaw(
        kids.map((c) => normalised[c]!),
        kids.map((c) => codes[c]!),
        log,
      ).forEach((w, k) => (raw[kids[k]!] = w));
    }
  }
  if (spec.method === 'entropy' || spec.method === 'critic' || spec.method === 'pca')
    for (const parent of nodes) {
      // Data-driven weights are all zero when every child is constant (or the only child is): such a parent
      // falls back to equal weights rather than refusing the whole run.
      if (!parent.children.length) continue;
      let total = 0;
      for (const c of parent.children) total += raw[c]!;
      if (total > 0) continue;
      for (const c of parent.children) raw[c] = 1;
      log.push({
        node: parent.code,
        note: `'${spec.method}' gives its children no weight (${parent.children.length === 1 ? 'its only indicator is constant' : 'every indicator is constant'}): equal weights instead`,
      });
    }
  if (overrides) for (let i = 0; i < raw.length; i++) raw[i]! *= overrides[i]!;
  const weights = new Float64Array(nodes.length);
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
  return { weights, log };
}

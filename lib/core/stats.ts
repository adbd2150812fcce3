/** Small statistics over Float64Array columns; NaN marks a missing value and is skipped everywhere. */

export type Moments = { n: number; mean: number; sd: number; min: number; max: number };

/** Count, mean, sample standard deviation, min and max of the present values. */
export function moments(x: Float64Array): Moments {
  let n = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = n ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v === v) ss += (v - mean) * (v - mean);
  }
  return { n, mean, sd: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN, min, max };
}

/**
 * Sample skewness and excess kurtosis of the "type 2" kind, as spreadsheet SKEW and KURT compute them.
 * Example: x = 1..10, 30, 100 gives skew 3.063241 and kurtosis 9.741391.
 */
export function skewKurt(x: Float64Array): { skew: number; kurt: number } {
  const { n, mean, sd } = moments(x);
  if (n < 4 || !(sd > 0)) return { skew: 0, kurt: 0 };
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) continue;
    const z = (v - mean) / sd;
    const z2 = z * z;
    s3 += z2 * z;
    s4 += z2 * z2;
  }
  const skew = (n / ((n - 1) * (n - 2))) * s3;
  const kurt =
    ((n * (n + 1)) / ((n - 1) * (n - 2) * (n - 3))) * s4 - (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3));
  return { skew, kurt };
}

/** Median of the present values (NaN when there are none). */
export function medianOf(x: Float64Array): number {
  const v = Array.from(x).filter((a) => a === a);
  if (!v.length) return Number.NaN;
  v.sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Pearson correlation over the rows where both are present. */
export function pearson(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== x || y !== y) continue;
    n++;
    sa += x;
    sb += y;
  }
  if (n < 2) return Number.NaN;
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== x || y !== y) continue;
    sab += (x - ma) * (y - mb);
    saa += (x - ma) * (x - ma);
    sbb += (y - mb) * (y - mb);
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/**
 * What `pearson` computes of one column when the other column has no missing value either: its count, mean, each
 * value's deviation from the mean and their sum of squares, in the same order (so `pearsonCentred` gives
 * `pearson`'s bits). `complete` is false when the column has a missing value: its pairs then depend on the other
 * column.
 */
export type Centred = { complete: boolean; n: number; mean: number; ss: number; dev: Float64Array };

export function centred(x: Float64Array): Centred {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) return { complete: false, n: 0, mean: Number.NaN, ss: Number.NaN, dev: new Float64Array(0) };
    n++;
    sum += v;
  }
  const mean = sum / n;
  const dev = new Float64Array(x.length);
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - mean;
    dev[i] = d;
    ss += d * d;
  }
  return { complete: true, n, mean, ss, dev };
}

/**
 * `pearson(a, b)` to the last bit, from each column's `centred` statistics, computed once: one product per
 * value instead of two passes (the engine correlates every pair of columns under CRITIC, and the what-if search
 * one changed column with every other, for each value it tries). Products commute in floating point, so the
 * order of `a` and `b` does not matter.
 */
export function pearsonCentred(a: Float64Array, ca: Centred, b: Float64Array, cb: Centred): number {
  if (!ca.complete || !cb.complete) return pearson(a, b);
  if (ca.n < 2) return Number.NaN;
  const da = ca.dev;
  const db = cb.dev;
  const n = da.length;
  let sab = 0;
  for (let i = 0; i < n; i++) sab += da[i]! * db[i]!;
  return ca.ss > 0 && cb.ss > 0 ? sab / Math.sqrt(ca.ss * cb.ss) : 0;
}

/**
 * `pearson` of every pair of columns a < b, at `a * cols.length + b`, to the last bit: each pair's products are
 * summed in `pearson`'s order, four pairs at a time (four independent sums keep the processor busy where one
 * would wait on each addition). NaN on the diagonal and below.
 */
export function correlationTable(cols: Float64Array[], stats: Centred[] = cols.map(centred)): Float64Array {
  const m = cols.length;
  const table = new Float64Array(m * m).fill(Number.NaN);
  const r = (sab: number, a: Centred, b: Centred) =>
    a.n < 2 ? Number.NaN : a.ss > 0 && b.ss > 0 ? sab / Math.sqrt(a.ss * b.ss) : 0;
  for (let a = 0; a < m; a++) {
    const sa = stats[a]!;
    let b = a + 1;
    if (sa.complete) {
      const da = sa.dev;
      const n = da.length;
      // Runs of four complete columns; the others one at a time.
      while (
        b + 3 < m &&
        stats[b]!.complete &&
        stats[b + 1]!.complete &&
        stats[b + 2]!.complete &&
        stats[b + 3]!.complete
      ) {
        const d0 = stats[b]!.dev;
        const d1 = stats[b + 1]!.dev;
        const d2 = stats[b + 2]!.dev;
        const d3 = stats[b + 3]!.dev;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = 0; i < n; i++) {
          const x = da[i]!;
          s0 += x * d0[i]!;
          s1 += x * d1[i]!;
          s2 += x * d2[i]!;
          s3 += x * d3[i]!;
        }
        table[a * m + b] = r(s0, sa, stats[b]!);
        table[a * m + b + 1] = r(s1, sa, stats[b + 1]!);
        table[a * m + b + 2] = r(s2, sa, stats[b + 2]!);
        table[a * m + b + 3] = r(s3, sa, stats[b + 3]!);
        b += 4;
      }
    }
    for (; b < m; b++) table[a * m + b] = pearsonCentred(cols[a]!, sa, cols[b]!, stats[b]!);
  }
  return table;
}

/** Type-7 quantile (the default of R and of spreadsheet PERCENTILE) of sorted values. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

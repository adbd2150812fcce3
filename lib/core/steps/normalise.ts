import { MethodologyError } from '../errors';
import type { Indicator, NormaliseSpec } from '../methodology';
import { moments } from '../stats';

export type NormaliseLog = { indicator: string; note: string }[];

/** Average ranks (1 = lowest) of the present values; ties share the mean of their positions. */
function averageRanks(x: Float64Array): { ranks: Float64Array; k: number } {
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i]) idx.push(i);
  idx.sort((a, b) => x[a]! - x[b]!);
  const ranks = new Float64Array(x.length).fill(Number.NaN);
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && x[idx[e + 1]!] === x[idx[s]!]) e++;
    const r = (s + e) / 2 + 1;
    for (let t = s; t <= e; t++) ranks[idx[t]!] = r;
    s = e + 1;
  }
  return { ranks, k: idx.length };
}

/**
 * Normalises one indicator column. Direction is applied here and only here: after this step, higher is
 * always better. `distmax` is the share of the best performer's value (x / max, or min / x for less-is-better).
 */
export function normaliseColumn(
  col: Float64Array,
  ind: Indicator,
  spec: NormaliseSpec,
  log?: NormaliseLog,
  into?: Float64Array,
): Float64Array {
  const n = col.length;
  // `into` (not `col`) receives the result when given: the what-if search reuses one column.
  const out = into ?? new Float64Array(n);
  const [lo, hi] = spec.range;
  const dir = ind.direction;
  const scale = (u: number) => lo + u * (hi - lo);
  // A missing input stays missing in every method: no branch below turns NaN into a value.
  let present = 0;
  for (let i = 0; i < n; i++) if (col[i] === col[i]) present++;
  if (present === 0) {
    log?.push({ indicator: ind.code, note: 'no unit has a value: the indicator stays missing' });
    return out.fill(Number.NaN);
  }
  switch (spec.method) {
    case 'none':
      for (let i = 0; i < n; i++) out[i] = dir * col[i]!;
      return out;
    case 'minmax': {
      const m = moments(col);
      const span = m.max - m.min;
      if (!(span > 0)) {
        log?.push({
          indicator: ind.code,
          note: 'all values are equal: every unit gets the middle of the range',
        });
        for (let i = 0; i < n; i++) out[i] = col[i] === col[i] ? (lo + hi) / 2 : Number.NaN;
        return out;
      }
      for (let i = 0; i < n; i++) {
        const u = (col[i]! - m.min) / span;
        out[i] = scale(dir === 1 ? u : 1 - u);
      }
      return out;
    }
    case 'zscore': {
      const m = moments(col);
      if (!(m.sd > 0))
        log?.push({
          indicator: ind.code,
          note: 'all values are equal (or only one is present): every unit with a value gets the mean',
        });
      for (let i = 0; i < n; i++)
        out[i] =
          col[i] !== col[i]
            ? Number.NaN
            : m.sd > 0
              ? spec.mean + (spec.sd * dir * (col[i]! - m.mean)) / m.sd
              : spec.mean;
      return out;
    }
    case 'rank': {
      const { ranks, k } = averageRanks(col);
      for (let i = 0; i < n; i++) {
        const r = ranks[i]!;
        const u = k > 1 ? (r - 1) / (k - 1) : 1;
        out[i] = r === r ? scale(dir === 1 ? u : 1 - u) : Number.NaN;
      }
      return out;
    }
    case 'vector': {
      let ss = 0;
      for (let i = 0; i < n; i++) if (col[i] === col[i]) ss += col[i]! * col[i]!;
      const norm = Math.sqrt(ss) || 1;
      for (let i = 0; i < n; i++) out[i] = (dir * col[i]!) / norm;
      return out;
    }
    case 'goalposts': {
      const [gLo, gHi] = ind.goalposts!;
      for (let i = 0; i < n; i++) {
        const u = dir === 1 ? (col[i]! - gLo) / (gHi - gLo) : (gHi - col[i]!) / (gHi - gLo);
        out[i] = u === u ? scale(Math.min(1, Math.max(0, u))) : Number.NaN;
      }
      return out;
    }
    case 'target': {
      const m = moments(col);
      const t = ind.target!;
      const worst = dir === 1 ? m.min : m.max;
      const span = dir === 1 ? t - worst : worst - t;
      if (!(span > 0))
        log?.push({
          indicator: ind.code,
          note: 'every unit with a value has reached the target: each of them gets the top of the range',
        });
      for (let i = 0; i < n; i++) {
        if (col[i] !== col[i]) {
          out[i] = Number.NaN;
          continue;
        }
        const u = span > 0 ? (dir === 1 ? col[i]! - worst : worst - col[i]!) / span : 1;
        out[i] = scale(Math.min(1, Math.max(0, u)));
      }
      return out;
    }
    case 'distmax': {
      const m = moments(col);
      const best = dir === 1 ? m.max : m.min;
      if (!(best > 0))
        throw new MethodologyError([
          {
            path: `indicators (${ind.code})`,
            message: "normalise method 'distmax' needs positive values (it divides by the best value)",
          },
        ]);
      for (let i = 0; i < n; i++) out[i] = scale(dir === 1 ? col[i]! / best : best / col[i]!);
      return out;
    }
  }
}

/** Normalises every indicator column (direction applied once, inside). */
export function normalise(
  cols: Float64Array[],
  indicators: Indicator[],
  spec: NormaliseSpec,
): { cols: Float64Array[]; log: NormaliseLog } {
  const log: NormaliseLog = [];
  return { cols: cols.map((c, j) => normaliseColumn(c, indicators[j]!, spec, log)), log };
}

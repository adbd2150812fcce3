import type { Methodology } from '../methodology';
import { moments, skewKurt } from '../stats';

export type TreatEntry = {
  indicator: string;
  skew: number;
  kurt: number;
  action: 'none' | 'winsorised' | 'log' | 'boxcox';
  /** Winsorised points: the unit, its value before and after. */
  points: { unit: number; from: number; to: number }[];
  lambda?: number;
};
export type TreatLog = TreatEntry[];

type TreatSpec = Methodology['treat'];

/** An indicator passes when |skew| < skew threshold OR excess kurtosis < kurtosis threshold (COINr's rule). */
export function passes(x: Float64Array, spec: Pick<TreatSpec, 'skew' | 'kurtosis'>): boolean {
  const { skew, kurt } = skewKurt(x);
  return Math.abs(skew) < spec.skew || kurt < spec.kurtosis;
}

/**
 * Winsorises one column as COINr does: while it fails and fewer than `winmax` units have been moved, the highest
 * value (skew >= 0) or the lowest (skew < 0), with its ties, takes the next value inwards. Every unit moved counts
 * against `winmax` (a step moves every unit already pulled in, with its ties, so tied extremes use it up faster;
 * the step that reaches `winmax` still moves all the tied units); if the column still fails, the log fallback
 * log(x - min + 0.01 (max - min)) of the original values (mirrored for negative skew).
 */
export function winsoriseColumn(
  col: Float64Array,
  spec: Pick<TreatSpec, 'winmax' | 'skew' | 'kurtosis'>,
): Omit<TreatEntry, 'indicator'> & { col: Float64Array } {
  const first = skewKurt(col);
  if (Math.abs(first.skew) < spec.skew || first.kurt < spec.kurtosis)
    return { col, skew: first.skew, kurt: first.kurt, action: 'none', points: [] };
  const x = Float64Array.from(col);
  const original = new Map<number, number>();
  let sk = first;
  // COINr counts the units at the extreme it moved last (`nwin`), which are every unit moved so far on that side.
  while (original.size < spec.winmax && !(Math.abs(sk.skew) < spec.skew || sk.kurt < spec.kurtosis)) {
    const high = sk.skew >= 0;
    let extreme = high ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v === v && (high ? v > extreme : v < extreme)) extreme = v;
    }
    let next = high ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v === v && v !== extreme && (high ? v > next : v < next)) next = v;
    }
    if (!Number.isFinite(next)) break;
    for (let i = 0; i < x.length; i++) {
      if (x[i] === extreme) {
        if (!original.has(i)) original.set(i, extreme);
        x[i] = next;
      }
    }
    sk = skewKurt(x);
  }
  if (Math.abs(sk.skew) < spec.skew || sk.kurt < spec.kurtosis) {
    const points = [...original].map(([unit, from]) => ({ unit, from, to: x[unit]! }));
    return { col: x, skew: first.skew, kurt: first.kurt, action: 'winsorised', points };
  }
  const { min, max } = moments(col);
  const out = new Float64Array(col.length);
  const pad = 0.01 * (max - min);
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    out[i] = first.skew >= 0 ? Math.log(v - min + pad) : -Math.log(max + pad - v);
  }
  return { col: out, skew: first.skew, kurt: first.kurt, action: 'log', points: [] };
}

/** True when the present values of a column take at most `k` distinct values. */
function distinctAtMost(col: Float64Array, k: number): boolean {
  const seen: number[] = [];
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v !== v || seen.includes(v)) continue;
    if (seen.length === k) return false;
    seen.push(v);
  }
  return true;
}

/** Box-Cox of a positive-shifted column; lambda given, or chosen on a grid to bring skewness closest to zero. */
export function boxCoxColumn(col: Float64Array, lambda?: number): { col: Float64Array; lambda: number } {
  const { min, max } = moments(col);
  const shift = min > 0 ? 0 : -min + 0.01 * (max - min || 1);
  const apply = (l: number) => {
    const out = new Float64Array(col.length);
    for (let i = 0; i < col.length; i++) {
      const v = col[i]! + shift;
      out[i] = Math.abs(l) < 1e-12 ? Math.log(v) : (v ** l - 1) / l;
    }
    return out;
  };
  if (lambda !== undefined) return { col: apply(lambda), lambda };
  let best = { col: apply(1), lambda: 1, s: Math.abs(skewKurt(apply(1)).skew) };
  for (let k = -20; k <= 20; k++) {
    const l = k / 10;
    const c = apply(l);
    const s = Math.abs(skewKurt(c).skew);
    if (s < best.s - 1e-12) best = { col: c, lambda: l, s };
  }
  return { col: best.col, lambda: best.lambda };
}

/** Treats outliers per indicator by the configured method; indicators that pass the test are left alone. */
export function treat(
  cols: Float64Array[],
  codes: string[],
  spec: TreatSpec,
): { cols: Float64Array[]; log: TreatLog } {
  const log: TreatLog = [];
  if (spec.method === 'none') return { cols, log };
  const out = cols.map((col, j) => {
    // A yes/no indicator is skewed whenever most zones answer alike, but it has no outliers: winsorising it would
    // turn every "no" into "yes" and a log would change nothing. Columns with two values or fewer are left alone.
    if (distinctAtMost(col, 2)) return col;
    if (spec.method === 'winsorise') {
      const r = winsoriseColumn(col, spec);
      if (r.action !== 'none')
        log.push({ indicator: codes[j]!, skew: r.skew, kurt: r.kurt, action: r.action, points: r.points });
      return r.col;
    }
    const { skew, kurt } = skewKurt(col);
    if (Math.abs(skew) < spec.skew || kurt < spec.kurtosis) return col;
    const r = boxCoxColumn(col, spec.lambda);
    log.push({ indicator: codes[j]!, skew, kurt, action: 'boxcox', points: [], lambda: r.lambda });
    return r.col;
  });
  return { cols: out, log };
}

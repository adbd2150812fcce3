import { MethodologyError } from '../errors';
import type { Methodology } from '../methodology';
import { medianOf, moments } from '../stats';

export type ImputeLog = { indicator: string; unit: string; value: number; how: string }[];

/**
 * Fills missing values by the configured method. `none` leaves them missing: aggregation then re-weights over
 * the children present. Group mean uses the unit's group (a text column) and falls back to missing when the
 * whole group lacks the indicator. Columns marked in `skip` (those whose missing values another rule scores,
 * see `steps/missing.ts`) are left as they are.
 */
export function impute(
  cols: Float64Array[],
  codes: string[],
  units: string[],
  spec: Pick<Methodology['impute'], 'method' | 'group'>,
  groups?: string[],
  skip?: readonly boolean[],
): { cols: Float64Array[]; log: ImputeLog } {
  const log: ImputeLog = [];
  if (spec.method === 'none') return { cols, log };
  if (spec.method === 'groupMean' && !groups)
    throw new MethodologyError([
      {
        path: 'impute.group',
        message: `names the group column '${spec.group ?? ''}', which the data does not have`,
      },
    ]);
  const out = cols.map((col, j) => {
    if (skip?.[j]) return col;
    let has = false;
    for (let i = 0; i < col.length; i++)
      if (col[i] !== col[i]) {
        has = true;
        break;
      }
    if (!has) return col;
    const c = Float64Array.from(col);
    if (spec.method === 'groupMean') {
      const sums = new Map<string, { s: number; n: number }>();
      for (let i = 0; i < c.length; i++) {
        const v = c[i]!;
        if (v !== v) continue;
        const g = groups![i]!;
        const acc = sums.get(g) ?? { s: 0, n: 0 };
        acc.s += v;
        acc.n++;
        sums.set(g, acc);
      }
      for (let i = 0; i < c.length; i++) {
        if (c[i] === c[i]) continue;
        const g = groups![i]!;
        const acc = sums.get(g);
        if (!acc) continue;
        c[i] = acc.s / acc.n;
        log.push({ indicator: codes[j]!, unit: units[i]!, value: c[i]!, how: `mean of group '${g}'` });
      }
      return c;
    }
    const fill = spec.method === 'zero' ? 0 : spec.method === 'mean' ? moments(col).mean : medianOf(col);
    for (let i = 0; i < c.length; i++) {
      if (c[i] === c[i] || fill !== fill) continue;
      c[i] = fill;
      log.push({ indicator: codes[j]!, unit: units[i]!, value: fill, how: spec.method });
    }
    return c;
  });
  return { cols: out, log };
}

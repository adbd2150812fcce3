import type { Dataset } from '../dataset';
import { MethodologyError } from '../errors';
import type { Indicator } from '../methodology';

export type DenominateLog = { indicator: string; denominator: string; missingDenominator: string[] }[];

/** Divides each indicator that names a denominator by that data column (a zero or missing denominator gives missing). */
export function denominate(
  data: Dataset,
  indicators: Indicator[],
): { cols: Float64Array[]; log: DenominateLog } {
  const n = data.units.length;
  const log: DenominateLog = [];
  const cols = indicators.map((ind, j) => {
    const raw = data.numeric.get(ind.code);
    const col = raw ? Float64Array.from(raw) : new Float64Array(n).fill(Number.NaN);
    if (!ind.denominator) return col;
    const den = data.numeric.get(ind.denominator);
    if (!den)
      throw new MethodologyError([
        {
          path: `indicators[${j}] (${ind.code}).denominator`,
          message: `names the data column '${ind.denominator}', which the data does not have`,
        },
      ]);
    const missing: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = den[i]!;
      if (d !== d || d === 0) {
        if (col[i] === col[i]) missing.push(data.units[i]!);
        col[i] = Number.NaN;
      } else col[i] = col[i]! / d;
    }
    log.push({ indicator: ind.code, denominator: ind.denominator, missingDenominator: missing });
    return col;
  });
  return { cols, log };
}

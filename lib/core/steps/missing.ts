import type { Indicator, Methodology, MissingRule, NormaliseSpec } from '../methodology';
import { type NormaliseLog, normaliseColumn } from './normalise';

/** How one value a unit did not report was scored. */
export type MissingValue = {
  indicator: string;
  /**
   * `bound`: as the indicator's declared bound on its worse side; `worst`: at the bottom of the normalised range;
   * `imputed`: by the impute step; `left out`: not scored, its parent re-weighted over the children present.
   */
  scoredAs: 'bound' | 'worst' | 'imputed' | 'left out';
  /** The value it was scored as, in the indicator's units (after treatment), when it has one (bound, imputed). */
  value: number | null;
  /** Its normalised value, as aggregated; null when left out. */
  normalised: number | null;
};

/** Per indicator whose missing values a rule scored: the rule applied, the units and the value they took. */
export type MissingLog = {
  indicator: string;
  scoredAs: 'bound' | 'worst';
  units: string[];
  /** The value in the indicator's units (bound) or the normalised value (worst). */
  value: number;
}[];

/** Each indicator's rule for values not reported: its own `missing`, else the methodology's `impute.missing`. */
export function missingRules(
  indicators: readonly Indicator[],
  spec: Pick<Methodology['impute'], 'missing'>,
): MissingRule[] {
  return indicators.map((ind) => ind.missing ?? spec.missing);
}

/** Normalisations whose range's low end is the worst score any value can get. */
const BOUNDED: ReadonlySet<NormaliseSpec['method']> = new Set(['minmax', 'rank', 'goalposts', 'target']);

/**
 * Normalises a treated column, scoring the values not reported by `rule` (`impute` leaves them to the impute step:
 * what is still missing stays missing).
 *
 * - `bound`: the declared bound on the worse side (`min` when more is better, `max` when less is better), or the
 *   worst value reported if that is worse, enters the column before normalisation. It anchors the range, so the
 *   unit gets its bottom, and blanking the worst value reported moves no other unit down (the anchor does not
 *   depend on who reported). When the treatment changed the column's units (`transformed`: log, Box-Cox) the
 *   bound no longer means anything there, and the rule falls back to `worst`.
 * - `worst`: the values reported are normalised as they are, and a missing value takes the bottom of the range
 *   (`range[0]` under a bounded method; the lowest normalised value reported under `zscore`, `vector`, `distmax`,
 *   `none`). Other units' values do not move, but the anchor is the worst value reported: the unit holding it can
 *   blank it and lift the anchor to the second worst, lowering every other unit's value a little.
 *
 * A column nobody reported stays missing. `scoredAs` receives, per unit, how its missing value was scored.
 */
export function normaliseWithMissing(
  treated: Float64Array,
  ind: Indicator,
  rule: MissingRule,
  spec: NormaliseSpec,
  transformed: boolean,
  log?: NormaliseLog,
  scratch?: { filled: Float64Array; out: Float64Array },
): { col: Float64Array; scoredAs: 'bound' | 'worst' | null; value: number } {
  const n = treated.length;
  let missing = 0;
  let worst = ind.direction === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = treated[i]!;
    if (v !== v) missing++;
    else if (ind.direction === 1 ? v < worst : v > worst) worst = v;
  }
  if (rule === 'impute' || missing === 0 || missing === n)
    return { col: normaliseColumn(treated, ind, spec, log, scratch?.out), scoredAs: null, value: Number.NaN };
  const bound = ind.direction === 1 ? ind.min : ind.max;
  if (rule === 'bound' && !transformed && bound !== undefined) {
    const fill = ind.direction === 1 ? Math.min(bound, worst) : Math.max(bound, worst);
    const col = scratch ? scratch.filled : new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = treated[i] !== treated[i] ? fill : treated[i]!;
    return { col: normaliseColumn(col, ind, spec, log, scratch?.out), scoredAs: 'bound', value: fill };
  }
  const col = normaliseColumn(treated, ind, spec, log, scratch?.out);
  let floor = spec.range[0];
  if (!BOUNDED.has(spec.method)) {
    floor = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) if (col[i]! < floor) floor = col[i]!;
  }
  for (let i = 0; i < n; i++) if (treated[i] !== treated[i]) col[i] = floor;
  return { col, scoredAs: 'worst', value: floor };
}

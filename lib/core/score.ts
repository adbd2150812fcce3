/**
 * The scoring pipeline: denominate, impute, screen, treat, normalise, weight, aggregate, rank, grade. Pure:
 * data in, results and a log of every step out, so any number in the results can be explained.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import type { AggregateSpec, CompiledMethodology, Methodology, NormaliseSpec } from './methodology';
import { type AggregateLog, aggregate } from './steps/aggregate';
import { type DenominateLog, denominate } from './steps/denominate';
import { type GradeLog, grade } from './steps/grade';
import { type ImputeLog, impute } from './steps/impute';
import { type MissingLog, type MissingValue, missingRules, normaliseWithMissing } from './steps/missing';
import type { NormaliseLog } from './steps/normalise';
import { rank } from './steps/rank';
import { availability, type ScreenLog, screen, selectRows } from './steps/screen';
import { type TreatLog, treat } from './steps/treat';
import { finishWeights, rawWeights, type WeightLog } from './steps/weight';

/** Replacements for single steps, used by the uncertainty analysis and by what-if re-scoring. */
export type ScoreOverrides = {
  treat?: Partial<Methodology['treat']>;
  normalise?: NormaliseSpec;
  aggregate?: AggregateSpec;
  /** Multipliers of each node's raw weight, by node index. */
  weightFactors?: Float64Array;
  /** Skip grading (the uncertainty analysis grades its own way). */
  skipGrade?: boolean;
  /**
   * Reuse of the steps up to normalisation between calls on the same data and methodology, keyed by the treat
   * and normalise overrides: the uncertainty analysis draws only a few of those, but weights every run anew.
   */
  cache?: Map<string, Prepared>;
};

/** Everything up to and including normalisation: what does not depend on weights or aggregation. */
export type Prepared = {
  units: string[];
  raw: Float64Array[];
  imputed: Float64Array[];
  availability: Float64Array;
  requiredMissing: boolean[];
  missing: MissingValue[][];
  treated: Float64Array[];
  normalised: Float64Array[];
  log: Pick<ScoreLog, 'denominate' | 'impute' | 'screen' | 'treat' | 'normalise' | 'missing'>;
  /**
   * The raw weights of the normalised values (data-driven weights depend on nothing else), kept with them when
   * reused: the uncertainty analysis perturbs only the factors applied after (`ScoreOverrides.weightFactors`).
   */
  rawWeights?: { raw: Float64Array; log: WeightLog };
};

export type ScoreLog = {
  denominate: DenominateLog;
  impute: ImputeLog;
  screen: ScreenLog;
  treat: TreatLog;
  normalise: NormaliseLog;
  /** The indicators whose values not reported a missing-value rule scored, and how. */
  missing: MissingLog;
  weight: WeightLog;
  aggregate: AggregateLog;
  grade: GradeLog | null;
};

export type ScoreResult = {
  /** The units scored (those the screen kept), in input order; every array below is over these. */
  units: string[];
  /** Per indicator: values after denomination, before imputation (missing as NaN). */
  raw: Float64Array[];
  imputed: Float64Array[];
  treated: Float64Array[];
  /** Per node of the hierarchy (see `methodology.nodes`): indicators normalised, then every aggregate. */
  values: Float64Array[];
  /** Per node: its weight within its parent (summing to 1 within each parent). */
  weights: Float64Array;
  /** Per unit: the root's value. */
  score: Float64Array;
  rank: Float64Array;
  /** Unit positions best first. */
  order: number[];
  grade: Array<string | null>;
  /** Per unit: share of indicators with a value before imputation. */
  availability: Float64Array;
  requiredMissing: boolean[];
  /**
   * Per unit: the indicator values it did not report (missing after denomination) and how each was scored, for
   * the results and the explanations to report what a blank cost.
   */
  missing: MissingValue[][];
  log: ScoreLog;
};

/** Scores a dataset with a compiled methodology. Throws `MethodologyError` when the method cannot apply. */
export function score(m: CompiledMethodology, data: Dataset, overrides: ScoreOverrides = {}): ScoreResult {
  const spec = m.spec;
  const codes = m.indicators.map((i) => i.code);
  if (!overrides.skipGrade && spec.grade.method === 'quota') {
    const total = spec.grade.grades.reduce((a, g) => a + (g.count ?? 0), 0);
    if (total > data.units.length)
      throw new MethodologyError([
        {
          path: 'grade.grades',
          message: `the quotas add up to ${total}, more than the ${data.units.length} units in the data: lower the counts so that they add up to at most ${data.units.length}`,
        },
      ]);
  }
  const key = overrides.cache ? JSON.stringify([overrides.treat ?? null, overrides.normalise ?? null]) : '';
  let p = overrides.cache?.get(key);
  if (!p) {
    p = prepare(m, data, overrides);
    overrides.cache?.set(key, p);
  }
  const { units, raw, imputed, requiredMissing } = p;
  const avail = p.availability;
  let rw = p.rawWeights;
  if (!rw) {
    const log: WeightLog = [];
    rw = { raw: rawWeights(m.nodes, p.normalised, spec.weight, codes, log), log };
    if (overrides.cache) p.rawWeights = rw;
  }
  const weightLog = rw.log.slice();
  const w = {
    weights: finishWeights(m.nodes, rw.raw, spec.weight, weightLog, overrides.weightFactors),
    log: weightLog,
  };
  const values: Float64Array[] = new Array(m.nodes.length);
  p.normalised.forEach((c, j) => (values[j] = c));
  const agg = aggregate(m.nodes, values, w.weights, overrides.aggregate ?? spec.aggregate, units);
  const rootValues = agg.values[m.root]!;
  const rk = rank(rootValues);
  const gr = overrides.skipGrade
    ? null
    : grade({
        units,
        score: rootValues,
        order: rk.order,
        grading: spec.grade,
        availability: avail,
        requiredMissing,
      });
  return {
    units,
    raw,
    imputed,
    treated: p.treated,
    values: agg.values,
    weights: w.weights,
    score: rootValues,
    rank: rk.rank,
    order: rk.order,
    grade: gr ? gr.grade : new Array(units.length).fill(null),
    availability: avail,
    requiredMissing,
    missing: p.missing,
    log: {
      ...p.log,
      weight: w.log,
      aggregate: agg.log,
      grade: gr ? gr.log : null,
    },
  };
}

/** The steps that do not depend on weights or aggregation: denominate, impute, screen, treat, normalise. */
function prepare(m: CompiledMethodology, data: Dataset, overrides: ScoreOverrides): Prepared {
  const spec = m.spec;
  const codes = m.indicators.map((i) => i.code);
  const den = denominate(data, m.indicators);
  const rawAvailability = availability(den.cols, data.units.length);
  // Indicators whose missing values a rule scores at normalisation are not imputed.
  const rules = missingRules(m.indicators, spec.impute);
  const skip = rules.map((r) => r !== 'impute');

  let groups: string[] | undefined;
  if (spec.impute.method === 'groupMean') {
    groups = data.text.get(spec.impute.group ?? '');
    if (!groups)
      throw new MethodologyError([
        {
          path: 'impute.group',
          message: `names the column '${spec.impute.group}', which the data does not have`,
        },
      ]);
  }
  // By default the screen sees the data after imputation (COINr's order, which the ASEM build needs). With
  // `basis: 'raw'` it sees the data as reported and runs first, so that imputation can neither rescue a unit with
  // too little data nor take its values from the units it drops (COINr: Screen, then Impute on what it kept).
  const rawBasis = spec.screen.basis === 'raw';
  const early = rawBasis ? null : impute(den.cols, codes, data.units, spec.impute, groups, skip);
  const scr = screen(early ? early.cols : den.cols, data.units, spec.screen.minAvailability);
  if (scr.keep.length === 0)
    throw new MethodologyError([
      {
        path: 'screen.minAvailability',
        message: `no unit has at least ${spec.screen.minAvailability * 100}% of the data`,
      },
    ]);
  const all = scr.keep.length === data.units.length;
  const units = all ? data.units : scr.keep.map((i) => data.units[i]!);
  const raw = all ? den.cols : selectRows(den.cols, scr.keep);
  const avail = all ? rawAvailability : Float64Array.from(scr.keep, (i) => rawAvailability[i]!);
  const keptGroups = groups && !all ? scr.keep.map((i) => groups[i]!) : groups;
  const imp = early ?? impute(raw, codes, units, spec.impute, keptGroups, skip);
  const imputed = early && !all ? selectRows(early.cols, scr.keep) : imp.cols;

  const tr = treat(imputed, codes, { ...spec.treat, ...overrides.treat });
  // A log or Box-Cox transform changes the column's units: a declared bound no longer applies there.
  const transformed = new Set(
    tr.log.filter((e) => e.action === 'log' || e.action === 'boxcox').map((e) => e.indicator),
  );
  const normSpec = overrides.normalise ?? spec.normalise;
  const normLog: NormaliseLog = [];
  const missingLog: MissingLog = [];
  const normalised = tr.cols.map((col, j) => {
    const ind = m.indicators[j]!;
    const r = normaliseWithMissing(col, ind, rules[j]!, normSpec, transformed.has(ind.code), normLog);
    if (r.scoredAs) {
      const missingUnits: string[] = [];
      for (let i = 0; i < col.length; i++) if (col[i] !== col[i]) missingUnits.push(units[i]!);
      missingLog.push({ indicator: ind.code, scoredAs: r.scoredAs, units: missingUnits, value: r.value });
    }
    return r.col;
  });
  const scoredAs = new Map(missingLog.map((e) => [e.indicator, e]));
  const missing: MissingValue[][] = units.map(() => []);
  const requiredMissing = units.map(() => false);
  m.indicators.forEach((ind, j) => {
    const rawCol = raw[j]!;
    for (let i = 0; i < units.length; i++) {
      if (rawCol[i] === rawCol[i]) continue;
      if (ind.required) requiredMissing[i] = true;
      const rule = scoredAs.get(ind.code);
      const norm = normalised[j]![i]!;
      const imputedValue = imputed[j]![i]!;
      missing[i]!.push({
        indicator: ind.code,
        scoredAs: rule ? rule.scoredAs : imputedValue === imputedValue ? 'imputed' : 'left out',
        value: rule
          ? rule.scoredAs === 'bound'
            ? rule.value
            : null
          : imputedValue === imputedValue
            ? imputedValue
            : null,
        normalised: norm === norm ? norm : null,
      });
    }
  });
  return {
    units,
    raw,
    imputed,
    availability: avail,
    requiredMissing,
    missing,
    treated: tr.cols,
    normalised,
    log: {
      denominate: den.log,
      impute: imp.log,
      screen: scr.log,
      treat: tr.log,
      normalise: normLog,
      missing: missingLog,
    },
  };
}

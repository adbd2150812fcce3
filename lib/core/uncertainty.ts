/**
 * Uncertainty analysis: Monte Carlo over the methodologist's choices. Each replication draws, with a seeded
 * generator, a winsorisation limit, a normalisation, an aggregation and multiplicative weight noise on the nodes
 * of chosen levels, scores, ranks and grades; per unit the analysis reports the median rank, the 5-95% interval
 * and the probability of each grade. Bit-for-bit reproducible for a seed.
 */
import type { Dataset } from './dataset';
import { MethodologyError } from './errors';
import type { CompiledMethodology, UncertaintySpec } from './methodology';
import { Random } from './random';
import { type Prepared, type ScoreOverrides, type ScoreResult, score } from './score';
import { quantileSorted } from './stats';
import { grade } from './steps/grade';

export type UnitUncertainty = {
  nominal: number;
  /**
   * Median, 5th and 95th percentile of the unit's rank over the completed replications in which it had a rank;
   * NaN when it had none (JSON writes null).
   */
  median: number;
  q05: number;
  q95: number;
  /** Probability of each grade code over the completed replications (summing to 1 when graded in every one). */
  grades: Record<string, number>;
};

export type UncertaintyResult = {
  /** Replications requested. */
  runs: number;
  /** Replications that scored (`runs` minus `failed`): the quantiles and grade probabilities are over these. */
  completed: number;
  seed: number;
  units: string[];
  perUnit: UnitUncertainty[];
  /** Replications that could not be scored (e.g. a geometric mean meeting a non-positive value), and why. */
  failed: { run: number; reason: string }[];
};

/** Runs the analysis; `spec` defaults to the methodology's own `uncertainty` section. */
export function uncertainty(
  m: CompiledMethodology,
  data: Dataset,
  spec: UncertaintySpec | undefined = m.spec.uncertainty,
  onProgress?: (done: number, total: number) => void,
): UncertaintyResult {
  if (!spec) throw new MethodologyError([{ path: 'uncertainty', message: 'is not configured' }]);
  const nominal = score(m, data);
  const n = nominal.units.length;
  const runs = spec.runs;
  const rng = new Random(spec.seed);
  const ranks = Array.from({ length: n }, () => new Float64Array(runs));
  // Per unit, how many replications gave it a rank (a unit whose score is missing in one has none there).
  const ranked = new Int32Array(n);
  const gradeCodes = m.spec.grade.grades.map((g) => g.code);
  const gradeHits = Array.from({ length: n }, () => new Float64Array(gradeCodes.length));
  const failed: UncertaintyResult['failed'] = [];
  const noise = spec.weightNoise;
  const noisy = noise && noise.factor > 0 ? m.nodes.filter((node) => noise.levels.includes(node.level)) : [];
  // The treat and normalise alternatives are few: their results are computed once each and reused.
  const cache = new Map<string, Prepared>();
  const factors = new Float64Array(m.nodes.length).fill(1);
  let ok = 0;

  for (let run = 0; run < runs; run++) {
    // Draw every choice in a fixed order, whether or not it is used, so that a seed's stream never shifts.
    const overrides: ScoreOverrides = { skipGrade: true, cache };
    if (spec.winmax?.length) overrides.treat = { winmax: rng.pick(spec.winmax) };
    if (spec.normalise?.length) overrides.normalise = rng.pick(spec.normalise);
    if (spec.aggregate?.length) overrides.aggregate = rng.pick(spec.aggregate);
    for (const node of noisy) factors[node.index] = 1 + noise!.factor * (2 * rng.next() - 1);
    if (noisy.length) overrides.weightFactors = factors;
    let r: ScoreResult;
    try {
      r = score(m, data, overrides);
    } catch (err) {
      if (!(err instanceof MethodologyError)) throw err;
      failed.push({ run, reason: err.message });
      continue;
    }
    const g = gradeCodes.length
      ? grade({
          units: r.units,
          score: r.score,
          order: r.order,
          grading: m.spec.grade,
          availability: r.availability,
          requiredMissing: r.requiredMissing,
        }).gradeIndex
      : null;
    for (let i = 0; i < n; i++) {
      const rk = r.rank[i]!;
      if (rk === rk) ranks[i]![ranked[i]!++] = rk;
      if (g && g[i]! >= 0) gradeHits[i]![g[i]!]! += 1;
    }
    ok++;
    onProgress?.(run + 1, runs);
  }

  const perUnit = nominal.units.map((_, i) => {
    const sorted = ranks[i]!.subarray(0, ranked[i]!).sort();
    return {
      nominal: nominal.rank[i]!,
      median: quantileSorted(sorted, 0.5),
      q05: quantileSorted(sorted, 0.05),
      q95: quantileSorted(sorted, 0.95),
      grades: Object.fromEntries(gradeCodes.map((c, k) => [c, ok ? gradeHits[i]![k]! / ok : 0])),
    };
  });
  return { runs, completed: ok, seed: spec.seed, units: nominal.units, perUnit, failed };
}

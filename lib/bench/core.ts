/**
 * Benchmarks of the scoring engine (DESIGN section 8): 105 x 45, 10,000 x 200 and its scaling, the ASEM build,
 * and explaining every zone of the default evaluation (the next-grade search).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetFromCsv } from '../core/csv-dataset';
import { explain } from '../core/explain';
import { compileMethodology, formatIssues, uncertaintySchema } from '../core/methodology';
import { Random } from '../core/random';
import { type ScoreResult, score } from '../core/score';
import { uncertainty } from '../core/uncertainty';
import { demoDataset, loadDefaultEvaluation } from '../local/default-evaluation';
import { loadDefaultMethodology } from '../local/demo-data';
import { jitter, syntheticDataset, syntheticMethodology } from './synthetic';
import { checksum, type Figure, median, type Suite } from './types';

/** The ASEM reference case: its methodology and data, as the CLI would load them. */
function loadAsem() {
  const dir = join(__dirname, '../../test/fixtures/asem');
  const compiled = compileMethodology(JSON.parse(readFileSync(join(dir, 'asem-methodology.json'), 'utf8')));
  if (!compiled.ok) throw new Error(formatIssues(compiled.issues));
  const loaded = datasetFromCsv(
    readFileSync(join(dir, 'ASEM_iData.csv'), 'utf8'),
    compiled.methodology.spec,
    'uCode',
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues[0]));
  return { methodology: compiled.methodology, data: loaded.data };
}

/** Times `fn` `runs` times after `warmup` runs; returns the median in ms and the results' checksum. */
export function timeIt(
  runs: number,
  warmup: number,
  fn: (k: number) => ScoreResult,
): { ms: number; sum: string } {
  for (let k = 0; k < warmup; k++) fn(k);
  const times: number[] = [];
  const digests: string[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const r = fn(k);
    times.push(performance.now() - t0);
    digests.push(checksum(r.score));
  }
  return { ms: median(times), sum: checksum(digests) };
}

export const suite: Suite = {
  name: 'engine',
  async run(log) {
    const figures: Figure[] = [];
    const ev = loadDefaultEvaluation(1);
    const base = demoDataset(ev, 2025);
    const rng = new Random(7);
    const fresh = Array.from({ length: 400 }, () => jitter(base, rng));
    const m = ev.methodology;
    const small = timeIt(300, 100, (k) => score(m, fresh[k % fresh.length]!));
    figures.push({
      key: 'score_105x45_ms',
      value: small.ms,
      unit: 'ms',
      budget: 5,
      checksum: small.sum,
      note: `${m.indicators.length} indicators, fresh data each run`,
    });
    log(`score 105 zones x ${m.indicators.length}: ${small.ms.toFixed(3)} ms median`);

    // Explaining every zone: contributions, missing values, and the next-grade search with its what-if
    // re-scoring, under each weighting method (data-driven weights move with every value the search tries).
    for (const method of ['explicit', 'equal', 'entropy', 'critic', 'pca'] as const) {
      const json = loadDefaultMethodology() as { weight?: Record<string, unknown> };
      const compiled = compileMethodology({ ...json, weight: { ...json.weight, method } });
      if (!compiled.ok) throw new Error(formatIssues(compiled.issues));
      const mw = compiled.methodology;
      const scored = score(mw, base);
      explain(mw, base, scored);
      const explainTimes: number[] = [];
      let answers: Array<string | number> = [];
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        const ex = explain(mw, base, scored);
        explainTimes.push(performance.now() - t0);
        answers = ex.flatMap((x) =>
          x.nextGrade
            ? [x.nextGrade.grade, x.nextGrade.indicator, x.nextGrade.value, x.nextGrade.points]
            : ['-'],
        );
      }
      const explainMs = median(explainTimes);
      const none = answers.filter((x) => x === '-').length;
      figures.push({
        key: `explain_105x${mw.indicators.length}_ms_${method}`,
        value: explainMs,
        unit: 'ms',
        budget: 1000,
        checksum: checksum(answers),
        note: `${method} weights, ${scored.units.length - none} zones with a next grade in reach`,
      });
      log(
        `explain 105 zones x ${mw.indicators.length}, ${method} weights: ${explainMs.toFixed(1)} ms median`,
      );
    }

    const sizes = [1000, 10000];
    const scaling: number[] = [];
    for (const n of sizes) {
      const mm = syntheticMethodology(200, 20, n);
      const data = syntheticDataset(n, 200, n);
      // Fresh data for every run, made before the clock starts: copying 10,000 x 200 values is not scoring.
      const runs = n >= 10000 ? 5 : 10;
      const inputs = Array.from({ length: 2 }, () => jitter(data, rng, 0.01));
      const r = timeIt(runs, 2, (k) => score(mm, inputs[k % inputs.length]!));
      scaling.push(r.ms);
      figures.push({
        key: `score_${n}x200_ms`,
        value: r.ms,
        unit: 'ms',
        budget: n === 10000 ? 3000 : undefined,
        checksum: r.sum,
      });
      log(`score ${n} zones x 200: ${r.ms.toFixed(1)} ms median`);
    }
    figures.push({
      key: 'scaling_10000_over_1000',
      value: scaling[1]! / scaling[0]!,
      unit: 'x',
      note: 'linear would be 10: every step is linear in the zones but the ranking sort (n log n); wall time above that is memory (10,000 x 200 columns do not stay in cache)',
    });

    const asemCase = loadAsem();
    const asem = timeIt(500, 200, () => score(asemCase.methodology, asemCase.data));
    figures.push({ key: 'asem_build_ms', value: asem.ms, unit: 'ms', budget: 1, checksum: asem.sum });
    log(`ASEM published build: ${asem.ms.toFixed(3)} ms median`);
    return figures;
  },
};

/** Uncertainty benchmarks: 1,000 replications on the default evaluation and on ASEM with its published alternatives. */
export const uncertaintySuite: Suite = {
  name: 'uncertainty',
  async run(log) {
    const figures: Figure[] = [];
    const ev = loadDefaultEvaluation(1);
    const data = demoDataset(ev, 2025);
    const spec = uncertaintySchema.parse({
      runs: 1000,
      seed: 1,
      weightNoise: { levels: [1, 2], factor: 0.25 },
      winmax: [1, 2, 3, 4, 5],
      normalise: [
        { method: 'minmax', range: [1, 100] },
        { method: 'zscore', mean: 10, sd: 2 },
      ],
      aggregate: [{ method: 'arithmetic' }, { method: 'geometric' }],
    });
    const time = (fn: () => ReturnType<typeof uncertainty>) => {
      fn();
      const times: number[] = [];
      let last: ReturnType<typeof uncertainty> | undefined;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        last = fn();
        times.push(performance.now() - t0);
      }
      return { ms: median(times), sum: checksum(last!.perUnit.flatMap((u) => [u.median, u.q05, u.q95])) };
    };
    const own = time(() => uncertainty(ev.methodology, data, spec));
    figures.push({ key: 'uncertainty_1000_ms', value: own.ms, unit: 'ms', budget: 1000, checksum: own.sum });
    log(
      `uncertainty, 105 zones x ${ev.methodology.indicators.length}, 1,000 replications: ${own.ms.toFixed(0)} ms`,
    );

    const asemCase = loadAsem();
    const asem = time(() => uncertainty(asemCase.methodology, asemCase.data));
    figures.push({
      key: 'asem_uncertainty_1000_ms',
      value: asem.ms,
      unit: 'ms',
      budget: 500,
      checksum: asem.sum,
    });
    log(`ASEM uncertainty, 1,000 replications: ${asem.ms.toFixed(0)} ms`);
    return figures;
  },
};

/** Synthetic evaluations of any size for the benchmarks: log-normal indicators driven by a latent strength. */
import type { Dataset } from '../core/dataset';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../core/methodology';
import { Random } from '../core/random';

/** A methodology with `m` indicators in `dims` dimensions under one index, the default quota grades scaled to n. */
export function syntheticMethodology(m: number, dims: number, n: number): CompiledMethodology {
  const a = Math.round(n * 0.1);
  const b = Math.round(n * 0.45);
  const d = Math.round(n * 0.05);
  const c = n - a - b - d;
  const compiled = compileMethodology({
    indicators: Array.from({ length: m }, (_, j) => ({
      code: `I${j}`,
      parent: `D${j % dims}`,
      direction: j % 7 === 6 ? -1 : 1,
      weight: 1 + (j % 3),
    })),
    aggregates: [
      ...Array.from({ length: dims }, (_, k) => ({ code: `D${k}`, parent: 'Index' })),
      { code: 'Index' },
    ],
    treat: { method: 'winsorise' },
    grade: {
      method: 'quota',
      grades: [
        { code: 'A', count: a },
        { code: 'B', count: b },
        { code: 'C', count: c },
        { code: 'D', count: d },
      ],
    },
  });
  if (!compiled.ok) throw new Error(formatIssues(compiled.issues));
  return compiled.methodology;
}

/** n units x m indicators, about 1% missing, skewed so that outlier treatment has work to do. */
export function syntheticDataset(n: number, m: number, seed: number): Dataset {
  const rng = new Random(seed);
  const strength = Float64Array.from({ length: n }, () => rng.normal());
  const numeric = new Map<string, Float64Array>();
  for (let j = 0; j < m; j++) {
    const col = new Float64Array(n);
    const sigma = 0.4 + (j % 5) * 0.3;
    for (let i = 0; i < n; i++)
      col[i] = rng.next() < 0.01 ? Number.NaN : Math.exp(0.6 * strength[i]! + sigma * rng.normal()) * (1 + j);
    numeric.set(`I${j}`, col);
  }
  return { units: Array.from({ length: n }, (_, i) => `u${i}`), numeric, text: new Map() };
}

/** A copy of a dataset with every value multiplied by fresh noise, so that no two benchmark runs see the same data. */
export function jitter(data: Dataset, rng: Random, amount = 0.05): Dataset {
  const numeric = new Map<string, Float64Array>();
  for (const [k, col] of data.numeric)
    numeric.set(
      k,
      col.map((v) => v * (1 + amount * (rng.next() - 0.5))),
    );
  return { units: data.units, numeric, text: data.text };
}

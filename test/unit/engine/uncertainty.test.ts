import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCsv } from '../../../lib/core/csv';
import { datasetFromCsv } from '../../../lib/core/csv-dataset';
import { datasetFromRows } from '../../../lib/core/dataset';
import {
  type CompiledMethodology,
  compileMethodology,
  formatIssues,
  uncertaintySchema,
} from '../../../lib/core/methodology';
import { uncertainty } from '../../../lib/core/uncertainty';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

const dir = join(__dirname, '../../fixtures/asem');

describe('uncertainty analysis', () => {
  const m = compile({
    indicators: [
      { code: 'a', parent: 'D1' },
      { code: 'b', parent: 'D1' },
      { code: 'c', parent: 'D2' },
    ],
    aggregates: [{ code: 'D1', parent: 'I' }, { code: 'D2', parent: 'I' }, { code: 'I' }],
    normalise: { method: 'minmax', range: [1, 100] },
    grade: {
      method: 'quota',
      grades: [
        { code: 'A', count: 2 },
        { code: 'B', count: 3 },
        { code: 'C', count: 3 },
      ],
    },
  });
  const data = datasetFromRows(
    Array.from({ length: 8 }, (_, i) => ({ id: `u${i}`, values: { a: (i * 7) % 8, b: i, c: (i * 3) % 8 } })),
  );
  const noisy = uncertaintySchema.parse({
    runs: 200,
    seed: 3,
    weightNoise: { levels: [1, 2], factor: 0.5 },
    aggregate: [{ method: 'arithmetic' }, { method: 'geometric' }],
  });

  test('is bit-for-bit reproducible for a seed', () => {
    expect(uncertainty(m, data, noisy)).toEqual(uncertainty(m, data, noisy));
  });

  test('another seed gives other draws', () => {
    const a = uncertainty(m, data, noisy);
    const b = uncertainty(m, data, { ...noisy, seed: 4 });
    expect(a.perUnit.map((u) => u.grades)).not.toEqual(b.perUnit.map((u) => u.grades));
  });

  test('grade probabilities sum to 1 for every unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const r = uncertainty(m, data, { ...noisy, runs: 30, seed });
        return r.perUnit.every(
          (u) => Math.abs(Object.values(u.grades).reduce((s, p) => s + p, 0) - 1) < 1e-12,
        );
      }),
      { numRuns: 20 },
    );
  });

  test('with no alternatives and zero noise every interval collapses to the nominal rank', () => {
    const r = uncertainty(
      m,
      data,
      uncertaintySchema.parse({ runs: 50, seed: 1, weightNoise: { levels: [2], factor: 0 } }),
    );
    for (const u of r.perUnit) expect([u.median, u.q05, u.q95]).toEqual([u.nominal, u.nominal, u.nominal]);
  });
});

describe('ASEM uncertainty against the published rank bands', () => {
  const c = compile(JSON.parse(readFileSync(join(dir, 'asem-methodology.json'), 'utf8')));
  const loaded = datasetFromCsv(readFileSync(join(dir, 'ASEM_iData.csv'), 'utf8'), c.spec, 'uCode');
  if (!loaded.ok) throw new Error('ASEM data does not load');
  const r = uncertainty(c, loaded.data);
  const published = parseCsv(readFileSync(join(dir, 'published-uncertainty.csv'), 'utf8'))
    .slice(1)
    .filter((row) => row.length > 1);

  test('every replication scores', () => {
    expect(r.failed).toEqual([]);
  });

  test.each(published.map((row) => [row[0]!, row]))(
    '%s: median, 5th and 95th percentile within one rank',
    (id, row) => {
      const u = r.perUnit[r.units.indexOf(id)]!;
      expect(Math.abs(u.median - Number(row[1]))).toBeLessThanOrEqual(1);
      expect(Math.abs(u.q05 - Number(row[2]))).toBeLessThanOrEqual(1);
      expect(Math.abs(u.q95 - Number(row[3]))).toBeLessThanOrEqual(1);
    },
  );
});

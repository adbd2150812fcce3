import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { resultJson } from '../../../lib/cli/score';
import { parseCsv } from '../../../lib/core/csv';
import { datasetFromCsv } from '../../../lib/core/csv-dataset';
import { datasetFromRows } from '../../../lib/core/dataset';
import {
  type CompiledMethodology,
  compileMethodology,
  formatIssues,
  uncertaintySchema,
} from '../../../lib/core/methodology';
import { type Prepared, score } from '../../../lib/core/score';
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

describe('uncertainty over replications that fail or leave a unit unranked', () => {
  const rows = datasetFromRows([
    { id: 'u0', values: { a: 1, b: 5, c: 2 } },
    { id: 'u1', values: { a: 4, b: 1, c: 7 } },
    { id: 'u2', values: { a: 9, b: null, c: 4 } },
    { id: 'u3', values: { a: 6, b: 8, c: 1 } },
    { id: 'u4', values: { a: null, b: null, c: null } },
  ]);
  const grade = {
    method: 'quota',
    grades: [
      { code: 'A', count: 2 },
      { code: 'B', count: 3 },
    ],
  };

  test('completed counts the replications that scored; grade probabilities are over those', () => {
    // Min-max to [0, 100] gives each indicator's worst unit a 0, which the geometric mean refuses.
    const m = compile({ indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c' }], grade });
    const r = uncertainty(
      m,
      rows,
      uncertaintySchema.parse({
        runs: 40,
        seed: 2,
        aggregate: [{ method: 'arithmetic' }, { method: 'geometric' }],
      }),
    );
    expect(r.runs).toBe(40);
    expect(r.failed.length).toBeGreaterThan(0);
    expect(r.completed).toBe(40 - r.failed.length);
    for (const u of r.perUnit.slice(0, 4))
      expect(Object.values(u.grades).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });

  test('a unit unranked in some replications has quantiles over the others; one never ranked has none (null in JSON)', () => {
    // Requiring every child present drops u2 (b missing) in about half of the replications.
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c' }],
      grade,
      uncertainty: {
        runs: 60,
        seed: 5,
        weightNoise: { levels: [1], factor: 0.5 },
        aggregate: [{ method: 'arithmetic' }, { method: 'arithmetic', minAvailability: 1 }],
      },
    });
    const r = uncertainty(m, rows);
    expect(r.completed).toBe(60);
    const u2 = r.perUnit[2]!;
    for (const q of [u2.median, u2.q05, u2.q95]) {
      expect(q).toBeGreaterThanOrEqual(1);
      expect(q).toBeLessThanOrEqual(4);
    }
    expect(u2.grades.A! + u2.grades.B!).toBeGreaterThan(0.2);
    expect(u2.grades.A! + u2.grades.B!).toBeLessThan(0.8);
    const u4 = r.perUnit[4]!;
    expect([u4.median, u4.q05, u4.q95]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    const json = JSON.parse(JSON.stringify(resultJson(m, score(m, rows), { uncertainty: r })));
    const row = json.units.find((u: { id: string }) => u.id === 'u4');
    expect(row.uncertainty).toMatchObject({ median: null, q05: null, q95: null });
  });

  test('an alternative normalisation missing its per-indicator settings is refused before the analysis', () => {
    const c = compileMethodology({
      indicators: [{ code: 'a' }, { code: 'b' }],
      uncertainty: { runs: 5, normalise: [{ method: 'goalposts' }] },
    });
    expect(c.ok).toBe(false);
    expect(!c.ok && c.issues[0]!.path).toBe('uncertainty.normalise[0]');
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

describe('the preparation cache', () => {
  test('scoring through the cache gives exactly what scoring afresh gives, for every cached alternative', () => {
    const c = compile(JSON.parse(readFileSync(join(dir, 'asem-methodology.json'), 'utf8')));
    const loaded = datasetFromCsv(readFileSync(join(dir, 'ASEM_iData.csv'), 'utf8'), c.spec, 'uCode');
    if (!loaded.ok) throw new Error('ASEM data does not load');
    const cache = new Map<string, Prepared>();
    const alternatives = [
      { treat: { winmax: 1 }, normalise: c.spec.uncertainty!.normalise![1]! },
      { treat: { winmax: 3 } },
      { treat: { winmax: 1 }, normalise: c.spec.uncertainty!.normalise![1]! },
    ];
    for (const alt of alternatives) {
      const cached = score(c, loaded.data, { ...alt, skipGrade: true, cache });
      const fresh = score(c, loaded.data, { ...alt, skipGrade: true });
      expect(Array.from(cached.score)).toEqual(Array.from(fresh.score));
    }
    expect(cache.size).toBe(2);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetFromCsv } from '../../../lib/core/csv-dataset';
import { datasetFromRows } from '../../../lib/core/dataset';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { winsoriseColumn } from '../../../lib/core/steps/treat';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

/** Excel's SKEW (COINr's skew), written out here to check the engine independently. */
function skew(x: number[]): number {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return (n / ((n - 1) * (n - 2))) * x.reduce((a, b) => a + ((b - mean) / sd) ** 3, 0);
}

const minmax = (x: number[]) => {
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  return x.map((v) => (100 * (v - lo)) / (hi - lo));
};

describe('winmax counts points, as COINr does', () => {
  const x = Float64Array.from([...Array.from({ length: 19 }, (_, i) => i + 1), 12, 100, 101, 101]);
  const spec = { skew: 2, kurtosis: 3.5 };

  test('x = 1..19, 12, 100, 101, 101 with winmax 2: the two 101s use it up, and the log fallback follows', () => {
    const r = winsoriseColumn(x, { ...spec, winmax: 2 });
    expect(r.action).toBe('log');
    const pad = 0.01 * (101 - 1);
    expect(Array.from(r.col)).toEqual(Array.from(x, (v) => Math.log(v - 1 + pad)));
  });

  test('with winmax 3 the three units at 100 (after the first step) take 19, and the column passes', () => {
    const r = winsoriseColumn(x, { ...spec, winmax: 3 });
    expect(r.action).toBe('winsorised');
    expect(r.points).toEqual([
      { unit: 21, from: 101, to: 19 },
      { unit: 22, from: 101, to: 19 },
      { unit: 20, from: 100, to: 19 },
    ]);
  });
});

describe("screen.basis 'raw' screens before imputing", () => {
  test('a unit the screen drops does not feed the imputed means', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c' }],
      impute: { method: 'mean' },
      screen: { minAvailability: 0.6, basis: 'raw' },
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'u1', values: { a: 1, b: 1, c: null } },
        { id: 'u2', values: { a: 3, b: 2, c: 10 } },
        { id: 'u3', values: { a: 5, b: 3, c: 20 } },
        { id: 'u4', values: { a: null, b: null, c: 1000 } },
      ]),
    );
    expect(r.units).toEqual(['u1', 'u2', 'u3']);
    expect(r.imputed[2]![0]).toBe(15);
    expect(r.log.impute).toEqual([{ indicator: 'c', unit: 'u1', value: 15, how: 'mean' }]);
  });
});

describe('Box-Cox through score', () => {
  const rows = (xs: number[]) => datasetFromRows(xs.map((a, i) => ({ id: `u${i}`, values: { a, b: i } })));
  const method = (treat: Record<string, unknown>) =>
    compile({ indicators: [{ code: 'a', min: -10 }, { code: 'b' }], treat: { method: 'boxcox', ...treat } });

  test('a given lambda on positive values: (x^l - 1) / l, then min-max', () => {
    const xs = [1, 2, 2, 2, 3, 3, 3, 3, 4, 200];
    const r = score(method({ lambda: 0.5 }), rows(xs));
    expect(r.log.treat).toEqual([expect.objectContaining({ indicator: 'a', action: 'boxcox', lambda: 0.5 })]);
    const expected = minmax(xs.map((v) => (v ** 0.5 - 1) / 0.5));
    r.values[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
  });

  test('values not all positive are shifted by -min + 1% of the range first', () => {
    const xs = [-2, 0, 0, 1, 1, 1, 2, 2, 3, 148];
    const r = score(method({ lambda: 0 }), rows(xs));
    const shift = 2 + 0.01 * 150;
    const expected = minmax(xs.map((v) => Math.log(v + shift)));
    r.values[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
  });

  test('without a lambda, the one on the grid -2, -1.9, ..., 2 that brings the skew closest to zero', () => {
    const xs = [1, 2, 2, 2, 3, 3, 3, 3, 4, 200];
    const r = score(method({}), rows(xs));
    const lambda = r.log.treat[0]!.lambda!;
    const bc = (l: number) => xs.map((v) => (Math.abs(l) < 1e-12 ? Math.log(v) : (v ** l - 1) / l));
    const chosen = Math.abs(skew(bc(lambda)));
    for (let k = -20; k <= 20; k++) expect(chosen).toBeLessThanOrEqual(Math.abs(skew(bc(k / 10))) + 1e-9);
    const expected = minmax(bc(lambda));
    r.values[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
  });
});

describe('TOPSIS and Copeland, worked examples', () => {
  // Three units, two indicators weighted 3 and 1 (0.75 and 0.25 once renormalised), values used as they are.
  const topsisData = datasetFromRows([
    { id: 'A', values: { p: 4, q: 1 } },
    { id: 'B', values: { p: 2, q: 3 } },
    { id: 'C', values: { p: 1, q: 2 } },
  ]);

  test('TOPSIS: every closeness D- / (D+ + D-), on weighted values, ideal and anti-ideal per column', () => {
    const m = compile({
      indicators: [
        { code: 'p', weight: 3 },
        { code: 'q', weight: 1 },
      ],
      normalise: { method: 'none' },
      aggregate: { method: 'topsis' },
    });
    const r = score(m, topsisData);
    // Weighted: A (3, 0.25), B (1.5, 0.75), C (0.75, 0.5); ideal (3, 0.75), anti-ideal (0.75, 0.25).
    const closeness = (dPlus: number, dMinus: number) => dMinus / (dPlus + dMinus);
    const A = closeness(Math.sqrt(0 ** 2 + 0.5 ** 2), Math.sqrt(2.25 ** 2 + 0 ** 2));
    const B = closeness(Math.sqrt(1.5 ** 2 + 0 ** 2), Math.sqrt(0.75 ** 2 + 0.5 ** 2));
    const C = closeness(Math.sqrt(2.25 ** 2 + 0.25 ** 2), Math.sqrt(0 ** 2 + 0.25 ** 2));
    expect(r.score[0]).toBeCloseTo(A, 12);
    expect(r.score[1]).toBeCloseTo(B, 12);
    expect(r.score[2]).toBeCloseTo(C, 12);
    expect(A).toBeCloseTo(2.25 / 2.75, 12);
  });

  const copelandData = datasetFromRows([
    { id: 'A', values: { x: 3, y: 1, z: 2 } },
    { id: 'B', values: { x: 2, y: 2, z: 2 } },
    { id: 'C', values: { x: 1, y: 3, z: 1 } },
    { id: 'D', values: { x: 1, y: 1, z: 1 } },
  ]);
  const copeland = (weights: [number, number, number]) =>
    score(
      compile({
        indicators: [
          { code: 'x', weight: weights[0] },
          { code: 'y', weight: weights[1] },
          { code: 'z', weight: weights[2] },
        ],
        normalise: { method: 'none' },
        aggregate: { method: 'copeland' },
      }),
      copelandData,
    );

  test('Copeland, equal weights: a pair split evenly (ties count half) is neither a win nor a loss', () => {
    // A-B: x A, y B, z tie: 1.5 of 3, even. A-C: x, z A: 2 of 3. A-D: x, z A, y tie: 2.5. B-C: x, z B: 2.
    // B-D: 3. C-D: y C, x and z tie: 2. So A: 0 + 1 + 1, B: 0 + 1 + 1, C: -1 - 1 + 1, D: -3.
    expect(Array.from(copeland([1, 1, 1]).score)).toEqual([2, 2, -1, -3]);
  });

  test('Copeland, weights 2, 1, 1: the weight of the children each unit is better on decides', () => {
    // Of a total weight of 4: A-B: x (2) + half of z (0.5) = 2.5 for A, A wins. A-C: x + z = 3, A wins.
    // A-D: x + z + half of y = 3.5, A wins. B-C: x + z = 3, B wins. B-D: 4, B wins.
    // C-D: half of x (1) + y (1) + half of z (0.5) = 2.5, C wins. So A: 3, B: -1 + 2, C: -2 + 1, D: -3.
    expect(Array.from(copeland([2, 1, 1]).score)).toEqual([3, 1, -1, -3]);
  });
});

describe('the ASEM build treats as the reference says', () => {
  test('15 indicators winsorised, none log-transformed', () => {
    const dir = join(__dirname, '../../fixtures/asem');
    const m = compile(JSON.parse(readFileSync(join(dir, 'asem-methodology.json'), 'utf8')));
    const loaded = datasetFromCsv(readFileSync(join(dir, 'ASEM_iData.csv'), 'utf8'), m.spec, 'uCode');
    if (!loaded.ok) throw new Error('the ASEM data does not load');
    const r = score(m, loaded.data);
    expect(r.log.treat.filter((e) => e.action === 'winsorised')).toHaveLength(15);
    expect(r.log.treat.filter((e) => e.action === 'log')).toHaveLength(0);
  });
});

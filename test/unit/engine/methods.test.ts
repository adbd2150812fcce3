import { datasetFromRows } from '../../../lib/core/dataset';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { skewKurt } from '../../../lib/core/stats';
import { boxCoxColumn } from '../../../lib/core/steps/treat';
import { pcaRaw } from '../../../lib/core/steps/weight';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

describe('the remaining methods', () => {
  test('Box-Cox with lambda 0 is the log; a chosen lambda reduces the skew of a log-normal-like column', () => {
    const x = Float64Array.from([1, 2, 4, 8, 16, 32, 64, 128, 256, 1024]);
    expect(boxCoxColumn(x, 0).col[3]).toBeCloseTo(Math.log(8), 12);
    const best = boxCoxColumn(x);
    expect(Math.abs(skewKurt(best.col).skew)).toBeLessThan(Math.abs(skewKurt(x).skew));
  });

  test('PCA weights are the squared first-component loadings, and negative loadings are reported', () => {
    const log: { node: string; note: string }[] = [];
    const a = Float64Array.from([1, 2, 3, 4, 5]);
    const b = Float64Array.from([2, 4, 6, 8, 11]);
    const c = Float64Array.from([5, 4, 3, 2, 1]);
    const w = pcaRaw([a, b, c], ['a', 'b', 'c'], log);
    expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    expect(log[0]!.note).toMatch(/negative for c/);
  });

  test('a different aggregation method per level: a geometric dimension under an arithmetic index', () => {
    const m = compile({
      indicators: [
        { code: 'a', parent: 'D' },
        { code: 'b', parent: 'D' },
        { code: 'c', parent: 'I' },
      ],
      aggregates: [{ code: 'D', parent: 'I', method: 'geometric' }, { code: 'I' }],
      normalise: { method: 'minmax', range: [1, 100] },
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'x', values: { a: 1, b: 0, c: 0 } },
        { id: 'y', values: { a: 0, b: 1, c: 1 } },
      ]),
    );
    const d = m.nodeIndex.get('D')!;
    expect(r.values[d]![0]).toBeCloseTo(10, 9); // sqrt(100 * 1)
    expect(r.score[0]).toBeCloseTo((10 + 1) / 2, 9);
  });

  test('an aggregate with too few children present is missing rather than computed from too little', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c' }],
      aggregate: { method: 'arithmetic', minAvailability: 0.6 },
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'x', values: { a: 1, b: null, c: null } },
        { id: 'y', values: { a: 0, b: 1, c: 1 } },
        { id: 'z', values: { a: 0.5, b: 0, c: 0 } },
      ]),
    );
    expect(r.score[0]).toBeNaN();
    expect(r.rank[0]).toBeNaN();
    expect(r.score[1]).toBeCloseTo(200 / 3, 9);
  });

  test('entropy weighting over z-scores is refused with a sentence naming the remedy', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b' }],
      normalise: { method: 'zscore' },
      weight: { method: 'entropy' },
    });
    expect(() =>
      score(
        m,
        datasetFromRows([
          { id: 'x', values: { a: 1, b: 2 } },
          { id: 'y', values: { a: 3, b: 1 } },
        ]),
      ),
    ).toThrow(/entropy weights need values >= 0.*use minmax or rank/);
  });

  test('entropy weighting: a dimension whose only indicator is constant falls back to equal weights, logged', () => {
    const m = compile({
      indicators: [
        { code: 'a', parent: 'D1' },
        { code: 'b', parent: 'D2' },
        { code: 'c', parent: 'D2' },
      ],
      aggregates: [{ code: 'I' }, { code: 'D1', parent: 'I' }, { code: 'D2', parent: 'I' }],
      weight: { method: 'entropy' },
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'x', values: { a: 5, b: 2, c: 7 } },
        { id: 'y', values: { a: 5, b: 1, c: 7 } },
        { id: 'z', values: { a: 5, b: 0, c: 7 } },
      ]),
    );
    expect(r.weights[m.nodeIndex.get('a')!]).toBe(1);
    // c is constant beside a varying b: it carries no information and keeps weight 0 (exactly, not noise).
    expect(r.weights[m.nodeIndex.get('b')!]).toBe(1);
    expect(r.weights[m.nodeIndex.get('c')!]).toBe(0);
    expect(r.log.weight).toEqual([
      {
        node: 'D1',
        note: "'entropy' gives its children no weight (its only indicator is constant): equal weights instead",
      },
    ]);
    expect(Array.from(r.score)).toEqual([75, 50, 25]);
  });

  test('entropy weighting: when every indicator of a dimension is constant they share its weight equally', () => {
    const m = compile({ indicators: [{ code: 'a' }, { code: 'b' }], weight: { method: 'entropy' } });
    const r = score(
      m,
      datasetFromRows([
        { id: 'x', values: { a: 3, b: 1 } },
        { id: 'y', values: { a: 3, b: 1 } },
      ]),
    );
    expect(Array.from(r.weights.subarray(0, 2))).toEqual([0.5, 0.5]);
    expect(r.log.weight[0]!.note).toMatch(/every indicator is constant/);
  });

  describe('PCA weighting', () => {
    const pcaOf = (rows: Array<Record<string, number>>) => {
      const codes = Object.keys(rows[0]!);
      const m = compile({
        indicators: codes.map((code) => ({ code, parent: 'R' })),
        aggregates: [{ code: 'R' }],
        weight: { method: 'pca' },
      });
      const r = score(m, datasetFromRows(rows.map((values, k) => ({ id: `u${k}`, values }))));
      return {
        w: Object.fromEntries(codes.map((c) => [c, r.weights[m.nodeIndex.get(c)!]!])),
        log: r.log.weight,
      };
    };

    test('a constant indicator gets no weight: the varying ones share it by their first component', () => {
      // Kept in, c (no correlation with anything) was an eigenvector of its own, and power iteration from the
      // symmetric start vector, orthogonal to the first component (v - w), settled on it: c took all the weight.
      const { w, log } = pcaOf([
        { c: 5, v: 1, w: 3 },
        { c: 5, v: 2, w: 1 },
        { c: 5, v: 3, w: 2 },
      ]);
      expect(w.c).toBe(0);
      expect(w.v).toBeCloseTo(0.5, 12);
      expect(w.w).toBeCloseTo(0.5, 12);
      expect(log).toContainEqual({
        node: 'R',
        note: 'PCA gives no weight to c: constant, it carries no information',
      });
      // v and w correlate at -0.5: the first component sets them against each other, and the log says so.
      expect(log.some((x) => /loadings are negative for (v|w)\b/.test(x.note))).toBe(true);
    });

    test('when every indicator of a parent is constant, they share its weight equally, and the log says so', () => {
      const { w, log } = pcaOf([
        { a: 3, b: 1 },
        { a: 3, b: 1 },
        { a: 3, b: 1 },
      ]);
      expect(w).toEqual({ a: 0.5, b: 0.5 });
      expect(log.map((x) => x.note)).toContainEqual(expect.stringMatching(/every indicator is constant/));
    });

    test('a first component orthogonal to the all-ones vector is still found', () => {
      // a and b are perfectly anti-correlated: R = [[1, -1], [-1, 1]], first component (1, -1) / sqrt(2).
      const log: { node: string; note: string }[] = [];
      const w = pcaRaw([Float64Array.from([1, 2, 3, 4]), Float64Array.from([4, 3, 2, 1])], ['a', 'b'], log);
      expect(w[0]).toBeCloseTo(0.5, 12);
      expect(w[1]).toBeCloseTo(0.5, 12);
      expect(log.map((x) => x.note)).toEqual([
        'PCA loadings are negative for b: those indicators pull against the first component',
      ]);
    });

    test('uncorrelated indicators (a tied first eigenvalue) share the weight equally, whatever the solver picks', () => {
      const f = (x: number[]) => Float64Array.from(x);
      // Centred, pairwise orthogonal columns: R is the identity and every direction is a first component.
      const w = pcaRaw([f([-3, -1, 1, 3]), f([1, -1, -1, 1]), f([-1, 3, -3, 1])], ['a', 'b', 'c'], []);
      for (const x of w) expect(x).toBeCloseTo(1 / 3, 12);
    });

    test('unequal loadings: b = a + c with a and c uncorrelated gives the first component (1, sqrt 2, 1) / 2', () => {
      const a = [1, -1, 0, 0];
      const c = [1, 1, -2, 0].map((x) => x / Math.sqrt(3));
      const f = (x: number[]) => Float64Array.from(x);
      const w = pcaRaw([f(a), f(a.map((x, k) => x + c[k]!)), f(c)], ['a', 'b', 'c'], []);
      expect(w[0]).toBeCloseTo(0.25, 12);
      expect(w[1]).toBeCloseTo(0.5, 12);
      expect(w[2]).toBeCloseTo(0.25, 12);
    });
  });

  test('TOPSIS as the index: the unit best on everything scores 1', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b', direction: -1 }],
      aggregate: { method: 'topsis' },
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'x', values: { a: 9, b: 1 } },
        { id: 'y', values: { a: 1, b: 9 } },
        { id: 'z', values: { a: 5, b: 5 } },
      ]),
    );
    expect(Array.from(r.score)).toEqual([1, 0, 0.5]);
  });
});

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

import { explain, findNextGrade, WhatIf } from '../../../lib/core/explain';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { demoDataset, loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { loadDefaultMethodology } from '../../../lib/local/demo-data';

/** The default methodology with some of its steps replaced. */
function defaultWith(changes: Record<string, unknown>): CompiledMethodology {
  const json = loadDefaultMethodology() as Record<string, unknown>;
  const c = compileMethodology({ ...json, ...changes });
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

const weighting = (method: string) => ({ weight: { method } });

describe('the fast what-if of the next-grade search (data-driven weights)', () => {
  const ev = loadDefaultEvaluation(1);
  const data = demoDataset(ev, 2025);

  test('applies under entropy, CRITIC and PCA weights on the default evaluation, and not where its model does not hold', () => {
    const applies = (changes: Record<string, unknown>) => {
      const m = defaultWith(changes);
      const w = new WhatIf(m, data, score(m, data));
      return w.approximate(50, 0, w.rawValue(50, 0) + 1) !== null;
    };
    for (const method of ['entropy', 'critic', 'pca']) expect(applies(weighting(method))).toBe(true);
    // Fixed weights have their own exact shortcut; the model assumes min-max, no treatment, arithmetic means.
    expect(applies(weighting('explicit'))).toBe(false);
    expect(applies({ ...weighting('critic'), normalise: { method: 'zscore' } })).toBe(false);
    expect(applies({ ...weighting('critic'), treat: { method: 'winsorise' } })).toBe(false);
    expect(
      applies({
        ...weighting('entropy'),
        normalise: { method: 'minmax', range: [1, 100] },
        aggregate: { method: 'geometric' },
      }),
    ).toBe(false);
    const m = defaultWith(weighting('critic'));
    const w = new WhatIf(m, data, score(m, data), { fast: false });
    expect(w.approximate(50, 0, 1)).toBeNull();
  });

  test.each(['entropy', 'critic', 'pca'])(
    'under %s weights its scores are within its stated error of the exact what-if, for values inside, below and beyond the range, filled or not',
    (method) => {
      const m = defaultWith(weighting(method));
      const r = score(m, data);
      const w = new WhatIf(m, data, r);
      let compared = 0;
      let declined = 0;
      let worst = 0;
      let error = 0;
      for (let j = 0; j < m.indicators.length; j += 5) {
        const { lo, hi } = w.observedRange(j);
        const col = r.raw[j]!;
        // A unit missing this indicator (its fill moves with the value), the units holding the extremes, a middle one.
        const units = new Set([r.order[0]!, r.order[52]!, r.order[104]!]);
        const missing = col.findIndex((x) => x !== x);
        if (missing >= 0) units.add(missing);
        units.add(col.indexOf(lo));
        units.add(col.indexOf(hi));
        for (const i of units)
          for (const v of [
            lo - (hi - lo),
            lo,
            (lo + hi) / 2,
            hi,
            hi + 2 * (hi - lo),
            m.indicators[j]!.min ?? lo,
          ]) {
            const fast = w.approximate(i, j, v);
            if (!fast) {
              declined++;
              continue;
            }
            const approximate = Float64Array.from(fast.score);
            error = fast.error;
            const exact = w.apply(i, j, v).score;
            for (let u = 0; u < exact.length; u++)
              worst = Math.max(worst, Math.abs(approximate[u]! - exact[u]!));
            compared++;
          }
      }
      expect(compared).toBeGreaterThan(200);
      expect(declined).toBeLessThan(compared / 10);
      // Rounding apart, the same numbers: far inside the error the search allows for.
      expect(worst).toBeLessThan(error / 1000);
    },
  );

  test.each(['entropy', 'critic', 'pca'])(
    'under %s weights the next-grade answers are the same with the fast what-if as without it, found with far fewer exact what-ifs',
    (method) => {
      const m = defaultWith(weighting(method));
      const r = score(m, data);
      const fast = new WhatIf(m, data, r);
      const exact = new WhatIf(m, data, r, { fast: false });
      // The exact what-if, counted per search.
      const exactCalls = jest.spyOn(
        WhatIf.prototype as unknown as { scoresWith: () => unknown },
        'scoresWith',
      );
      let withFast = 0;
      let withoutFast = 0;
      const gradeIndex = r.grade.map((g) => m.spec.grade.grades.findIndex((x) => x.code === g));
      let searched = 0;
      let found = 0;
      for (let k = 10; k < 105; k += 6) {
        const i = r.order[k]!;
        const g = gradeIndex[i]!;
        if (g <= 0) continue;
        exactCalls.mockClear();
        const a = findNextGrade(fast, m, i, g - 1);
        withFast += exactCalls.mock.calls.length;
        exactCalls.mockClear();
        expect(a).toEqual(findNextGrade(exact, m, i, g - 1));
        withoutFast += exactCalls.mock.calls.length;
        searched++;
        if (a) found++;
      }
      exactCalls.mockRestore();
      expect(withFast * 10).toBeLessThan(withoutFast);
      expect(searched).toBeGreaterThan(12);
      expect(found).toBeGreaterThan(0);
      expect(found).toBeLessThan(searched);
    },
  );

  test('explain gives the same answers with and without it', () => {
    const m = defaultWith(weighting('critic'));
    const r = score(m, data);
    const spy = jest.spyOn(WhatIf.prototype, 'approximate');
    const withFast = explain(m, data, r, { missing: false });
    expect(spy.mock.results.filter((x) => x.value !== null).length).toBeGreaterThan(1000);
    spy.mockImplementation(() => null);
    const without = explain(m, data, r, { missing: false });
    spy.mockRestore();
    expect(withFast.map((x) => x.nextGrade)).toEqual(without.map((x) => x.nextGrade));
  });
});

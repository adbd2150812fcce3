import fc from 'fast-check';
import { datasetFromRows } from '../../../lib/core/dataset';
import { WhatIf } from '../../../lib/core/explain';
import {
  type CompiledMethodology,
  compileMethodology,
  formatIssues,
  type MethodologyInput,
} from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { DEMO_YEARS, demoDataset, loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { loadDefaultMethodology } from '../../../lib/local/demo-data';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

const two = (extra: Partial<MethodologyInput> = {}, a: Record<string, unknown> = {}) =>
  compile({
    indicators: [
      { code: 'a', min: 0, max: 100, ...a },
      { code: 'b', min: 0 },
    ],
    ...extra,
  });

describe('missing-value rules', () => {
  test('by default a value not reported is left out and the siblings re-weighted, as before', () => {
    const r = score(
      two(),
      datasetFromRows([
        { id: 'x', values: { a: 10, b: 0 } },
        { id: 'y', values: { a: null, b: 5 } },
        { id: 'z', values: { a: 20, b: 10 } },
      ]),
    );
    expect(r.score[1]).toBeCloseTo(50, 12);
    expect(r.missing[1]).toEqual([{ indicator: 'a', scoredAs: 'left out', value: null, normalised: null }]);
    expect(r.missing[0]).toEqual([]);
  });

  test("'worst' scores a missing value at the bottom of the normalised range, the others as reported", () => {
    const r = score(
      two({ impute: { method: 'none', missing: 'worst' } }),
      datasetFromRows([
        { id: 'x', values: { a: 10, b: 0 } },
        { id: 'y', values: { a: null, b: 5 } },
        { id: 'z', values: { a: 20, b: 10 } },
      ]),
    );
    // a: x 0, y 0 (bottom), z 100; b: 0, 50, 100.
    expect(Array.from(r.values[0]!)).toEqual([0, 0, 100]);
    expect(Array.from(r.score)).toEqual([0, 25, 100]);
    expect(r.missing[1]).toEqual([{ indicator: 'a', scoredAs: 'worst', value: null, normalised: 0 }]);
    expect(r.log.missing).toEqual([{ indicator: 'a', scoredAs: 'worst', units: ['y'], value: 0 }]);
  });

  test("'bound' scores a missing value as the declared min, which anchors the range", () => {
    const r = score(
      two({ impute: { method: 'none', missing: 'bound' } }),
      datasetFromRows([
        { id: 'x', values: { a: 10, b: 0 } },
        { id: 'y', values: { a: null, b: 5 } },
        { id: 'z', values: { a: 20, b: 10 } },
      ]),
    );
    // a with y at 0: (10 - 0) / (20 - 0) = 50 for x.
    expect(Array.from(r.values[0]!)).toEqual([50, 0, 100]);
    expect(r.missing[1]).toEqual([{ indicator: 'a', scoredAs: 'bound', value: 0, normalised: 0 }]);
  });

  test("'bound' takes the max of a less-is-better indicator", () => {
    const m = compile({
      indicators: [{ code: 'h', direction: -1, min: 0, max: 48, missing: 'bound' }],
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'x', values: { h: 12 } },
        { id: 'y', values: { h: null } },
        { id: 'z', values: { h: 24 } },
      ]),
    );
    expect(Array.from(r.values[0]!)).toEqual([100, 0, (100 * 24) / 36]);
  });

  test('an indicator declares its own rule, over the default', () => {
    const r = score(
      two({ impute: { method: 'mean', missing: 'impute' } }, { missing: 'worst' }),
      datasetFromRows([
        { id: 'x', values: { a: 10, b: 0 } },
        { id: 'y', values: { a: null, b: null } },
        { id: 'z', values: { a: 20, b: 10 } },
      ]),
    );
    expect(r.missing[1]).toEqual([
      { indicator: 'a', scoredAs: 'worst', value: null, normalised: 0 },
      { indicator: 'b', scoredAs: 'imputed', value: 5, normalised: 50 },
    ]);
  });

  test("'bound' without a bound on the worse side is refused, naming the field", () => {
    const c = compileMethodology({
      indicators: [{ code: 'h', direction: -1, min: 0, missing: 'bound' }],
    });
    expect(c.ok).toBe(false);
    if (!c.ok) expect(formatIssues(c.issues)).toMatch(/indicators\[0\] \(h\)\.missing: .*declare `max`/);
  });

  test("'bound' falls back to the bottom of the range when a log transform changed the column's units", () => {
    const m = compile({
      indicators: [{ code: 'a', min: 0, missing: 'bound' }],
      treat: { method: 'winsorise', winmax: 0 },
    });
    const vals = [1, 2, 2, 3, 3, 3, 4, 4, 5, 1000, null];
    const r = score(m, datasetFromRows(vals.map((a, i) => ({ id: `u${i}`, values: { a } }))));
    expect(r.log.treat[0]!.action).toBe('log');
    expect(r.missing[10]).toEqual([{ indicator: 'a', scoredAs: 'worst', value: null, normalised: 0 }]);
  });

  test("under 'bound' the unit holding the worst value gains nothing by blanking it; under 'worst' it can", () => {
    // x holds the worst a; y trails x by 1 on the score and leads it by 20 on a.
    const rows = (xa: number | null) => [
      { id: 'x', values: { a: xa, b: 60 } },
      { id: 'y', values: { a: 30, b: 40 } },
      { id: 'z', values: { a: 100, b: 100 } },
      { id: 'w', values: { a: 0, b: 0 } },
    ];
    const compare = (missing: 'worst' | 'bound') => {
      const m = compile({
        indicators: [
          { code: 'a', min: 0, missing },
          { code: 'b', min: 0 },
        ],
      });
      const data = (xa: number | null) =>
        datasetFromRows(rows(xa).map((r) => (r.id === 'w' ? { id: 'w', values: { a: null, b: 0 } } : r)));
      return [score(m, data(10)).rank[0], score(m, data(null)).rank[0]];
    };
    const [worstBefore, worstAfter] = compare('worst');
    expect(worstAfter!).toBeLessThan(worstBefore!);
    const [boundBefore, boundAfter] = compare('bound');
    expect(boundAfter!).toBeGreaterThanOrEqual(boundBefore!);
  });
});

describe("'bound' under min-max without treatment: a blank never pays, on any data", () => {
  const m = compile({
    indicators: [
      { code: 'a', parent: 'D1', min: 0, weight: 2 },
      { code: 'b', parent: 'D1', direction: -1, max: 1000 },
      { code: 'c', parent: 'D2', min: 0 },
    ],
    aggregates: [{ code: 'D1', parent: 'I' }, { code: 'D2', parent: 'I', weight: 2 }, { code: 'I' }],
    impute: { method: 'none', missing: 'bound' },
  });
  const cell = fc.option(
    fc.integer({ min: 0, max: 100000 }).map((v) => v / 100),
    { freq: 6 },
  );
  const table = fc.array(fc.tuple(cell, cell, cell), { minLength: 3, maxLength: 25 });

  test('property: blanking any cells of one unit never improves its rank', () => {
    fc.assert(
      fc.property(table, fc.nat(), fc.subarray(['a', 'b', 'c'], { minLength: 1 }), (t, pick, blanked) => {
        const k = pick % t.length;
        const rows = (blank: boolean) =>
          datasetFromRows(
            t.map(([a, b, c], i) => {
              const values: Record<string, number | null> = { a, b, c };
              if (blank && i === k) for (const code of blanked) values[code] = null;
              return { id: `u${i}`, values };
            }),
          );
        const before = score(m, rows(false), { skipGrade: true });
        const after = score(m, rows(true), { skipGrade: true });
        return !(after.rank[k]! < before.rank[k]!);
      }),
      { numRuns: 300 },
    );
  });
});

describe('what-if re-scoring follows the missing-value rules', () => {
  test.each(['worst', 'bound'] as const)('under %s, a changed value re-scores as score() does', (rule) => {
    const m = compile({
      indicators: [
        { code: 'a', min: 0, missing: rule },
        { code: 'b', min: 0, missing: rule },
      ],
    });
    const rows = [
      { id: 'p', values: { a: 4, b: null } },
      { id: 'q', values: { a: null, b: 2 } },
      { id: 'r', values: { a: 9, b: 5 } },
      { id: 's', values: { a: 6, b: 8 } },
    ];
    const r = score(m, datasetFromRows(rows));
    const after = new WhatIf(m, datasetFromRows(rows), r).apply(0, 0, 12);
    const full = score(
      m,
      datasetFromRows(rows.map((x) => (x.id === 'p' ? { id: 'p', values: { a: 12, b: null } } : x))),
    );
    Array.from(full.score).forEach((v, i) => expect(after.score[i]).toBeCloseTo(v, 12));
  });
});

describe('the default evaluation: a blank cell never pays', () => {
  const ev = loadDefaultEvaluation(2025);
  const m = ev.methodology;
  const data = demoDataset(ev, DEMO_YEARS[1]);
  const base = score(m, data);
  const gradeIndex = (g: string | null) => (g === null ? Number.POSITIVE_INFINITY : 'ABCD'.indexOf(g));
  const blank = (row: number, js: number[]) => {
    const numeric = new Map(data.numeric);
    for (const j of js) {
      const code = m.indicators[j]!.code;
      const col = Float64Array.from(numeric.get(code)!);
      col[row] = Number.NaN;
      numeric.set(code, col);
    }
    return { ...data, numeric };
  };
  const weakest = (i: number, k: number) =>
    m.indicators
      .map((_, j) => j)
      .sort((p, q) => base.values[p]![i]! - base.values[q]![i]!)
      .slice(0, k);

  test('reproduction: under the former policy the last zone blanking its 24 weakest values rises a grade', () => {
    const json = loadDefaultMethodology() as Record<string, unknown> & { grade: Record<string, unknown> };
    const former = compile({
      ...json,
      impute: { method: 'none' },
      screen: { minAvailability: 0.5 },
      treat: { method: 'winsorise', winmax: 5, skew: 2, kurtosis: 3.5 },
      grade: { ...json.grade, gates: [] },
    });
    const before = score(former, data);
    const last = before.order[before.order.length - 1]!;
    const after = score(former, blank(last, weakest(last, 24)));
    expect([before.rank[last], before.grade[last]]).toEqual([105, 'D']);
    expect(after.rank[last]!).toBeLessThan(105);
    expect(after.grade[last]).toBe('C');
  });

  test('the last zone blanking its 24 weakest values stays last, with the same grade', () => {
    const last = base.order[base.order.length - 1]!;
    const after = score(m, blank(last, weakest(last, 24)));
    expect([after.rank[last], after.grade[last]]).toEqual([base.rank[last], base.grade[last]]);
    expect(after.missing[last]!.length).toBe(24 + base.missing[last]!.length);
    expect(after.missing[last]!.every((x) => x.scoredAs === 'bound' && x.normalised === 0)).toBe(true);
  });

  test('a zone missing a required indicator is held at "Initial results" at most', () => {
    const best = base.order[0]!;
    const t16 = m.indicators.findIndex((x) => x.code === 'T16');
    const after = score(m, blank(best, [t16]));
    expect(base.grade[best]).toBe('A');
    expect(after.grade[best]).toBe('C');
    expect(after.log.grade!.gated.find((g) => g.unit === base.units[best])?.reason).toMatch(/required/);
  });

  test('a zone with fewer than 80% of its values is held at "Initial results" at most', () => {
    const best = base.order[0]!;
    const optional = m.indicators.map((x, j) => (x.required ? -1 : j)).filter((j) => j >= 0);
    // The 10 indicators where the best zone is weakest: 38 of 48 left is 79%.
    const js = optional.sort((p, q) => base.values[p]![best]! - base.values[q]![best]!).slice(0, 10);
    const after = score(m, blank(best, js));
    expect(after.availability[best]!).toBeLessThan(0.8);
    expect(after.grade[best]).toBe('C');
    const gate = after.log.grade!.gated.find((g) => g.unit === base.units[best]);
    expect(gate?.reason).toMatch(/availability 79% is below 80%/);
    expect(gate?.earned).not.toBe('C');
  });

  // Exhaustive where a random search is thin: a data-driven treatment (winsorising) fails here, on a few of the
  // single blanks (19 of 4,956, all of T16), by flipping it between the log fallback and winsorising.
  test('every single blank of every zone: none improves its rank or grade', () => {
    const worse: string[] = [];
    base.units.forEach((unit, i) => {
      m.indicators.forEach((ind, j) => {
        if (base.raw[j]![i] !== base.raw[j]![i]) return;
        const after = score(m, blank(i, [j]));
        if (after.rank[i]! < base.rank[i]! || gradeIndex(after.grade[i]!) < gradeIndex(base.grade[i]!))
          worse.push(`${unit} ${ind.code}`);
      });
    });
    expect(worse).toEqual([]);
  }, 120_000);

  test('property: blanking any set of a zone’s values never improves its rank or grade, in either year', () => {
    const years = DEMO_YEARS.map((year) => {
      const d = demoDataset(ev, year);
      const b = score(m, d);
      // Units holding an indicator's worst or best value reported: where a blank could move a range's anchors.
      const extremes = m.indicators.flatMap((_, j) => {
        const col = b.raw[j]!;
        let lo = -1;
        let hi = -1;
        col.forEach((v, i) => {
          if (v !== v) return;
          if (lo < 0 || v < col[lo]!) lo = i;
          if (hi < 0 || v > col[hi]!) hi = i;
        });
        return [lo, hi].filter((i) => i >= 0);
      });
      return { d, b, extremes };
    });
    const allExtremes = [...new Set(years.flatMap((y) => y.extremes))];
    const unit = fc.oneof(fc.nat(base.units.length - 1), fc.constantFrom(...allExtremes));
    const set = fc.uniqueArray(fc.nat(m.indicators.length - 1), {
      minLength: 1,
      maxLength: m.indicators.length,
    });
    fc.assert(
      fc.property(fc.nat(years.length - 1), unit, set, (y, i, js) => {
        const { d, b } = years[y]!;
        const numeric = new Map(d.numeric);
        for (const j of js) {
          const code = m.indicators[j]!.code;
          const col = Float64Array.from(numeric.get(code)!);
          col[i] = Number.NaN;
          numeric.set(code, col);
        }
        const after = score(m, { ...d, numeric });
        return after.rank[i]! >= b.rank[i]! && gradeIndex(after.grade[i]!) >= gradeIndex(b.grade[i]!);
      }),
      { numRuns: 300 },
    );
  });
});

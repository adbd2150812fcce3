import { type Dataset, datasetFromRows } from '../../../lib/core/dataset';
import { explain, findNextGrade, WhatIf } from '../../../lib/core/explain';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { Random } from '../../../lib/core/random';
import { score } from '../../../lib/core/score';
import { demoDataset, loadDefaultEvaluation } from '../../../lib/local/default-evaluation';
import { loadDefaultMethodology } from '../../../lib/local/demo-data';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

describe('explanations on the default evaluation', () => {
  const ev = loadDefaultEvaluation(2025);
  const data = demoDataset(ev, 2025);
  const m = ev.methodology;
  const r = score(m, data);
  const ex = explain(m, data, r);

  test('contributions add up to each zone score under arithmetic aggregation', () => {
    ex.forEach((x, i) => {
      expect(x.additive).toBe(true);
      const sum = Object.values(x.contributions).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(r.score[i]!, 9);
    });
  });

  test('strengths and weaknesses are three indicators each, strengths above the median zone', () => {
    const i = r.order[20]!;
    const x = ex[i]!;
    expect(x.strengths).toHaveLength(3);
    expect(x.weaknesses).toHaveLength(3);
    const j = m.nodeIndex.get(x.strengths[0]!)!;
    const col = Array.from(r.values[j]!)
      .filter((v) => v === v)
      .sort((a, b) => a - b);
    expect(r.values[j]![i]!).toBeGreaterThanOrEqual(col[col.length >> 1]!);
  });

  test('zones in the best grade have no next grade', () => {
    r.units.forEach((_, i) => {
      if (r.grade[i] === 'A') expect(ex[i]!.nextGrade).toBeNull();
    });
  });

  test('applying the suggested change lifts the zone into the next grade, and the points are the gap to that grade', () => {
    const withNext = r.units.map((_, i) => i).filter((i) => ex[i]!.nextGrade);
    expect(withNext.length).toBeGreaterThan(5);
    for (const i of withNext) {
      const ng = ex[i]!.nextGrade!;
      const numeric = new Map(data.numeric);
      const col = Float64Array.from(numeric.get(ng.indicator)!);
      col[data.units.indexOf(r.units[i]!)] = ng.value;
      numeric.set(ng.indicator, col);
      const after = score(m, { ...data, numeric });
      expect(after.grade[i]).toBe(ng.grade);
      const floor = Math.min(
        ...r.units
          .map((_, k) => k)
          .filter((k) => r.grade[k] === ng.grade)
          .map((k) => r.score[k]!),
      );
      expect(ng.points).toBeCloseTo(floor - r.score[i]!, 9);
    }
  });
});

/** Three units, two indicators, a weighted 3 to 1, one A by quota: x 70, y 75, z. */
function handMadeCase(): { m: CompiledMethodology; data: Dataset } {
  const m = compile({
    indicators: [{ code: 'a', weight: 3 }, { code: 'b' }],
    grade: {
      method: 'quota',
      grades: [
        { code: 'A', count: 1 },
        { code: 'B', count: 2 },
      ],
    },
  });
  const data = datasetFromRows([
    { id: 'x', values: { a: 6, b: 10 } },
    { id: 'y', values: { a: 10, b: 0 } },
    { id: 'z', values: { a: 0, b: 5 } },
  ]);
  return { m, data };
}

describe('explanations on a hand-made case', () => {
  const { m, data } = handMadeCase();
  const r = score(m, data);
  const ex = explain(m, data, r);
  test('contributions are the effective weight times the normalised value', () => {
    expect(ex[0]!.contributions).toEqual({ a: 0.75 * 60, b: 0.25 * 100 });
  });
  test('x (70) reaches A (y, 75) by raising a to 6.67: 0.75 x 66.7 + 25 = 75; b is already at its best', () => {
    expect(r.grade).toEqual(['B', 'A', 'B']);
    expect(ex[0]!.nextGrade).toMatchObject({ grade: 'A', indicator: 'a' });
    expect(ex[0]!.nextGrade!.value).toBeCloseTo(20 / 3, 6);
    expect(ex[0]!.nextGrade!.points).toBeCloseTo(5, 9);
  });
  test('bounds move: z raising a also lifts the minimum to x (6), so z needs 9.33, not 8.33, to tie y at 75', () => {
    expect(ex[2]!.nextGrade).toMatchObject({ grade: 'A', indicator: 'a' });
    expect(ex[2]!.nextGrade!.value).toBeCloseTo(28 / 3, 6);
    expect(ex[2]!.nextGrade!.points).toBeCloseTo(62.5, 9);
  });
});

/** `score` of `data` with one unit's raw value of one indicator changed. */
function rescored(m: CompiledMethodology, data: Dataset, unit: string, code: string, v: number) {
  const numeric = new Map(data.numeric);
  const col = Float64Array.from(numeric.get(code)!);
  col[data.units.indexOf(unit)] = v;
  numeric.set(code, col);
  return score(m, { ...data, numeric });
}

describe('what-if re-scoring reproduces score()', () => {
  const hier = { aggregates: [{ code: 'I' }, { code: 'D1', parent: 'I' }, { code: 'D2', parent: 'I' }] };
  const four = [
    { code: 'a', parent: 'D1' },
    { code: 'b', parent: 'D1' },
    { code: 'c', parent: 'D2' },
    { code: 'd', parent: 'D2' },
  ];
  const rows = datasetFromRows([
    { id: 'p', values: { a: 1, b: 9, c: 3, d: 4 } },
    { id: 'q', values: { a: 5, b: 2, c: 8, d: 1 } },
    { id: 'r', values: { a: 7, b: 4, c: 1, d: 9 } },
    { id: 's', values: { a: 3, b: 6, c: 5, d: 2 } },
  ]);
  const quota = {
    method: 'quota',
    grades: [
      { code: 'A', count: 1 },
      { code: 'B', count: 3 },
    ],
  };

  test.each(['critic', 'entropy', 'pca'])(
    'under %s weights a change to one indicator moves every weight, and every aggregate is recomputed',
    (method) => {
      const m = compile({ indicators: four, ...hier, weight: { method }, grade: quota });
      const r = score(m, rows);
      const w = new WhatIf(m, rows, r);
      const after = w.apply(3, 0, 10);
      const full = rescored(m, rows, 's', 'a', 10);
      Array.from(full.score).forEach((v, i) => expect(after.score[i]).toBeCloseTo(v, 9));
      expect(Array.from(after.gradeIndex)).toEqual(full.grade.map((g) => (g === 'A' ? 0 : 1)));
    },
  );

  test('under a raw-basis screen, imputation sees only the units kept, as score() does', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c' }],
      impute: { method: 'mean' },
      screen: { minAvailability: 0.6, basis: 'raw' },
    });
    const data = datasetFromRows([
      { id: 'p', values: { a: 1, b: 9, c: 1 } },
      { id: 'q', values: { a: null, b: 2, c: 5 } },
      { id: 'r', values: { a: 7, b: 4, c: 3 } },
      { id: 't', values: { a: 100, b: null, c: null } },
    ]);
    const r = score(m, data);
    expect(r.units).toEqual(['p', 'q', 'r']);
    const after = new WhatIf(m, data, r).apply(0, 0, 2);
    const full = rescored(m, data, 'p', 'a', 2);
    Array.from(full.score).forEach((v, i) => expect(after.score[i]).toBeCloseTo(v, 9));
  });

  const gated = compile({
    indicators: [{ code: 'a' }, { code: 'b', required: true }],
    grade: {
      method: 'thresholds',
      grades: [{ code: 'A', minScore: 60 }, { code: 'B', minScore: 30 }, { code: 'C' }],
      gates: [{ required: true, maxGrade: 'B' }],
    },
  });
  const gatedData = datasetFromRows([
    { id: 'p', values: { a: 9, b: null } },
    { id: 'q', values: { a: 5, b: 5 } },
    { id: 'r', values: { a: 1, b: 1 } },
  ]);

  test('filling a missing required indicator lifts the gate, in the what-if as in score()', () => {
    const r = score(gated, gatedData);
    expect(r.grade).toEqual(['B', 'A', 'C']);
    const after = new WhatIf(gated, gatedData, r).apply(0, 1, 5);
    expect(rescored(gated, gatedData, 'p', 'b', 5).grade).toEqual(['A', 'A', 'C']);
    expect(Array.from(after.gradeIndex)).toEqual([0, 0, 2]);
  });

  test('the next grade of a gated unit: the required indicator that lifts the gate, confirmed by score()', () => {
    const r = score(gated, gatedData);
    const ng = explain(gated, gatedData, r)[0]!.nextGrade!;
    // p scores 100 on a alone; with b it is (100 + 100 (b - 1) / 4) / 2, at least 60 from b = 1.8.
    expect(ng).toMatchObject({ grade: 'A', indicator: 'b' });
    expect(ng.value).toBeCloseTo(1.8, 6);
    // p's score (100) is past A's minScore already: the gate, not the score, held it, so it lacks no points.
    expect(ng.points).toBe(0);
    expect(rescored(gated, gatedData, 'p', 'b', ng.value).grade[0]).toBe('A');
  });
});

/**
 * Twenty units and Y under winsorising (winmax 1): Y reaches A at a = 20 but not at 30, nor at the declared
 * maximum 1000, so the grade is not monotone in the value.
 */
function winsorisedCase(): { m: CompiledMethodology; data: Dataset } {
  const m = compile({
    indicators: [{ code: 'a', max: 1000 }, { code: 'b' }],
    treat: { method: 'winsorise', winmax: 1 },
    grade: {
      method: 'quota',
      grades: [
        { code: 'A', count: 1 },
        { code: 'B', count: 20 },
      ],
    },
  });
  const data = datasetFromRows([
    ...Array.from({ length: 20 }, (_, k) => ({
      id: `u${k}`,
      values: { a: k % 10, b: 50 + ((k * 7) % 13) },
    })),
    { id: 'Y', values: { a: 0, b: 55 } },
  ]);
  return { m, data };
}

describe('the next-grade search', () => {
  test('every answer is checked with a full score(): a what-if that claims too much reports nothing false', () => {
    const { m, data } = handMadeCase();
    const r = score(m, data);
    class Boastful extends WhatIf {
      override reaches() {
        return true;
      }
    }
    expect(findNextGrade(new WhatIf(m, data, r), m, 0, 0)!.value).toBeCloseTo(20 / 3, 6);
    // Every value "reaches" A, so the search settles next to x's own value, which score() refuses.
    expect(findNextGrade(new Boastful(m, data, r), m, 0, 0)).toBeNull();
  });

  test('winsorising makes the grade non-monotone in the value: the search still finds the first value that reaches it', () => {
    const { m, data } = winsorisedCase();
    const r = score(m, data);
    const i = r.units.indexOf('Y');
    expect(r.grade[i]).toBe('B');
    expect(rescored(m, data, 'Y', 'a', 20).grade[i]).toBe('A');
    expect(rescored(m, data, 'Y', 'a', 30).grade[i]).toBe('B');
    expect(rescored(m, data, 'Y', 'a', 1000).grade[i]).toBe('B');
    const ng = explain(m, data, r)[i]!.nextGrade!;
    expect(ng).toMatchObject({ grade: 'A', indicator: 'a' });
    // The first value that reaches A lies between 17.5 and 18 (found by scanning from 0, then bisecting).
    expect(ng.value).toBeGreaterThan(17.5);
    expect(ng.value).toBeLessThanOrEqual(18);
    expect(rescored(m, data, 'Y', 'a', ng.value).grade[i]).toBe('A');
  });

  test('under thresholds the next grade is the one just above, even if empty, and the gap is to its minScore', () => {
    const m = compile({
      indicators: [{ code: 'a' }],
      grade: {
        method: 'thresholds',
        grades: [{ code: 'A', minScore: 80 }, { code: 'B', minScore: 50 }, { code: 'C' }],
      },
    });
    const data = datasetFromRows([
      { id: 'x', values: { a: 10 } },
      { id: 'y', values: { a: 4 } },
      { id: 'z', values: { a: 0 } },
    ]);
    const r = score(m, data);
    expect(r.grade).toEqual(['A', 'C', 'C']);
    const ng = explain(m, data, r)[1]!.nextGrade!;
    expect(ng).toMatchObject({ grade: 'B', indicator: 'a' });
    expect(ng.points).toBeCloseTo(50 - 40, 9);
    expect(ng.value).toBeCloseTo(5, 6);
  });
});

describe('points to the next grade of a gated unit', () => {
  test('under thresholds: a unit scoring past the line lacks 0 points (not a negative number), and the required indicator lifts the gate', () => {
    const m = compile({
      indicators: [
        { code: 'a', parent: 'R' },
        { code: 'b', parent: 'R' },
        { code: 'req', parent: 'R', required: true },
      ],
      aggregates: [{ code: 'R' }],
      grade: {
        method: 'thresholds',
        grades: [{ code: 'A', minScore: 70 }, { code: 'B', minScore: 40 }, { code: 'C' }],
        gates: [{ required: true, maxGrade: 'C' }],
      },
    });
    const data = datasetFromRows([
      { id: 'top', values: { a: 100, b: 100, req: null } },
      { id: 'u2', values: { a: 50, b: 60, req: 50 } },
      { id: 'u3', values: { a: 0, b: 0, req: 0 } },
      { id: 'u4', values: { a: 30, b: 20, req: 100 } },
    ]);
    const r = score(m, data);
    expect(r.score[0]).toBeCloseTo(100, 9);
    expect(r.grade[0]).toBe('C');
    const ng = explain(m, data, r)[0]!.nextGrade!;
    // Filling req at its worst observed value (0) lifts the gate: (100 + 100 + 0) / 3 = 66.7, a B.
    expect(ng).toEqual({ grade: 'B', points: 0, indicator: 'req', value: 0 });
    expect(rescored(m, data, 'top', 'req', ng.value).grade[0]).toBe('B');
  });

  test('under quotas: a gated unit above the lowest score of the next grade lacks 0 points', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'req', required: true }],
      grade: {
        method: 'quota',
        grades: [
          { code: 'A', count: 1 },
          { code: 'B', count: 2 },
          { code: 'C', count: 2 },
        ],
        gates: [{ required: true, maxGrade: 'C' }],
      },
    });
    const data = datasetFromRows([
      { id: 'p', values: { a: 10, req: null } },
      { id: 'q', values: { a: 8, req: 9 } },
      { id: 'r', values: { a: 6, req: 4 } },
      { id: 's', values: { a: 2, req: 6 } },
      { id: 't', values: { a: 0, req: 0 } },
    ]);
    const r = score(m, data);
    expect(r.grade[0]).toBe('C');
    const lowestB = Math.min(
      ...r.units
        .map((_, k) => k)
        .filter((k) => r.grade[k] === 'B')
        .map((k) => r.score[k]!),
    );
    expect(r.score[0]!).toBeGreaterThan(lowestB);
    const ng = explain(m, data, r)[0]!.nextGrade!;
    expect(ng).toMatchObject({ grade: 'B', points: 0, indicator: 'req' });
    expect(rescored(m, data, 'p', 'req', ng.value).grade[0]).toBe('B');
  });
});

/**
 * The next-grade search without its shortcuts, as a reference: every indicator scanned on the whole grid (16
 * steps over the observed range, then steps growing by sqrt(2) to the limit), the first reaching bracket
 * bisected to 1e-12 of the range, and every candidate checked with a full score(), smallest first.
 */
function exhaustiveNextGrade(w: WhatIf, m: CompiledMethodology, i: number, target: number) {
  const candidates: { j: number; value: number; relative: number }[] = [];
  for (let j = 0; j < m.indicators.length; j++) {
    const ind = m.indicators[j]!;
    const { lo, hi } = w.observedRange(j);
    if (!(hi > lo)) continue;
    const up = ind.direction === 1;
    const limit = up ? Math.max(hi, ind.max ?? hi) : Math.min(lo, ind.min ?? lo);
    const current = w.rawValue(i, j);
    const start = current === current ? current : up ? lo : hi;
    if (up ? start >= limit : start <= limit) continue;
    const reaches = (v: number) => {
      const g = w.apply(i, j, v).gradeIndex[i]!;
      return g >= 0 && g <= target;
    };
    if (current !== current && reaches(start)) {
      candidates.push({ j, value: start, relative: 0 });
      continue;
    }
    const span = Math.abs(limit - start);
    const near = Math.min(span, hi - lo);
    const offsets = Array.from({ length: 16 }, (_, k) => (near * (k + 1)) / 16);
    for (let n = 1; near * Math.SQRT2 ** n < span * (1 - 1e-12); n++) offsets.push(near * Math.SQRT2 ** n);
    if (offsets[offsets.length - 1]! < span) offsets.push(span);
    const at = (k: number) =>
      k < 0 ? start : k === offsets.length - 1 ? limit : start + (up ? 1 : -1) * offsets[k]!;
    let k = 0;
    while (k < offsets.length && !reaches(at(k))) k++;
    if (k === offsets.length) continue;
    let a = at(k - 1);
    let b = at(k);
    for (let s = 0; s < 80 && Math.abs(b - a) > 1e-12 * (hi - lo); s++) {
      const mid = (a + b) / 2;
      if (reaches(mid)) b = mid;
      else a = mid;
    }
    candidates.push({ j, value: b, relative: Math.abs(b - start) / (hi - lo) });
  }
  candidates.sort((x, y) => x.relative - y.relative || x.j - y.j);
  for (const c of candidates) {
    const check = w.rescore(i, c.j, c.value);
    if (check && check.gradeIndex >= 0 && check.gradeIndex <= target) return c;
  }
  return null;
}

/**
 * For every `everyNthUnit`-th graded unit below the best grade, each indicator the bound rules out (`mayReach` false)
 * is tried at `steps` points between its value and its limit, none of which may reach the next grade up.
 * Returns how many indicators were ruled out, so a caller can assert the check was not vacuous.
 */
function checkRuledOut(
  m: CompiledMethodology,
  data: Dataset,
  { everyNthUnit, steps }: { everyNthUnit: number; steps: number },
): number {
  const r = score(m, data);
  const w = new WhatIf(m, data, r);
  const grades = m.spec.grade.grades;
  let ruledOut = 0;
  r.units.forEach((_, i) => {
    const g = grades.findIndex((x) => x.code === r.grade[i]);
    if (g <= 0 || i % everyNthUnit) return;
    m.indicators.forEach((ind, j) => {
      const { lo, hi } = w.observedRange(j);
      if (!(hi > lo)) return;
      const up = ind.direction === 1;
      const limit = up ? Math.max(hi, ind.max ?? hi) : Math.min(lo, ind.min ?? lo);
      const current = w.rawValue(i, j);
      const start = current === current ? current : up ? lo : hi;
      if (w.mayReach(i, j, g - 1, start)) return;
      ruledOut++;
      for (let s = 1; s <= steps; s++) {
        const v = start + ((limit - start) * s) / steps;
        expect(w.apply(i, j, v).gradeIndex[i]).toBeGreaterThan(g - 1);
      }
    });
  });
  return ruledOut;
}

describe('the next-grade search stays fast without changing its answers', () => {
  test('explaining the default evaluation (105 zones x 48 indicators) takes a few thousand what-ifs, not 70,000', () => {
    const ev = loadDefaultEvaluation(1);
    const data = demoDataset(ev, 2025);
    const m = ev.methodology;
    const r = score(m, data);
    const applies = jest.spyOn(WhatIf.prototype, 'reaches');
    const rescores = jest.spyOn(WhatIf.prototype, 'rescore');
    try {
      const ex = explain(m, data, r);
      expect(ex.filter((x) => x.nextGrade).length).toBeGreaterThan(5);
      // The grid-and-bisect search scanned every indicator to its limit: about 72,000 what-ifs here.
      expect(applies.mock.calls.length).toBeGreaterThan(100);
      expect(applies.mock.calls.length).toBeLessThan(8000);
      expect(rescores.mock.calls.length).toBeLessThan(100);
    } finally {
      applies.mockRestore();
      rescores.mockRestore();
    }
  });

  test('an indicator ruled out by the bound reaches the grade nowhere between its value and its limit', () => {
    const ev = loadDefaultEvaluation(1);
    const data = demoDataset(ev, 2025);
    const m = ev.methodology;
    expect(checkRuledOut(m, data, { everyNthUnit: 13, steps: 24 })).toBeGreaterThan(60);
  });

  test('winsorising: the bound keeps an indicator that reaches the grade short of its limit, though not at it', () => {
    const { m, data } = winsorisedCase();
    const r = score(m, data);
    const i = r.units.indexOf('Y');
    const w = new WhatIf(m, data, r);
    expect(w.apply(i, 0, 1000).gradeIndex[i]).toBe(1);
    expect(w.mayReach(i, 0, 0, 0)).toBe(true);
  });

  test('on varied methodologies the answers are those of the exhaustive search (ties within the precision to the first indicator)', () => {
    const rng = new Random(11);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
    let compared = 0;
    for (let t = 0; t < 60; t++) {
      const indicators: Array<Record<string, unknown>> = [];
      const domains = 1 + Math.floor(rng.next() * 3);
      for (let d = 0; d < domains; d++)
        for (let q = 0; q < 1 + Math.floor(rng.next() * 3); q++)
          indicators.push({
            code: `i${d}${q}`,
            parent: `D${d}`,
            weight: pick([1, 1, 2, 0.5]),
            direction: pick([1, 1, -1]),
            ...(rng.next() < 0.3 ? { max: 50 } : {}),
            required: rng.next() < 0.15,
          });
      const n = 5 + Math.floor(rng.next() * 8);
      const method = pick(['quota', 'share', 'thresholds']);
      const top = 1 + Math.floor(rng.next() * 2);
      const grades =
        method === 'quota'
          ? [
              { code: 'A', count: top },
              { code: 'B', count: 2 },
              { code: 'C', count: n - 2 - top },
            ]
          : method === 'share'
            ? [
                { code: 'A', share: 0.2 },
                { code: 'B', share: 0.3 },
                { code: 'C', share: 0.5 },
              ]
            : [
                { code: 'A', minScore: pick([60, 70]) },
                { code: 'B', minScore: pick([30, 45]) },
                { code: 'C' },
              ];
      const m = compile({
        indicators,
        aggregates: [
          { code: 'I' },
          ...Array.from({ length: domains }, (_, d) => ({
            code: `D${d}`,
            parent: 'I',
            weight: pick([1, 2]),
          })),
        ],
        impute: { method: pick(['none', 'none', 'mean']) },
        treat: pick([
          { method: 'none' },
          {
            method: 'winsorise',
            winmax: pick([1, 2, 3]),
            skew: pick([0.5, 1, 2]),
            kurtosis: pick([0.5, 1, 3.5]),
          },
        ]),
        normalise: { method: pick(['minmax', 'minmax', 'rank']) },
        weight: { method: pick(['explicit', 'explicit', 'equal', 'entropy', 'pca', 'critic']) },
        grade: {
          method,
          grades,
          gates:
            rng.next() < 0.4
              ? [
                  pick([
                    { required: true, maxGrade: 'B' },
                    { minAvailability: 0.9, maxGrade: 'B' },
                  ]),
                ]
              : [],
        },
      });
      const data = datasetFromRows(
        Array.from({ length: n }, (_, u) => ({
          id: `u${u}`,
          values: Object.fromEntries(
            indicators.map((ind) => [
              ind.code as string,
              rng.next() < 0.1 ? null : pick([0, 1, 2, 3, 5, 8, 13, 40, Math.round(rng.next() * 30)]),
            ]),
          ),
        })),
      );
      const r = score(m, data);
      const w = new WhatIf(m, data, r);
      const gradeIndex = r.grade.map((g) => m.spec.grade.grades.findIndex((x) => x.code === g));
      gradeIndex.forEach((g, i) => {
        if (g <= 0) return;
        const fast = findNextGrade(w, m, i, g - 1);
        const slow = exhaustiveNextGrade(w, m, i, g - 1);
        compared++;
        if (!slow) return expect(fast).toBeNull();
        expect(fast).not.toBeNull();
        if (fast!.j === slow.j) {
          const { lo, hi } = w.observedRange(slow.j);
          expect(Math.abs(fast!.value - slow.value)).toBeLessThanOrEqual(2e-8 * (hi - lo));
        } else {
          expect(Math.abs(fast!.relative - slow.relative)).toBeLessThan(3e-8);
          expect(fast!.j).toBeLessThan(slow.j);
        }
      });
    }
    expect(compared).toBeGreaterThan(150);
  });
});

/** The default methodology with another weighting method. */
function defaultWith(method: string): CompiledMethodology {
  const json = loadDefaultMethodology() as { weight?: Record<string, unknown> };
  return compile({ ...json, weight: { ...json.weight, method } });
}

describe('the next-grade search under data-driven weights', () => {
  const ev = loadDefaultEvaluation(1);
  const data = demoDataset(ev, 2025);

  test.each(['entropy', 'critic', 'pca'])(
    'under %s weights a what-if is score() to the last bit, and reaches() agrees with apply()',
    (method) => {
      const m = defaultWith(method);
      const r = score(m, data);
      const w = new WhatIf(m, data, r);
      const grades = m.spec.grade.grades;
      let checked = 0;
      for (const i of [r.order[30]!, r.order[70]!, r.order[102]!])
        for (const j of [0, 15, 33]) {
          const { lo, hi } = w.observedRange(j);
          for (const v of [lo, (lo + hi) / 2, hi * 1.5]) {
            const after = w.apply(i, j, v);
            const full = rescored(m, data, r.units[i]!, m.indicators[j]!.code, v);
            expect(Array.from(after.score)).toEqual(Array.from(full.score));
            const g = grades.findIndex((x) => x.code === r.grade[i]);
            for (let target = 0; target < g; target++)
              expect(w.reaches(i, j, v, target)).toBe(
                after.gradeIndex[i]! >= 0 && after.gradeIndex[i]! <= target,
              );
            checked++;
          }
        }
      expect(checked).toBe(27);
    },
  );

  test.each(['entropy', 'critic'])(
    'under %s weights an indicator the bound rules out reaches the grade nowhere between its value and its limit',
    (method) => {
      expect(checkRuledOut(defaultWith(method), data, { everyNthUnit: 17, steps: 12 })).toBeGreaterThan(20);
    },
  );
});

describe('missing values and what they cost', () => {
  const m = compile({
    indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c', denominator: 'pop' }],
    grade: {
      method: 'thresholds',
      grades: [{ code: 'A', minScore: 60 }, { code: 'B', minScore: 30 }, { code: 'C' }],
    },
  });
  const data = datasetFromRows([
    { id: 'p', values: { a: 10, b: 0, c: 50, pop: 10 } },
    { id: 'q', values: { a: 0, b: 10, c: 20, pop: 10 } },
    { id: 'r', values: { a: 7, b: null, c: null, pop: 2 } },
    { id: 's', values: { a: 2, b: 4, c: 10, pop: null } },
    { id: 't', values: { a: 8, b: 6, c: 30, pop: 5 } },
  ]);
  const r = score(m, data);
  const ex = explain(m, data, r);

  test('a unit that reported everything has no missing values', () => {
    expect(ex[0]!.missing).toBeNull();
  });

  test('each missing value at the median of the reported values, alone and all at once, against a full re-score', () => {
    const miss = ex[2]!.missing!;
    expect(miss.values.map((v) => v.indicator)).toEqual(['b', 'c']);
    // b: the median of 0, 10, 4, 6 is 5. c per pop: 5, 2, 6 (s has no denominator): median 5, times r's pop 2.
    expect(miss.values[0]!.median).toBe(5);
    expect(miss.values[1]!.median).toBe(10);
    const before = r.score[2]!;
    const b = rescored(m, data, 'r', 'b', 5).score[2]!;
    expect(miss.values[0]!.points).toBeCloseTo(b - before, 12);
    expect(miss.values[0]!.points).not.toBe(0);
    const numeric = new Map(data.numeric);
    for (const [code, v] of [
      ['b', 5],
      ['c', 10],
    ] as const) {
      const col = Float64Array.from(numeric.get(code)!);
      col[2] = v;
      numeric.set(code, col);
    }
    const both = score(m, { ...data, numeric });
    expect(miss.points).toBeCloseTo(both.score[2]! - before, 12);
    expect(miss.grade).toBe(both.grade[2]);
  });

  test('a missing denominator leaves no value to try: no median, no points', () => {
    // s reported c but not its denominator: c has no value once denominated, and no median can be taken back to
    // s's units.
    expect(ex[3]!.missing).toEqual({
      values: [{ indicator: 'c', median: null, points: null }],
      points: null,
      grade: null,
    });
    const d = datasetFromRows([
      { id: 'p', values: { a: 10, b: 0, c: 50, pop: 10 } },
      { id: 'q', values: { a: 0, b: 10, c: 20, pop: 10 } },
      { id: 'r', values: { a: 5, b: 3, c: null, pop: null } },
    ]);
    const rr = score(m, d);
    const miss = explain(m, d, rr)[2]!.missing!;
    expect(miss).toEqual({
      values: [{ indicator: 'c', median: null, points: null }],
      points: null,
      grade: null,
    });
  });

  test('on the default evaluation every zone with a missing value gets its cost, each matching a full re-score', () => {
    const ev = loadDefaultEvaluation(1);
    const demo = demoDataset(ev, 2025);
    const dm = ev.methodology;
    const dr = score(dm, demo);
    const dex = explain(dm, demo, dr);
    const withMissing = dex.map((x, i) => ({ x, i })).filter(({ x }) => x.missing);
    expect(withMissing.length).toBeGreaterThan(3);
    for (const { x, i } of withMissing.slice(0, 6))
      for (const v of x.missing!.values) {
        if (v.median === null) continue;
        const full = rescored(dm, demo, dr.units[i]!, v.indicator, v.median);
        expect(v.points).toBeCloseTo(full.score[i]! - dr.score[i]!, 9);
      }
  });
});

describe('a change that moves no other unit is re-scored for that unit alone', () => {
  const ev = loadDefaultEvaluation(1);
  const data = demoDataset(ev, 2025);

  test.each(['explicit', 'equal'])(
    'under %s weights: every score to the last bit and every grade as score() gives, inside and past the range, missing values filled',
    (method) => {
      const m = defaultWith(method);
      const r = score(m, data);
      const w = new WhatIf(m, data, r);
      const rng = new Random(3);
      let filled = 0;
      for (let t = 0; t < 60; t++) {
        const i = Math.floor(rng.next() * r.units.length);
        // Missing values first, where there are any: filling one takes the one-unit path too.
        const missingJ = m.indicators.findIndex((_, j) => w.rawValue(i, j) !== w.rawValue(i, j));
        const j = t % 2 && missingJ >= 0 ? missingJ : Math.floor(rng.next() * m.indicators.length);
        if (w.rawValue(i, j) !== w.rawValue(i, j)) filled++;
        const { lo, hi } = w.observedRange(j);
        // Mostly inside the observed range (one unit moves), sometimes past it (the range moves: every unit does).
        const v = lo + (hi - lo) * (t % 5 === 4 ? 1.5 : rng.next());
        const after = w.apply(i, j, v);
        const full = rescored(m, data, r.units[i]!, m.indicators[j]!.code, v);
        expect(Array.from(after.score)).toEqual(Array.from(full.score));
        expect(Array.from(after.gradeIndex)).toEqual(
          full.grade.map((g) => m.spec.grade.grades.findIndex((x) => x.code === g)),
        );
      }
      expect(filled).toBeGreaterThan(5);
    },
  );
});

describe('the explanations a caller asks for', () => {
  const ev = loadDefaultEvaluation(1);
  const data = demoDataset(ev, 2025);
  const m = ev.methodology;
  const r = score(m, data);

  test('with no time for the next-grade search, no zone is searched and each says so; the best grade has none to search', () => {
    const ex = explain(m, data, r, { nextGradeBudgetMs: -1 });
    r.grade.forEach((g, i) => {
      expect(ex[i]!.nextGrade).toBeNull();
      expect(ex[i]!.nextGradeNotComputed).toBe(g !== m.spec.grade.grades[0]!.code && g !== null);
    });
    expect(ex.filter((x) => x.nextGradeNotComputed).length).toBeGreaterThan(80);
  });

  test('with time enough, every zone is searched, and the answers are those of an unlimited search', () => {
    const limited = explain(m, data, r, { nextGradeBudgetMs: 600_000, missing: false });
    const full = explain(m, data, r);
    expect(limited.map((x) => x.nextGrade)).toEqual(full.map((x) => x.nextGrade));
    expect(limited.every((x) => !x.nextGradeNotComputed)).toBe(true);
    // Missing-value costs not asked for are not worked out; asked for, some zone has one.
    expect(limited.every((x) => x.missing === null)).toBe(true);
    expect(full.some((x) => x.missing !== null)).toBe(true);
  });
});

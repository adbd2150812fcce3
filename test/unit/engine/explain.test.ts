import { datasetFromRows } from '../../../lib/core/dataset';
import { explain } from '../../../lib/core/explain';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { demoDataset, loadDefaultEvaluation } from '../../../lib/local/default-evaluation';

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
    const col = Array.from(r.values[j]!).sort((a, b) => a - b);
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

describe('explanations on a hand-made case', () => {
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

import fc from 'fast-check';
import { datasetFromRows } from '../../../lib/core/dataset';
import { type CompiledMethodology, compileMethodology, formatIssues } from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

const method = (extra: Record<string, unknown> = {}) =>
  compile({
    indicators: [
      { code: 'a', parent: 'D1', weight: 2 },
      { code: 'b', parent: 'D1', direction: -1 },
      { code: 'c', parent: 'D2' },
    ],
    aggregates: [{ code: 'D1', parent: 'I' }, { code: 'D2', parent: 'I', weight: 2 }, { code: 'I' }],
    ...extra,
  });

// Values to two decimals, as officials report them (denormal floats would only test floating-point underflow).
const value = fc.integer({ min: -1e8, max: 1e8 }).map((v) => v / 100);
const table = fc.array(fc.tuple(value, value, value), { minLength: 3, maxLength: 30 });
const rowsOf = (t: Array<[number, number, number]>) =>
  t.map(([a, b, c], i) => ({ id: `u${i}`, values: { a, b, c } }));

describe('engine properties', () => {
  test('raising a benefit indicator never lowers a zone score under arithmetic aggregation', () => {
    const m = method();
    fc.assert(
      fc.property(table, fc.nat(), fc.double({ min: 0, max: 1e6, noNaN: true }), (t, pick, bump) => {
        const k = pick % t.length;
        const before = score(m, datasetFromRows(rowsOf(t)), { skipGrade: true });
        const raised = t.map((r, i) =>
          i === k ? ([r[0] + bump, r[1], r[2]] as [number, number, number]) : r,
        );
        const after = score(m, datasetFromRows(rowsOf(raised)), { skipGrade: true });
        return after.score[k]! >= before.score[k]! - 1e-9;
      }),
    );
  });

  test('min-max results are invariant to rescaling an indicator', () => {
    const m = method();
    fc.assert(
      fc.property(
        table,
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (t, s, shift) => {
          const before = score(m, datasetFromRows(rowsOf(t)), { skipGrade: true });
          const scaled = t.map(([a, b, c]) => [a * s + shift, b, c] as [number, number, number]);
          const after = score(m, datasetFromRows(rowsOf(scaled)), { skipGrade: true });
          return before.score.every((v, i) => Math.abs(v - after.score[i]!) < 1e-6);
        },
      ),
    );
  });

  test('quota grading gives exactly the quota counts when there are no ties', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 1e6 }), { minLength: 4, maxLength: 60 }), (xs) => {
        const n = xs.length;
        const counts = [Math.floor(n / 4), Math.floor(n / 3), 0];
        counts[2] = n - counts[0]! - counts[1]!;
        const m = compile({
          indicators: [{ code: 'a' }],
          grade: { method: 'quota', grades: counts.map((count, i) => ({ code: `G${i}`, count })) },
        });
        const r = score(m, datasetFromRows(xs.map((a, i) => ({ id: `u${i}`, values: { a } }))));
        const got = [0, 1, 2].map((g) => r.grade.filter((x) => x === `G${g}`).length);
        return got.every((c, g) => c === counts[g]);
      }),
    );
  });
});

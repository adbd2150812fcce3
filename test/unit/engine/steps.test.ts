import { datasetFromRows } from '../../../lib/core/dataset';
import {
  type CompiledMethodology,
  compileMethodology,
  formatIssues,
  gradingSchema,
  type HierarchyNode,
  indicatorSchema,
  normaliseSchema,
  treatSchema,
} from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { skewKurt } from '../../../lib/core/stats';
import { aggregate } from '../../../lib/core/steps/aggregate';
import { denominate } from '../../../lib/core/steps/denominate';
import { grade, jenksClasses } from '../../../lib/core/steps/grade';
import { impute } from '../../../lib/core/steps/impute';
import { normaliseColumn } from '../../../lib/core/steps/normalise';
import { rank } from '../../../lib/core/steps/rank';
import { screen } from '../../../lib/core/steps/screen';
import { treat, winsoriseColumn } from '../../../lib/core/steps/treat';
import { criticRaw, entropyRaw } from '../../../lib/core/steps/weight';

const f = (xs: number[]) => Float64Array.from(xs);
const ind = (over: Record<string, unknown> = {}) => indicatorSchema.parse({ code: 'X', ...over });
const N = Number.NaN;
function compiled(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

describe('statistics', () => {
  test('skewness and kurtosis match spreadsheet SKEW and KURT on the COINr documentation example', () => {
    const { skew, kurt } = skewKurt(f([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]));
    expect(skew).toBeCloseTo(3.063241, 6);
    expect(kurt).toBeCloseTo(9.741391, 6);
  });
});

describe('denominate', () => {
  test('divides by the denominator column and leaves a zero denominator missing', () => {
    const data = {
      units: ['a', 'b', 'c'],
      numeric: new Map([
        ['X', f([10, 20, 30])],
        ['Pop', f([2, 0, 3])],
      ]),
      text: new Map(),
    };
    const { cols, log } = denominate(data, [ind({ denominator: 'Pop' })]);
    expect(Array.from(cols[0]!)).toEqual([5, N, 10]);
    expect(log[0]!.missingDenominator).toEqual(['b']);
  });
  test('refuses a denominator the data does not have, naming the field', () => {
    const data = { units: ['a'], numeric: new Map([['X', f([1])]]), text: new Map() };
    expect(() => denominate(data, [ind({ denominator: 'Area' })])).toThrow(/denominator.*'Area'/);
  });
});

describe('impute', () => {
  const col = () => [f([1, N, 3, 10, N])];
  test('mean fills with the mean of present values and logs each point', () => {
    const r = impute(col(), ['X'], ['a', 'b', 'c', 'd', 'e'], { method: 'mean' });
    expect(Array.from(r.cols[0]!)).toEqual([1, 14 / 3, 3, 10, 14 / 3]);
    expect(r.log.map((l) => l.unit)).toEqual(['b', 'e']);
  });
  test('median and zero', () => {
    expect(impute(col(), ['X'], ['a', 'b', 'c', 'd', 'e'], { method: 'median' }).cols[0]![1]).toBe(3);
    expect(impute(col(), ['X'], ['a', 'b', 'c', 'd', 'e'], { method: 'zero' }).cols[0]![4]).toBe(0);
  });
  test('group mean uses the unit group, and leaves missing a group with no value', () => {
    const r = impute(col(), ['X'], ['a', 'b', 'c', 'd', 'e'], { method: 'groupMean', group: 'g' }, [
      'P',
      'P',
      'Q',
      'Q',
      'R',
    ]);
    expect(Array.from(r.cols[0]!)).toEqual([1, 1, 3, 10, N]);
  });
  test('none leaves missing values missing', () => {
    expect(impute(col(), ['X'], ['a', 'b', 'c', 'd', 'e'], { method: 'none' }).cols[0]![1]).toBeNaN();
  });
});

describe('screen', () => {
  test('drops units below the availability threshold', () => {
    const r = screen([f([1, N, 3]), f([1, N, N])], ['a', 'b', 'c'], 0.5);
    expect(r.keep).toEqual([0, 2]);
    expect(r.log).toEqual([{ unit: 'b', availability: 0 }]);
  });
});

describe('screen basis', () => {
  const rows = [
    { id: 'x', values: { a: 1, b: 2, c: 3 } },
    { id: 'y', values: { a: 3, b: 1, c: 1 } },
    { id: 'z', values: { a: 9, b: null, c: null } },
  ];
  const method = (screen: Record<string, unknown>) =>
    compiled({
      indicators: [{ code: 'a' }, { code: 'b' }, { code: 'c' }],
      impute: { method: 'mean' },
      screen,
    });
  test('by default the screen sees the data after imputation (COINr order): mean-imputed z passes 60%', () => {
    const r = score(method({ minAvailability: 0.6 }), datasetFromRows(rows));
    expect(r.units).toEqual(['x', 'y', 'z']);
    expect(method({ minAvailability: 0.6 }).spec.screen.basis).toBe('imputed');
  });
  test("with basis 'raw' the screen sees the data as reported, so imputation does not rescue z (1 of 3)", () => {
    const r = score(method({ minAvailability: 0.6, basis: 'raw' }), datasetFromRows(rows));
    expect(r.units).toEqual(['x', 'y']);
    expect(r.log.screen).toEqual([{ unit: 'z', availability: 1 / 3 }]);
  });
});

describe('treat', () => {
  const spec = { winmax: 2, skew: 2, kurtosis: 3.5 };
  test('winsorises the single highest point to the next one when that passes (COINr documentation example)', () => {
    const r = winsoriseColumn(f([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100]), spec);
    expect(r.action).toBe('winsorised');
    expect(r.points).toEqual([{ unit: 11, from: 100, to: 30 }]);
    const after = skewKurt(r.col);
    expect(after.skew).toBeCloseTo(1.712038, 6);
    expect(after.kurt).toBeCloseTo(1.815781, 6);
  });
  test('falls back to log(x - min + 0.01 (max - min)) of the original values when winsorising is not enough', () => {
    const x = [...new Array<number>(20).fill(1), 1000, 10000, 100000];
    const r = winsoriseColumn(f(x), { winmax: 1, skew: 2, kurtosis: 3.5 });
    expect(r.action).toBe('log');
    const pad = 0.01 * (100000 - 1);
    expect(r.col[22]).toBeCloseTo(Math.log(100000 - 1 + pad), 12);
    expect(r.col[0]).toBeCloseTo(Math.log(pad), 12);
  });
  test('winsorises the lowest value when skew is negative', () => {
    const r = winsoriseColumn(f([-100, -30, -10, -9, -8, -7, -6, -5, -4, -3, -2, -1]), spec);
    expect(r.points[0]).toEqual({ unit: 0, from: -100, to: -30 });
  });
  test('leaves a passing indicator alone', () => {
    expect(winsoriseColumn(f([1, 2, 3, 4, 5]), spec).action).toBe('none');
  });
});

describe('normalise', () => {
  const n = (method: string, over: Record<string, unknown> = {}) =>
    normaliseSchema.parse({ method, ...over });
  test('min-max to [0, 100], reversed for a less-is-better indicator', () => {
    expect(Array.from(normaliseColumn(f([2, 4, 6]), ind(), n('minmax')))).toEqual([0, 50, 100]);
    expect(Array.from(normaliseColumn(f([2, 4, 6]), ind({ direction: -1 }), n('minmax')))).toEqual([
      100, 50, 0,
    ]);
  });
  test('z-score with a chosen mean and sd', () => {
    const z = normaliseColumn(f([1, 2, 3]), ind(), n('zscore', { mean: 10, sd: 2 }));
    expect(Array.from(z)).toEqual([8, 10, 12]);
  });
  test('rank gives percentiles with ties averaged', () => {
    expect(Array.from(normaliseColumn(f([5, 1, 5, 9]), ind(), n('rank')))).toEqual([50, 0, 50, 100]);
  });
  test('vector divides by the Euclidean norm', () => {
    expect(Array.from(normaliseColumn(f([3, 4]), ind(), n('vector')))).toEqual([0.6, 0.8]);
  });
  test('goalposts clamp to the fixed posts, whatever the data', () => {
    const g = normaliseColumn(f([-5, 25, 200]), ind({ goalposts: [0, 50] }), n('goalposts'));
    expect(Array.from(g)).toEqual([0, 50, 100]);
    const r = normaliseColumn(f([10, 40]), ind({ goalposts: [0, 50], direction: -1 }), n('goalposts'));
    expect(Array.from(r)).toEqual([80, 20]);
  });
  test('distance to target caps at the target', () => {
    const t = normaliseColumn(f([0, 5, 10, 20]), ind({ target: 10 }), n('target'));
    expect(Array.from(t)).toEqual([0, 50, 100, 100]);
  });
  test('distance to max is the share of the best value', () => {
    expect(Array.from(normaliseColumn(f([2, 4, 8]), ind(), n('distmax')))).toEqual([25, 50, 100]);
  });
  test('none applies direction only', () => {
    expect(Array.from(normaliseColumn(f([2, 4]), ind({ direction: -1 }), n('none')))).toEqual([-2, -4]);
  });
  test('z-score of a constant column: units with a value get the mean, a missing unit stays missing', () => {
    const log: { indicator: string; note: string }[] = [];
    expect(Array.from(normaliseColumn(f([5, 5, N]), ind(), n('zscore', { mean: 10 }), log))).toEqual([
      10,
      10,
      N,
    ]);
    expect(Array.from(normaliseColumn(f([5, N]), ind(), n('zscore')))).toEqual([0, N]);
    expect(log[0]!.note).toMatch(/all values are equal/);
  });
  test('target reached by everyone (span <= 0): the top of the range for units with a value, missing stays missing', () => {
    expect(Array.from(normaliseColumn(f([5, 6, N]), ind({ target: 1 }), n('target')))).toEqual([100, 100, N]);
    expect(Array.from(normaliseColumn(f([N, N]), ind({ target: 1 }), n('target')))).toEqual([N, N]);
  });
  const everyMethod = ['minmax', 'zscore', 'rank', 'vector', 'goalposts', 'target', 'distmax', 'none'];
  const cases = [
    [2, 4, N, 8],
    [5, 5, N, 5],
    [N, 3, N, N],
    [N, N, N, N],
  ];
  test.each(everyMethod.flatMap((method) => cases.map((c) => [method, c] as const)))(
    '%s keeps a missing input missing (%j)',
    (method, c) => {
      for (const direction of [1, -1]) {
        const out = normaliseColumn(
          f(c),
          ind({ direction, goalposts: [0, 10], target: 6 }),
          n(method as 'minmax'),
        );
        c.forEach((x, i) => expect(Number.isNaN(out[i]!)).toBe(Number.isNaN(x)));
      }
    },
  );
});

describe('weights', () => {
  test('entropy: a constant indicator gets zero weight, a concentrated one more', () => {
    const w = entropyRaw([f([1, 1, 1, 1]), f([0, 0, 0, 4]), f([1, 2, 3, 4])], ['A', 'B', 'C']);
    expect(w[0]).toBeCloseTo(0, 12);
    expect(w[1]).toBeCloseTo(1, 12); // p = (0,0,0,1): e = 0
    expect(w[2]).toBeGreaterThan(0);
    expect(w[2]).toBeLessThan(w[1]!);
  });
  test('entropy refuses negative values with a sentence naming the indicator', () => {
    expect(() => entropyRaw([f([-1, 2])], ['A'])).toThrow(/indicator A has -1/);
  });
  test('CRITIC on a hand-computed case', () => {
    // Two perfectly anti-correlated columns: r = -1, so each conflict is 2; sd of [0, 0.5, 1] is 0.5.
    const w = criticRaw([f([0, 1, 2]), f([2, 1, 0])]);
    expect(w[0]).toBeCloseTo(1, 12);
    expect(w[1]).toBeCloseTo(1, 12);
  });
});

describe('aggregate', () => {
  const nodes: HierarchyNode[] = [
    { code: 'a', kind: 'indicator', index: 0, parent: 2, children: [], level: 1, weight: 1 },
    { code: 'b', kind: 'indicator', index: 1, parent: 2, children: [], level: 1, weight: 3 },
    { code: 'I', kind: 'aggregate', index: 2, parent: -1, children: [0, 1], level: 2, weight: 1 },
  ];
  const weights = f([0.25, 0.75, 1]);
  const spec = (method: string, p = 1) => ({ method: method as 'arithmetic', p, minAvailability: 0 });
  const run = (method: string, a: number[], b: number[], p = 1) =>
    Array.from(aggregate(nodes, [f(a), f(b), f([])], weights, spec(method, p), ['u', 'v']).values[2]!);
  test('arithmetic drops a missing child and renormalises', () => {
    expect(run('arithmetic', [40, 40], [80, N])).toEqual([70, 40]);
  });
  test('geometric and harmonic', () => {
    const [g] = run('geometric', [16, 1], [1, 1]);
    expect(g).toBeCloseTo(16 ** 0.25, 12);
    const [h] = run('harmonic', [10, 1], [30, 1]);
    expect(h).toBeCloseTo(1 / (0.25 / 10 + 0.75 / 30), 12);
  });
  test('geometric mean over a zero is refused with a sentence', () => {
    expect(() => run('geometric', [0, 1], [1, 1])).toThrow(/values > 0.*a is 0 for u/);
  });
  test('generalised mean with p = 2', () => {
    expect(run('genmean', [10, 1], [20, 1], 2)[0]).toBeCloseTo(Math.sqrt(0.25 * 100 + 0.75 * 400), 12);
  });
  test('TOPSIS: the unit best on every child has closeness 1, the worst 0', () => {
    expect(run('topsis', [10, 0], [10, 0])).toEqual([1, 0]);
  });
  test('Copeland: wins minus losses', () => {
    expect(run('copeland', [10, 0], [10, 0])).toEqual([1, -1]);
  });
  const three = (method: string, a: number[], b: number[], minAvailability: number) =>
    Array.from(
      aggregate(nodes, [f(a), f(b), f([])], weights, { method: method as 'topsis', p: 1, minAvailability }, [
        'u',
        'v',
        'w',
        'x',
      ]).values[2]!,
    );
  test.each(['topsis', 'copeland'])(
    '%s: a unit with no child present has no value, and none below minAvailability',
    (method) => {
      // w has no data at all; x has only a (half the children).
      const loose = three(method, [10, 0, N, 5], [10, 0, N, N], 0);
      expect(loose[2]).toBeNaN();
      expect(loose.filter((v) => v === v)).toHaveLength(3);
      const strict = three(method, [10, 0, N, 5], [10, 0, N, N], 1);
      expect(strict[2]).toBeNaN();
      expect(strict[3]).toBeNaN();
      // Units without a value take no part: u and v are compared with each other only.
      expect(strict.slice(0, 2)).toEqual(method === 'topsis' ? [1, 0] : [1, -1]);
    },
  );
  test('generalised mean with a fractional p refuses a negative value, as the geometric mean refuses zero', () => {
    expect(() => run('genmean', [-1, 1], [4, 1], 0.5)).toThrow(
      /generalised mean with p = 0.5.*needs values >= 0 when p is not a whole number.*a is -1 for u/,
    );
    expect(() => run('genmean', [0, 1], [4, 1], -2)).toThrow(/p = -2.*needs values > 0 when p <= 0/);
    expect(run('genmean', [0, 1], [4, 1], 0.5)[0]).toBeCloseTo((0.75 * 2) ** 2, 12);
  });
  test('generalised mean with an odd p keeps the sign of a negative mean (a real root)', () => {
    const [m] = run('genmean', [-2, 1], [-1, 1], 3);
    expect(m).toBeCloseTo(-Math.cbrt(0.25 * 8 + 0.75 * 1), 12);
  });
});

describe('rank and grade', () => {
  test('ties share the best rank (1, 2, 2, 4)', () => {
    expect(Array.from(rank(f([9, 5, 5, 1])).rank)).toEqual([1, 2, 2, 4]);
  });
  test('quota: a tie at the boundary shares the better grade and the log says so', () => {
    const s = f([9, 8, 8, 1]);
    const r = grade({
      units: ['a', 'b', 'c', 'd'],
      score: s,
      order: rank(s).order,
      grading: gradingSchema.parse({
        method: 'quota',
        grades: [
          { code: 'A', count: 2 },
          { code: 'B', count: 2 },
        ],
      }),
    });
    expect(r.grade).toEqual(['A', 'A', 'A', 'B']);
    expect(r.log.ties).toEqual([{ unit: 'c', grade: 'A', tiedWith: 'b', boundary: 'A/B', score: 8 }]);
  });
  test('jenks finds the natural gaps', () => {
    expect(jenksClasses([100, 99, 98, 50, 49, 10], 3)).toEqual([0, 0, 0, 1, 1, 2]);
  });
});

describe('treat leaves yes/no indicators alone', () => {
  test('a skewed 0/1 column is neither winsorised nor logged', () => {
    const col = Float64Array.from([...new Array<number>(20).fill(1), 0, 0]);
    const r = treat([col], ['yn'], treatSchema.parse({ method: 'winsorise' }));
    expect(Array.from(r.cols[0]!)).toEqual(Array.from(col));
    expect(r.log).toEqual([]);
  });
});

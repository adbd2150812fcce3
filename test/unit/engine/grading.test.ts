import fc from 'fast-check';
import { datasetFromRows } from '../../../lib/core/dataset';
import { MethodologyError } from '../../../lib/core/errors';
import {
  type CompiledMethodology,
  compileMethodology,
  formatIssues,
  gradingSchema,
} from '../../../lib/core/methodology';
import { score } from '../../../lib/core/score';
import { gateCap, grade, gradeCounts } from '../../../lib/core/steps/grade';
import { rank } from '../../../lib/core/steps/rank';

const g4 = (extra: Record<string, unknown>) =>
  gradingSchema.parse({
    grades: [
      { code: 'A', count: 1, share: 0.25, minScore: 80 },
      { code: 'B', count: 1, share: 0.25, minScore: 60 },
      { code: 'C', count: 1, share: 0.25, minScore: 40 },
      { code: 'D', count: 1, share: 0.25 },
    ],
    ...extra,
  });

/** The same four grades by quota with their counts alone: a methodology refuses the fields quota does not read. */
const quota4 = () =>
  gradingSchema.parse({
    method: 'quota',
    grades: ['A', 'B', 'C', 'D'].map((code) => ({ code, count: 1 })),
  });

/** Quota grades G1, G2, G3 of one zone each, and a missing required indicator capping the grade at `maxGrade`. */
const oneEachRequiredGate = (maxGrade: string) =>
  gradingSchema.parse({
    method: 'quota',
    grades: [
      { code: 'G1', count: 1 },
      { code: 'G2', count: 1 },
      { code: 'G3', count: 1 },
    ],
    gates: [{ required: true, maxGrade }],
  });

function compile(input: unknown): CompiledMethodology {
  const c = compileMethodology(input);
  if (!c.ok) throw new Error(formatIssues(c.issues));
  return c.methodology;
}

function run(
  scores: number[],
  grading: ReturnType<typeof g4>,
  availability?: number[],
  requiredMissing?: boolean[],
) {
  const s = Float64Array.from(scores);
  return grade({
    units: scores.map((_, i) => `u${i}`),
    score: s,
    order: rank(s).order,
    grading,
    availability: availability && Float64Array.from(availability),
    requiredMissing,
  });
}

describe('grading rules', () => {
  test('share: largest remainders make the counts add up to n', () => {
    expect(gradeCounts(g4({ method: 'share' }), 10)).toEqual([3, 3, 2, 2]);
  });
  test('thresholds: each zone takes the best grade whose minimum score it reaches', () => {
    expect(run([95, 80, 79.99, 45, 10], g4({ method: 'thresholds' })).grade).toEqual([
      'A',
      'A',
      'B',
      'C',
      'D',
    ]);
  });
  test('jenks: classes follow the gaps, not positions', () => {
    expect(run([99, 98, 70, 69, 40, 39, 38, 5], g4({ method: 'jenks' })).grade).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'C',
      'D',
    ]);
  });
  test('a quota larger than the number of zones in the data is refused by score, naming grade.grades', () => {
    const m = compile({ indicators: [{ code: 'a' }], grade: quota4() });
    const data = datasetFromRows([
      { id: 'x', values: { a: 1 } },
      { id: 'y', values: { a: 2 } },
      { id: 'z', values: { a: 3 } },
    ]);
    let err: unknown;
    try {
      score(m, data);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MethodologyError);
    expect((err as MethodologyError).issues).toEqual([
      {
        path: 'grade.grades',
        message: expect.stringMatching(/the quotas add up to 4, more than the 3 units in the data/),
      },
    ]);
  });
  test('fewer units with a score than the quotas: grades are filled best first and the rest stay ungraded', () => {
    // 1 + 1 + 1 + 1 = 4 places, 4 zones, one of them without any data (the 2022 case: 105 places, 104 scores).
    const m = compile({ indicators: [{ code: 'a' }, { code: 'b' }], grade: quota4() });
    const r = score(
      m,
      datasetFromRows([
        { id: 'w', values: { a: 1, b: 2 } },
        { id: 'x', values: { a: 3, b: 1 } },
        { id: 'y', values: { a: null, b: null } },
        { id: 'z', values: { a: 2, b: 0 } },
      ]),
    );
    expect(r.grade).toEqual(['B', 'A', null, 'C']);
    expect(r.log.grade!.counts).toEqual({ A: 1, B: 1, C: 1, D: 0 });
    expect(r.log.grade!.notes.join(' ')).toMatch(
      /only 3 units have a score, fewer than the 4 places.*1 units without a score are not graded/,
    );
  });
  test('the same in grade() itself: no refusal when the scored units are fewer than the quotas', () => {
    const r = run([90, Number.NaN, 70], g4({ method: 'quota' }));
    expect(r.grade).toEqual(['A', null, 'B']);
  });
  test('a screen that drops units leaves fewer than the quotas, which is not a methodology mistake', () => {
    const m = compile({
      indicators: [{ code: 'a' }, { code: 'b' }],
      screen: { minAvailability: 1 },
      grade: quota4(),
    });
    const r = score(
      m,
      datasetFromRows([
        { id: 'w', values: { a: 1, b: 2 } },
        { id: 'x', values: { a: 3, b: 1 } },
        { id: 'y', values: { a: 5, b: null } },
        { id: 'z', values: { a: 2, b: 0 } },
      ]),
    );
    expect(r.units).toEqual(['w', 'x', 'z']);
    expect(r.grade).toEqual(['B', 'A', 'C']);
  });
  test('gateCap: the strictest gate a unit fails, the first of equals, and none for a unit that passes', () => {
    const grading = gradingSchema.parse({
      method: 'quota',
      grades: [
        { code: 'A', count: 1 },
        { code: 'B', count: 1 },
        { code: 'C', count: 1 },
      ],
      gates: [
        { minAvailability: 0.8, maxGrade: 'B' },
        { required: true, maxGrade: 'C' },
        { minAvailability: 0.5, maxGrade: 'C' },
      ],
    });
    expect(gateCap(grading, 1, false)).toEqual({ cap: 0, gate: -1 });
    expect(gateCap(grading, 0.7, false)).toEqual({ cap: 1, gate: 0 });
    expect(gateCap(grading, 0.7, true)).toEqual({ cap: 2, gate: 1 });
    expect(gateCap(grading, 0.4, false)).toEqual({ cap: 2, gate: 2 });
    expect(gateCap(grading, undefined, false)).toEqual({ cap: 0, gate: -1 });
  });
  test('a gate holds a zone down and its quota place passes to the next zone', () => {
    const r = run(
      [90, 80, 70, 60],
      g4({ method: 'quota', gates: [{ minAvailability: 0.8, maxGrade: 'C' }] }),
      [0.5, 1, 1, 1],
    );
    expect(r.grade).toEqual(['C', 'A', 'B', 'D']);
    expect(r.log.gated).toEqual([
      { unit: 'u0', earned: 'A', grade: 'C', reason: 'data availability 50% is below 80%: at most C' },
    ]);
  });
  test('a tie next to a gated zone: the third of three tied zones shares the grade of the first', () => {
    const grading = oneEachRequiredGate('G3');
    const r = run([90, 90, 90], grading, undefined, [false, true, false]);
    expect(r.grade).toEqual(['G1', 'G3', 'G1']);
    expect(r.log.ties).toEqual([{ unit: 'u2', grade: 'G1', tiedWith: 'u0', boundary: 'G1/G2', score: 90 }]);
  });
  test('a tie with a gated zone the gate did not hold down still shares its grade', () => {
    const grading = oneEachRequiredGate('G2');
    expect(run([95, 90, 90], grading, undefined, [false, true, false]).grade).toEqual(['G1', 'G2', 'G2']);
    // Here the gate holds the middle zone down (the tie would give it G1), so its G2 is not the grade of a
    // tie; the last zone, not tied, takes G3.
    expect(run([95, 95, 90], grading, undefined, [false, true, false]).grade).toEqual(['G1', 'G2', 'G3']);
  });
  test('zones tied and held by the same gate share the best grade it allows', () => {
    const grading = oneEachRequiredGate('G2');
    expect(run([90, 90, 90], grading, undefined, [true, true, true]).grade).toEqual(['G2', 'G2', 'G2']);
  });
  test('a required-indicator gate under thresholds caps the grade', () => {
    const r = run(
      [90, 80],
      g4({ method: 'thresholds', gates: [{ required: true, maxGrade: 'B' }] }),
      undefined,
      [true, false],
    );
    expect(r.grade).toEqual(['B', 'A']);
    expect(r.log.gated[0]!.reason).toBe('a required indicator is missing: at most B');
  });
});

describe('grading properties', () => {
  const counts = [2, 5, 4, 1];
  const grading = gradingSchema.parse({
    method: 'quota',
    grades: counts.map((count, i) => ({ code: 'ABCD'[i]!, count })),
    gates: [{ minAvailability: 0.5, maxGrade: 'C' }],
  });
  const scores = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 12, maxLength: 12 });
  const avail = fc.array(fc.constantFrom(0.2, 1), { minLength: 12, maxLength: 12 });

  test('ties always share a grade, and a better score never gets a worse grade among ungated zones', () => {
    fc.assert(
      fc.property(scores, (xs) => {
        const r = run(xs, grading);
        return xs.every((a, i) =>
          xs.every((b, k) =>
            a === b
              ? r.gradeIndex[i] === r.gradeIndex[k]
              : a > b
                ? r.gradeIndex[i]! <= r.gradeIndex[k]!
                : true,
          ),
        );
      }),
    );
  });

  test('gated zones never rise above the gate, and total counts stay n', () => {
    fc.assert(
      fc.property(scores, avail, (xs, av) => {
        const r = run(xs, grading, av);
        const capped = av.every((a, i) => a >= 0.5 || r.gradeIndex[i]! >= 2);
        return capped && Object.values(r.log.counts).reduce((s, c) => s + c, 0) === 12;
      }),
    );
  });

  test('without ties or gates the quota counts are exact', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 12, maxLength: 12 }),
        (xs) => {
          const r = run(xs, grading);
          return counts.every((c, g) => r.log.counts['ABCD'[g]!] === c);
        },
      ),
    );
  });
});

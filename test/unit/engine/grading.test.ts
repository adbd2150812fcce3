import fc from 'fast-check';
import { gradingSchema } from '../../../lib/core/methodology';
import { grade, gradeCounts } from '../../../lib/core/steps/grade';
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
  test('a quota larger than the number of zones is refused', () => {
    expect(() => run([1, 2], g4({ method: 'quota' }))).toThrow(
      /the quotas add up to 4, more than the 2 units/,
    );
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
